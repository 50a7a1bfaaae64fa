// MARK: - Advantage actor-critic
//
// Synchronous A2C (Mnih et al. 2016, as Stable-Baselines3 implements it; its defaults are ours): collect
// `stepsPerEnvironment` steps from every environment, compute n-step returns bootstrapped from V of the state
// after the rollout (GAE with λ = 1 gives exactly those; a termination bootstraps from 0, a truncation from the
// final observation's value), then one gradient step on
//   mean(-log π(a | s) A) + c_v mean((V - R)²) - c_e mean(H),
// with gradient-norm clipping. W5 also updates at the end of every episode (`updateAtEpisodeEnd`).

/// Hyperparameters of ``A2C``; the defaults are Stable-Baselines3's (RMSprop with α 0.99 and ε 1e-5).
public struct A2CConfiguration: Sendable, Equatable, Codable {
  /// Learning rate (a schedule over the run).
  public var learningRate: Schedule = .constant(7e-4)
  /// Steps collected from each environment per update.
  public var stepsPerEnvironment = 5
  /// Discount factor γ.
  public var gamma = 0.99
  /// GAE's λ; 1 gives plain n-step returns.
  public var gaeLambda = 1.0
  /// Weight c_e of the entropy bonus (a schedule over the run).
  public var entropyCoefficient: Schedule = .constant(0)
  /// Weight c_v of the value loss.
  public var valueCoefficient = 0.5
  /// Gradient-norm limit.
  public var maxGradientNorm = 0.5
  /// Normalise the advantages of each rollout.
  public var normalizeAdvantages = false
  /// The optimizer (SB3: RMSprop; W5: Adam).
  public var optimizer = OptimizerKind.rmsprop
  /// The optimizer's ε (SB3's RMSprop uses 1e-5).
  public var optimizerEpsilon = 1e-5
  /// Also end a rollout when an episode ends (W5, with one environment).
  public var updateAtEpisodeEnd = false
  /// Observation and reward normalisation of the environments (off by default); the return's discount is `gamma`.
  public var normalization = NormalizationConfiguration()
  /// The policy network.
  public var policy = PolicyConfiguration()

  public init() {}
}

/// A2C on a vector environment.
public final class A2C {
  /// The hyperparameters it was built with.
  public let configuration: A2CConfiguration
  /// The policy's optimizer (``A2CConfiguration/optimizer``).
  public let optimizer: Optimizer
  /// The collection loop, the policy and the loop state.
  let driver: OnPolicyDriver

  /// An agent on `environments` (same-step autoreset), seeded by `seed`; environment i is seeded with `seed + i` at the
  /// first reset.
  ///
  /// - Parameters:
  ///   - environments: The vector environment to train in; its single action space must be Discrete (from 0) or a
  ///     one-dimensional Box.
  ///   - configuration: The hyperparameters; the defaults are Stable-Baselines3's.
  ///   - seed: Seeds the network initialisation, the action sampling and the first reset of the environments.
  /// - Throws: ``TrainingError/invalidConfiguration(_:)`` when `stepsPerEnvironment` is not positive, and
  ///   ``PolicyError`` for a policy that cannot be built for the spaces.
  public init(
    environments: VectorEnvironment, configuration: A2CConfiguration = A2CConfiguration(), seed: UInt64
  ) throws {
    guard configuration.stepsPerEnvironment > 0 else {
      throw TrainingError.invalidConfiguration("A2C needs stepsPerEnvironment > 0")
    }
    self.configuration = configuration
    // Reported about every 100 updates' worth of steps, as SB3's log interval does, and at the end.
    driver = try OnPolicyDriver(
      environments: environments, seed: seed, policy: configuration.policy,
      normalization: configuration.normalization, gamma: configuration.gamma,
      schedule: OnPolicySchedule(
        stepsPerEnvironment: configuration.stepsPerEnvironment,
        endRolloutAtEpisodeEnd: configuration.updateAtEpisodeEnd,
        reportEverySteps: 100 * configuration.stepsPerEnvironment * environments.count))
    optimizer = configuration.optimizer.make(
      learningRate: configuration.learningRate.initialValue, epsilon: configuration.optimizerEpsilon)
  }

  /// The vector environment it trains in.
  public var environments: VectorEnvironment { driver.environments }
  /// The seed it was built with.
  public var seed: UInt64 { driver.seed }
  /// Gradient steps taken so far.
  public var updates: Int { driver.loop.state.updates }

  // MARK: The update

  /// Returns and advantages, then one gradient step on the whole rollout (in collection order: the generator is
  /// not used); returns SB3-style metrics.
  func update(
    _ rollout: inout RolloutBuffer, generator _: inout RandomGenerator, totalSteps: Int
  ) throws -> [String: Double] {
    let c = configuration
    rollout.computeAdvantages(gamma: c.gamma, lambda: c.gaeLambda)
    var b = rollout.batch
    if c.normalizeAdvantages { b.advantages.withUnsafeMutableBufferPointer { standardizeInPlace($0) } }

    let learningRate = driver.loop.state.value(of: c.learningRate, totalSteps: totalSteps)
    optimizer.learningRate = Float(learningRate)
    let entropyCoefficient = Float(driver.loop.state.value(of: c.entropyCoefficient, totalSteps: totalSteps))
    var policyLoss: Float = 0
    var valueLoss: Float = 0
    var entropyLoss: Float = 0
    var (loss, gradients) = valueAndGradient(of: policy) { policy in
      let (distribution, values) = policy.evaluate(b.observations)
      let pl = -(distribution.logProbability(of: b.actions) * b.advantages).mean()
      let vl = square(b.returns - values).mean()
      let el = -distribution.entropy().mean()
      policyLoss = pl.item
      valueLoss = vl.item
      entropyLoss = el.item
      return pl + entropyCoefficient * el + Float(c.valueCoefficient) * vl
    }
    try Divergence.check(loss: loss.item, update: updates)
    try applyGradients(&gradients, maxGradientNorm: c.maxGradientNorm)

    var metrics = [
      "train/policy_loss": Double(policyLoss), "train/value_loss": Double(valueLoss),
      "train/entropy_loss": Double(entropyLoss), "train/learning_rate": learningRate,
      "train/n_updates": Double(updates),
    ]
    addDiagnostics(of: rollout, to: &metrics)
    return metrics
  }
}
