import Foundation
import XCTest

@testable import PolicyGradient

/// PPO's minibatch step (W6's loss) against PyTorch, step by step.
///
/// `Fixtures/ppo_minibatch_steps.json` was written by `Benchmarks/peers/w6_ppo_fixture.py` (PyTorch 2.x, run with
/// the peer stack, never by the build) in double precision: a shared trunk 4 -> 5 -> 3 (tanh) with an actor-logit
/// head (2 actions) and a value head, PyTorch's default initialisation; two minibatches of 8 with advantages
/// standardised by `Tensor.std()` (Bessel-corrected) + 1e-8, loss = clipped surrogate (ε 0.2) + 0.5 value MSE minus
/// 0.01 entropy, `clip_grad_norm_(…, 0.5)`, Adam (lr 3e-4, ε 1e-5). Old log-probabilities are shifted so that
/// 3 of 8 and 5 of 8 ratios fall outside the clip range. The step below runs ``minibatchGradients`` (what
/// ``PPO``'s update loop runs per minibatch), then clips and steps as the loop does (population std instead of
/// Bessel's fails it, for one).
final class PPOParityTests: XCTestCase {
  private struct Fixture: Decodable {
    struct Step: Decodable {
      var observations: [Float]
      var actions: [Int]
      var old_log_probabilities: [Float]
      var advantages: [Float]
      var returns: [Float]
      var policy_loss: Double
      var value_loss: Double
      var entropy_loss: Double
      var loss: Double
      var clip_fraction: Double
      var gradient_norm: Double
      var gradients: [String: [Float]]
      var parameters_after: [String: [Float]]
    }
    var initial: [String: [Float]]
    var steps: [Step]
  }

  func testMinibatchStepsMatchPyTorch() throws {
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: "ppo_minibatch_steps", withExtension: "json", subdirectory: "Fixtures"))
    let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))

    var configuration = PolicyConfiguration()
    configuration.hiddenCounts = [5, 3]
    configuration.activation = .tanh
    configuration.sharedTrunk = true
    configuration.orthogonalInitialization = false
    var generator = RandomGenerator(seed: 1)
    let policy = try ActorCriticPolicy(
      observationCount: 4, actionKind: .discrete(count: 2), configuration: configuration, generator: &generator)
    let parameters = Dictionary(uniqueKeysWithValues: policy.trainableParameters().map { ($0.name, $0.parameter) })
    XCTAssertEqual(Set(parameters.keys), Set(fixture.initial.keys), "parameter names differ from the fixture's")
    for (name, values) in fixture.initial {
      let parameter = try XCTUnwrap(parameters[name])
      XCTAssertEqual(parameter.value.scalars.count, values.count, name)
      parameter.value = Tensor(values, shape: parameter.value.shape.array)
    }
    let optimizer = Adam(learningRate: 3e-4, epsilon: 1e-5)

    for (index, expected) in fixture.steps.enumerated() {
      let step = "minibatch step \(index + 1)"
      let n = expected.actions.count
      let observations = Tensor(expected.observations, shape: [n, 4])
      let actions = Tensor(expected.actions.map { Float($0) }, shape: [n, 1])
      // W6 clips no values, so the old values are not read.
      let minibatch = Minibatch(
        observations: observations, actions: actions,
        oldLogProbabilities: Tensor(expected.old_log_probabilities, shape: [n]),
        advantages: Tensor(expected.advantages, shape: [n]), returns: Tensor(expected.returns, shape: [n]),
        oldValues: .zeros([n]))
      var (t, gradients) = minibatchGradients(
        policy: policy, minibatch: minibatch,
        loss: PPOLossSettings(
          normalizeAdvantages: true, clipRange: 0.2, valueClipRange: nil, entropyCoefficient: 0.01,
          valueCoefficient: 0.5))
      XCTAssertEqual(Double(t.policyLoss), expected.policy_loss, accuracy: 1e-5, "policy loss, \(step)")
      XCTAssertEqual(
        Double(t.valueLoss), expected.value_loss, accuracy: 1e-5 * expected.value_loss, "value loss, \(step)")
      XCTAssertEqual(Double(t.entropyLoss), expected.entropy_loss, accuracy: 1e-5, "entropy loss, \(step)")
      XCTAssertEqual(Double(t.total.item), expected.loss, accuracy: 1e-5 * max(1, abs(expected.loss)), "loss, \(step)")
      XCTAssertEqual(Double(t.clipFraction), expected.clip_fraction, "clip fraction, \(step)")
      for (name, values) in expected.gradients {
        let got = try XCTUnwrap(gradients[name], "no gradient for \(name)").scalars
        let scale = max(1, values.map { abs($0) }.max() ?? 0)
        let worst = zip(got, values).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-5 * scale, "gradient of \(name), \(step): largest difference from PyTorch \(worst)")
      }
      let norm = gradients.clipNorm(0.5)
      XCTAssertEqual(Double(norm), expected.gradient_norm, accuracy: 1e-5 * expected.gradient_norm, "norm, \(step)")
      optimizer.update(policy, along: gradients)
      for (name, values) in expected.parameters_after {
        let got = try XCTUnwrap(parameters[name]).value.scalars
        let worst = zip(got, values).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-6, "\(name) after \(step): largest difference from PyTorch \(worst)")
      }
    }
  }
}
