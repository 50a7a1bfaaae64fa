import Foundation
import TestSupport
import XCTest

@testable import PolicyGradient

/// An infinite-horizon task: the observation is always [1], every step pays 1 and nothing ever terminates, so
/// with discount γ the true value is 1 / (1 - γ) at every step. Under a time limit, an algorithm that treats
/// truncation as termination learns a smaller value instead (the mean of the partial sums up to the limit).
final class EndlessEnvironment: Environment {
  var observationSpace: Space { .box(BoxSpace(low: 0, high: 2, shape: [1])) }
  var actionSpace: Space { .discrete(DiscreteSpace(2)) }
  func reset(seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>) throws -> Info
  {
    observation[0] = 1
    return [:]
  }
  func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> StepOutcome
  {
    observation[0] = 1
    return StepOutcome(reward: 1, terminated: false)
  }
}

final class AlgorithmTests: XCTestCase {
  func cartPoles(_ n: Int) throws -> VectorEnvironment {
    try SyncVectorEnvironment(id: "CartPole-v1", count: n, autoresetMode: .sameStep, registry: classicRegistry)
  }

  func endless(_ n: Int, limit: Int = 10) throws -> VectorEnvironment {
    try SyncVectorEnvironment(count: n, autoresetMode: .sameStep) { _ in
      try TimeLimit(EndlessEnvironment(), maxEpisodeSteps: limit)
    }
  }

  /// PPO's loss on a two-sample minibatch worked out by hand.
  func testPPOLossAgainstHandComputedMinibatch() {
    // Logits [0, 0] and [ln 3, 0]: π(1 | s0) = 1/2, π(0 | s1) = 3/4.
    let logits = Tensor([[0, 0], [Float(log(3.0)), 0]])
    let distribution = PolicyDistribution.categorical(Categorical(logits: logits))
    let actions = Tensor([[1], [0]])
    // Old probabilities 1/4 and 1/2: ratios 2 and 1.5. Advantages 1 and -2, clip 0.2:
    // sample 0: min(2·1, 1.2·1) = 1.2; sample 1: min(1.5·-2, 1.2·-2) = -3. Policy loss = -(1.2 - 3)/2 = 0.9.
    let old = Tensor([Float(log(0.25)), Float(log(0.5))])
    let terms = ppoLoss(
      distribution: distribution, values: Tensor([0.5, 1]), actions: actions, oldLogProbabilities: old,
      advantages: Tensor([1, -2]), returns: Tensor([1.5, 0]), oldValues: .zeros([2]), clipRange: 0.2,
      valueClipRange: nil,
      entropyCoefficient: 0.01, valueCoefficient: 0.5)
    XCTAssertEqual(terms.policyLoss, 0.9, accuracy: 1e-6)
    // Value loss: ((1.5 - 0.5)² + (0 - 1)²) / 2 = 1.
    XCTAssertEqual(terms.valueLoss, 1, accuracy: 1e-6)
    // Entropies ln 2 and -(3/4 ln 3/4 + 1/4 ln 1/4).
    let h1 = -(0.75 * log(0.75) + 0.25 * log(0.25))
    XCTAssertEqual(Double(terms.entropyLoss), -(log(2) + h1) / 2, accuracy: 1e-6)
    XCTAssertEqual(Double(terms.total.item), 0.9 + 0.01 * -(log(2) + h1) / 2 + 0.5, accuracy: 1e-5)
    // Both ratios lie outside [0.8, 1.2]; k3 KL = mean((r - 1) - log r).
    XCTAssertEqual(terms.clipFraction, 1)
    XCTAssertEqual(Double(terms.approximateKL), ((1 - log(2)) + (0.5 - log(1.5))) / 2, accuracy: 1e-6)
    // Value clipping around old values 0.4 and 0.8 with range 0.05: predictions 0.45 and 0.85.
    let clipped = ppoLoss(
      distribution: distribution, values: Tensor([0.5, 1]), actions: actions, oldLogProbabilities: old,
      advantages: Tensor([1, -2]), returns: Tensor([1.5, 0]), oldValues: Tensor([0.4, 0.8]), clipRange: 0.2,
      valueClipRange: 0.05, entropyCoefficient: 0, valueCoefficient: 0.5)
    XCTAssertEqual(clipped.valueLoss, (1.05 * 1.05 + 0.85 * 0.85) / 2, accuracy: 1e-6)
  }

