// MARK: - The event contract
//
// One contract between a training loop and whatever watches it, in the shape of Stable-Baselines3's
// `BaseCallback`. Every algorithm's `learn(_:callback:)` calls, in this order:
//
// - ``TrainingCallback/onTrainingStart(_:)`` once, before the first step of the call (after a resume too, with
//   the steps already taken);
// - ``TrainingCallback/onStep(_:)`` after every step of the environment (a vector environment's step counts as
//   one, adding its number of environments to the steps), then ``TrainingCallback/onEpisodeEnd(_:)`` for each
//   episode that ended in that step, with the index of its environment;
// - ``TrainingCallback/onRolloutEnd(_:)`` when a rollout is collected, before the update it feeds (A2C and PPO:
//   every `n_steps` rows; REINFORCE: every episode; one-step actor-critic: every step);
// - ``TrainingCallback/onUpdate(_:)`` after every update, once the loop state is complete (a checkpoint taken
//   then resumes exactly), with the metrics when the update is one the algorithm logs (A2C: about every 100
//   updates' worth of steps and the last; one-step actor-critic: every `logInterval` steps; PPO and REINFORCE:
//   every update);
// - ``TrainingCallback/onTrainingEnd(_:)`` once at the end, whatever the reason.
//
// ``TrainingCallback/onEvaluation(_:)`` is called by whatever evaluates during training (the experiment
// tooling's periodic evaluation, itself a callback) on the callbacks it was given. Any method may return
// ``CallbackDecision/stop(reason:)``: the loop finishes the rollout it is in (a stop inside a rollout still
// updates from what was collected), makes no further one, and ends; the first reason wins. Between steps of a
// rollout the loop state is incomplete: save checkpoints from ``TrainingCallback/onUpdate(_:)`` only.
// Callbacks run on the training thread; every method defaults to doing nothing.

/// What a callback tells the training loop.
public enum CallbackDecision: Equatable, Sendable {
  /// Keep training.
  case proceed
  /// Stop training at the end of the current rollout, for the given reason.
  case stop(reason: String)

  /// Whether this decision stops training.
  public var stops: Bool {
    if case .stop = self { return true }
    return false
  }
}

/// Hooks the training loop calls at the points described above; each defaults to doing nothing.
public protocol TrainingCallback: AnyObject {
  /// Training begins (also after a resume).
  ///
  /// - Parameter info: The algorithm, seed, steps and episodes already done, and the budget of the call.
  /// - Returns: ``CallbackDecision/proceed``, or ``CallbackDecision/stop(reason:)`` to end training after the current
  ///   rollout.
  func onTrainingStart(_ info: TrainingStartInfo) -> CallbackDecision
  /// One (vectorised) environment step was taken.
  ///
  /// - Parameter info: The steps so far, the episodes finished before this step, and the step's increment.
  /// - Returns: ``CallbackDecision/proceed``, or ``CallbackDecision/stop(reason:)`` to end training after the current
  ///   rollout.
  func onStep(_ info: StepInfo) -> CallbackDecision
  /// A training episode ended.
  ///
  /// - Parameter info: The episode's return, length, environment index and ending, and the recent mean return.
  /// - Returns: ``CallbackDecision/proceed``, or ``CallbackDecision/stop(reason:)`` to end training after the current
  ///   rollout.
  func onEpisodeEnd(_ info: EpisodeInfo) -> CallbackDecision
  /// A rollout was collected; its update follows.
  ///
  /// - Parameter info: The steps and episodes so far and the number of steps in the rollout.
  /// - Returns: ``CallbackDecision/proceed``, or ``CallbackDecision/stop(reason:)`` to end training after the current
  ///   rollout.
  func onRolloutEnd(_ info: RolloutInfo) -> CallbackDecision
  /// An update was made; the loop state is complete.
  ///
  /// - Parameter info: The steps and episodes so far, and the metrics when this update is a logged one.
  /// - Returns: ``CallbackDecision/proceed``, or ``CallbackDecision/stop(reason:)`` to end training after the current
  ///   rollout.
  func onUpdate(_ info: UpdateInfo) -> CallbackDecision
  /// A periodic evaluation finished.
  ///
  /// - Parameter info: The training steps at the evaluation and its episodes' returns and lengths.
  /// - Returns: ``CallbackDecision/proceed``, or ``CallbackDecision/stop(reason:)`` to end training after the current
  ///   rollout.
  func onEvaluation(_ info: EvaluationInfo) -> CallbackDecision
  /// Training ended.
  ///
  /// - Parameter info: The steps and episodes taken, and the stop reason (nil when the budget ran out).
  func onTrainingEnd(_ info: TrainingEndInfo)
}

