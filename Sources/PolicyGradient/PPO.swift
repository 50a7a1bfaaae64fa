// MARK: - Proximal Policy Optimization
//
// Schulman et al. (2017), as Stable-Baselines3 implements it (its defaults are ours, so results and speed compare
// one to one): collect `stepsPerEnvironment` steps from every environment, compute GAE advantages, then run
// `epochs` passes of shuffled minibatches over the rollout, each minimising
//   -min(r A, clip(r, 1 - ε, 1 + ε) A) + c_v (V - R)² - c_e H,   r = π(a | s) / π_old(a | s),
// with optional value clipping, per-minibatch advantage normalisation, gradient-norm clipping and an early stop
// of the epochs when the approximate KL divergence exceeds 1.5 × target_kl. Learning rate, clip range and
// entropy coefficient may follow schedules over the run.

/// How PPO's value loss is formed.
public enum ValueLossStyle: String, Sendable, Equatable, Codable, CaseIterable {
  /// Stable-Baselines3's: the mean squared error of the (clipped, with a value clip range) prediction.
  case sb3
  /// CleanRL's `ppo.py` / `ppo_continuous_action.py`: half the mean of the larger of the unclipped and clipped
  /// squared errors (`0.5 * max(unclipped, clipped).mean()`), or half the mean squared error without clipping.
  case cleanrl
}

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
  /// How the value loss is formed from the (clipped) predictions.
  public var valueLoss: ValueLossStyle = .sb3
  /// Bootstrap a truncated episode's last step from the value of its final observation (SB3); false treats a
  /// truncation as a termination (CleanRL: `next_done = terminations or truncations`).
  public var bootstrapTruncated = true
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
  /// Observation and reward normalisation of the environments (off by default); the return's discount is `gamma`.
  public var normalization = NormalizationConfiguration()
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
  /// The hyperparameters it was built with.
  public let configuration: PPOConfiguration
  /// The policy's Adam optimizer.
  public let optimizer: Optimizer
  /// The collection loop, the policy and the loop state.
  let driver: OnPolicyDriver

  /// An agent on `environments` (which must use same-step autoreset), seeded by `seed`; environment i is
  /// seeded with `seed + i` at the first reset. With `configuration.normalization` on, the agent installs the
  /// normalisation on `environments` (``VectorEnvironment/installNormalization(_:gamma:)``).
  ///
  /// - Parameters:
  ///   - environments: The vector environment to train in; its single action space must be Discrete (from 0) or a
  ///     one-dimensional Box.
  ///   - configuration: The hyperparameters (Stable-Baselines3's defaults); checked by its `validate()` first.
  ///   - seed: Seeds the network initialisation, the action sampling, the minibatch shuffling and the first reset.
  /// - Throws: ``TrainingError/invalidConfiguration(_:)`` for a configuration its `validate()` refuses, and
  ///   ``PolicyError`` for a policy that cannot be built for the spaces.
  public init(
    environments: VectorEnvironment, configuration: PPOConfiguration = PPOConfiguration(), seed: UInt64
  ) throws {
    try configuration.validate()
    self.configuration = configuration
    driver = try OnPolicyDriver(
      environments: environments, seed: seed, policy: configuration.policy,
      normalization: configuration.normalization, gamma: configuration.gamma,
      schedule: OnPolicySchedule(
        stepsPerEnvironment: configuration.stepsPerEnvironment, bootstrapTruncated: configuration.bootstrapTruncated))
    optimizer = Adam(
      learningRate: Float(configuration.learningRate.initialValue), epsilon: Float(configuration.adamEpsilon))
  }

  /// The vector environment it trains in.
  public var environments: VectorEnvironment { driver.environments }
  /// The seed it was built with.
  public var seed: UInt64 { driver.seed }
  /// Gradient steps (minibatches) taken so far.
  public var updates: Int { driver.loop.state.updates }
  /// Iterations (rollout + update) done so far.
  public var iterations: Int { driver.loop.state.iterations }

  // MARK: The update

  /// Advantages, then `epochs` passes of shuffled minibatches over the rollout; returns SB3-style metrics.
  func update(
    _ rollout: inout RolloutBuffer, generator: inout RandomGenerator, totalSteps: Int
  ) throws -> [String: Double] {
    let c = configuration
    let loop = driver.loop.state
    let learningRate = loop.value(of: c.learningRate, totalSteps: totalSteps)
    let loss = PPOLossSettings(
      normalizeAdvantages: c.normalizeAdvantages,
      clipRange: Float(loop.value(of: c.clipRange, totalSteps: totalSteps)),
      valueClipRange: c.valueClipRange.map { Float($0) }, valueLoss: c.valueLoss,
      entropyCoefficient: Float(loop.value(of: c.entropyCoefficient, totalSteps: totalSteps)),
      valueCoefficient: Float(c.valueCoefficient))
    optimizer.learningRate = Float(learningRate)
    rollout.computeAdvantages(gamma: c.gamma, lambda: c.gaeLambda)

    var policyLosses: [Float] = []
    var valueLosses: [Float] = []
    var entropyLosses: [Float] = []
    var klDivergences: [Float] = []
    var clipFractions: [Float] = []
    var totalLoss: Float = 0
    var stoppedAtEpoch: Int?
    epochs: for epoch in 0..<c.epochs {
      for minibatch in rollout.minibatches(size: c.batchSize, order: generator.permutation(rollout.sampleCount)) {
        var (terms, gradients) = minibatchGradients(policy: policy, minibatch: minibatch, loss: loss)
        try Divergence.check(loss: terms.total.item, update: updates)
        policyLosses.append(terms.policyLoss)
        valueLosses.append(terms.valueLoss)
        entropyLosses.append(terms.entropyLoss)
        clipFractions.append(terms.clipFraction)
        klDivergences.append(terms.approximateKL)
        if let target = c.targetKL, Double(terms.approximateKL) > 1.5 * target {
          stoppedAtEpoch = epoch
          break epochs
        }
        try applyGradients(&gradients, maxGradientNorm: c.maxGradientNorm)
        totalLoss = terms.total.item
      }
      driver.loop.state.epochs += 1
    }
    if stoppedAtEpoch != nil { driver.loop.state.epochs += 1 }
    func mean(_ x: [Float]) -> Double { x.isEmpty ? 0 : Double(x.reduce(0, +)) / Double(x.count) }
    var metrics: [String: Double] = [
      "train/policy_gradient_loss": mean(policyLosses),
      "train/value_loss": mean(valueLosses),
      "train/entropy_loss": mean(entropyLosses),
      "train/approx_kl": mean(klDivergences),
      "train/clip_fraction": mean(clipFractions),
      "train/loss": Double(totalLoss),
      "train/learning_rate": learningRate,
      "train/clip_range": Double(loss.clipRange),
      // SB3's count: epochs (one per pass over the rollout); Rein's minibatch gradient steps are gradient_steps.
      "train/n_updates": Double(driver.loop.state.epochs),
      "train/gradient_steps": Double(updates),
    ]
    if let valueClipRange = c.valueClipRange { metrics["train/clip_range_vf"] = valueClipRange }
    if let stoppedAtEpoch { metrics["train/early_stop_epoch"] = Double(stoppedAtEpoch) }
    addDiagnostics(of: rollout, to: &metrics)
    return metrics
  }
}

