import Gym
import MuJoCoEnvironments
import XCTest

/// Replays Gymnasium's golden trajectories (Fixtures/*.jsonl, made with Gymnasium 1.4.0 on MuJoCo 4.0.0, seeds 0,
/// 1 and 42, across episode boundaries) and requires every observation, reward and flag to match to the bit, and
/// for v5 every numeric entry of the step and reset info too.
final class GoldenParityTests: XCTestCase {
  private func assertParity(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let registry = EnvironmentRegistry()
    try registerMuJoCoEnvironments(in: registry)
    let limit = try XCTUnwrap(registry.spec(id).maxEpisodeSteps)
    try assertGoldenParity(
      fixture: id, maxEpisodeSteps: limit, make: { try registry.makeUnwrapped(id) }, file: file, line: line)
  }

  func testInvertedPendulum() throws { try assertParity("InvertedPendulum-v4") }
  func testInvertedDoublePendulum() throws { try assertParity("InvertedDoublePendulum-v4") }
  func testReacher() throws { try assertParity("Reacher-v4") }
  func testSwimmer() throws { try assertParity("Swimmer-v4") }
  func testHalfCheetah() throws { try assertParity("HalfCheetah-v4") }
  func testHopper() throws { try assertParity("Hopper-v4") }
  func testWalker2d() throws { try assertParity("Walker2d-v4") }
  func testAnt() throws { try assertParity("Ant-v4") }
  func testHumanoid() throws { try assertParity("Humanoid-v4") }
  func testHumanoidStandup() throws { try assertParity("HumanoidStandup-v4") }

  // MARK: - v5

  func testInvertedPendulumV5() throws { try assertParity("InvertedPendulum-v5") }
  func testInvertedDoublePendulumV5() throws { try assertParity("InvertedDoublePendulum-v5") }
  func testReacherV5() throws { try assertParity("Reacher-v5") }
  func testPusherV5() throws { try assertParity("Pusher-v5") }
  func testSwimmerV5() throws { try assertParity("Swimmer-v5") }
  func testHalfCheetahV5() throws { try assertParity("HalfCheetah-v5") }
  func testHopperV5() throws { try assertParity("Hopper-v5") }
  func testWalker2dV5() throws { try assertParity("Walker2d-v5") }
  func testAntV5() throws { try assertParity("Ant-v5") }
  func testHumanoidV5() throws { try assertParity("Humanoid-v5") }
  func testHumanoidStandupV5() throws { try assertParity("HumanoidStandup-v5") }
}