extension TrainingCallback {
  public func onTrainingStart(_ info: TrainingStartInfo) -> CallbackDecision { .proceed }
  public func onStep(_ info: StepInfo) -> CallbackDecision { .proceed }
  public func onEpisodeEnd(_ info: EpisodeInfo) -> CallbackDecision { .proceed }
  public func onRolloutEnd(_ info: RolloutInfo) -> CallbackDecision { .proceed }
  public func onUpdate(_ info: UpdateInfo) -> CallbackDecision { .proceed }
  public func onEvaluation(_ info: EvaluationInfo) -> CallbackDecision { .proceed }
  public func onTrainingEnd(_ info: TrainingEndInfo) {}
}

// MARK: - Payloads

/// Sent once when `learn` begins.
public struct TrainingStartInfo: Sendable {
  /// The algorithm's name (``Agent/algorithmName``).
  public var algorithm: String
  /// The agent's seed.
  public var seed: UInt64
  /// Environment steps already taken (non-zero when resuming).
  public var environmentSteps: Int
  /// Training episodes already finished.
  public var episodes: Int
  /// The budget of the call.
  public var budget: TrainingBudget

  /// A start event.
  ///
  /// - Parameters:
  ///   - algorithm: The algorithm's name.
  ///   - seed: The agent's seed.
  ///   - environmentSteps: Steps already taken (0 unless resuming).
  ///   - episodes: Episodes already finished.
  ///   - budget: The budget of the `learn` call.
  public init(algorithm: String, seed: UInt64, environmentSteps: Int, episodes: Int, budget: TrainingBudget) {
    self.algorithm = algorithm
    self.seed = seed
    self.environmentSteps = environmentSteps
    self.episodes = episodes
    self.budget = budget
  }
}

/// Sent after each (vectorised) environment step.
public struct StepInfo: Sendable {
  /// Environment steps so far, summed over the vectorised environments.
  public var environmentSteps: Int
  /// Completed training episodes so far (not yet those that ended in this step).
  public var episodes: Int
  /// How many environment steps this step added (the number of environments).
  public var stepIncrement: Int

  /// A step event.
  ///
  /// - Parameters:
  ///   - environmentSteps: Steps so far, this step included, summed over the environments.
  ///   - episodes: Episodes finished before this step.
  ///   - stepIncrement: The steps this step added: the number of environments (1 for one).
  public init(environmentSteps: Int, episodes: Int, stepIncrement: Int = 1) {
    self.environmentSteps = environmentSteps
    self.episodes = episodes
    self.stepIncrement = stepIncrement
  }
}

/// Sent when a training episode ends (terminated or truncated).
public struct EpisodeInfo: Sendable {
  /// Environment steps so far.
  public var environmentSteps: Int
  /// Completed training episodes so far, this one included.
  public var episodes: Int
  /// The undiscounted return of the episode.
  public var episodeReturn: Double
  /// The episode's length in steps.
  public var length: Int
  /// Which of the vectorised environments it ran in (0 for a single environment).
  public var environmentIndex: Int
  /// Whether it ended by termination (false: truncation).
  public var terminated: Bool
  /// The mean return of the last (up to) `meanWindow` episodes of the budget, as `rollout/ep_rew_mean`.
  public var recentReturnMean: Double

  /// An episode event.
  ///
  /// - Parameters:
  ///   - environmentSteps: Steps so far.
  ///   - episodes: Episodes finished so far, this one included.
  ///   - episodeReturn: The sum of the episode's rewards, undiscounted.
  ///   - length: The episode's number of steps.
  ///   - environmentIndex: The index of its environment in the vector environment, from 0.
  ///   - terminated: True when it ended by termination, false when truncated.
  ///   - recentReturnMean: The mean return of the last (up to) `meanWindow` episodes, this one included.
  public init(
    environmentSteps: Int, episodes: Int, episodeReturn: Double, length: Int, environmentIndex: Int = 0,
    terminated: Bool = true, recentReturnMean: Double
  ) {
    self.environmentSteps = environmentSteps
    self.episodes = episodes
    self.episodeReturn = episodeReturn
    self.length = length
    self.environmentIndex = environmentIndex
    self.terminated = terminated
    self.recentReturnMean = recentReturnMean
  }
}

