// MARK: - Proximal Policy Optimization
//
// Schulman et al. (2017), as Stable-Baselines3 implements it (its defaults are ours, so results and speed compare
// one to one): collect `stepsPerEnvironment` steps from every environment, compute GAE advantages, then run
// `epochs` passes of shuffled minibatches over the rollout, each minimising
//   -min(r A, clip(r, 1 - ε, 1 + ε) A) + c_v (V - R)² - c_e H,   r = π(a | s) / π_old(a | s),
// with optional value clipping, per-minibatch advantage normalisation, gradient-norm clipping and an early stop
// of the epochs when the approximate KL divergence exceeds 1.5 × target_kl. Learning rate, clip range and
// entropy coefficient may follow schedules over the run.

/// Hyperparameters of ``PPO``; the defaults are Stable-Baselines3's.
public struct PPOConfiguration: Sendable, Equatable, Codable {
  /// Learning rate of Adam (a schedule over the run).
  public var learningRate: Schedule = .constant(3e-4)
  /// Steps collected from each environment per rollout (the rollout holds this × the number of environments).
  public var stepsPerEnvironment = 2048
  /// Minibatch size of the updates.
  public var batchSize = 64
  /// Passes over the rollout per update.
  public var epochs = 10
  /// Discount factor γ.
  public var gamma = 0.99
  /// GAE's λ.
  public var gaeLambda = 0.95
  /// The clip range ε of the probability ratio (a schedule over the run).
  public var clipRange: Schedule = .constant(0.2)
  /// Clip range of the value function around its old predictions, or nil for no value clipping.
  public var valueClipRange: Double? = nil
  /// Normalise advantages within each minibatch.
  public var normalizeAdvantages = true
  /// Weight c_e of the entropy bonus (a schedule over the run).
  public var entropyCoefficient: Schedule = .constant(0)
  /// Weight c_v of the value loss.
  public var valueCoefficient = 0.5
  /// Gradient-norm limit.
  public var maxGradientNorm = 0.5
  /// Stop an update's epochs early once the approximate KL exceeds 1.5 × this, or nil to never stop.
  public var targetKL: Double? = nil
  /// Adam's ε (SB3 uses 1e-5).
  public var adamEpsilon = 1e-5
  /// The policy network.
  public var policy = PolicyConfiguration()

  public init() {}

  func validate() throws {
    guard stepsPerEnvironment > 0, batchSize > 0, epochs > 0 else {
      throw TrainingError.invalidConfiguration("PPO needs positive stepsPerEnvironment, batchSize and epochs")
    }
    guard (0...1).contains(gamma), (0...1).contains(gaeLambda) else {
      throw TrainingError.invalidConfiguration("PPO needs gamma and gaeLambda in [0, 1]")
    }
  }
}

/// PPO with the clipped surrogate objective on a vector environment.
public final class PPO {
  public let configuration: PPOConfiguration
  public let environments: VectorEnvironment
  public let policy: ActorCriticPolicy
  public let optimizer: Optimizer
  public var generator: RandomGenerator
  public let seed: UInt64
  /// Environment steps taken so far.
  public private(set) var steps = 0
  /// Gradient steps taken so far.
  public private(set) var updates = 0
  private var collector: RolloutCollector
  private var buffer: RolloutBuffer
  private var started = false
  /// Iterations (rollout + update) done so far.
  public private(set) var iterations = 0
  let history = EpisodeHistory()

  /// An agent on `environments` (which must use same-step autoreset), seeded by `seed`; environment i is
  /// seeded with `seed + i` at the first reset.
  public init(environments: VectorEnvironment, configuration: PPOConfiguration = PPOConfiguration(), seed: UInt64) throws {
    try configuration.validate()
    self.configuration = configuration
    self.environments = environments
    self.seed = seed
    generator = RandomGenerator(seed: seed)
    policy = try ActorCriticPolicy(
      observationCount: environments.observationCount, actionKind: ActionKind(environments.singleActionSpace),
      configuration: configuration.policy, generator: &generator)
    optimizer = Adam(learningRate: Float(configuration.learningRate.initialValue), epsilon: Float(configuration.adamEpsilon))
    collector = try RolloutCollector(policy: policy, environments: environments)
    buffer = RolloutBuffer(
      capacity: configuration.stepsPerEnvironment, environmentCount: environments.count,
      observationCount: environments.observationCount, actionCount: policy.actionKind.storedCount)
  }

