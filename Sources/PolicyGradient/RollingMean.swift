// MARK: - Rolling mean

/// The mean of the last `window` values of a stream, kept as a running sum: each new value is added, then the one
/// leaving the window subtracted, in that order (the sum a checkpoint saves, so resumed means continue bit for
/// bit). It is the mean behind `rollout/ep_rew_mean`, the stop-at-mean-return rule, the progress display and the
/// printed "mean return of the last N episodes".
public struct RollingMean: Sendable, Equatable {
  /// The most values the mean covers.
  public let window: Int
  /// The running sum of the values in the window.
  public private(set) var sum = 0.0
  /// The values in the window, as a ring starting at `oldest`.
  private var values: [Double] = []
  private var oldest = 0

  /// An empty mean over the last `window` values (at least 1).
  ///
  /// - Parameter window: The most values the mean covers; values below 1 are taken as 1.
  public init(window: Int) {
    self.window = Swift.max(window, 1)
  }

  /// A mean continuing from `values` (the stream so far; only the last `window` are kept) with the running `sum`
  /// saved before, or their sum in order when none was.
  ///
  /// - Parameters:
  ///   - window: The most values the mean covers (at least 1).
  ///   - values: The stream so far, oldest first; only its last `window` values are kept.
  ///   - sum: The running sum saved with those values, so that the mean continues bit for bit; nil recomputes it by
  ///     adding the kept values in order.
  public init(window: Int, continuing values: some Collection<Double>, sum: Double? = nil) {
    self.init(window: window)
    self.values = Array(values.suffix(self.window))
    self.sum = sum ?? self.values.reduce(0, +)
  }

  /// Adds a value; once the window is full, the oldest leaves it.
  ///
  /// - Parameter value: The newest value of the stream.
  public mutating func add(_ value: Double) {
    sum += value
    if values.count < window {
      values.append(value)
    } else {
      sum -= values[oldest]
      values[oldest] = value
      oldest = (oldest + 1) % window
    }
  }

  /// How many values the mean covers now.
  public var count: Int { values.count }
  /// Whether the window is full.
  public var isFull: Bool { values.count == window }
  /// The mean, or nil before the first value.
  public var mean: Double? { values.isEmpty ? nil : sum / Double(values.count) }
}
