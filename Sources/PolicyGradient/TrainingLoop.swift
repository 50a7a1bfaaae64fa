import Foundation

// MARK: - What every training loop shares
//
// Each algorithm's `learn` has the same prologue (check the budget, start the clock, track episodes against the
// budget and the callback, send the start event) and epilogue (the end event, the summary), and saves and
// restores the same loop state: a ``LoopState`` of counters and the finished episodes. ``TrainingLoop`` holds them;
// ``OnPolicyDriver`` (A2C, PPO) and the episodic and one-step loops of REINFORCE and actor-critic
// (``SingleEnvironmentAgent``) are built on it.

/// The loop state of an agent and the bookkeeping around it.
final class TrainingLoop {
  /// The counters.
  var state = LoopState()
  /// The finished episodes and the running sum behind the mean return.
  let history = EpisodeHistory()

  /// The prologue of `learn`: checks the budget, starts tracking episodes and the clock, and sends
  /// ``TrainingCallback/onTrainingStart(_:)``.
  func begin(
    _ budget: TrainingBudget, callback: (any TrainingCallback)?, algorithm: String, seed: UInt64
  ) throws -> EpisodeTracker {
    try budget.validate()
    var tracker = EpisodeTracker(budget: budget, callback: callback, history: history)
    tracker.start(algorithm: algorithm, seed: seed, steps: state.steps)
    return tracker
  }

  /// The epilogue of `learn`: sends ``TrainingCallback/onTrainingEnd(_:)`` and returns what the call did.
  func end(_ tracker: EpisodeTracker) -> TrainingSummary {
    tracker.end(steps: state.steps)
    return TrainingSummary(
      steps: state.steps, episodes: tracker.episodes, wallSeconds: MonotonicClock.seconds() - tracker.startSeconds,
      stoppedEarly: tracker.stopReason)
  }

  /// The state to save, with the environment's.
  func save(
    algorithm: String, environment: EnvironmentState, episodeInProgress: EpisodeInProgress? = nil
  ) -> AgentTrainingState {
    AgentTrainingState(
      algorithm: algorithm, loop: state, episodeInProgress: episodeInProgress, episodes: history.episodes,
      recentReturnSum: history.recent.sum, recentReturnWindow: history.recent.window, environment: environment)
  }

  /// The seed of the first reset after ``restart(_:algorithm:resetSeed:)``; used once.
  private var restartSeed: UInt64?

  /// The seed of a reset that starts an episode: the restart's seed once after a restart, else `seed` when
  /// `isFirst` (the training's very first reset) and nil (unseeded, continuing the environment's generator) otherwise.
  func resetSeed(_ seed: UInt64, isFirst: Bool) -> UInt64? {
    if let restartSeed {
      self.restartSeed = nil
      return restartSeed
    }
    return isFirst ? seed : nil
  }

  /// Continues the counters and episodes of `saved` while the environments start afresh (their state is not
  /// restored): the next `learn` resets them, seeded with `resetSeed`.
  func restart(_ saved: AgentTrainingState, algorithm: String, resetSeed: UInt64) throws {
    try saved.validate(algorithm: algorithm)
    state = saved.loop
    state.started = false
    history.restore(episodes: saved.episodes, recentSum: saved.recentReturnSum, window: saved.recentReturnWindow)
    restartSeed = resetSeed
  }

  /// Checks `saved` against `algorithm`, restores the environment with `restoreEnvironment`, then the counters and
  /// episodes.
  func restore(
    _ saved: AgentTrainingState, algorithm: String, environment restoreEnvironment: (EnvironmentState) throws -> Void
  ) throws {
    try saved.validate(algorithm: algorithm)
    try restoreEnvironment(saved.environment)
    state = saved.loop
    history.restore(episodes: saved.episodes, recentSum: saved.recentReturnSum, window: saved.recentReturnWindow)
  }
}

// MARK: - The agents built on one environment and a loop

/// An algorithm that trains in one environment on a ``TrainingLoop`` (REINFORCE, one-step actor-critic): the loop
/// and the environment supply the counters, the saved state, the restart and the closing of ``Agent``.
protocol SingleEnvironmentAgent: Agent {
  /// The environment trained in.
  var environment: any Environment { get }
  /// The loop state and finished episodes.
  var loop: TrainingLoop { get }
}

extension SingleEnvironmentAgent {
  public var steps: Int { loop.state.steps }

  /// The loop state between episodes: steps, episodes started (the first reset is seeded), finished episodes,
  /// and the environment's state.
  public func saveTrainingState() throws -> AgentTrainingState {
    loop.save(algorithm: Self.algorithmName, environment: try environment.saveState())
  }

  public func restoreTrainingState(_ state: AgentTrainingState) throws {
    try loop.restore(state, algorithm: Self.algorithmName) { try environment.restoreState($0) }
  }

  /// The loop state without the environment's: counters and finished episodes.
  public func saveTrainingStateWithoutEnvironments() throws -> AgentTrainingState {
    loop.save(algorithm: Self.algorithmName, environment: EnvironmentState(kind: "none"))
  }

  /// Continues the counters and finished episodes of `state` with a fresh episode.
  ///
  /// - Parameters:
  ///   - state: A state of an agent of the same algorithm and configuration, with or without its environment.
  ///   - resetSeed: The seed of the environment's next reset.
  /// - Throws: ``TrainingError/incompatibleState(_:)`` when the state does not fit this agent.
  public func restartTrainingState(_ state: AgentTrainingState, resetSeed: UInt64) throws {
    try loop.restart(state, algorithm: Self.algorithmName, resetSeed: resetSeed)
  }

