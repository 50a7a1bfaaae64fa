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

  /// Gymnasium's renderer arguments `camera_id`, `camera_name`, `max_geom` and `visual_options`.
  func testRendererArgumentsAsGymnasiumTakesThem() throws {
    let registry = EnvironmentRegistry()
    try registerMuJoCoEnvironments(in: registry)
    guard MuJoCo.isAvailable else { throw XCTSkip("MuJoCo is not installed (run ./scripts/setup.sh)") }
    let size: EnvironmentArguments = ["width": .int(96), "height": .int(64)]
    func draw(_ extra: EnvironmentArguments, _ id: String = "HalfCheetah-v5") throws -> Frame {
      try picture(registry.make(id, arguments: size.merging(extra) { a, _ in a }))
    }
    let standard = try draw([:])
    // The model's tracking camera, by index and by name: the same picture, not the free camera's.
    let byIndex = try draw(["camera_id": .int(0)])
    let byName = try draw(["camera_name": .string("track")])
    XCTAssertEqual(byIndex.pixels, byName.pixels)
    XCTAssertNotEqual(byIndex.pixels, standard.pixels)
    // -1 is the free camera, as without the argument.
    XCTAssertEqual(try draw(["camera_id": .int(-1)]).pixels, standard.pixels)
    // A scene with room for one geom draws less; a visual flag (mjVIS_COM = 6, centres of mass) changes it too.
    XCTAssertNotEqual(try draw(["max_geom": .int(1)]).pixels, standard.pixels)
    XCTAssertEqual(try draw(["max_geom": .int(1000)]).pixels, standard.pixels)
    XCTAssertGreaterThan(MuJoCoSceneOptions.visualFlagCount, 6)
    XCTAssertNotEqual(try draw(["visual_options.6": .bool(true)]).pixels, standard.pixels)
    // Mistakes say what to give.
    let mistakes: [(EnvironmentArguments, String, String)] = [
      (["camera_id": .int(0), "camera_name": .string("track")], "HalfCheetah-v5", "not both"),
      (["camera_name": .string("side")], "HalfCheetah-v5", "no camera named 'side'"),
      (["camera_name": .string("side")], "Reacher-v5", "it has no cameras"),
      (["camera_id": .int(1)], "HalfCheetah-v5", "0 to 0"),
      (["max_geom": .int(0)], "HalfCheetah-v5", "max_geom must be"),
      (["visual_options.999": .bool(true)], "HalfCheetah-v5", "names no visual flag"),
    ]
    for (arguments, id, expected) in mistakes {
      XCTAssertThrowsError(try registry.make(id, arguments: arguments), "\(arguments)") { error in
        XCTAssertTrue("\(error)".contains(expected), "\(error)")
      }
    }
  }
}
