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
  let history = EpisodeHistory()
  // The episode in progress (kept between `learn` calls and in checkpoints).
  private var inEpisode = false
  private var observation: [Double] = []
  private var episodeReturn = 0.0
  private var episodeLength = 0
  // The squared TD errors since the last logged update, and their number.
  private var squaredTDErrors = 0.0
  private var updatesSinceLog = 0

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
    var tracker = EpisodeTracker(budget: budget, observer: observer, history: history)
    let start = monotonicSeconds()
    let c = configuration
    let columns = policy.observationCount
    while !tracker.done(steps: steps) {
      if !inEpisode {
        observation = try environment.reset(seed: episodesStarted == 0 ? seed : nil).observation
        episodesStarted += 1
        episodeReturn = 0
        episodeLength = 0
        inEpisode = true
      }
      while true {
        // Act.
        let s = Tensor.observations(observation, columns: columns)
        let raw = policy.distribution(s).sample(using: &generator)
        let step = try environment.step(policy.environmentActions(raw))
        steps += 1
        episodeLength += 1
        episodeReturn += step.reward

        // Learn from (s, a, r, s').
        let bootstrap = step.terminated ? 0 : Double(policy.values(.observations(step.observation, columns: columns)).item)
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
        squaredTDErrors += Double(delta * delta)
        updatesSinceLog += 1
        observation = step.observation

        // The episode ends before the update is reported, so that the loop state is complete at every event.
        if step.terminated || step.truncated {
          inEpisode = false
          tracker.finish(return: episodeReturn, length: episodeLength, step: steps, terminated: step.terminated)
        }
        if steps % c.logInterval == 0 {
          let rms = (squaredTDErrors / Double(updatesSinceLog)).squareRoot()
          squaredTDErrors = 0
          updatesSinceLog = 0
          tracker.update(step: steps, metrics: ["train/td_error_rms": rms])
        }
        tracker.boundary(step: steps)
        if !inEpisode { break }
        if let limit = tracker.budget.steps, steps >= limit { break }
        if tracker.stopReason != nil { break }
      }
    }
    return TrainingSummary(
      steps: steps, episodes: tracker.episodes, wallSeconds: monotonicSeconds() - start,
      stoppedEarly: tracker.stopReason)
  }

  // MARK: Saving and restoring

  /// The loop state: steps, episodes started, the episode in progress (observation, return, length), the TD-error
  /// accumulators of the next logged update, finished episodes, and the environment's state.
  public func saveTrainingState() throws -> AgentTrainingState {
    AgentTrainingState(
      algorithm: Self.algorithmName,
      counters: [
        "steps": steps, "episodes_started": episodesStarted, "in_episode": inEpisode ? 1 : 0,
        "episode_length": episodeLength, "updates_since_log": updatesSinceLog,
      ],
      values: ["observation": observation, "episode_return": [episodeReturn], "squared_td_errors": [squaredTDErrors]],
      episodes: history.episodes, recentReturnSum: history.recentSum, recentReturnWindow: history.window,
      environment: try environment.saveState())
  }

  /// Restores a state from ``saveTrainingState()`` of an identically configured agent.
  public func restoreTrainingState(_ state: AgentTrainingState) throws {
    let savedSteps = try state.counter("steps")
    try state.validate(algorithm: Self.algorithmName, steps: savedSteps)
    let started = try state.counter("episodes_started")
    let running = try state.counter("in_episode") == 1
    let length = try state.counter("episode_length")
    let sinceLog = try state.counter("updates_since_log")
    let savedObservation = try state.values("observation", count: state.values["observation"]?.count ?? 0)
    guard savedObservation.isEmpty || savedObservation.count == policy.observationCount else {
      throw TrainingError.incompatibleState("the observation in progress does not fit the policy")
    }
    let savedReturn = try state.values("episode_return", count: 1)[0]
    let squared = try state.values("squared_td_errors", count: 1)[0]
    try environment.restoreState(state.environment)
    steps = savedSteps
    episodesStarted = started
    inEpisode = running
    episodeLength = length
    updatesSinceLog = sinceLog
    observation = savedObservation
    episodeReturn = savedReturn
    squaredTDErrors = squared
    history.restore(from: state)
  }
}
