import Foundation

// MARK: - What every training loop shares
//
// Each algorithm's `learn` has the same prologue (check the budget, start the clock, track episodes against the
// budget and the observer) and epilogue (the summary), and saves and restores the same loop state: a
// ``LoopState`` of counters and the finished episodes. ``TrainingLoop`` holds them; ``OnPolicyDriver`` (A2C,
// PPO) and the episodic and one-step loops of REINFORCE and actor-critic are built on it.

/// The loop state of an agent and the bookkeeping around it.
final class TrainingLoop {
  /// The counters.
  var state = LoopState()
  /// The finished episodes and the running sum behind the mean return.
  let history = EpisodeHistory()

  /// The prologue of `learn`: checks the budget and starts tracking episodes and the clock.
  func begin(_ budget: TrainingBudget, observer: TrainingObserver?) throws -> EpisodeTracker {
    try budget.validate()
    return EpisodeTracker(budget: budget, observer: observer, history: history)
  }

  /// The epilogue of `learn`: what the call did.
  func summary(_ tracker: EpisodeTracker) -> TrainingSummary {
    TrainingSummary(
      steps: state.steps, episodes: tracker.episodes, wallSeconds: MonotonicClock.seconds() - tracker.startSeconds,
      stoppedEarly: tracker.stopReason)
  }

  /// The state to save, with the environment's.
  func save(
    algorithm: String, environment: EnvironmentState, episodeInProgress: EpisodeInProgress? = nil
  ) -> AgentTrainingState {
    AgentTrainingState(
      algorithm: algorithm, loop: state, episodeInProgress: episodeInProgress, episodes: history.episodes,
      recentReturnSum: history.recentSum, recentReturnWindow: history.window, environment: environment)
  }

  /// Checks `saved` against `algorithm`, restores the environment with `restoreEnvironment`, then the counters and
  /// episodes.
  func restore(
    _ saved: AgentTrainingState, algorithm: String, environment restoreEnvironment: (EnvironmentState) throws -> Void
  ) throws {
    try saved.validate(algorithm: algorithm)
    try restoreEnvironment(saved.environment)
    state = saved.loop
    history.episodes = saved.episodes
    history.recentSum = saved.recentReturnSum
    history.window = saved.recentReturnWindow
  }
}

/// A monotonic clock, for wall times and rates.
public enum MonotonicClock {
  /// Seconds since an arbitrary fixed point (CLOCK_MONOTONIC).
  public static func seconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }
}

// MARK: - Episodes

/// The finished episodes of an agent's whole training (across `learn` calls and resumes) and the running sum of
/// the last `window` returns, kept by the agent so that a checkpoint taken from an observer sees them up to date.
final class EpisodeHistory {
  var episodes: [EpisodeRecord] = []
  /// The sum of the last `window` returns, accumulated in order (saved as is, so resumed means are bit-identical).
  var recentSum = 0.0
  /// The window `recentSum` covers.
  var window = 100

  /// Makes `recentSum` cover the last `newWindow` returns (recomputing it when the window changes).
  func use(window newWindow: Int) {
    guard newWindow != window else { return }
    window = newWindow
    recentSum = episodes.suffix(newWindow).reduce(0) { $0 + $1.episodeReturn }
  }
}

/// Tracks finished episodes, the budget and the observer's verdicts for a training loop; the episodes go to the
/// agent's ``EpisodeHistory``, so budgets count the whole training, resumed parts included.
struct EpisodeTracker {
  let budget: TrainingBudget
  let observer: TrainingObserver?
  let history: EpisodeHistory
  var stopReason: String?
  /// When the `learn` call began, on the monotonic clock.
  let startSeconds = MonotonicClock.seconds()

  init(budget: TrainingBudget, observer: TrainingObserver?, history: EpisodeHistory) {
    self.budget = budget
    self.observer = observer
    self.history = history
    history.use(window: budget.meanWindow)
  }

  /// Every finished episode of the training so far.
  var episodes: [EpisodeRecord] { history.episodes }

  /// Records a finished episode and tells the observer; sets ``stopReason`` when training should end.
  mutating func finish(return episodeReturn: Double, length: Int, step: Int, terminated: Bool) {
    let record = EpisodeRecord(
      episodeReturn: episodeReturn, length: length, step: step, index: history.episodes.count, terminated: terminated)
    history.episodes.append(record)
    history.recentSum += episodeReturn
    let count = history.episodes.count
    if count > budget.meanWindow { history.recentSum -= history.episodes[count - 1 - budget.meanWindow].episodeReturn }
    if case .stop(let reason) = observer?(.episode(record)) ?? .proceed { stopReason = stopReason ?? reason }
    if let target = budget.stopAtMeanReturn, count >= budget.meanWindow,
      history.recentSum / Double(budget.meanWindow) >= target
    {
      stopReason =
        stopReason
        ?? "the mean return of the last \(budget.meanWindow) episodes reached \(recentMean!) (target \(target))"
    }
  }

  /// Tells the observer about an update.
  mutating func update(step: Int, metrics: [String: Double]) {
    if case .stop(let reason) = observer?(.update(step: step, metrics: metrics)) ?? .proceed {
      stopReason = stopReason ?? reason
    }
  }

  /// Tells the observer that the loop is at a boundary between updates.
  mutating func boundary(step: Int) {
    if case .stop(let reason) = observer?(.boundary(step: step)) ?? .proceed { stopReason = stopReason ?? reason }
  }

  /// The mean return of the last `meanWindow` episodes.
  var recentMean: Double? {
    guard !history.episodes.isEmpty else { return nil }
    return history.recentSum / Double(Swift.min(history.episodes.count, budget.meanWindow))
  }

  /// True once the episode budget is used up or a stop was asked for.
  func done(steps: Int) -> Bool {
    if stopReason != nil { return true }
    if let limit = budget.episodes, history.episodes.count >= limit { return true }
    if let limit = budget.steps, steps >= limit { return true }
    return false
  }
}