// MARK: - The loss

/// The coefficients of PPO's loss on one update.
struct PPOLossSettings {
  /// Standardise each minibatch's advantages.
  var normalizeAdvantages: Bool
  /// ε of the probability ratio's clipping.
  var clipRange: Float
  /// The value clip range, or nil for no value clipping.
  var valueClipRange: Float?
  /// SB3's or CleanRL's value loss.
  var valueLoss: ValueLossStyle = .sb3
  /// c_e.
  var entropyCoefficient: Float
  /// c_v.
  var valueCoefficient: Float
}

/// One minibatch's loss terms and their gradients with respect to `policy`'s parameters, advantages standardised
/// first when asked: the part of PPO's update loop before early stopping, clipping and the optimizer step.
func minibatchGradients(
  policy: ActorCriticPolicy, minibatch: Minibatch, loss: PPOLossSettings
) -> (terms: PPOLossTerms, gradients: Gradients) {
  var advantages = minibatch.advantages
  if loss.normalizeAdvantages { advantages.withUnsafeMutableBufferPointer { standardizeInPlace($0) } }
  var terms: PPOLossTerms?
  let (_, gradients) = valueAndGradient(of: policy) { policy in
    let (distribution, values) = policy.evaluate(minibatch.observations)
    let t = ppoLoss(
      distribution: distribution, values: values, actions: minibatch.actions,
      oldLogProbabilities: minibatch.oldLogProbabilities, advantages: advantages, returns: minibatch.returns,
      oldValues: minibatch.oldValues, clipRange: loss.clipRange, valueClipRange: loss.valueClipRange,
      valueLoss: loss.valueLoss,
      entropyCoefficient: loss.entropyCoefficient, valueCoefficient: loss.valueCoefficient)
    terms = t
    return t.total
  }
  return (terms!, gradients)
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
  advantages: Tensor, returns: Tensor, oldValues: Tensor, clipRange: Float, valueClipRange: Float?,
  valueLoss valueLossStyle: ValueLossStyle = .sb3, entropyCoefficient: Float, valueCoefficient: Float
) -> PPOLossTerms {
  let (policyLoss, ratios, logRatios) = clippedSurrogateLoss(
    logProbabilities: distribution.logProbability(of: actions), oldLogProbabilities: oldLogProbabilities,
    advantages: advantages, clipRange: clipRange)
  var predicted = values
  if let valueClipRange {
    predicted = oldValues + clamp(values - oldValues, min: -valueClipRange, max: valueClipRange)
  }
  let valueLoss: Tensor
  switch valueLossStyle {
  case .sb3:
    valueLoss = meanSquaredError(predicted, returns)
  case .cleanrl:
    let unclipped = (values - returns) * (values - returns)
    let squared =
      valueClipRange == nil ? unclipped : maximum(unclipped, (predicted - returns) * (predicted - returns))
    valueLoss = 0.5 * squared.mean()
  }
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
