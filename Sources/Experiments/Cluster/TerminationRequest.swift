import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Stopping on SIGTERM

/// A request to stop training at the next update, set by SIGTERM (SLURM's warning before a time limit or a
/// preemption, `scancel --signal=TERM`) or SIGINT once ``installSignalHandlers(_:)`` ran. A runner whose
/// ``ExperimentRunner/stopRequested`` reads it writes each seed's checkpoint at its next update and stops it as
/// interrupted, so that the cell resumes from there to the same result.
public final class TerminationRequest: @unchecked Sendable {
  /// The process's request.
  public static let shared = TerminationRequest()

  private let lock = NSLock()
  private var requested = false
  private var sources: [any DispatchSourceSignal] = []

  /// Creates a request that nothing has made yet.
  public init() {}

  /// Whether a stop was requested.
  public var isRequested: Bool { lock.withLock { requested } }

  /// Requests the stop.
  public func request() { lock.withLock { requested = true } }

  /// From now on `signals` (SIGTERM and SIGINT by default) request the stop instead of ending the process.
  /// - Parameters:
  ///   - signals: The signal numbers to catch.
  public func installSignalHandlers(_ signals: [Int32] = [SIGTERM, SIGINT]) {
    lock.withLock {
      for number in signals {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { [weak self] in self?.request() }
        source.resume()
        sources.append(source)
      }
    }
  }
}