/// Sent when a rollout has been collected, before its update.
public struct RolloutInfo: Sendable {
  /// Environment steps so far.
  public var environmentSteps: Int
  /// Completed training episodes so far.
  public var episodes: Int
  /// The environment steps the rollout holds.
  public var rolloutSteps: Int

  /// A rollout event.
  ///
  /// - Parameters:
  ///   - environmentSteps: Steps so far.
  ///   - episodes: Episodes finished so far.
  ///   - rolloutSteps: The environment steps the rollout holds (over all environments).
  public init(environmentSteps: Int, episodes: Int, rolloutSteps: Int) {
    self.environmentSteps = environmentSteps
    self.episodes = episodes
    self.rolloutSteps = rolloutSteps
  }
}

/// Sent after each update.
public struct UpdateInfo: Sendable {
  /// Environment steps so far.
  public var environmentSteps: Int
  /// Completed training episodes so far.
  public var episodes: Int
  /// The metrics of a logged update (`train/...`, `rollout/...`, `time/...`, SB3's names), sorted by name; nil
  /// for the updates between two logged ones.
  public var metrics: [(key: String, value: Double)]?

  /// An update event.
  ///
  /// - Parameters:
  ///   - environmentSteps: Steps so far.
  ///   - episodes: Episodes finished so far.
  ///   - metrics: The logged metrics sorted by name, or nil for an update that is not logged.
  public init(environmentSteps: Int, episodes: Int, metrics: [(key: String, value: Double)]? = nil) {
    self.environmentSteps = environmentSteps
    self.episodes = episodes
    self.metrics = metrics
  }
}

/// Sent after a periodic evaluation.
public struct EvaluationInfo: Sendable {
  /// Environment steps of training when the evaluation ran.
  public var environmentSteps: Int
  /// The evaluation episodes' returns.
  public var returns: [Double]
  /// The evaluation episodes' lengths.
  public var lengths: [Int]
  /// Whether actions were the policy's mode (deterministic) rather than samples.
  public var deterministic: Bool

  /// An evaluation event.
  ///
  /// - Parameters:
  ///   - environmentSteps: The training steps when the evaluation ran.
  ///   - returns: The evaluation episodes' returns, in order.
  ///   - lengths: Their lengths in steps, in the same order (may be empty).
  ///   - deterministic: True when the policy acted with its mode, false when it sampled.
  public init(environmentSteps: Int, returns: [Double], lengths: [Int] = [], deterministic: Bool = true) {
    self.environmentSteps = environmentSteps
    self.returns = returns
    self.lengths = lengths
    self.deterministic = deterministic
  }
}

/// Sent once when `learn` ends, whatever the reason.
public struct TrainingEndInfo: Sendable {
  /// Environment steps taken.
  public var environmentSteps: Int
  /// Completed training episodes.
  public var episodes: Int
  /// Why training ended: nil when it ran to its budget, else the stop reason.
  public var stopReason: String?

  /// An end event.
  ///
  /// - Parameters:
  ///   - environmentSteps: Steps taken in total.
  ///   - episodes: Episodes finished in total.
  ///   - stopReason: Why training stopped early, or nil when the budget ran out.
  public init(environmentSteps: Int, episodes: Int, stopReason: String? = nil) {
    self.environmentSteps = environmentSteps
    self.episodes = episodes
    self.stopReason = stopReason
  }
}

// MARK: - Lists and closures

/// Several callbacks called in order; every callback sees every event, and the first stop decision wins.
public final class CallbackList: TrainingCallback {
  /// The callbacks, in call order.
  public private(set) var callbacks: [any TrainingCallback]

  /// A list calling `callbacks` in order.
  ///
  /// - Parameter callbacks: The callbacks, in the order they are called; empty by default.
  public init(_ callbacks: [any TrainingCallback] = []) {
    self.callbacks = callbacks
  }

