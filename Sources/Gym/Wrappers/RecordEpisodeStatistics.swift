import Foundation

// MARK: - RecordEpisodeStatistics

/// Tracks each episode's return, length and wall-clock time, as Gymnasium's `RecordEpisodeStatistics`.
///
/// When an episode ends (terminated or truncated) the step's info gets an `"episode"` entry
/// `{"r": return, "l": length, "t": seconds}` and the three values join queues that keep the last
/// `bufferLength` episodes (`returnQueue`, `lengthQueue`, `timeQueue`).
public final class RecordEpisodeStatistics: EnvironmentWrapper {
  public let inner: any Environment
  /// How many finished episodes the queues keep.
  public let bufferLength: Int
  /// Returns of the last `bufferLength` episodes, oldest first.
  public private(set) var returnQueue: [Double] = []
  /// Lengths of the last `bufferLength` episodes, oldest first.
  public private(set) var lengthQueue: [Int] = []
  /// Wall-clock durations (s) of the last `bufferLength` episodes, oldest first.
  public private(set) var timeQueue: [Double] = []
  /// Episodes finished so far.
  public private(set) var episodeCount = 0
  /// The running episode's return and length.
  public private(set) var episodeReturn = 0.0
  public private(set) var episodeLength = 0
  private var episodeStart = 0.0

  public init(_ environment: any Environment, bufferLength: Int = 100) throws {
    guard bufferLength > 0 else {
      throw EnvironmentError.invalidArgument("bufferLength must be positive, got \(bufferLength)")
    }
    inner = environment
    self.bufferLength = bufferLength
    returnQueue.reserveCapacity(bufferLength)
  }

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> Info
  {
    let info = try inner.reset(seed: seed, options: options, into: observation)
    episodeReturn = 0
    episodeLength = 0
    episodeStart = MonotonicClock.seconds()
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    var outcome = try inner.step(action, into: observation)
    episodeReturn += outcome.reward
    episodeLength += 1
    if outcome.terminated || outcome.truncated {
      let time = ((MonotonicClock.seconds() - episodeStart) * 1e6).rounded() / 1e6
      outcome.info["episode"] = .info([
        "r": .double(episodeReturn), "l": .int(episodeLength), "t": .double(time),
      ])
      append(&returnQueue, episodeReturn)
      append(&lengthQueue, episodeLength)
      append(&timeQueue, time)
      episodeCount += 1
    }
    return outcome
  }

  // MARK: - Saving and restoring

  /// Saves the queues, counters and running episode; the running episode's start time is saved as the seconds
  /// already elapsed (wall-clock times are not reproducible anyway).
  public func saveState() throws -> EnvironmentState {
    var state = EnvironmentState(kind: "RecordEpisodeStatistics")
    state.nest(try inner.saveState(), under: "inner")
    state.doubles["return_queue"] = returnQueue
    state.integers["length_queue"] = lengthQueue.map { UInt64(max($0, 0)) }
    state.doubles["time_queue"] = timeQueue
    state.set("episode_count", count: episodeCount)
    state.doubles["episode_returns"] = [episodeReturn]
    state.set("episode_lengths", count: episodeLength)
    state.doubles["episode_elapsed_seconds"] = [MonotonicClock.seconds() - episodeStart]
    return state
  }

  public func restoreState(_ state: EnvironmentState) throws {
    try state.requireKind("RecordEpisodeStatistics")
    let returns = try state.doubles("return_queue")
    let lengths = try state.integers("length_queue", count: returns.count)
    let times = try state.doubles("time_queue", count: returns.count)
    guard lengths.allSatisfy({ $0 <= UInt64(Int.max) }) else {
      throw EnvironmentStateError.invalidValue(
        kind: "RecordEpisodeStatistics", field: "length_queue", reason: "holds a length out of range")
    }
    guard returns.count <= bufferLength else {
      throw EnvironmentStateError.invalidValue(
        kind: "RecordEpisodeStatistics", field: "return_queue",
        reason: "holds \(returns.count) episodes, more than the buffer length \(bufferLength)")
    }
    let count = try state.count("episode_count")
    let running = try state.double("episode_returns")
    let length = try state.count("episode_lengths")
    let elapsed = try state.double("episode_elapsed_seconds")
    try inner.restoreState(state.child("inner"))
    returnQueue = returns
    lengthQueue = lengths.map { Int($0) }
    timeQueue = times
    episodeCount = count
    episodeReturn = running
    episodeLength = length
    episodeStart = MonotonicClock.seconds() - elapsed
  }

  private func append<T>(_ queue: inout [T], _ value: T) {
    if queue.count == bufferLength { queue.removeFirst() }
    queue.append(value)
  }
}
