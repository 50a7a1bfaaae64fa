import Foundation
import PolicyGradient

// MARK: - Training monitor

/// Connects an algorithm's training events to the experiment tooling: loggers, the progress display and callbacks.
/// It is itself the callback the algorithm is given:
///
///     let seedFolder = try run.seedFolder(seed: 1)
///     let monitor = TrainingMonitor(
///       logger: try seedFolder.makeLoggers(console: true),
///       progress: ProgressDisplay(totalSteps: 100_000),
///       callbacks: [StopOnRewardThreshold(threshold: 475, source: .trainingEpisodes(window: 50))])
///     let summary = try ppo.learn(budget, callback: monitor)
///     try monitor.finish(summary)
///
/// Every logged update becomes one log record at its step, holding the algorithm's metrics plus
/// `time/episodes`; with ``logsEpisodes``, every finished episode also becomes a record with `episode/index`,
/// `episode/return` and `episode/length` (what per-episode plots such as W1's read). Every event goes on to the
/// callbacks, updates with those metrics; a stop from any of them, or a logger failure, stops training with its
/// reason.
public final class TrainingMonitor: TrainingCallback {
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

  private var recentReturnMean: Double?
  private var environmentSteps = 0
  private var episodes = 0
  private var updates = 0

  /// Creates a monitor; progress counts episodes when the display's unit is "episodes".
  ///
  /// - Parameters:
  ///   - logger: Receives the update and (with `logsEpisodes`) episode records; nil logs nothing.
  ///   - progress: The progress display updated on steps and episodes; nil shows none.
  ///   - callbacks: Further callbacks that see every event, in order.
  ///   - logsEpisodes: True to log a record per finished episode (`episode/...`) as well.
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
  /// Updates seen so far, logged or not (resumed ones included): A2C's every update, not only the one in 100 it
  /// logs.
  public var updateCount: Int { updates }

  /// Continues counting after a resume: the episodes already finished and the updates already seen, so that
  /// `time/episodes` and the update numbers go on as in an uninterrupted run.
  ///
  /// - Parameters:
  ///   - finished: The episodes finished before the resume, in order.
  ///   - updates: The updates seen before it.
  ///   - steps: The environment steps taken before it.
  public func resume(episodes finished: [EpisodeRecord], updates: Int, environmentSteps steps: Int) {
    episodes = finished.count
    self.updates = updates
    environmentSteps = steps
    recentReturnMean = RollingMean(window: 100, continuing: finished.map(\.episodeReturn)).mean
  }

  // MARK: Events

  public func onTrainingStart(_ info: TrainingStartInfo) -> CallbackDecision {
    decide(callbacks.onTrainingStart(info))
  }

  public func onStep(_ info: StepInfo) -> CallbackDecision {
    environmentSteps = info.environmentSteps
    return decide(callbacks.onStep(info))
  }

  public func onEpisodeEnd(_ info: EpisodeInfo) -> CallbackDecision {
    episodes = info.episodes
    environmentSteps = max(environmentSteps, info.environmentSteps)
    recentReturnMean = info.recentReturnMean
    if logsEpisodes {
      write(
        ScalarRecord(
          step: info.environmentSteps,
          values: [
            ("episode/index", Double(info.episodes - 1)), ("episode/return", info.episodeReturn),
            ("episode/length", Double(info.length)),
          ]))
    }
    let decision = callbacks.onEpisodeEnd(info)
    showProgress()
    return decide(decision)
  }

  public func onRolloutEnd(_ info: RolloutInfo) -> CallbackDecision {
    decide(callbacks.onRolloutEnd(info))
  }

  public func onUpdate(_ info: UpdateInfo) -> CallbackDecision {
    environmentSteps = max(environmentSteps, info.environmentSteps)
    updates += 1
    guard var values = info.metrics else { return decide(callbacks.onUpdate(info)) }
    if !values.contains(where: { $0.key == "time/episodes" }) { values.append(("time/episodes", Double(episodes))) }
    write(ScalarRecord(step: info.environmentSteps, values: values))
    var logged = info
    logged.metrics = values
    let decision = callbacks.onUpdate(logged)
    showProgress()
    return decide(decision)
  }

  public func onEvaluation(_ info: EvaluationInfo) -> CallbackDecision {
    decide(callbacks.onEvaluation(info))
  }

  public func onTrainingEnd(_ info: TrainingEndInfo) {
    callbacks.onTrainingEnd(info)
  }

  /// Ends the progress display and closes the logger; throws a logging error that stopped training, or one from
  /// closing.
  ///
  /// - Parameter summary: What training did; gives the final progress.
  /// - Throws: The logging error that stopped training, or one from closing the logger.
  public func finish(_ summary: TrainingSummary) throws {
    progress?.finish(
      completed: progressCountsEpisodes ? summary.episodes.count : summary.steps,
      recentReturn: summary.meanReturn(last: 100))
    try logger?.close()
    if let loggingError { throw loggingError }
  }

  private func showProgress() {
    progress?.update(completed: progressCountsEpisodes ? episodes : environmentSteps, recentReturn: recentReturnMean)
  }

  /// The decision to return: the first stop (a callback's or a logging failure), repeated until training ends.
  private func decide(_ decision: CallbackDecision) -> CallbackDecision {
    if let loggingError, stopReason == nil { stopReason = "logging failed: \(loggingError)" }
    if case .stop(let reason) = decision, stopReason == nil { stopReason = reason }
    return stopReason.map { .stop(reason: $0) } ?? .proceed
  }

  /// The seed's line of `summary.json` from a training summary and optional evaluation returns.
  ///
  /// - Parameters:
  ///   - seed: The seed.
  ///   - summary: What training did.
  ///   - evaluationReturns: The final evaluation's returns; nil without an evaluation.
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
