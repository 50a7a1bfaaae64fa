import Foundation
import XCTest

@testable import PolicyGradient

/// PPO's continuous-action minibatch step against CleanRL's `ppo_continuous_action.py` update, step by step.
///
/// `Fixtures/ppo_continuous_cleanrl_steps.json` was written by `Benchmarks/peers/cleanrl_ppo_continuous_fixture.py`
/// (PyTorch 2.x, run with the peer stack, never by the build) in double precision: CleanRL's agent (separate 64-64
/// tanh actor and critic, orthogonal initialisation, a state-independent log-std) on 5 observations and 2 action
/// dimensions, two epochs of two minibatches of 16 from a batch of 32 whose old log-probabilities and old values
/// are shifted so that the ratio clipping and the value clipping both bind. The losses are CleanRL's: advantages
/// standardised per minibatch (Bessel's std + 1e-8), pg_loss = mean(max(-A r, -A clamp(r, 0.8, 1.2))), v_loss =
/// 0.5 mean(max((V - R)², (clip(V) - R)²)) with the value clipped at ±0.2 around V_old, entropy summed over the
/// action dimensions, loss = pg_loss - 0.01 entropy + 0.5 v_loss, then clip_grad_norm_(0.5) and Adam (lr 3e-4,
/// ε 1e-5). Rein expresses that loss as `value_loss: cleanrl` with CleanRL's `vf_coef` 0.5 (the ½ included).
/// SB3's form (`value_loss: sb3`, the squared error of the clipped prediction, no ½) fails the value loss and the
/// critic's gradients (the test checks that too). Tolerances are `PPOParityTests`' (float32 against float64).
final class PPOContinuousParityTests: XCTestCase {
  private struct Fixture: Decodable {
    struct Step: Decodable {
      var observations: [Float]
      var actions: [Float]
      var old_log_probabilities: [Float]
      var advantages: [Float]
      var returns: [Float]
      var old_values: [Float]
      var pg_loss: Double
      var v_loss: Double
      var entropy: Double
      var loss: Double
      var approx_kl: Double
      var clipfrac: Double
      var value_clipped_count: Int
      var gradient_norm: Double
      var gradients: [String: [Float]]
      var parameters_after: [String: [Float]]
    }
    var observation_count: Int
    var action_count: Int
    var clip_coef: Float
    var ent_coef: Float
    var vf_coef: Float
    var max_grad_norm: Float
    var initial: [String: [Float]]
    var steps: [Step]
  }

