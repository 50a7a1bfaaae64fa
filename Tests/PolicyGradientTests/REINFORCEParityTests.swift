import Foundation
import XCTest

@testable import PolicyGradient

/// REINFORCE with a learned baseline (W3) against PyTorch, update by update.
///
/// `Fixtures/reinforce_baseline_updates.json` was written by a PyTorch (2.x) script outside the project: a policy
/// 4 -> 5 -> 3 -> 2 and a value network 4 -> 5 -> 3 -> 1 (ReLU) with PyTorch's default initialisation, separate
/// Adam optimisers (lr 0.01, PyTorch's defaults otherwise), γ = 0.99, returns standardised with `Tensor.std()`
/// (Bessel-corrected) + 1e-9 when the episode has more than one step, advantage G_hat - V(s) with V detached,
/// policy loss Σ -log_softmax · A and value loss Σ (V - G_hat)², one update per episode; three fixed episodes of
/// 6, 1 and 4 steps, and every parameter after each update, computed in double precision.
final class REINFORCEParityTests: XCTestCase {
  private struct Fixture: Decodable {
    struct Episode: Decodable {
      var observations: [Double]
      var actions: [Int]
      var rewards: [Double]
    }
    struct Update: Decodable {
      var policy_loss: Double
      var value_loss: Double
      var parameters: [String: [Float]]
    }
    var initial: [String: [Float]]
    var episodes: [Episode]
    var after: [Update]
  }

  func testBaselineUpdatesMatchPyTorch() throws {
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: "reinforce_baseline_updates", withExtension: "json", subdirectory: "Fixtures"))
    let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    XCTAssertEqual(fixture.episodes.count, fixture.after.count)

    var c = REINFORCEConfiguration()
    c.gamma = 0.99
    c.learningRate = 0.01
    c.valueLearningRate = 0.01
    c.standardizeReturns = true
    c.baseline = true
    c.policy.includesValue = true
    c.policy.hiddenCounts = [5, 3]
    c.policy.activation = .relu
    c.policy.orthogonalInitialization = false
    let agent = try REINFORCE(environment: makeClassic("CartPole-v1"), configuration: c, seed: 1)

    let parameters = Dictionary(
      uniqueKeysWithValues: agent.policy.trainableParameters().map { ($0.name, $0.parameter) })
    XCTAssertEqual(Set(parameters.keys), Set(fixture.initial.keys), "parameter names differ from the fixture's")
    for (name, values) in fixture.initial {
      let parameter = try XCTUnwrap(parameters[name])
      XCTAssertEqual(parameter.value.scalars.count, values.count, name)
      parameter.value = Tensor(values, shape: parameter.value.shape.array)
    }

    for (index, (episode, expected)) in zip(fixture.episodes, fixture.after).enumerated() {
      let metrics = try agent.update(
        REINFORCE.Episode(
          observations: episode.observations, actions: episode.actions.map { Float($0) }, rewards: episode.rewards,
          terminated: true), number: index)
      let update = "update \(index + 1) (an episode of \(episode.rewards.count) steps)"
      XCTAssertEqual(
        try XCTUnwrap(metrics["train/policy_loss"]), expected.policy_loss,
        accuracy: 1e-4 * max(1, abs(expected.policy_loss)),
        "policy loss, \(update)")
      XCTAssertEqual(
        try XCTUnwrap(metrics["train/value_loss"]), expected.value_loss,
        accuracy: 1e-4 * max(1, abs(expected.value_loss)),
        "value loss, \(update)")
      for (name, values) in expected.parameters {
        let got = try XCTUnwrap(parameters[name]).value.scalars
        let worst = zip(got, values).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-6, "\(name) after \(update): largest difference from PyTorch \(worst)")
      }
    }
  }
}
