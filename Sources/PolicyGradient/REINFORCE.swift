// MARK: - REINFORCE
//
// Williams' (1992) Monte-Carlo policy gradient: play an episode with the current stochastic policy, compute the
// discounted return G_t of every step, and follow ∇ Σ_t log π(a_t | s_t) · G_t. Optionally the returns are
// standardised within the episode (W2), and a learned state-value baseline V(s) with its own optimizer is
// subtracted (W3): the policy then follows (G_t - V(s_t)) with V held constant, and V regresses on the same G_t
// (standardised when the returns are). V for the advantage and for its own loss comes from one forward pass
// before either network steps, as in the PyTorch write-ups.

/// Hyperparameters of ``REINFORCE``.
public struct REINFORCEConfiguration: Sendable, Equatable, Codable {
  /// Discount factor γ of the returns.
  public var gamma = 0.99
  /// Learning rate of the policy's optimizer.
  public var learningRate = 1e-2
  /// The policy's optimizer.
  public var optimizer = OptimizerKind.adam
  /// Weight decay of the optimizers (decoupled for AdamW; W1 uses AdamW's default 0.01).
  public var weightDecay = 0.0
  /// Standardise the returns of each episode of more than one step: (G - mean) / (std + 1e-9), with the
  /// Bessel-corrected std of PyTorch's `Tensor.std()` (see ``standardized(_:correction:epsilon:)``).
  public var standardizeReturns = false
  /// Subtract a learned value baseline V(s) (the policy then needs a value head: `policy.includesValue`).
  public var baseline = false
  /// Learning rate of the baseline's own optimizer (same kind as the policy's).
  public var valueLearningRate = 1e-2
  /// Sum the per-step losses over the episode (as the workflows do) instead of averaging them.
  public var sumOverEpisode = true
  /// The policy network.
  public var policy: PolicyConfiguration = {
    var p = PolicyConfiguration()
    p.includesValue = false
    return p
  }()

  public init() {}
}

/// REINFORCE with optional return standardisation and learned baseline, updating once per episode.
public final class REINFORCE {
  public let configuration: REINFORCEConfiguration
  public let environment: any Environment
  public let policy: ActorCriticPolicy
  public let policyOptimizer: Optimizer
  public let valueOptimizer: Optimizer?
  /// The agent's generator (initialisation and action sampling).
  public var generator: RandomGenerator
  public let seed: UInt64
  /// The loop state and finished episodes.
  let loop = TrainingLoop()
  private let policyParameters: [(name: String, parameter: Parameter)]
  private let valueParameters: [(name: String, parameter: Parameter)]

  /// An agent for `environment`, its networks initialised and its generators seeded from `seed`; the environment
  /// is seeded with `seed` at its first reset only.
  ///
  /// - Parameters:
  ///   - environment: The single environment to train in (Discrete from 0 or one-dimensional Box actions).
  ///   - configuration: The hyperparameters; `policy.includesValue` must equal `baseline`.
  ///   - seed: Seeds the network initialisation, the action sampling and the first reset.
  /// - Throws: ``TrainingError/invalidConfiguration(_:)`` when `policy.includesValue` differs from `baseline`, and
  ///   ``PolicyError`` for a policy that cannot be built for the spaces.
  public init(environment: any Environment, configuration: REINFORCEConfiguration, seed: UInt64) throws {
    guard configuration.policy.includesValue == configuration.baseline else {
      throw TrainingError.invalidConfiguration(
        "REINFORCE: policy.includesValue must equal baseline (a baseline needs a value head, and only then)")
    }
    self.configuration = configuration
    self.environment = environment
    self.seed = seed
    generator = RandomGenerator(seed: seed)
    policy = try ActorCriticPolicy(for: environment, configuration: configuration.policy, generator: &generator)
    policyParameters = policy.actorParameters
    valueParameters = policy.criticParameters
    policyOptimizer = configuration.optimizer.make(
      learningRate: configuration.learningRate, weightDecay: configuration.weightDecay)
    valueOptimizer =
      configuration.baseline
      ? configuration.optimizer.make(
        learningRate: configuration.valueLearningRate, weightDecay: configuration.weightDecay)
      : nil
  }

