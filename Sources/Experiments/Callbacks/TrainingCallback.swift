// MARK: - Callback protocol

/// What a callback tells the training loop.
public enum CallbackDecision: Equatable, Sendable {
  /// Keep training.
  case proceed
  /// Stop training after the current step, for the given reason (printed and stored in the run's log).
  case stop(reason: String)

  /// Whether this decision stops training.
  public var stops: Bool {
    if case .stop = self { return true }
    return false
  }
}

/// Hooks the training loop calls at well-defined points; every method has a default that does nothing, so a
/// callback implements only what it needs.
///
/// The training loop (in PolicyGradient) calls, in order: ``onTrainingStart(_:)`` once; per vectorised step
/// ``onStep(_:)`` and then ``onEpisodeEnd(_:)`` for each episode that ended in it; ``onRolloutEnd(_:)`` after each
/// update (with that iteration's logged metrics); ``onEvaluation(_:)`` after each periodic evaluation; and
/// ``onTrainingEnd(_:)`` once at the end, also after a stop. When any hook returns ``CallbackDecision/stop(reason:)``
/// the loop finishes the current step, skips further updates, and ends training (saving what it normally saves).
///
/// Callbacks run on the training thread; with seeds in parallel, each seed has its own callback instances.
public protocol TrainingCallback: AnyObject {
  /// Training begins (after a resume too).
  func onTrainingStart(_ info: TrainingStartInfo) -> CallbackDecision
  /// One vectorised environment step was taken.
  func onStep(_ info: StepInfo) -> CallbackDecision
  /// A training episode ended.
  func onEpisodeEnd(_ info: EpisodeInfo) -> CallbackDecision
  /// A rollout was collected and the update it feeds is done.
  func onRolloutEnd(_ info: RolloutInfo) -> CallbackDecision
  /// A periodic evaluation finished.
  func onEvaluation(_ info: EvaluationInfo) -> CallbackDecision
  /// Training ended.
  func onTrainingEnd(_ info: TrainingEndInfo)
}

extension TrainingCallback {
  public func onTrainingStart(_ info: TrainingStartInfo) -> CallbackDecision { .proceed }
  public func onStep(_ info: StepInfo) -> CallbackDecision { .proceed }
  public func onEpisodeEnd(_ info: EpisodeInfo) -> CallbackDecision { .proceed }
  public func onRolloutEnd(_ info: RolloutInfo) -> CallbackDecision { .proceed }
  public func onEvaluation(_ info: EvaluationInfo) -> CallbackDecision { .proceed }
  public func onTrainingEnd(_ info: TrainingEndInfo) {}
}

// MARK: - Lists

/// Several callbacks called in order; every callback sees every event, and the first stop decision wins.
public final class CallbackList: TrainingCallback {
  /// The callbacks, in call order.
  public private(set) var callbacks: [any TrainingCallback]

  /// Creates a list.
  public init(_ callbacks: [any TrainingCallback] = []) {
    self.callbacks = callbacks
  }

  /// Adds a callback at the end.
  public func append(_ callback: any TrainingCallback) {
    callbacks.append(callback)
  }

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
  public func onEvaluation(_ info: EvaluationInfo) -> CallbackDecision { combine { $0.onEvaluation(info) } }
  public func onTrainingEnd(_ info: TrainingEndInfo) {
    for callback in callbacks { callback.onTrainingEnd(info) }
  }
}