  public func close() { environment.close() }
}

// MARK: - Episodes and events

/// The finished episodes of an agent's whole training (across `learn` calls and resumes) and the rolling mean of
/// the last `window` returns, kept by the agent so that a checkpoint taken from a callback sees them up to date.
final class EpisodeHistory {
  var episodes: [EpisodeRecord] = []
  /// The mean of the last `window` returns (its sum is saved as is, so resumed means are bit-identical).
  var recent = RollingMean(window: 100)

  /// Makes ``recent`` cover the last `window` returns (recomputing it when the window changes).
  func use(window: Int) {
    guard window != recent.window else { return }
    recent = RollingMean(window: window, continuing: episodes.map(\.episodeReturn))
  }

  /// Continues from saved episodes and the running sum of the last `window` returns.
  func restore(episodes saved: [EpisodeRecord], recentSum: Double, window: Int) {
    episodes = saved
    recent = RollingMean(window: window, continuing: saved.map(\.episodeReturn), sum: recentSum)
  }
}

/// A training loop's link to its callback: tracks finished episodes, the budget and the stop decisions, and sends
/// the events of the contract (Callbacks.swift). The episodes go to the agent's ``EpisodeHistory``, so budgets
/// count the whole training, resumed parts included.
struct EpisodeTracker {
  let budget: TrainingBudget
  let callback: (any TrainingCallback)?
  let history: EpisodeHistory
  var stopReason: String?
  /// When the `learn` call began, on the monotonic clock.
  let startSeconds = MonotonicClock.seconds()
  /// The mean of the last 100 returns, for ``EpisodeInfo/recentReturnMean``.
  private var last100: RollingMean

  init(budget: TrainingBudget, callback: (any TrainingCallback)?, history: EpisodeHistory) {
    self.budget = budget
    self.callback = callback
    self.history = history
    history.use(window: budget.meanWindow)
    last100 = RollingMean(window: 100, continuing: history.episodes.suffix(100).map(\.episodeReturn))
  }

  /// Every finished episode of the training so far.
  var episodes: [EpisodeRecord] { history.episodes }

  private mutating func take(_ decision: CallbackDecision) {
    if case .stop(let reason) = decision, stopReason == nil { stopReason = reason }
  }

  /// Sends ``TrainingCallback/onTrainingStart(_:)``.
  mutating func start(algorithm: String, seed: UInt64, steps: Int) {
    guard let callback else { return }
    take(
      callback.onTrainingStart(
        TrainingStartInfo(
          algorithm: algorithm, seed: seed, environmentSteps: steps, episodes: history.episodes.count,
          budget: budget)))
  }

  /// Sends ``TrainingCallback/onStep(_:)`` for a step that brought the count to `steps`.
  mutating func step(steps: Int, increment: Int) {
    guard let callback else { return }
    take(callback.onStep(StepInfo(environmentSteps: steps, episodes: history.episodes.count, stepIncrement: increment)))
  }

  /// Records a finished episode and sends ``TrainingCallback/onEpisodeEnd(_:)``; sets ``stopReason`` when
  /// training should end.
  mutating func finish(return episodeReturn: Double, length: Int, step: Int, terminated: Bool, environment: Int = 0) {
    let record = EpisodeRecord(
      episodeReturn: episodeReturn, length: length, step: step, index: history.episodes.count, terminated: terminated)
    history.episodes.append(record)
    history.recent.add(episodeReturn)
    last100.add(episodeReturn)
    if let callback {
      take(
        callback.onEpisodeEnd(
          EpisodeInfo(
            environmentSteps: step, episodes: history.episodes.count, episodeReturn: episodeReturn, length: length,
            environmentIndex: environment, terminated: terminated, recentReturnMean: last100.mean!)))
    }
    if let target = budget.stopAtMeanReturn, history.recent.isFull, let mean = history.recent.mean, mean >= target {
      stopReason =
        stopReason ?? "the mean return of the last \(budget.meanWindow) episodes reached \(mean) (target \(target))"
    }
  }

  /// Sends ``TrainingCallback/onRolloutEnd(_:)``.
  mutating func rolloutEnd(steps: Int, rolloutSteps: Int) {
    guard let callback else { return }
    take(
      callback.onRolloutEnd(
        RolloutInfo(environmentSteps: steps, episodes: history.episodes.count, rolloutSteps: rolloutSteps)))
  }

  /// Sends ``TrainingCallback/onUpdate(_:)``, with the metrics of a logged update (nil between logged ones).
  mutating func update(steps: Int, metrics: [String: Double]?) {
    guard let callback else { return }
    let sorted = metrics.map { $0.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) } }
    take(callback.onUpdate(UpdateInfo(environmentSteps: steps, episodes: history.episodes.count, metrics: sorted)))
  }

  /// Sends ``TrainingCallback/onTrainingEnd(_:)``.
  func end(steps: Int) {
    callback?.onTrainingEnd(
      TrainingEndInfo(environmentSteps: steps, episodes: history.episodes.count, stopReason: stopReason))
  }

  /// The mean return of the last `meanWindow` episodes.
  var recentMean: Double? { history.recent.mean }

  /// True once the episode budget is used up or a stop was asked for.
  func done(steps: Int) -> Bool {
    if stopReason != nil { return true }
    if let limit = budget.episodes, history.episodes.count >= limit { return true }
    if let limit = budget.steps, steps >= limit { return true }
    return false
  }
}
