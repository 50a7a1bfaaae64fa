import Foundation
import XCTest

@testable import PolicyGradient

final class PolicyTests: XCTestCase {
  func continuousPolicy(_ head: GaussianHead, squash: Bool = false) throws -> ActorCriticPolicy {
    var c = PolicyConfiguration()
    c.gaussianHead = head
    c.squashActions = squash
    var g = RandomGenerator(seed: 3)
    return try ActorCriticPolicy(
      observationCount: 3, actionKind: .continuous(low: [-2], high: [2]), configuration: c, generator: &g)
  }

  /// The log-probability stored while acting equals the one recomputed from the stored raw action in the update,
  /// for every Gaussian head, with and without squashing; and sent actions respect the bounds.
  func testStoredLogProbabilityEqualsRecomputed() throws {
    var g = RandomGenerator(seed: 4)
    let observations = Tensor.uniform([16, 3], low: -1, high: 1, using: &g)
    for head in GaussianHead.allCases {
      for squash in [false, true] {
        let policy = try continuousPolicy(head, squash: squash)
        let distribution = policy.distribution(observations)
        let raw = distribution.sample(using: &g) * 3  // wide, so that some samples exceed the bounds
        let stored = distribution.logProbability(of: raw).scalars
        let recomputed = policy.evaluate(observations).distribution.logProbability(of: raw).scalars
        XCTAssertEqual(stored, recomputed, "\(head) squash \(squash)")
        let sent = policy.environmentActions(raw)
        XCTAssertTrue(sent.allSatisfy { (-2...2).contains($0) })
        if !squash {
          // Clipping touches only the copy sent to the environment.
          XCTAssertTrue(raw.scalars.contains { Swift.abs($0) > 2 })
        }
      }
    }
  }

  /// Squashed log-probability = Gaussian log-probability - Σ log(1 - tanh(u)² + 1e-6).
  func testSquashCorrection() throws {
    let policy = try continuousPolicy(.stateIndependentLogStd, squash: true)
    let x = Tensor([[0.1, 0.2, 0.3]])
    let u = Tensor([[0.7]])
    guard case .gaussian(let gaussian, true) = policy.distribution(x) else { return XCTFail("expected squashed") }
    let expected = gaussian.logProbability(of: u).item - Float(log(1 - pow(tanh(0.7), 2) + 1e-6))
    XCTAssertEqual(policy.distribution(x).logProbability(of: u).item, expected, accuracy: 1e-5)
    XCTAssertEqual(policy.environmentActions(u)[0], -2 + (tanh(0.7) + 1) / 2 * 4, accuracy: 1e-6)
  }

  func testParameterNamesAndSB3Initialisation() throws {
    var g = RandomGenerator(seed: 5)
    let policy = try ActorCriticPolicy(
      observationCount: 4, actionKind: .discrete(count: 2), configuration: PolicyConfiguration(), generator: &g)
    XCTAssertEqual(
      policy.namedParameters().map(\.name),
      [
        "policy.0.weight", "policy.0.bias", "policy.2.weight", "policy.2.bias", "value.0.weight", "value.0.bias",
        "value.2.weight", "value.2.bias", "action.weight", "action.bias", "value_head.weight", "value_head.bias",
      ])
    // SB3's MlpPolicy for CartPole has 9,155 parameters.
    XCTAssertEqual(policy.parameterCount, 9155)
    // The action head starts nearly uniform (gain 0.01).
    XCTAssertLessThan(policy.distribution(Tensor([0.1, 0.2, 0.3, 0.4])).entropy().item, Float(log(2.0)) + 1e-6)
    XCTAssertGreaterThan(policy.distribution(Tensor([0.1, 0.2, 0.3, 0.4])).entropy().item, Float(log(2.0)) - 1e-3)
  }

  func testUnsupportedSpacesAreTypedErrors() {
    XCTAssertThrowsError(try ActionKind(.multiBinary(n: 3))) { XCTAssertTrue($0 is PolicyError) }
    XCTAssertThrowsError(try ActionKind(.discrete(DiscreteSpace(3, start: 1))))
  }
}
