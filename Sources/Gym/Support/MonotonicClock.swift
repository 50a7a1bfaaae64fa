import Foundation

// MARK: - The clock

/// Rein's one monotonic clock, for wall times and rates (episode times, steps per second, progress, the parallel
/// vector environment's load balancing): seconds since an arbitrary fixed point, never going back.
public enum MonotonicClock {
  /// Seconds since an arbitrary fixed point (CLOCK_MONOTONIC).
  public static func seconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }
}
