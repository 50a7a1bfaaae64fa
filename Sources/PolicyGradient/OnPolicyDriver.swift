// MARK: - The on-policy driver (A2C, PPO)
//
// Stable-Baselines3's `OnPolicyAlgorithm.learn` in one place: reset the environments once (seeded), then until the
// budget is used up or a stop is asked for
//   1. collect a rollout of `stepsPerEnvironment` steps from every environment (shortened to fit a step budget,
//      or ended at an episode end when the schedule says so), tracking finished episodes;
//   2. let the algorithm update its policy from it (its only part of the loop);
//   3. send the update event, with the update's metrics and the rollout's (`rollout/ep_rew_mean`, `time/...`, as
//      SB3's `dump_logs`) when it is a logged one: every rollout (PPO), or about every `reportEverySteps` steps
//      (A2C's log interval).
// The driver builds the policy, and owns it, the collector, the rollout buffer, the episode tracking and the loop
// state; the state is complete at every update event, so a checkpoint taken then resumes exactly. Through
// ``OnPolicyAgent`` it is the whole of an algorithm's ``Agent`` but its configuration, optimizer and update.

/// The collection and reporting schedule of an on-policy algorithm.
struct OnPolicySchedule {
  /// Steps collected from each environment per rollout.
  var stepsPerEnvironment: Int
  /// Bootstrap truncated episodes from their final observation's value (else a truncation counts as an end).
  var bootstrapTruncated = true
  /// End a rollout early when an episode ends (W5's A2C, with one environment).
  var endRolloutAtEpisodeEnd = false
  /// Log every rollout's update (nil, PPO), or the first update at least this many steps after the last one
  /// logged and the last update of the call (A2C).
  var reportEverySteps: Int? = nil
}

/// Runs the collect-then-update loop of an on-policy algorithm on a vector environment.
final class OnPolicyDriver {
  let environments: VectorEnvironment
  let seed: UInt64
  /// The policy trained (built by the driver from the algorithm's policy configuration).
  let policy: ActorCriticPolicy
  let schedule: OnPolicySchedule
  /// The loop state and finished episodes.
  let loop = TrainingLoop()
  /// The agent's generator (action sampling here, shuffling in the update).
  var generator: RandomGenerator
  /// The rollout being collected or updated from.
  private(set) var buffer: RolloutBuffer
  private let collector: RolloutCollector

  /// The setup every on-policy algorithm shares: installs `normalization` (the return discounted by `gamma`) on
  /// `environments`, builds the policy of `policy` with a generator seeded by `seed` (which then samples the actions),
  /// and checks that `environments` suit the collector.
  init(
    environments: VectorEnvironment, seed: UInt64, policy configuration: PolicyConfiguration,
    normalization: NormalizationConfiguration, gamma: Double, schedule: OnPolicySchedule
  ) throws {
    self.environments = environments
    self.seed = seed
    self.schedule = schedule
    try environments.installNormalization(normalization, gamma: gamma)
    var generator = RandomGenerator(seed: seed)
    let policy = try ActorCriticPolicy(for: environments, configuration: configuration, generator: &generator)
    self.policy = policy
    self.generator = generator
    collector = try RolloutCollector(
      policy: policy, environments: environments, bootstrapTruncated: schedule.bootstrapTruncated)
    buffer = RolloutBuffer(
      capacity: schedule.stepsPerEnvironment, environmentCount: environments.count,
      observationCount: environments.observationCount, actionCount: policy.actionKind.storedCount)
  }

  /// Environment steps taken so far.
  var steps: Int { loop.state.steps }

