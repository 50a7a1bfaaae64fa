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
  public var observationNormalizer: ObservationNormalizer? { nil }

  public func saveTrainingStateWithoutEnvironments() throws -> AgentTrainingState {
    throw TrainingError.incompatibleState("\(Self.algorithmName) cannot save its training without its environments")
  }

  public func restartTrainingState(_ state: AgentTrainingState, resetSeed: UInt64) throws {
    throw TrainingError.incompatibleState("\(Self.algorithmName) cannot continue a training with fresh environments")
  }
}

extension Agent {
  /// `environment` as the policy sees it in evaluation: behind ``observationNormalizer`` when there is one.
  /// - Parameters:
  ///   - environment: an environment of the task the agent trains on.
  public func evaluationEnvironment(_ environment: any Environment) throws -> any Environment {
    guard let normalizer = observationNormalizer else { return environment }
    return try FrozenObservationNormalization(environment, normalizer: normalizer)
  }
}

extension REINFORCE: Agent {
  public static var algorithmName: String { "reinforce" }
  public func saveTrainingStateWithoutEnvironments() throws -> AgentTrainingState {
    loop.save(algorithm: Self.algorithmName, environment: EnvironmentState(kind: "none"))
  }
  public func restartTrainingState(_ state: AgentTrainingState, resetSeed: UInt64) throws {
    try loop.restart(state, algorithm: Self.algorithmName, resetSeed: resetSeed)
  }
  public var optimizers: [(role: String, optimizer: Optimizer)] {
    [("policy", policyOptimizer)] + (valueOptimizer.map { [("value", $0)] } ?? [])
  }
  public func close() { environment.close() }
}

extension OneStepActorCritic: Agent {
  public static var algorithmName: String { "actor-critic" }
  public var optimizers: [(role: String, optimizer: Optimizer)] { [("policy", optimizer)] }
  public func close() { environment.close() }
}

extension A2C: Agent {
  public static var algorithmName: String { "a2c" }
  public func saveTrainingStateWithoutEnvironments() throws -> AgentTrainingState {
    driver.saveTrainingStateWithoutEnvironments(algorithm: Self.algorithmName)
  }
  public func restartTrainingState(_ state: AgentTrainingState, resetSeed: UInt64) throws {
    try driver.restartTrainingState(state, algorithm: Self.algorithmName, resetSeed: resetSeed)
  }
  public var observationNormalizer: ObservationNormalizer? { environments.normalization?.evaluationNormalizer }
  public var optimizers: [(role: String, optimizer: Optimizer)] { [("policy", optimizer)] }
  public func close() { environments.close() }
}

extension PPO: Agent {
  public static var algorithmName: String { "ppo" }
  public func saveTrainingStateWithoutEnvironments() throws -> AgentTrainingState {
    driver.saveTrainingStateWithoutEnvironments(algorithm: Self.algorithmName)
  }
  public func restartTrainingState(_ state: AgentTrainingState, resetSeed: UInt64) throws {
    try driver.restartTrainingState(state, algorithm: Self.algorithmName, resetSeed: resetSeed)
  }
  public var observationNormalizer: ObservationNormalizer? { environments.normalization?.evaluationNormalizer }
  public var optimizers: [(role: String, optimizer: Optimizer)] { [("policy", optimizer)] }
  public func close() { environments.close() }
}