  /// Trains for the budget. A step budget is met exactly when it is a multiple of the number of environments
  /// (otherwise the last rollout rounds it up to one); the last rollout is shortened to fit it.
  public func learn(_ budget: TrainingBudget, observer: TrainingObserver? = nil) throws -> TrainingSummary {
    try budget.validate()
    var tracker = EpisodeTracker(budget: budget, observer: observer, history: history)
    let start = monotonicSeconds()
    let n = environments.count
    if !started {
      try environments.reset(seed: seed)
      started = true
    }
    while !tracker.done(steps: steps) {
      // 1. Rollout.
      let remainingRows = budget.steps.map { ($0 - steps + n - 1) / n } ?? Int.max
      let rows = Swift.min(configuration.stepsPerEnvironment, remainingRows)
      let iterationStart = monotonicSeconds()
      steps += try collector.collect(
        rows: rows, into: &buffer, generator: &generator, tracker: &tracker, stepsSoFar: steps)
      // 2. Advantages, 3. update epochs.
      var metrics = try update(totalSteps: budget.steps ?? steps)
      iterations += 1
      metrics["time/iterations"] = Double(iterations)
      metrics["time/fps"] = Double(buffer.sampleCount) / Swift.max(monotonicSeconds() - iterationStart, 1e-9)
      metrics["time/total_timesteps"] = Double(steps)
      if let mean = tracker.recentMean {
        metrics["rollout/ep_rew_mean"] = mean
        let recent = tracker.episodes.suffix(tracker.budget.meanWindow)
        metrics["rollout/ep_len_mean"] = Double(recent.reduce(0) { $0 + $1.length }) / Double(recent.count)
      }
      tracker.update(step: steps, metrics: metrics)
    }
    return TrainingSummary(
      steps: steps, episodes: tracker.episodes, wallSeconds: monotonicSeconds() - start,
      stoppedEarly: tracker.stopReason)
  }

  // MARK: Saving and restoring

  /// The loop state between iterations: steps, gradient steps, iterations, whether the environments were reset,
  /// finished episodes, and the vector environment's state.
  public func saveTrainingState() throws -> AgentTrainingState {
    AgentTrainingState(
      algorithm: Self.algorithmName,
      counters: ["steps": steps, "updates": updates, "iterations": iterations, "started": started ? 1 : 0],
      episodes: history.episodes, recentReturnSum: history.recentSum, recentReturnWindow: history.window,
      environment: try environments.saveState())
  }

  /// Restores a state from ``saveTrainingState()`` of an identically configured agent.
  public func restoreTrainingState(_ state: AgentTrainingState) throws {
    let savedSteps = try state.counter("steps")
    try state.validate(algorithm: Self.algorithmName, steps: savedSteps)
    let savedUpdates = try state.counter("updates")
    let savedIterations = try state.counter("iterations")
    let savedStarted = try state.counter("started") == 1
    try environments.restoreState(state.environment)
    steps = savedSteps
    updates = savedUpdates
    iterations = savedIterations
    started = savedStarted
    history.restore(from: state)
  }