  /// Trains for `budget`; `update` is the algorithm's update of the collected rollout (``buffer``), given the
  /// generator and the planned total of steps (for schedules), returning its `train/...` metrics.
  func learn(
    _ budget: TrainingBudget, callback: (any TrainingCallback)?, algorithm: String,
    update: (_ rollout: inout RolloutBuffer, _ generator: inout RandomGenerator, _ totalSteps: Int) throws -> [String:
      Double]
  ) throws -> TrainingSummary {
    var tracker = try loop.begin(budget, callback: callback, algorithm: algorithm, seed: seed)
    let stepsAtStart = loop.state.steps
    let n = environments.count
    if !loop.state.started {
      try environments.reset(seed: loop.resetSeed(seed, isFirst: true))
      loop.state.started = true
      loop.state.lastReport = loop.state.steps
    }
    while !tracker.done(steps: loop.state.steps) {
      // 1. Collect.
      let remainingRows = budget.steps.map { ($0 - loop.state.steps + n - 1) / n } ?? Int.max
      loop.state.steps += try collector.collect(
        rows: Swift.min(schedule.stepsPerEnvironment, remainingRows), into: &buffer, generator: &generator,
        tracker: &tracker, stepsSoFar: loop.state.steps, stopAtEpisodeEnd: schedule.endRolloutAtEpisodeEnd)
      tracker.rolloutEnd(steps: loop.state.steps, rolloutSteps: buffer.sampleCount)
      // 2. Update.
      var metrics = try update(&buffer, &generator, budget.steps ?? loop.state.steps)
      loop.state.iterations += 1
      // 3. Report.
      let steps = loop.state.steps
      let logged: Bool
      if let interval = schedule.reportEverySteps {
        logged = steps - loop.state.lastReport >= interval || tracker.done(steps: steps)
        if logged { loop.state.lastReport = steps }
      } else {
        logged = true
      }
      if logged { addRolloutMetrics(to: &metrics, tracker: tracker, stepsAtStart: stepsAtStart) }
      tracker.update(steps: steps, metrics: logged ? metrics : nil)
    }
    return loop.end(tracker)
  }

  /// SB3's `dump_logs`: `time/iterations`, `time/total_timesteps`, `time/fps` (steps of this `learn` call per second
  /// of it), `time/time_elapsed` (its whole seconds), and, once an episode has ended, `rollout/ep_rew_mean` and
  /// `rollout/ep_len_mean` over the last `meanWindow` episodes.
  private func addRolloutMetrics(to metrics: inout [String: Double], tracker: EpisodeTracker, stepsAtStart: Int) {
    let elapsed = Swift.max(MonotonicClock.seconds() - tracker.startSeconds, 1e-9)
    metrics["time/iterations"] = Double(loop.state.iterations)
    metrics["time/total_timesteps"] = Double(loop.state.steps)
    metrics["time/fps"] = Double(loop.state.steps - stepsAtStart) / elapsed
    metrics["time/time_elapsed"] = elapsed.rounded(.down)
    if let mean = tracker.recentMean {
      metrics["rollout/ep_rew_mean"] = mean
      let recent = tracker.episodes.suffix(tracker.budget.meanWindow)
      metrics["rollout/ep_len_mean"] = Double(recent.reduce(0) { $0 + $1.length }) / Double(recent.count)
    }
  }

  /// The loop state between updates (counters, finished episodes, the vector environment's state).
  func saveTrainingState(algorithm: String) throws -> AgentTrainingState {
    loop.save(algorithm: algorithm, environment: try environments.saveState())
  }

  /// Restores a state from ``saveTrainingState(algorithm:)`` of an identically configured agent.
  func restoreTrainingState(_ state: AgentTrainingState, algorithm: String) throws {
    try loop.restore(state, algorithm: algorithm) { try environments.restoreState($0) }
  }

  /// The loop state with only the normalisation statistics of the environments (for environments that cannot be
  /// saved).
  func saveTrainingStateWithoutEnvironments(algorithm: String) -> AgentTrainingState {
    loop.save(
      algorithm: algorithm,
      environment: environments.normalization?.statisticsState() ?? EnvironmentState(kind: "VectorNormalization"))
  }

  /// Continues the counters, episodes and normalisation statistics of `state` with fresh episodes, the next reset
  /// seeded with `resetSeed`.
  func restartTrainingState(_ state: AgentTrainingState, algorithm: String, resetSeed: UInt64) throws {
    if let normalization = environments.normalization, state.environment.labels["normalization.style"] != nil {
      try normalization.restartStatistics(from: state.environment)
    }
    try loop.restart(state, algorithm: algorithm, resetSeed: resetSeed)
  }
}

// MARK: - The agents built on the driver