  private func loadFixture() throws -> Fixture {
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: "ppo_continuous_cleanrl_steps", withExtension: "json", subdirectory: "Fixtures"))
    return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
  }

  /// CleanRL's agent with the fixture's initial weights, and its parameters by Rein's names.
  private func makePolicy(_ fixture: Fixture) throws -> (ActorCriticPolicy, [String: Parameter]) {
    var configuration = PolicyConfiguration()
    configuration.hiddenCounts = [64, 64]
    configuration.activation = .tanh
    configuration.sharedTrunk = false
    configuration.gaussianHead = .stateIndependentLogStd
    var generator = RandomGenerator(seed: 1)
    let bounds = [Float](repeating: 1, count: fixture.action_count)
    let policy = try ActorCriticPolicy(
      observationCount: fixture.observation_count,
      actionKind: .continuous(low: bounds.map { -$0 }, high: bounds), configuration: configuration,
      generator: &generator)
    let parameters = Dictionary(uniqueKeysWithValues: policy.trainableParameters().map { ($0.name, $0.parameter) })
    XCTAssertEqual(Set(parameters.keys), Set(fixture.initial.keys), "parameter names differ from the fixture's")
    for (name, values) in fixture.initial {
      let parameter = try XCTUnwrap(parameters[name], name)
      XCTAssertEqual(parameter.value.scalars.count, values.count, name)
      parameter.value = Tensor(values, shape: parameter.value.shape.array)
    }
    return (policy, parameters)
  }

  private func minibatch(_ step: Fixture.Step, _ fixture: Fixture) -> Minibatch {
    let n = step.returns.count
    return Minibatch(
      observations: Tensor(step.observations, shape: [n, fixture.observation_count]),
      actions: Tensor(step.actions, shape: [n, fixture.action_count]),
      oldLogProbabilities: Tensor(step.old_log_probabilities, shape: [n]),
      advantages: Tensor(step.advantages, shape: [n]), returns: Tensor(step.returns, shape: [n]),
      oldValues: Tensor(step.old_values, shape: [n]))
  }

  private func settings(_ fixture: Fixture, style: ValueLossStyle) -> PPOLossSettings {
    PPOLossSettings(
      normalizeAdvantages: true, clipRange: fixture.clip_coef, valueClipRange: fixture.clip_coef,
      valueLoss: style, entropyCoefficient: fixture.ent_coef, valueCoefficient: fixture.vf_coef)
  }

  func testMinibatchStepsMatchCleanRL() throws {
    let fixture = try loadFixture()
    XCTAssertEqual(fixture.steps.count, 4)
    let (policy, parameters) = try makePolicy(fixture)
    let optimizer = Adam(learningRate: 3e-4, epsilon: 1e-5)

    for (index, expected) in fixture.steps.enumerated() {
      let step = "minibatch step \(index + 1)"
      // The fixture exercises both clippings: some ratios and some values are clipped in every step.
      XCTAssertGreaterThan(expected.clipfrac, 0, step)
      XCTAssertGreaterThan(expected.value_clipped_count, 0, step)
      var (t, gradients) = minibatchGradients(
        policy: policy, minibatch: minibatch(expected, fixture), loss: settings(fixture, style: .cleanrl))
      XCTAssertEqual(Double(t.policyLoss), expected.pg_loss, accuracy: 1e-5, "pg_loss, \(step)")
      XCTAssertEqual(
        Double(t.valueLoss), expected.v_loss, accuracy: 1e-5 * expected.v_loss, "v_loss, \(step)")
      XCTAssertEqual(Double(-t.entropyLoss), expected.entropy, accuracy: 1e-5, "entropy, \(step)")
      XCTAssertEqual(Double(t.total.item), expected.loss, accuracy: 1e-5 * max(1, abs(expected.loss)), "loss, \(step)")
      XCTAssertEqual(Double(t.approximateKL), expected.approx_kl, accuracy: 1e-5, "approx_kl, \(step)")
      XCTAssertEqual(Double(t.clipFraction), expected.clipfrac, "clipfrac, \(step)")
      for (name, values) in expected.gradients {
        let got = try XCTUnwrap(gradients[name], "no gradient for \(name)").scalars
        XCTAssertEqual(got.count, values.count, name)
        let scale = max(1, values.map { abs($0) }.max() ?? 0)
        let worst = zip(got, values).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-5 * scale, "gradient of \(name), \(step): largest difference from PyTorch \(worst)")
      }
      let norm = gradients.clipNorm(fixture.max_grad_norm)
      XCTAssertEqual(Double(norm), expected.gradient_norm, accuracy: 1e-5 * expected.gradient_norm, "norm, \(step)")
      XCTAssertGreaterThan(expected.gradient_norm, Double(fixture.max_grad_norm), "the clipping binds, \(step)")
      optimizer.update(policy, along: gradients)
      for (name, values) in expected.parameters_after {
        let got = try XCTUnwrap(parameters[name]).value.scalars
        let worst = zip(got, values).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-6, "\(name) after \(step): largest difference from PyTorch \(worst)")
      }
    }
  }

  /// Stable-Baselines3's value clipping (the squared error of the clipped prediction) is not CleanRL's: on the
  /// first minibatch it gives another value loss and other critic gradients, so the test above tells them apart.
  func testClippedPredictionFormDiffersFromCleanRL() throws {
    let fixture = try loadFixture()
    let (policy, _) = try makePolicy(fixture)
    let expected = fixture.steps[0]
    let (t, gradients) = minibatchGradients(
      policy: policy, minibatch: minibatch(expected, fixture), loss: settings(fixture, style: .sb3))
    XCTAssertGreaterThan(abs(Double(t.valueLoss) - expected.v_loss), 1e-3 * expected.v_loss)
    let got = try XCTUnwrap(gradients["value_head.weight"]).scalars
    let worst = zip(got, try XCTUnwrap(expected.gradients["value_head.weight"])).map { abs($0 - $1) }.max() ?? 0
    XCTAssertGreaterThan(worst, 1e-3, "the critic's gradient should differ under SB3's form")
    XCTAssertEqual(Double(t.policyLoss), expected.pg_loss, accuracy: 1e-5, "the policy loss does not depend on it")
  }
}
