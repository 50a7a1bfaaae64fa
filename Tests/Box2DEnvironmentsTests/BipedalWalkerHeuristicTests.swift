import Box2DEnvironments
import Gym
import XCTest

/// The classic gait controller walks in Rein exactly as in Gymnasium.
///
/// Gymnasium 1.4.0's `BipedalWalkerHeuristics` on BipedalWalker-v3 over seeds 0..<20 (1600-step limit), measured
/// with the peer stack (`Benchmarks/peers/bipedal_heuristic_fixture.py`): mean return 120.9; 6 of 20 episodes
/// above 300. The controller has no balance, so one rounding apart in any step sends an episode elsewhere: with
/// Box2D 2.3 (Gymnasium's physics) and the controller's `float32` arithmetic every return must be Gymnasium's to
/// the bit. (Box2D 2.4.1 gave mean 112.7, and the controller in `Double` mean 75.4, 3 above 300.)
final class BipedalWalkerHeuristicTests: XCTestCase {
  override func setUp() async throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D")
    try XCTSkipUnless(Box2DLibrary.version?.hasPrefix("2.3") == true, "Gymnasium's returns need Box2D 2.3")
  }

  func testHeuristicWalksAsInGymnasium() throws {
    let env = try BipedalWalker()
    var returns: [Double] = []
    for seed in 0..<20 {
      var observation = try env.reset(seed: UInt64(seed)).observation
      var controller = BipedalWalkerHeuristic()
      var action = [0.0, 0.0, 0.0, 0.0]
      var total = 0.0
      for _ in 0..<1600 {
        let step = try env.step(action)
        total += step.reward
        observation = step.observation
        action = controller.action(for: observation)
        if step.terminated { break }
      }
      returns.append(total)
    }
    XCTAssertEqual(returns, Self.gymnasiumReturns)
    XCTAssertEqual(returns.filter { $0 > 300 }.count, 6)
  }

  static let gymnasiumReturns = [
    314.62729746699296, -20.905690363285743, -40.18147676821835, 148.37775070141373, -37.69151018194728,
    305.15439458025315, -12.344302334746288, 177.81030129080972, 101.37909048084069, 306.1629304018873,
    160.4166753325244, 131.39765589767327, -44.375205624883186, 314.6863942824124, 312.2277863400448,
    -31.069996386230898, 14.175272360310885, 312.82606879634983, 49.25862184702916, -43.33990584441894,
  ]
}
