import Box2DEnvironments
import Gym
import XCTest

/// The classic heuristic lands in Rein as it does in Gymnasium.
///
/// Gymnasium 1.4.0's own `heuristic` over seeds 0..<100 (`reset(seed: s)`, 1000-step limit), measured with
/// the peer stack: discrete mean 252.83 (9 episodes below 200), continuous mean 280.34 (1 below 200).
final class LunarLanderHeuristicTests: XCTestCase {
  static let gymnasiumMean = (discrete: 252.83, continuous: 280.34)
  /// How far Rein's 100-seed mean may be from Gymnasium's: the physics differ in their low bits (Box2D 2.4.1
  /// against 2.3.10), which changes individual episodes, not the controller's quality.
  static let meanTolerance = 10.0

  override func setUp() async throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D")
  }

  /// Runs the heuristic for one episode of at most 1000 steps (LunarLander-v3's limit) and returns its return.
  static func episodeReturn(_ env: LunarLander, seed: UInt64, continuous: Bool) throws -> Double {
    var (observation, _) = try env.reset(seed: seed)
    var total = 0.0
    for _ in 0..<1000 {
      let step = try env.step(LunarLanderHeuristic.action(for: observation, continuous: continuous))
      total += step.reward
      observation = step.observation
      if step.terminated { break }
    }
    return total
  }

  func testHeuristicScoresAsInGymnasiumOver100Seeds() throws {
    for continuous in [false, true] {
      let env = try LunarLander(.init(continuous: continuous))
      let returns = try (0..<100).map { try Self.episodeReturn(env, seed: UInt64($0), continuous: continuous) }
      let mean = returns.reduce(0, +) / Double(returns.count)
      let reference = continuous ? Self.gymnasiumMean.continuous : Self.gymnasiumMean.discrete
      let label = continuous ? "continuous" : "discrete"
      print(
        "LunarLander heuristic (\(label)), 100 seeds: mean \(mean), below 200: \(returns.filter { $0 < 200 }.count);"
          + " Gymnasium \(reference)")
      XCTAssertGreaterThanOrEqual(mean, 200, label)
      XCTAssertEqual(mean, reference, accuracy: Self.meanTolerance, label)
    }
  }
}
