// MARK: - Agents

/// What the experiment tooling needs from any of the algorithms: its policy, its optimizers and generator (for
/// checkpoints), and a training loop.
public protocol Agent: AnyObject {
  /// The algorithm's name as presets spell it (`reinforce`, `actor-critic`, `a2c`, `ppo`).
  static var algorithmName: String { get }
  /// The policy being trained.
  var policy: ActorCriticPolicy { get }
  /// The agent's generator (action sampling, shuffling).
  var generator: RandomGenerator { get set }
  /// Environment steps taken so far.
  var steps: Int { get }
  /// The optimizers by role.
  var optimizers: [(role: String, optimizer: Optimizer)] { get }
  /// Trains for `budget`, sending the events of the contract (Callbacks.swift) to `callback`. Budgets count the
  /// agent's whole training: after a restore, `learn` continues towards the same budget.
  ///
  /// - Parameters:
  ///   - budget: How long to train: a step and/or episode limit, counted over the agent's whole training, and an
  ///     optional stop at a mean return.
  ///   - callback: Receives the events of the contract and may stop training; nil trains without one.
  /// - Returns: The steps taken in total, every finished episode, the wall time and the reason of an early stop.
  /// - Throws: ``TrainingError`` for an invalid budget or a diverged update, and what the environment throws.
  func learn(_ budget: TrainingBudget, callback: (any TrainingCallback)?) throws -> TrainingSummary
  /// The loop state besides policy, optimizers and generator (counters, episodes, environments); with those, the
  /// agent's full state. Call it from ``TrainingCallback/onUpdate(_:)`` or between `learn` calls.
  func saveTrainingState() throws -> AgentTrainingState
  /// Restores a state from ``saveTrainingState()`` of an identically configured agent.
  ///
  /// - Parameter state: A state saved by ``saveTrainingState()`` of an agent of the same algorithm, configuration and
  ///   environment.
  /// - Throws: ``TrainingError/incompatibleState(_:)`` when the state does not fit this agent.
  func restoreTrainingState(_ state: AgentTrainingState) throws
  /// The loop state without the environments' state, for a snapshot where the environments cannot be saved
  /// (Box2D): counters, finished episodes and the observation and reward normalisation statistics.
  func saveTrainingStateWithoutEnvironments() throws -> AgentTrainingState
  /// Continues from `state` (from ``saveTrainingState()`` or ``saveTrainingStateWithoutEnvironments()``) without
  /// restoring the environments: the counters, the finished episodes and the normalisation statistics carry on,
  /// and the next `learn` starts fresh episodes, the first reset seeded with `resetSeed`. The continuation differs
  /// from an uninterrupted training.
  ///
  /// - Parameters:
  ///   - state: A state of an agent of the same algorithm and configuration.
  ///   - resetSeed: The seed of the environments' next reset.
  /// - Throws: ``TrainingError/incompatibleState(_:)`` when the state does not fit this agent.
  func restartTrainingState(_ state: AgentTrainingState, resetSeed: UInt64) throws
  /// Closes the agent's environments (their worker threads and native resources); the agent is not used after.
  func close()
  /// The observation normalisation the policy was trained behind, frozen at its current statistics, or nil when
  /// observations are not normalised: evaluation environments are wrapped with it.
  var observationNormalizer: ObservationNormalizer? { get }
}

extension Agent {
  /// Nil: an agent that normalises observations says so.
  public var observationNormalizer: ObservationNormalizer? { nil }

  /// Refuses: an agent that can save its training without its environments says so.
  ///
  /// - Throws: ``TrainingError/incompatibleState(_:)``, naming the algorithm.
  public func saveTrainingStateWithoutEnvironments() throws -> AgentTrainingState {
    throw TrainingError.incompatibleState("\(Self.algorithmName) cannot save its training without its environments")
  }

  /// Refuses: an agent that can continue a training with fresh environments says so.
  ///
  /// - Parameters:
  ///   - state: The state that would be continued (not read).
  ///   - resetSeed: The seed of the next reset (not used).
  /// - Throws: ``TrainingError/incompatibleState(_:)``, naming the algorithm.
  public func restartTrainingState(_ state: AgentTrainingState, resetSeed: UInt64) throws {
    throw TrainingError.incompatibleState("\(Self.algorithmName) cannot continue a training with fresh environments")
  }
}

extension Agent {
  /// Trains for `budget` without a callback (``learn(_:callback:)`` with nil).
  ///
  /// - Parameter budget: How long to train: a step and/or episode limit, counted over the agent's whole training,
  ///   and an optional stop at a mean return.
  /// - Returns: The steps taken in total, every finished episode, the wall time and the reason of an early stop.
  /// - Throws: ``TrainingError`` for an invalid budget or a diverged update, and what the environment throws.
  public func learn(_ budget: TrainingBudget) throws -> TrainingSummary {
    try learn(budget, callback: nil)
  }

  /// `environment` as the policy sees it in evaluation: behind ``observationNormalizer`` when there is one.
  ///
  /// - Parameter environment: An environment of the task the agent trains on.
  /// - Returns: `environment` itself, or wrapped in the frozen normalisation.
  /// - Throws: When the normaliser does not have one value per observation value of `environment`.
  public func evaluationEnvironment(_ environment: any Environment) throws -> any Environment {
    guard let normalizer = observationNormalizer else { return environment }
    return try FrozenObservationNormalization(environment, normalizer: normalizer)
  }
}

// MARK: - The algorithms

extension REINFORCE: SingleEnvironmentAgent {
  public static var algorithmName: String { "reinforce" }
  public var optimizers: [(role: String, optimizer: Optimizer)] {
    [("policy", policyOptimizer)] + (valueOptimizer.map { [("value", $0)] } ?? [])
  }
}

extension OneStepActorCritic: SingleEnvironmentAgent {
  public static var algorithmName: String { "actor-critic" }
  public var optimizers: [(role: String, optimizer: Optimizer)] { [("policy", optimizer)] }
}

extension A2C: OnPolicyAgent {
  public static var algorithmName: String { "a2c" }
}

extension PPO: OnPolicyAgent {
  public static var algorithmName: String { "ppo" }
}