  /// Adds a callback at the end.
  ///
  /// - Parameter callback: Called after all those already in the list.
  public func append(_ callback: any TrainingCallback) {
    callbacks.append(callback)
  }

  @inline(__always)
  private func combine(_ call: (any TrainingCallback) -> CallbackDecision) -> CallbackDecision {
    var decision = CallbackDecision.proceed
    for callback in callbacks {
      let result = call(callback)
      if !decision.stops && result.stops { decision = result }
    }
    return decision
  }

  public func onTrainingStart(_ info: TrainingStartInfo) -> CallbackDecision { combine { $0.onTrainingStart(info) } }
  public func onStep(_ info: StepInfo) -> CallbackDecision { combine { $0.onStep(info) } }
  public func onEpisodeEnd(_ info: EpisodeInfo) -> CallbackDecision { combine { $0.onEpisodeEnd(info) } }
  public func onRolloutEnd(_ info: RolloutInfo) -> CallbackDecision { combine { $0.onRolloutEnd(info) } }
  public func onUpdate(_ info: UpdateInfo) -> CallbackDecision { combine { $0.onUpdate(info) } }
  public func onEvaluation(_ info: EvaluationInfo) -> CallbackDecision { combine { $0.onEvaluation(info) } }
  public func onTrainingEnd(_ info: TrainingEndInfo) {
    for callback in callbacks { callback.onTrainingEnd(info) }
  }
}

/// A callback made of closures, for one-off hooks (print something, collect values, stop on a condition).
public final class ClosureCallback: TrainingCallback {
  private let trainingStart: ((TrainingStartInfo) -> CallbackDecision)?
  private let step: ((StepInfo) -> CallbackDecision)?
  private let episodeEnd: ((EpisodeInfo) -> CallbackDecision)?
  private let rolloutEnd: ((RolloutInfo) -> CallbackDecision)?
  private let update: ((UpdateInfo) -> CallbackDecision)?
  private let evaluation: ((EvaluationInfo) -> CallbackDecision)?
  private let trainingEnd: ((TrainingEndInfo) -> Void)?

  /// Creates the callback from the closures given; missing ones proceed.
  ///
  /// - Parameters:
  ///   - onTrainingStart: Called when training begins.
  ///   - onStep: Called after every (vectorised) environment step.
  ///   - onEpisodeEnd: Called for every finished training episode.
  ///   - onRolloutEnd: Called when a rollout is collected.
  ///   - onUpdate: Called after every update.
  ///   - onEvaluation: Called after a periodic evaluation.
  ///   - onTrainingEnd: Called once when training ends.
  public init(
    onTrainingStart: ((TrainingStartInfo) -> CallbackDecision)? = nil, onStep: ((StepInfo) -> CallbackDecision)? = nil,
    onEpisodeEnd: ((EpisodeInfo) -> CallbackDecision)? = nil, onRolloutEnd: ((RolloutInfo) -> CallbackDecision)? = nil,
    onUpdate: ((UpdateInfo) -> CallbackDecision)? = nil, onEvaluation: ((EvaluationInfo) -> CallbackDecision)? = nil,
    onTrainingEnd: ((TrainingEndInfo) -> Void)? = nil
  ) {
    trainingStart = onTrainingStart
    step = onStep
    episodeEnd = onEpisodeEnd
    rolloutEnd = onRolloutEnd
    update = onUpdate
    evaluation = onEvaluation
    trainingEnd = onTrainingEnd
  }

  public func onTrainingStart(_ info: TrainingStartInfo) -> CallbackDecision { trainingStart?(info) ?? .proceed }
  public func onStep(_ info: StepInfo) -> CallbackDecision { step?(info) ?? .proceed }
  public func onEpisodeEnd(_ info: EpisodeInfo) -> CallbackDecision { episodeEnd?(info) ?? .proceed }
  public func onRolloutEnd(_ info: RolloutInfo) -> CallbackDecision { rolloutEnd?(info) ?? .proceed }
  public func onUpdate(_ info: UpdateInfo) -> CallbackDecision { update?(info) ?? .proceed }
  public func onEvaluation(_ info: EvaluationInfo) -> CallbackDecision { evaluation?(info) ?? .proceed }
  public func onTrainingEnd(_ info: TrainingEndInfo) { trainingEnd?(info) }
}
