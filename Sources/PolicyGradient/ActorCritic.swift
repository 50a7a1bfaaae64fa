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
  public private(set) var steps = 0
  private var episodesStarted = 0

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

  public func learn(_ budget: TrainingBudget, observer: TrainingObserver? = nil) throws -> TrainingSummary {
    try budget.validate()
    var tracker = EpisodeTracker(budget: budget, observer: observer)
    let start = monotonicSeconds()
    let c = configuration
    let columns = policy.observationCount
    var tdErrors = 0.0
    var updates = 0
    while !tracker.done(steps: steps) {
      var (observation, _) = try environment.reset(seed: episodesStarted == 0 ? seed : nil)
      episodesStarted += 1
      var episodeReturn = 0.0
      var length = 0
      while true {
        // Act.
        let s = Tensor.observations(observation, columns: columns)
        let raw = policy.distribution(s).sample(using: &generator)
        let step = try environment.step(policy.environmentActions(raw))
        steps += 1
        length += 1
        episodeReturn += step.reward

        // Learn from (s, a, r, s').
        let bootstrap = step.terminated ? 0 : Double(policy.values(.observations(step.observation, columns: columns)).item)
        let target = Float(step.reward + c.gamma * bootstrap)
        var delta: Float = 0
        var (_, gradients) = valueAndGradient(of: policy) { policy in
          let (distribution, value) = policy.evaluate(s)
          let tdError = target - value
          delta = tdError.item
          let actorLoss = -(distribution.logProbability(of: raw) * tdError.detached()).sum()
          return actorLoss + Float(0.5 * c.valueCoefficient) * square(tdError).sum()
        }
        if let maxNorm = c.maxGradientNorm { gradients.clipNorm(Float(maxNorm)) }
        optimizer.update(policy, along: gradients)
        tdErrors += Double(delta * delta)
        updates += 1
        if steps % c.logInterval == 0 {
          tracker.update(step: steps, metrics: ["train/td_error_rms": (tdErrors / Double(updates)).squareRoot()])
          tdErrors = 0
          updates = 0
        }

        observation = step.observation
        if step.terminated || step.truncated {
          tracker.finish(return: episodeReturn, length: length, step: steps, terminated: step.terminated)
          break
        }
        if let limit = tracker.budget.steps, steps >= limit { break }
      }
    }
    return TrainingSummary(
      steps: steps, episodes: tracker.episodes, wallSeconds: monotonicSeconds() - start,
      stoppedEarly: tracker.stopReason)
  }
}
