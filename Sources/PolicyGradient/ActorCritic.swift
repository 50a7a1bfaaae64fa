// MARK: - One-step actor-critic
//
// After every step: δ = r + γ V(s') - V(s), where V(s') counts as 0 only when the episode terminated (a
// truncation by the time limit still bootstraps from the value of its final observation). The loss
// -log π(a | s) · δ + ½ δ² moves the actor along δ (held constant) and the critic towards the TD target
// r + γ V(s') (a semi-gradient: V(s') is held constant too).

/// Hyperparameters of ``OneStepActorCritic``.
public struct ActorCriticConfiguration: Sendable, Equatable, Codable {
  /// Discount factor γ.
  public var gamma = 0.99
  /// Learning rate of the optimizer.
  public var learningRate = 2e-3
  /// The optimizer.
  public var optimizer = OptimizerKind.adam
  /// Weight of the critic's loss ½ δ².
  public var valueCoefficient = 1.0
  /// Gradient-norm limit, or nil for none.
  public var maxGradientNorm: Double? = nil
  /// Report an update event every this many steps.
  public var logInterval = 1000
  /// The networks (W4: a shared 4 -> 128 -> 128 ReLU trunk with actor and critic heads).
  public var policy: PolicyConfiguration = {
    var p = PolicyConfiguration()
    p.sharedTrunk = true
    return p
  }()

  public init() {}
}

/// One-step (TD(0)) actor-critic on a single environment, updating after every step.
public final class OneStepActorCritic {
  public let configuration: ActorCriticConfiguration
  public let environment: any Environment
  public let policy: ActorCriticPolicy
  public let optimizer: Optimizer
  public var generator: RandomGenerator
  public let seed: UInt64
  /// The loop state and finished episodes.
  let loop = TrainingLoop()
  /// The episode in progress (kept between `learn` calls and in checkpoints).
  private var current = EpisodeInProgress()

  /// An agent for `environment`, its network initialised and its generator seeded from `seed`; the environment is
  /// seeded with `seed` at its first reset only.
  ///
  /// - Parameters:
  ///   - environment: The single environment to train in (Discrete from 0 or one-dimensional Box actions).
  ///   - configuration: The hyperparameters; its policy must include a value head.
  ///   - seed: Seeds the network initialisation, the action sampling and the first reset.
  /// - Throws: ``TrainingError/invalidConfiguration(_:)`` when the policy has no value head, and ``PolicyError`` for a
  ///   policy that cannot be built for the spaces.
  public init(environment: any Environment, configuration: ActorCriticConfiguration, seed: UInt64) throws {
    guard configuration.policy.includesValue else {
      throw TrainingError.invalidConfiguration("actor-critic needs a value head (policy.includesValue)")
    }
    self.configuration = configuration
    self.environment = environment
    self.seed = seed
    generator = RandomGenerator(seed: seed)
    policy = try ActorCriticPolicy(for: environment, configuration: configuration.policy, generator: &generator)
    optimizer = configuration.optimizer.make(learningRate: configuration.learningRate)
  }

