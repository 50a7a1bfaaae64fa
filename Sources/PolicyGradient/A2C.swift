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
  /// The policy network.
  public var policy = PolicyConfiguration()

  public init() {}
}

/// A2C on a vector environment.
public final class A2C {
  public let configuration: A2CConfiguration
  public let environments: VectorEnvironment
  public let policy: ActorCriticPolicy
  public let optimizer: Optimizer
  public var generator: RandomGenerator
  public let seed: UInt64
  public private(set) var steps = 0
  public private(set) var updates = 0
  private var collector: RolloutCollector
  private var buffer: RolloutBuffer
  private var started = false
  /// The step count of the last reported update.
  private var lastReport = 0
  let history = EpisodeHistory()

  public init(environments: VectorEnvironment, configuration: A2CConfiguration = A2CConfiguration(), seed: UInt64) throws {
    guard configuration.stepsPerEnvironment > 0 else {
      throw TrainingError.invalidConfiguration("A2C needs stepsPerEnvironment > 0")
    }
    self.configuration = configuration
    self.environments = environments
    self.seed = seed
    generator = RandomGenerator(seed: seed)
    policy = try ActorCriticPolicy(
      observationCount: environments.observationCount, actionKind: ActionKind(environments.singleActionSpace),
      configuration: configuration.policy, generator: &generator)
    optimizer = configuration.optimizer.make(
      learningRate: configuration.learningRate.initialValue, epsilon: configuration.optimizerEpsilon)
    collector = try RolloutCollector(policy: policy, environments: environments)
    buffer = RolloutBuffer(
      capacity: configuration.stepsPerEnvironment, environmentCount: environments.count,
      observationCount: environments.observationCount, actionCount: policy.actionKind.storedCount)
  }

  public func learn(_ budget: TrainingBudget, observer: TrainingObserver? = nil) throws -> TrainingSummary {
    try budget.validate()
    var tracker = EpisodeTracker(budget: budget, observer: observer, history: history)
    let start = monotonicSeconds()
    let n = environments.count
    if !started {
      try environments.reset(seed: seed)
      started = true
      lastReport = steps
    }
    let c = configuration
    var recent: [String: Double] = [:]
    while !tracker.done(steps: steps) {
      // 1. Rollout.
      let rows = Swift.min(c.stepsPerEnvironment, budget.steps.map { ($0 - steps + n - 1) / n } ?? Int.max)
      steps += try collector.collect(
        rows: rows, into: &buffer, generator: &generator, tracker: &tracker, stepsSoFar: steps,
        stopAtEpisodeEnd: c.updateAtEpisodeEnd)

      // 2. Returns and advantages.
      let (advantages, returns) = buffer.advantages(gamma: c.gamma, lambda: c.gaeLambda)
      let count = buffer.sampleCount
      let d = buffer.observationCount
      let observations = Tensor(Array(buffer.observations[0..<(count * d)]), shape: [count, d])
      let actions = Tensor(Array(buffer.actions[0..<(count * buffer.actionCount)]), shape: [count, buffer.actionCount])
      var a = Tensor(doubles: advantages, shape: [count])
      if c.normalizeAdvantages && count > 1 { a = (a - a.mean()) / (a.standardDeviation(unbiased: true) + 1e-8) }
      let r = Tensor(doubles: returns, shape: [count])

      // 3. One gradient step.
      let learningRate = c.learningRate.value(step: steps, totalSteps: budget.steps ?? steps)
      optimizer.learningRate = Float(learningRate)
      let entropyCoefficient = Float(c.entropyCoefficient.value(step: steps, totalSteps: budget.steps ?? steps))
      var policyLoss: Float = 0
      var valueLoss: Float = 0
      var entropyLoss: Float = 0
      var (loss, gradients) = valueAndGradient(of: policy) { policy in
        let (distribution, values) = policy.evaluate(observations)
        let pl = -(distribution.logProbability(of: actions) * a).mean()
        let vl = square(r - values).mean()
        let el = -distribution.entropy().mean()
        policyLoss = pl.item
        valueLoss = vl.item
        entropyLoss = el.item
        return pl + entropyCoefficient * el + Float(c.valueCoefficient) * vl
      }
      try Divergence.check(loss: loss.item, update: updates)
      try Divergence.check(gradients, norm: gradients.clipNorm(Float(c.maxGradientNorm)), update: updates)
      optimizer.update(policy, along: gradients)
      try Divergence.checkParameters(of: policy, update: updates)
      updates += 1

      recent = [
        "train/policy_loss": Double(policyLoss), "train/value_loss": Double(valueLoss),
        "train/entropy_loss": Double(entropyLoss), "train/learning_rate": learningRate,
        "train/n_updates": Double(updates),
        "train/explained_variance": explainedVariance(predictions: Array(buffer.values[0..<count]), targets: returns),
      ]
      recent.merge(policy.actionStatistics(rawActions: buffer.actions[0..<(count * buffer.actionCount)])) { a, _ in a }
      // Report about every 100 updates' worth of steps, as SB3's log interval does, and at the end.
      if steps - lastReport >= 100 * c.stepsPerEnvironment * n || tracker.done(steps: steps) {
        lastReport = steps
        if let mean = tracker.recentMean { recent["rollout/ep_rew_mean"] = mean }
        recent["time/total_timesteps"] = Double(steps)
        recent["time/fps"] = Double(steps) / Swift.max(monotonicSeconds() - start, 1e-9)
        tracker.update(step: steps, metrics: recent)
      }
      tracker.boundary(step: steps)
    }
    return TrainingSummary(
      steps: steps, episodes: tracker.episodes, wallSeconds: monotonicSeconds() - start,
      stoppedEarly: tracker.stopReason)
  }

  // MARK: Saving and restoring

  /// The loop state between updates: steps, gradient steps, the step of the last report, whether the environments
  /// were reset, finished episodes, and the vector environment's state.
  public func saveTrainingState() throws -> AgentTrainingState {
    AgentTrainingState(
      algorithm: Self.algorithmName,
      counters: ["steps": steps, "updates": updates, "last_report": lastReport, "started": started ? 1 : 0],
      episodes: history.episodes, recentReturnSum: history.recentSum, recentReturnWindow: history.window,
      environment: try environments.saveState())
  }

  /// Restores a state from ``saveTrainingState()`` of an identically configured agent.
  public func restoreTrainingState(_ state: AgentTrainingState) throws {
    let savedSteps = try state.counter("steps")
    try state.validate(algorithm: Self.algorithmName, steps: savedSteps)
    let savedUpdates = try state.counter("updates")
    let savedReport = try state.counter("last_report")
    let savedStarted = try state.counter("started") == 1
    try environments.restoreState(state.environment)
    steps = savedSteps
    updates = savedUpdates
    lastReport = savedReport
    started = savedStarted
    history.restore(from: state)
  }
}