  /// CleanRL's value loss (issue 14): 0.5 · mean(max(unclipped², clipped²)), on the minibatch above.
  func testCleanRLValueLossAgainstHandComputedMinibatch() {
    let distribution = PolicyDistribution.categorical(Categorical(logits: Tensor([[0, 0], [Float(log(3.0)), 0]])))
    func valueLoss(_ style: ValueLossStyle, clip: Float?) -> Float {
      ppoLoss(
        distribution: distribution, values: Tensor([0.5, 1]), actions: Tensor([[1], [0]]),
        oldLogProbabilities: Tensor([Float(log(0.25)), Float(log(0.5))]), advantages: Tensor([1, -2]),
        returns: Tensor([1.5, 0]), oldValues: Tensor([0.4, 0.8]), clipRange: 0.2, valueClipRange: clip,
        valueLoss: style, entropyCoefficient: 0, valueCoefficient: 0.5
      ).valueLoss
    }
    // Unclipped squared errors 1 and 1; clipped (predictions 0.45, 0.85) 1.1025 and 0.7225.
    XCTAssertEqual(valueLoss(.cleanrl, clip: 0.05), 0.5 * (1.1025 + 1) / 2, accuracy: 1e-6)
    XCTAssertEqual(valueLoss(.sb3, clip: 0.05), (1.1025 + 0.7225) / 2, accuracy: 1e-6)
    XCTAssertEqual(valueLoss(.cleanrl, clip: nil), 0.5 * (1 + 1) / 2, accuracy: 1e-6)
  }

  /// With bootstrap_truncated false a truncated step's next value is 0, as CleanRL's next_done = terminations or
  /// truncations; with it (the default) the value of the final observation.
  func testTruncationsBootstrapOnlyWhenAsked() throws {
    func nextValues(bootstrap: Bool) throws -> [Double] {
      var configuration = PPOConfiguration()
      configuration.stepsPerEnvironment = 6
      configuration.batchSize = 6
      configuration.epochs = 1
      configuration.bootstrapTruncated = bootstrap
      let ppo = try PPO(environments: endless(1, limit: 3), configuration: configuration, seed: 1)
      _ = try ppo.learn(TrainingBudget(steps: 6))
      XCTAssertEqual(ppo.driver.buffer.truncated[0..<6], [false, false, true, false, false, true])
      return Array(ppo.driver.buffer.nextValues[0..<6])
    }
    let cut = try nextValues(bootstrap: false)
    let bootstrapped = try nextValues(bootstrap: true)
    XCTAssertEqual(cut[2], 0)
    XCTAssertEqual(cut[5], 0)
    XCTAssertNotEqual(bootstrapped[2], 0)
    XCTAssertNotEqual(bootstrapped[5], 0)
    XCTAssertEqual(cut[0], bootstrapped[0], "inside an episode both take the next row's value")
  }

  /// The fused clipped surrogate against the same loss written out with tensor operations: values and gradients,
  /// with ratios inside, below and above the clip range and advantages of both signs.
  func testClippedSurrogateEqualsItsComposition() {
    let logProbabilities = Tensor([-0.7, -1.2, -0.1, -2.5, -0.4, -0.9])
    let old = Tensor([-0.7, -0.9, -0.5, -2.0, -0.45, -1.3])
    let advantages = Tensor([0.5, -1.0, 2.0, 1.5, -0.3, -2.0])
    let composed: (Tensor) -> Tensor = { logp in
      let ratio = exp(logp - old)
      return -minimum(ratio * advantages, clamp(ratio, min: 0.8, max: 1.2) * advantages).mean()
    }
    let fused: (Tensor) -> Tensor = {
      clippedSurrogateLoss(logProbabilities: $0, oldLogProbabilities: old, advantages: advantages, clipRange: 0.2).loss
    }
    let a = valueAndGradient(at: [logProbabilities]) { fused($0[0]) }
    let b = valueAndGradient(at: [logProbabilities]) { composed($0[0]) }
    XCTAssertEqual(a.value.item, b.value.item, accuracy: 1e-6)
    for (x, y) in zip(a.gradients[0].scalars, b.gradients[0].scalars) { XCTAssertEqual(x, y, accuracy: 1e-6) }
    XCTAssertTrue(a.gradients[0].scalars.contains(0), "some ratios are held by the clip")
    assertGradientsMatchFiniteDifferences(at: [logProbabilities], step: 1e-3) { fused($0[0]) }
  }

  /// On the endless task under a 10-step limit with γ = 0.8, the critic must learn V = 1 / (1 - γ) = 5, not the
  /// 3.2 it would learn if the time limit were treated as termination. Checked for A2C, PPO and one-step AC.
  func testTruncatedEpisodesBootstrapInEveryAlgorithm() throws {
    var a2c = A2CConfiguration()
    a2c.gamma = 0.8
    a2c.optimizer = .adam
    a2c.learningRate = .constant(3e-3)
    let a2cAgent = try A2C(environments: endless(4), configuration: a2c, seed: 1)
    _ = try a2cAgent.learn(TrainingBudget(steps: 20_000))
    XCTAssertEqual(a2cAgent.policy.values(Tensor([1])).item, 5, accuracy: 0.25, "A2C")

    var ppo = PPOConfiguration()
    ppo.gamma = 0.8
    ppo.stepsPerEnvironment = 64
    ppo.learningRate = .constant(3e-3)
    let ppoAgent = try PPO(environments: endless(4), configuration: ppo, seed: 1)
    _ = try ppoAgent.learn(TrainingBudget(steps: 10_240))
    XCTAssertEqual(ppoAgent.policy.values(Tensor([1])).item, 5, accuracy: 0.25, "PPO")

    var ac = ActorCriticConfiguration()
    ac.gamma = 0.8
    ac.learningRate = 1e-3
    let acAgent = try OneStepActorCritic(
      environment: TimeLimit(EndlessEnvironment(), maxEpisodeSteps: 10), configuration: ac, seed: 1)
    _ = try acAgent.learn(TrainingBudget(steps: 5_000))
    XCTAssertEqual(acAgent.policy.values(Tensor([1])).item, 5, accuracy: 0.25, "one-step actor-critic")
  }

