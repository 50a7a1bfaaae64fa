import Foundation
import PolicyGradient

// MARK: - Training monitor

/// Connects an algorithm's training events to the experiment tooling: loggers, the progress display and callbacks.
///
///     let seedFolder = try run.seedFolder(seed: 1)
///     let monitor = TrainingMonitor(
///       logger: try seedFolder.makeLoggers(console: true),
///       progress: ProgressDisplay(totalSteps: 100_000),
///       callbacks: [StopOnRewardThreshold(threshold: 475, source: .trainingEpisodes(window: 50))])
///     let summary = try ppo.learn(budget, observer: monitor.observer)
///     try monitor.finish(summary)
///
/// Every update event becomes one log record at its step, holding the algorithm's metrics plus
/// `time/episodes`; with ``logsEpisodes``, every finished episode also becomes a record with `episode/index`,
/// `episode/return` and `episode/length` (what per-episode plots such as W1's read). Callbacks see episodes as
/// ``TrainingCallback/onEpisodeEnd(_:)`` and updates as ``TrainingCallback/onRolloutEnd(_:)``; a stop from any
/// of them, or a logger failure, stops training with its reason.
public final class TrainingMonitor {
  /// Where records go (nil: nowhere).
  public let logger: (any ScalarLogger)?
  /// The progress display (nil: none).
  public let progress: ProgressDisplay?
  /// The callbacks, called in order.
  public let callbacks: CallbackList
  /// Whether every finished episode is logged as its own record.
  public let logsEpisodes: Bool
  /// Whether progress counts episodes (true) or environment steps (false).
  public let progressCountsEpisodes: Bool
  /// The first error a logger threw (training was stopped then).
  public private(set) var loggingError: (any Error)?
  /// The stop reason given to the algorithm, if any.
  public private(set) var stopReason: String?

  private var recentReturns = RollingWindow(capacity: 100)
  private var environmentSteps = 0
  private var episodes = 0
  private var iterations = 0

  /// Creates a monitor; progress counts episodes when the display's unit is "episodes".
  public init(
    logger: (any ScalarLogger)? = nil, progress: ProgressDisplay? = nil, callbacks: [any TrainingCallback] = [],
    logsEpisodes: Bool = false
  ) {
    self.logger = logger
    self.progress = progress
    self.callbacks = CallbackList(callbacks)
    self.logsEpisodes = logsEpisodes
    progressCountsEpisodes = progress?.unit == "episodes"
  }

  /// Episodes finished so far (resumed ones included).
  public var episodeCount: Int { episodes }
  /// Update events seen so far (resumed ones included).
  public var updateCount: Int { iterations }

  /// Continues counting after a resume: the episodes already finished and the update events already seen, so
  /// that `time/episodes`, the iteration numbers given to callbacks and the recent mean return go on as in an
  /// uninterrupted run.
  public func resume(episodes finished: [EpisodeRecord], updates: Int, environmentSteps steps: Int) {
    episodes = finished.count
    iterations = updates
    environmentSteps = steps
    recentReturns = RollingWindow(capacity: 100)
    for record in finished.suffix(100) { recentReturns.append(record.episodeReturn) }
  }

  /// The closure to pass as an algorithm's `observer`.
  public var observer: TrainingObserver {
    { [self] event in observe(event) }
  }

  /// Handles one training event.
  public func observe(_ event: TrainingEvent) -> TrainingControl {
    var decision = CallbackDecision.proceed
    switch event {
    case .episode(let record):
      episodes = record.index + 1
      environmentSteps = max(environmentSteps, record.step)
      recentReturns.append(record.episodeReturn)
      if logsEpisodes {
        write(
          ScalarRecord(
            step: record.step,
            values: [
              ("episode/index", Double(record.index)), ("episode/return", record.episodeReturn),
              ("episode/length", Double(record.length)),
            ]))
      }
      decision = callbacks.onEpisodeEnd(
        EpisodeInfo(
          environmentSteps: record.step, episodes: episodes, episodeReturn: record.episodeReturn,
          length: record.length, recentReturnMean: recentReturns.mean))
    case .boundary(let step):
      // Between updates (A2C, actor-critic): callbacks see it as a step; nothing is logged or displayed.
      environmentSteps = max(environmentSteps, step)
      decision = callbacks.onStep(StepInfo(environmentSteps: step, episodes: episodes))
      if case .stop(let reason) = decision, stopReason == nil { stopReason = reason }
      return stopReason.map { .stop(reason: $0) } ?? .proceed
    case .update(let step, let metrics):
      iterations += 1
      environmentSteps = max(environmentSteps, step)
      var values = metrics.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
      if metrics["time/episodes"] == nil { values.append(("time/episodes", Double(episodes))) }
      write(ScalarRecord(step: step, values: values))
      decision = callbacks.onRolloutEnd(
        RolloutInfo(environmentSteps: step, episodes: episodes, iterations: iterations, metrics: values))
    }
    progress?.update(
      completed: progressCountsEpisodes ? episodes : environmentSteps,
      recentReturn: recentReturns.values.isEmpty ? nil : recentReturns.mean)
    if let loggingError, stopReason == nil { stopReason = "logging failed: \(loggingError)" }
    if case .stop(let reason) = decision, stopReason == nil { stopReason = reason }
    return stopReason.map { .stop(reason: $0) } ?? .proceed
  }

  /// Ends the progress display, tells the callbacks, and closes the logger; throws a logging error that stopped
  /// training, or one from closing.
  public func finish(_ summary: TrainingSummary) throws {
    progress?.finish(
      completed: progressCountsEpisodes ? summary.episodes.count : summary.steps,
      recentReturn: summary.meanReturn(last: 100))
    callbacks.onTrainingEnd(
      TrainingEndInfo(
        environmentSteps: summary.steps, episodes: summary.episodes.count,
        stopReason: summary.stoppedEarly ?? stopReason))
    try logger?.close()
    if let loggingError { throw loggingError }
  }

  /// The seed's line of `summary.json` from a training summary and optional evaluation returns.
  public static func seedSummary(
    seed: Int, training summary: TrainingSummary, evaluationReturns: [Double]? = nil
  )
    -> SeedSummary
  {
    SeedSummary(
      seed: seed, environmentSteps: summary.steps, episodes: summary.episodes.count, wallSeconds: summary.wallSeconds,
      stepsPerSecond: summary.stepsPerSecond, finalReturnMean: summary.meanReturn(last: 100) ?? .nan,
      evaluationMean: evaluationReturns.map { Statistics.mean($0) },
      evaluationStandardDeviation: evaluationReturns.map {
        Statistics.standardDeviation($0, deltaDegreesOfFreedom: 0)
      })
  }

  private func write(_ record: ScalarRecord) {
    guard loggingError == nil, let logger else { return }
    do {
      try logger.log(record)
    } catch {
      loggingError = error
    }
  }
}