/// An algorithm built on the ``OnPolicyDriver`` (A2C, PPO): it supplies its configuration, its optimizer and its
/// update of a collected rollout; the driver supplies the rest of ``Agent``.
protocol OnPolicyAgent: Agent {
  /// The driver that owns the policy, the environments, the rollouts and the loop state.
  var driver: OnPolicyDriver { get }
  /// The optimizer of the policy.
  var optimizer: Optimizer { get }
  /// The algorithm's update of the collected `rollout` (its advantages not yet computed), given the generator (for
  /// shuffling) and the planned total of steps (for schedules); returns its `train/...` metrics.
  func update(
    _ rollout: inout RolloutBuffer, generator: inout RandomGenerator, totalSteps: Int
  ) throws -> [String: Double]
}

extension OnPolicyAgent {
  public var policy: ActorCriticPolicy { driver.policy }
  public var generator: RandomGenerator {
    get { driver.generator }
    set { driver.generator = newValue }
  }
  public var steps: Int { driver.loop.state.steps }
  /// The one optimizer, in the role `policy`.
  public var optimizers: [(role: String, optimizer: Optimizer)] { [("policy", optimizer)] }
  public var observationNormalizer: ObservationNormalizer? { driver.environments.normalization?.evaluationNormalizer }

  /// Trains for the budget: a rollout of `stepsPerEnvironment` steps in every environment, the algorithm's update,
  /// and again. A step budget is met exactly when it is a multiple of the number of environments (otherwise the last
  /// rollout rounds it up to one); the last rollout is shortened to fit it.
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
    try driver.learn(budget, callback: callback, algorithm: Self.algorithmName) { rollout, generator, totalSteps in
      try update(&rollout, generator: &generator, totalSteps: totalSteps)
    }
  }

  /// The loop state between updates: steps, gradient steps, iterations, the step of the last report, whether the
  /// environments were reset, finished episodes, and the vector environment's state.
  public func saveTrainingState() throws -> AgentTrainingState {
    try driver.saveTrainingState(algorithm: Self.algorithmName)
  }

  public func restoreTrainingState(_ state: AgentTrainingState) throws {
    try driver.restoreTrainingState(state, algorithm: Self.algorithmName)
  }

  /// The loop state with only the normalisation statistics of the environments, for environments that cannot be
  /// saved (Box2D).
  public func saveTrainingStateWithoutEnvironments() throws -> AgentTrainingState {
    driver.saveTrainingStateWithoutEnvironments(algorithm: Self.algorithmName)
  }

  /// Continues the counters, finished episodes and normalisation statistics of `state` with fresh episodes.
  ///
  /// - Parameters:
  ///   - state: A state of an agent of the same algorithm and configuration, with or without its environments.
  ///   - resetSeed: The seed of the environments' next reset.
  /// - Throws: ``TrainingError/incompatibleState(_:)`` when the state does not fit this agent.
  public func restartTrainingState(_ state: AgentTrainingState, resetSeed: UInt64) throws {
    try driver.restartTrainingState(state, algorithm: Self.algorithmName, resetSeed: resetSeed)
  }

  public func close() { driver.environments.close() }

  // MARK: What both updates do

  /// One optimizer step along `gradients` clipped to `maxGradientNorm`, the gradients and then the parameters
  /// checked for divergence; counts the gradient step.
  func applyGradients(_ gradients: inout Gradients, maxGradientNorm: Double) throws {
    let update = driver.loop.state.updates
    try Divergence.check(gradients, norm: gradients.clipNorm(Float(maxGradientNorm)), update: update)
    optimizer.update(policy, along: gradients)
    try Divergence.checkParameters(of: policy, update: update)
    driver.loop.state.updates += 1
  }

  /// Adds the diagnostics every on-policy update reports besides its losses, as SB3 names them: the explained
  /// variance of the rollout's returns by its values, the policy's σ (`train/std`, Gaussian heads with a learned
  /// log σ) and the statistics of its raw actions (which replace no metric already there).
  func addDiagnostics(of rollout: RolloutBuffer, to metrics: inout [String: Double]) {
    metrics["train/explained_variance"] = explainedVariance(
      predictions: rollout.collectedValues, targets: rollout.returns)
    if let logStd = policy.logStandardDeviation { metrics["train/std"] = Double(exp(logStd).mean().item) }
    metrics.merge(policy.actionStatistics(rawActions: rollout.collectedActions)) { a, _ in a }
  }
}