  /// Trains until the budget (episodes or steps) is used up, the mean return target is reached or a callback
  /// stops it. Each episode is played to its end (the rollout), then the policy is updated once.
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
    while !tracker.done(steps: steps) {
      let episode = try playEpisode(tracker: &tracker)
      tracker.finish(
        return: episode.rewards.reduce(0, +), length: episode.rewards.count, step: steps,
        terminated: episode.terminated)
      tracker.rolloutEnd(steps: steps, rolloutSteps: episode.rewards.count)
      let metrics = try update(episode, number: loop.history.episodes.count - 1)
      tracker.update(steps: steps, metrics: metrics)
    }
    return loop.end(tracker)
  }

  // MARK: Rollout

  struct Episode {
    var observations: [Double] = []
    var actions: [Float] = []
    var rewards: [Double] = []
    var terminated = false
  }

  /// Plays one episode with actions sampled from the current policy.
  func playEpisode(tracker: inout EpisodeTracker) throws -> Episode {
    var episode = Episode()
    let columns = policy.observationCount
    var (observation, _) = try environment.reset(seed: loop.resetSeed(seed, isFirst: loop.state.episodesStarted == 0))
    loop.state.episodesStarted += 1
    while true {
      let distribution = policy.distribution(.observations(observation, columns: columns))
      let raw = distribution.sample(using: &generator)
      episode.observations += observation
      episode.actions += raw.scalars
      let step = try environment.step(policy.environmentActions(raw))
      loop.state.steps += 1
      tracker.step(steps: steps, increment: 1)
      episode.rewards.append(step.reward)
      observation = step.observation
      if step.terminated || step.truncated {
        episode.terminated = step.terminated
        return episode
      }
    }
  }

  // MARK: Update

  /// One gradient step on the episode: returns, optional standardisation and baseline, the losses. `number` is the
  /// update's, from 0 (one per episode).
  func update(_ episode: Episode, number update: Int) throws -> [String: Double] {
    let c = configuration
    var returns = discountedReturns(episode.rewards, gamma: c.gamma)
    if c.standardizeReturns && returns.count > 1 { returns = standardized(returns) }
    let count = episode.rewards.count
    let g = Tensor(doubles: returns, shape: [count])
    let observations = Tensor.observations(episode.observations, columns: policy.observationCount)
    let actions = Tensor(episode.actions, shape: [count, policy.actionKind.storedCount])
    var policyLossValue: Float = 0
    var valueLossValue: Float = 0
    let (loss, gradients) = valueAndGradient(of: policy) { policy in
      let reduce = { (x: Tensor) in c.sumOverEpisode ? x.sum() : x.mean() }
      if c.baseline {
        let (distribution, values) = policy.evaluate(observations)
        let advantages = g - values.detached()
        let policyLoss = reduce(-(distribution.logProbability(of: actions) * advantages))
        let valueLoss = reduce(square(values - g))
        policyLossValue = policyLoss.item
        valueLossValue = valueLoss.item
        return policyLoss + valueLoss
      }
      let policyLoss = reduce(-(policy.distribution(observations).logProbability(of: actions) * g))
      policyLossValue = policyLoss.item
      return policyLoss
    }
    try Divergence.check(loss: loss.item, update: update)
    try Divergence.check(gradients, update: update)
    policyOptimizer.update(policyParameters, along: gradients)
    valueOptimizer?.update(valueParameters, along: gradients)
    try Divergence.checkParameters(of: policy, update: update)
    var metrics = ["train/policy_loss": Double(policyLossValue), "train/learning_rate": c.learningRate]
    if c.baseline { metrics["train/value_loss"] = Double(valueLossValue) }
    return metrics
  }
}
