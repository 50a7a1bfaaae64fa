import Gym
import MuJoCoEnvironments
import XCTest

/// Replays Gymnasium's golden trajectories (Fixtures/*.jsonl, made with Gymnasium 1.4.0 on MuJoCo 4.0.0, seeds 0,
/// 1 and 42, across episode boundaries) and requires every observation, reward and flag to match to the bit.
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
}