  /// The update epochs over the collected rollout; returns SB3-style metrics.
  func update(totalSteps: Int) throws -> [String: Double] {
    let c = configuration
    let learningRate = c.learningRate.value(step: steps, totalSteps: totalSteps)
    let clip = Float(c.clipRange.value(step: steps, totalSteps: totalSteps))
    let entropyCoefficient = Float(c.entropyCoefficient.value(step: steps, totalSteps: totalSteps))
    optimizer.learningRate = Float(learningRate)

    let (advantages, returns) = buffer.advantages(gamma: c.gamma, lambda: c.gaeLambda)
    let count = buffer.sampleCount
    let d = buffer.observationCount
    let bObservations = Tensor(Array(buffer.observations[0..<(count * d)]), shape: [count, d])
    let bActions = Tensor(Array(buffer.actions[0..<(count * buffer.actionCount)]), shape: [count, buffer.actionCount])
    let bLogProbabilities = Tensor(Array(buffer.logProbabilities[0..<count]), shape: [count])
    let bAdvantages = Tensor(doubles: advantages, shape: [count])
    let bReturns = Tensor(doubles: returns, shape: [count])
    let bValues = Tensor(doubles: Array(buffer.values[0..<count]), shape: [count])

    var policyLosses: [Float] = []
    var valueLosses: [Float] = []
    var entropyLosses: [Float] = []
    var klDivergences: [Float] = []
    var clipFractions: [Float] = []
    var totalLoss: Float = 0
    var stoppedAtEpoch: Int?
    epochs: for epoch in 0..<c.epochs {
      let order = generator.permutation(count)
      for start in stride(from: 0, to: count, by: c.batchSize) {
        let indices = Array(order[start..<Swift.min(start + c.batchSize, count)])
        let mbObservations = bObservations.gatherRows(indices)
        let mbActions = bActions.gatherRows(indices)
        let mbOldLogProbabilities = bLogProbabilities.gatherRows(indices)
        let mbReturns = bReturns.gatherRows(indices)
        var (terms, gradients) = minibatchGradients(
          policy: policy, observations: mbObservations, actions: mbActions,
          oldLogProbabilities: mbOldLogProbabilities, advantages: bAdvantages.gatherRows(indices),
          returns: mbReturns, oldValues: c.valueClipRange == nil ? nil : bValues.gatherRows(indices),
          normalizeAdvantages: c.normalizeAdvantages, clipRange: clip,
          valueClipRange: c.valueClipRange.map { Float($0) }, entropyCoefficient: entropyCoefficient,
          valueCoefficient: Float(c.valueCoefficient))
        try Divergence.check(loss: terms.total.item, update: updates)
        let approximateKL = terms.approximateKL
        policyLosses.append(terms.policyLoss)
        valueLosses.append(terms.valueLoss)
        entropyLosses.append(terms.entropyLoss)
        clipFractions.append(terms.clipFraction)
        klDivergences.append(approximateKL)
        if let target = c.targetKL, Double(approximateKL) > 1.5 * target {
          stoppedAtEpoch = epoch
          break epochs
        }
        try Divergence.check(gradients, norm: gradients.clipNorm(Float(c.maxGradientNorm)), update: updates)
        optimizer.update(policy, along: gradients)
        try Divergence.checkParameters(of: policy, update: updates)
        updates += 1
        totalLoss = terms.total.item
      }
    }
    func mean(_ x: [Float]) -> Double { x.isEmpty ? 0 : Double(x.reduce(0, +)) / Double(x.count) }
    var metrics: [String: Double] = [
      "train/policy_loss": mean(policyLosses),
      "train/value_loss": mean(valueLosses),
      "train/entropy_loss": mean(entropyLosses),
      "train/approx_kl": mean(klDivergences),
      "train/clip_fraction": mean(clipFractions),
      "train/loss": Double(totalLoss),
      "train/explained_variance": explainedVariance(predictions: Array(buffer.values[0..<count]), targets: returns),
      "train/learning_rate": learningRate,
      "train/clip_range": Double(clip),
      "train/n_updates": Double(updates),
    ]
    if let logStd = policy.logStandardDeviation { metrics["train/std"] = Double(exp(logStd).mean().item) }
    if let stoppedAtEpoch { metrics["train/early_stop_epoch"] = Double(stoppedAtEpoch) }
    metrics.merge(policy.actionStatistics(rawActions: buffer.actions[0..<(count * buffer.actionCount)])) { a, _ in a }
    return metrics
  }
}

// MARK: - The loss

