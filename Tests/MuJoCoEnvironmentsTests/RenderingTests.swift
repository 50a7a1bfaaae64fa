import Gym
import MuJoCoEnvironments
import XCTest

/// `rgb_array` pictures of every registered MuJoCo task, v4 and v5 (MuJoCo's renderer in a headless EGL context;
/// skipped, saying why, only when MuJoCo or such a context is missing).
final class RenderingTests: XCTestCase {
  private func picture(_ environment: any Environment) throws -> Frame {
    _ = try environment.reset(seed: 1)
    _ = try environment.step(Array(repeating: 0.1, count: environment.actionSpace.flatCount))
    do {
      return try environment.render()
    } catch let error as RenderError {
      if case .unavailable = error { throw XCTSkip("no headless OpenGL here: \(error)") }
      throw error
    }
  }

  func testEveryTaskDrawsAPicture() throws {
    let registry = EnvironmentRegistry()
    try registerMuJoCoEnvironments(in: registry)
    guard MuJoCo.isAvailable else { throw XCTSkip("MuJoCo is not installed (run ./scripts/setup.sh)") }
    XCTAssertEqual(registry.ids.filter { $0.hasSuffix("-v5") }.count, 11)
    for id in registry.ids {
      let environment = try registry.make(
        id, arguments: ["render_mode": .string("rgb_array"), "width": .int(96), "height": .int(64)])
      let frame = try picture(environment)
      XCTAssertEqual(frame.shape, [64, 96, 3], id)
      // Something is drawn: not one flat colour.
      XCTAssertGreaterThan(Set(frame.pixels).count, 8, id)
      XCTAssertNotNil(environment.renderFramesPerSecond, id)
    }
  }

  func testTheCameraConfigurationMovesTheCamera() throws {
    let registry = EnvironmentRegistry()
    try registerMuJoCoEnvironments(in: registry)
    guard MuJoCo.isAvailable else { throw XCTSkip("MuJoCo is not installed (run ./scripts/setup.sh)") }
    let size: EnvironmentArguments = ["width": .int(96), "height": .int(64)]
    let near = try picture(
      registry.make(
        "HalfCheetah-v5",
        arguments: size.merging(
          ["default_camera_config.distance": .double(1.5), "default_camera_config.elevation": .double(-60)]
        ) { a, _ in a }))
    let standard = try picture(registry.make("HalfCheetah-v5", arguments: size))
    XCTAssertNotEqual(near.pixels, standard.pixels)
    XCTAssertThrowsError(
      try registry.make("HalfCheetah-v5", arguments: ["default_camera_config.zoom": .double(2)]))
    XCTAssertThrowsError(
      try registry.make("HalfCheetah-v5", arguments: ["default_camera_config.lookat": .doubles([0, 1])]))
  }
}