  /// Trains for the budget, updating after every environment step.
  ///
  /// - Parameters:
  ///   - budget: How long to train: a step and/or episode limit, counted over the agent's whole training (a restored
  ///     agent continues towards the same budget), and an optional stop at a mean return.
  ///   - callback: Receives the events of the contract in Callbacks.swift and may stop training; nil trains without
  ///     one.
  /// - Returns: What the call did: the steps taken in total, every finished episode, the wall time and the stop reason
  ///   when a callback or the mean-return target ended it early.
  /// - Throws: ``TrainingError/invalidBudget(_:)`` for a budget that fails ``TrainingBudget/validate()``,
  ///   ``TrainingError/nonFinite(_:)`` when a loss, gradient or parameter stops being finite, and what the
  ///   environment throws.
  public func learn(_ budget: TrainingBudget, callback: (any TrainingCallback)?) throws -> TrainingSummary {
    var tracker = try loop.begin(budget, callback: callback, algorithm: Self.algorithmName, seed: seed)
    let c = configuration
    let columns = policy.observationCount
    while !tracker.done(steps: steps) {
      if !current.running {
        current.observation = try environment.reset(
          seed: loop.resetSeed(seed, isFirst: loop.state.episodesStarted == 0)
        ).observation
        loop.state.episodesStarted += 1
        current.episodeReturn = 0
        current.length = 0
        current.running = true
      }
      while true {
        // Act.
        let s = Tensor.observations(current.observation, columns: columns)
        let raw = policy.distribution(s).sample(using: &generator)
        let step = try environment.step(policy.environmentActions(raw))
        loop.state.steps += 1
        current.length += 1
        current.episodeReturn += step.reward
        tracker.step(steps: steps, increment: 1)
        tracker.rolloutEnd(steps: steps, rolloutSteps: 1)

        // Learn from (s, a, r, s').
        let bootstrap =
          step.terminated ? 0 : Double(policy.values(.observations(step.observation, columns: columns)).item)
        let target = Float(step.reward + c.gamma * bootstrap)
        var delta: Float = 0
        var (loss, gradients) = valueAndGradient(of: policy) { policy in
          let (distribution, value) = policy.evaluate(s)
          let tdError = target - value
          delta = tdError.item
          let actorLoss = -(distribution.logProbability(of: raw) * tdError.detached()).sum()
          return actorLoss + Float(0.5 * c.valueCoefficient) * square(tdError).sum()
        }
        // Updates are counted from 0, one per step.
        try Divergence.check(loss: loss.item, update: steps - 1)
        let norm = c.maxGradientNorm.map { gradients.clipNorm(Float($0)) }
        try Divergence.check(gradients, norm: norm, update: steps - 1)
        optimizer.update(policy, along: gradients)
        try Divergence.checkParameters(of: policy, update: steps - 1)
        current.squaredTDErrors += Double(delta * delta)
        current.updatesSinceLog += 1
        current.observation = step.observation

        // The episode ends before the update is reported, so that the loop state is complete at every event.
        if step.terminated || step.truncated {
          current.running = false
          tracker.finish(
            return: current.episodeReturn, length: current.length, step: steps, terminated: step.terminated)
        }
        var metrics: [String: Double]?
        if steps % c.logInterval == 0 {
          metrics = ["train/td_error_rms": (current.squaredTDErrors / Double(current.updatesSinceLog)).squareRoot()]
          current.squaredTDErrors = 0
          current.updatesSinceLog = 0
        }
        tracker.update(steps: steps, metrics: metrics)
        if !current.running { break }
        if let limit = tracker.budget.steps, steps >= limit { break }
        if tracker.stopReason != nil { break }
      }
    }
    return loop.end(tracker)
  }

  // MARK: Saving and restoring

  /// The loop state: steps, episodes started, the episode in progress (observation, return, length), the TD-error
  /// accumulators of the next logged update, finished episodes, and the environment's state.
  public func saveTrainingState() throws -> AgentTrainingState {
    loop.save(algorithm: Self.algorithmName, environment: try environment.saveState(), episodeInProgress: current)
  }

  /// Restores a state from ``saveTrainingState()`` of an identically configured agent.
  ///
  /// - Parameter state: A state saved by ``saveTrainingState()`` of an agent of the same algorithm, configuration and
  ///   environment.
  /// - Throws: ``TrainingError/incompatibleState(_:)`` when the state was saved by another algorithm or does not fit
  ///   this agent or its environment.
  public func restoreTrainingState(_ state: AgentTrainingState) throws {
    try state.validate(algorithm: Self.algorithmName)
    guard let saved = state.episodeInProgress else {
      throw TrainingError.incompatibleState("it holds no episode in progress (actor-critic saves one)")
    }
    guard saved.observation.isEmpty || saved.observation.count == policy.observationCount else {
      throw TrainingError.incompatibleState("the observation in progress does not fit the policy")
    }
    guard saved.length >= 0, saved.updatesSinceLog >= 0 else {
      throw TrainingError.incompatibleState("the episode in progress has a negative counter")
    }
    try loop.restore(state, algorithm: Self.algorithmName) { try environment.restoreState($0) }
    current = saved
  }

  /// Continues the counters and finished episodes of `state` with a fresh episode, reset with `resetSeed`.
  ///
  /// - Parameters:
  ///   - state: A state of an identically configured agent.
  ///   - resetSeed: The seed of the next reset.
  /// - Throws: ``TrainingError/incompatibleState(_:)`` when the state does not fit this agent.
  public func restartTrainingState(_ state: AgentTrainingState, resetSeed: UInt64) throws {
    try loop.restart(state, algorithm: Self.algorithmName, resetSeed: resetSeed)
    current = EpisodeInProgress()
  }
}