/// One minibatch's loss terms and their gradients with respect to `policy`'s parameters, advantages standardised
/// first when asked: the part of PPO's update loop before early stopping, clipping and the optimizer step.
func minibatchGradients(
  policy: ActorCriticPolicy, observations: Tensor, actions: Tensor, oldLogProbabilities: Tensor,
  advantages: consuming Tensor, returns: Tensor, oldValues: Tensor?, normalizeAdvantages: Bool, clipRange: Float,
  valueClipRange: Float?, entropyCoefficient: Float, valueCoefficient: Float
) -> (terms: PPOLossTerms, gradients: Gradients) {
  var advantages = advantages
  if normalizeAdvantages { advantages.withUnsafeMutableBufferPointer { standardizeInPlace($0) } }
  var terms: PPOLossTerms?
  let (_, gradients) = valueAndGradient(of: policy) { policy in
    let (distribution, values) = policy.evaluate(observations)
    let t = ppoLoss(
      distribution: distribution, values: values, actions: actions, oldLogProbabilities: oldLogProbabilities,
      advantages: advantages, returns: returns, oldValues: oldValues, clipRange: clipRange,
      valueClipRange: valueClipRange, entropyCoefficient: entropyCoefficient, valueCoefficient: valueCoefficient)
    terms = t
    return t.total
  }
  return (terms!, gradients)
}

/// (x - mean) / (std + 1e-8) with the Bessel-corrected std, in place: the values the tensor expression
/// `(x - x.mean()) / (x.standardDeviation(unbiased: true) + 1e-8)` gives, without its ten operations.
func standardizeInPlace(_ x: UnsafeMutableBufferPointer<Float>) {
  let n = x.count
  guard n > 1 else { return }
  var total: Float = 0
  for v in x { total += v }
  let mean = total / Float(n)
  var squares: Float = 0
  for v in x { squares += (v - mean) * (v - mean) }
  let denominator = (squares / Float(n - 1)).squareRoot() + 1e-8
  for i in 0..<n { x[i] = (x[i] - mean) / denominator }
}

/// The PPO objective on one minibatch and its diagnostics.
struct PPOLossTerms {
  /// policy loss + c_e · entropy loss + c_v · value loss, differentiable.
  var total: Tensor
  var policyLoss: Float
  var valueLoss: Float
  /// -mean entropy.
  var entropyLoss: Float
  /// mean((r - 1) - log r), an estimate of KL(π_old || π) (Schulman's k3).
  var approximateKL: Float
  /// The fraction of ratios outside [1 - ε, 1 + ε].
  var clipFraction: Float
}

/// The clipped-surrogate loss, the (optionally clipped) value loss and the entropy bonus on one minibatch.
func ppoLoss(
  distribution: PolicyDistribution, values: Tensor, actions: Tensor, oldLogProbabilities: Tensor,
  advantages: Tensor, returns: Tensor, oldValues: Tensor?, clipRange: Float, valueClipRange: Float?,
  entropyCoefficient: Float, valueCoefficient: Float
) -> PPOLossTerms {
  let (policyLoss, ratios, logRatios) = clippedSurrogateLoss(
    logProbabilities: distribution.logProbability(of: actions), oldLogProbabilities: oldLogProbabilities,
    advantages: advantages, clipRange: clipRange)
  var predicted = values
  if let valueClipRange, let oldValues {
    predicted = oldValues + clamp(values - oldValues, min: -valueClipRange, max: valueClipRange)
  }
  let valueLoss = meanSquaredError(predicted, returns)
  let entropyLoss = -distribution.entropy().mean()
  // Diagnostics from the ratios: mean((r - 1) - log r) and the fraction with |r - 1| > ε.
  var kl: Float = 0
  var clipped = 0
  ratios.withUnsafeBufferPointer { r in
    logRatios.withUnsafeBufferPointer { logR in
      for i in 0..<r.count {
        kl += (r[i] - 1) - logR[i]
        if Swift.abs(r[i] - 1) > clipRange { clipped += 1 }
      }
    }
  }
  let n = Float(Swift.max(ratios.count, 1))
  return PPOLossTerms(
    total: policyLoss + entropyCoefficient * entropyLoss + valueCoefficient * valueLoss,
    policyLoss: policyLoss.item, valueLoss: valueLoss.item, entropyLoss: entropyLoss.item,
    approximateKL: kl / n, clipFraction: Float(clipped) / n)
}