  /// Asking for N steps trains on exactly N when N is a multiple of the number of environments.
  func testExactStepBudgets() throws {
    var c = PPOConfiguration()
    c.stepsPerEnvironment = 128
    let agent = try PPO(environments: cartPoles(4), configuration: c, seed: 3)
    XCTAssertEqual(try agent.learn(TrainingBudget(steps: 1_000)).steps, 1_000)
    let a2c = try A2C(environments: cartPoles(2), seed: 3)
    XCTAssertEqual(try a2c.learn(TrainingBudget(steps: 777 * 2)).steps, 777 * 2)
    let reinforce = try REINFORCE(
      environment: makeClassic("CartPole-v1"), configuration: REINFORCEConfiguration(), seed: 3)
    XCTAssertEqual(try reinforce.learn(TrainingBudget(episodes: 7)).episodes.count, 7)
    XCTAssertThrowsError(try reinforce.learn(TrainingBudget())) { XCTAssertTrue($0 is TrainingError) }
  }

  /// The same seed gives a bit-identical learning curve and identical final weights.
  func testSameSeedGivesBitIdenticalLearningCurve() throws {
    func run() throws -> ([Double], [String: Tensor]) {
      var c = PPOConfiguration()
      c.stepsPerEnvironment = 256
      let agent = try PPO(environments: cartPoles(2), configuration: c, seed: 11)
      let summary = try agent.learn(TrainingBudget(steps: 4_096))
      return (summary.episodes.map(\.episodeReturn), agent.policy.parameterValues())
    }
    let (curveA, weightsA) = try run()
    let (curveB, weightsB) = try run()
    XCTAssertEqual(curveA, curveB)
    XCTAssertEqual(weightsA, weightsB)
    XCTAssertGreaterThan(curveA.count, 50)
  }

  // MARK: Learning smoke tests (fixed seeds and budgets; a random CartPole policy averages about 22)

  /// PPO with SB3's defaults: 30,000 steps take the mean return of the last 20 episodes above 150.
  func testPPOLearnsCartPole() throws {
    let summary = try PPO(environments: cartPoles(1), seed: 1).learn(TrainingBudget(steps: 30_720))
    XCTAssertGreaterThan(summary.meanReturn(last: 20)!, 150)
  }

  /// A2C with SB3's defaults on 8 environments: 40,000 steps take the mean of the last 20 episodes above 100.
  func testA2CLearnsCartPole() throws {
    let summary = try A2C(environments: cartPoles(8), seed: 1).learn(TrainingBudget(steps: 40_000))
    XCTAssertGreaterThan(summary.meanReturn(last: 20)!, 100)
  }

  /// W2 with seed 1: REINFORCE with standardised returns solves CartPole (mean of the last 50 returns >= 475)
  /// within its 1000-episode budget (it stops early, at episode 164).
  func testREINFORCESolvesCartPoleW2() throws {
    var c = REINFORCEConfiguration()
    c.standardizeReturns = true
    c.policy.hiddenCounts = [128]
    c.policy.activation = .relu
    c.policy.orthogonalInitialization = false
    let agent = try REINFORCE(environment: makeClassic("CartPole-v1"), configuration: c, seed: 1)
    let summary = try agent.learn(TrainingBudget(episodes: 1000, stopAtMeanReturn: 475, meanWindow: 50))
    XCTAssertNotNil(summary.stoppedEarly)
    XCTAssertGreaterThanOrEqual(summary.meanReturn(last: 50)!, 475)
  }

  /// One-step actor-critic with a small learning rate and separate networks improves on CartPole within 300
  /// episodes (mean of the last 50 above twice the first 50).
  func testOneStepActorCriticImproves() throws {
    var c = ActorCriticConfiguration()
    c.learningRate = 5e-4
    c.policy.sharedTrunk = false
    let agent = try OneStepActorCritic(environment: makeClassic("CartPole-v1"), configuration: c, seed: 1)
    let summary = try agent.learn(TrainingBudget(episodes: 300))
    let first = summary.episodes.prefix(50).map(\.episodeReturn).reduce(0, +) / 50
    XCTAssertGreaterThan(summary.meanReturn(last: 50)!, 2 * first)
  }
}
