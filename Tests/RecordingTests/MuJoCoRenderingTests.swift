import Foundation
import Gym
import MuJoCoEnvironments
import Recording
import XCTest

// MARK: - MuJoCo pictures

/// MuJoCo's renderer in a headless EGL context. Skipped, saying why, only when MuJoCo or a headless OpenGL
/// context is missing (`./scripts/setup.sh` installs both).
final class MuJoCoRenderingTests: XCTestCase {
  func makeRendered(_ environment: any Environment, seed: UInt64) throws -> Frame {
    _ = try environment.reset(seed: seed)
    do {
      return try environment.render()
    } catch let error as RenderError {
      if case .unavailable = error { throw XCTSkip("no headless OpenGL here: \(error)") }
      throw error
    }
  }

  func testInvertedPendulumPicture() throws {
    let pendulum: InvertedPendulum
    do {
      pendulum = try InvertedPendulum()
    } catch {
      throw XCTSkip("MuJoCo is not installed (run ./scripts/setup.sh): \(error)")
    }
    XCTAssertThrowsError(try pendulum.render()) { error in
      XCTAssertEqual(error as? RenderError, .renderBeforeReset(environment: "InvertedPendulum-v4"))
    }
    let frame = try makeRendered(pendulum, seed: 0)
    XCTAssertEqual(frame.shape, [480, 480, 3])
    XCTAssertEqual(pendulum.renderFramesPerSecond ?? 0, 25, accuracy: 1e-9)  // Gymnasium's render_fps
    // Gymnasium's camera (2.04 m away) shows the pole upright in the middle, teal, on a yellow cart on a blue rail,
    // against a black background.
    let pole = frame[240, 160]
    XCTAssertTrue(pole.red < 20 && pole.green > 50 && pole.green == pole.blue, "pole pixel \(pole)")
    let cart = frame[240, 245]
    XCTAssertTrue(cart.red > 90 && cart.green > 90 && cart.blue < 60, "cart pixel \(cart)")
    let rail = frame[60, 240]
    XCTAssertTrue(rail.blue > rail.red + 30, "rail pixel \(rail)")
    XCTAssertTrue(frame[10, 10] == (0, 0, 0) && frame[470, 470] == (0, 0, 0))
  }

  func testWidthAndHeightArguments() throws {
    let registry = EnvironmentRegistry()
    try registerMuJoCoEnvironments(in: registry)
    let environment: any Environment
    do {
      environment = try registry.make(
        "Reacher-v4", arguments: ["width": .int(320), "height": .int(200), "render_mode": .string("rgb_array")])
    } catch let error as EnvironmentError {
      guard case .libraryUnavailable = error else { throw error }
      throw XCTSkip("MuJoCo is not installed (run ./scripts/setup.sh): \(error)")
    }
    XCTAssertEqual(try makeRendered(environment, seed: 1).shape, [200, 320, 3])
    XCTAssertThrowsError(try registry.make("Reacher-v4", arguments: ["width": .int(0)]))
    XCTAssertThrowsError(try registry.make("Reacher-v4", arguments: ["depth": .int(3)]))
  }

  func testRecordingAMuJoCoEpisodeKeepsItsTrajectory() throws {
    let make = { () throws -> any Environment in try TimeLimit(HalfCheetah(), maxEpisodeSteps: 12) }
    do { _ = try make() } catch { throw XCTSkip("MuJoCo is not installed (run ./scripts/setup.sh): \(error)") }
    let actions = (0..<12).map { i in (0..<6).map { sin(Double(i * 6 + $0)) } }
    func play(_ environment: any Environment) throws -> [Double] {
      var trace = try environment.reset(seed: 3).observation
      for action in actions { trace += try environment.step(action).observation }
      return trace
    }
    let plain = try play(make())
    let folder = NSTemporaryDirectory() + "rein-mujoco-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let recorder: RecordVideo
    do {
      recorder = try RecordVideo(make(), folder: folder, episodeTrigger: { _ in true })
      let recorded = try play(recorder)
      XCTAssertEqual(plain, recorded)
    } catch let error as RenderError {
      if case .unavailable = error { throw XCTSkip("no headless OpenGL here: \(error)") }
      throw error
    }
    XCTAssertEqual(recorder.recordedFiles.count, 1)
    // 13 pictures at 20 fps (under the 25 fps cap): all stored, the HalfCheetah visibly moving between them.
    let gif = try decodeGIF(Array(try Data(contentsOf: URL(fileURLWithPath: recorder.recordedFiles[0]))))
    XCTAssertEqual(gif.frames.count, 13)
    XCTAssertEqual(gif.width, 480)
    XCTAssertNotEqual(gif.frames[0], gif.frames[12])
  }
}
