import Box2DEnvironments
import ClassicControl
import Foundation
import Gym
import Recording
import XCTest

// MARK: - Pictures of known states

/// Rendering a known state puts the expected colours at known pixels (the positions follow from Gymnasium's
/// drawing code for that state), so a blank or shifted picture fails.
final class RenderingTests: XCTestCase {
  typealias RGB = (red: UInt8, green: UInt8, blue: UInt8)

  func assertColor(
    _ frame: Frame, x: Int, y: Int, _ expected: RGB, tolerance: Int = 8, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    let actual = frame[x, y]
    let close =
      abs(Int(actual.red) - Int(expected.red)) <= tolerance && abs(Int(actual.green) - Int(expected.green)) <= tolerance
      && abs(Int(actual.blue) - Int(expected.blue)) <= tolerance
    XCTAssertTrue(close, "pixel (\(x), \(y)) is \(actual), expected \(expected)", file: file, line: line)
  }

  let white: RGB = (255, 255, 255)
  let black: RGB = (0, 0, 0)

  func testCartPolePicture() {
    // Cart at x = 0.8 m: its centre 0.8 * 125 px right of the middle, on the track 100 px above the bottom.
    let frame = CartPole.picture(cartPosition: 0.8, poleAngle: 0.3)
    XCTAssertEqual(frame.shape, [400, 600, 3])
    assertColor(frame, x: 400, y: 299, black)  // the cart's middle
    assertColor(frame, x: 400 + 22, y: 299 + 12, black)  // near its lower right corner
    assertColor(frame, x: 400 + 30, y: 299 + 12, white)  // just right of it
    assertColor(frame, x: 20, y: 299, black)  // the track line
    assertColor(frame, x: 20, y: 290, white)
    assertColor(frame, x: 400, y: 292, (129, 132, 203))  // the axle
    // The pole leans right by 0.3 rad: 80 px along it from the axle at (400, 292).
    let along = 80.0
    assertColor(frame, x: 400 + Int(along * sin(0.3)), y: 292 - Int(along * cos(0.3)), (202, 152, 101))
    assertColor(frame, x: 400 - Int(along * sin(0.3)), y: 292 - Int(along * cos(0.3)), white)
  }

  func testPendulumPicture() {
    // Upright: the rod goes straight up 113.6 px from the centre (250, 249); hanging down it goes below.
    let up = Pendulum.picture(angle: 0, torque: nil)
    XCTAssertEqual(up.shape, [500, 500, 3])
    assertColor(up, x: 250, y: 249 - 60, (204, 77, 77))
    assertColor(up, x: 250, y: 249 + 60, white)
    assertColor(up, x: 250, y: 249, black)  // the axle
    let down = Pendulum.picture(angle: .pi, torque: 2)
    assertColor(down, x: 250, y: 249 + 60, (204, 77, 77))
    assertColor(down, x: 250, y: 249 - 60, white)
    // A full torque draws the arrow: a ring of radius ~51 px around the centre; no torque, no ring.
    func ringPixels(_ frame: Frame) -> Int {
      (0..<360).filter { degree in
        let angle = Double(degree) * .pi / 180
        let pixel = frame[250 + Int(51 * cos(angle)), 249 - Int(51 * sin(angle))]
        return pixel.red < 100 && pixel.green < 100
      }.count
    }
    XCTAssertGreaterThan(ringPixels(down), 150, "the torque arrow is missing")
    XCTAssertLessThan(ringPixels(Pendulum.picture(angle: .pi, torque: nil)), 10)
  }

  func testAcrobotPicture() {
    // Both links hanging straight down: cyan below the pivot (250, 249) for 2 * 113.6 px, the target line above.
    let frame = Acrobot.picture(theta1: 0, theta2: 0)
    assertColor(frame, x: 250, y: 249 + 60, (0, 204, 204))
    assertColor(frame, x: 250, y: 249 + 170, (0, 204, 204))
    assertColor(frame, x: 250, y: 249 + 113, (204, 204, 0))  // the middle joint
    assertColor(frame, x: 250, y: 249 - 60, white)
    assertColor(frame, x: 100, y: 499 - 363, black)  // the line at 1 link length above the pivot
    // Swung up to horizontal (theta1 = pi/2): the first link points right.
    let swung = Acrobot.picture(theta1: .pi / 2, theta2: 0)
    assertColor(swung, x: 250 + 60, y: 249, (0, 204, 204))
    assertColor(swung, x: 250, y: 249 + 60, white)
  }

  func testMountainCarPicture() {
    // At the valley bottom (x = -pi/6) the car sits level 10 px above the track at height 0.1 m * 333 px/m.
    let frame = MountainCar.picture(position: -Double.pi / 6)
    let carX = Int((-Double.pi / 6 + 1.2) * 600 / 1.8)
    let trackY = 0.1 * 600 / 1.8
    assertColor(frame, x: carX, y: 399 - Int(trackY + 10 + 15), black)  // the body
    assertColor(frame, x: carX + 10, y: 399 - Int(trackY + 10), (128, 128, 128), tolerance: 40)  // a wheel
    assertColor(frame, x: carX, y: 399 - Int(trackY + 50), white)
    // The flag at x = 0.5: yellow just right of the pole's top.
    let flagX = Int((0.5 + 1.2) * 600 / 1.8)
    let flagTop = Int((sin(1.5) * 0.45 + 0.55) * 600 / 1.8) + 50
    assertColor(frame, x: flagX + 5, y: 399 - (flagTop - 5), (204, 204, 0))
    XCTAssertNotEqual(
      MountainCarContinuous.picture(position: 0).pixels, MountainCar.picture(position: 0).pixels,
      "the continuous version's flag stands at 0.45")
  }

  func testRenderBeforeResetAndUnsupportedEnvironments() throws {
    XCTAssertThrowsError(try CartPole().render()) { error in
      XCTAssertEqual(error as? RenderError, .renderBeforeReset(environment: "CartPole"))
    }
    final class Silent: Environment {
      let observationSpace = Space.box(BoxSpace(low: 0, high: 1, shape: [1]))
      let actionSpace = Space.discrete(DiscreteSpace(2))
      func reset(seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>) -> Info {
        [:]
      }
      func step(
        _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
      )
        -> StepOutcome
      { StepOutcome(reward: 0, terminated: true) }
    }
    let silent = try TimeLimit(Silent(), maxEpisodeSteps: 5)
    XCTAssertFalse(silent.canRender)
    XCTAssertThrowsError(try silent.render()) { error in
      XCTAssertEqual(error as? RenderError, .notSupported(environment: "Silent"))
    }
    XCTAssertThrowsError(try RecordVideo(silent, folder: NSTemporaryDirectory()))
  }

  func testRenderModeArgumentThroughTheRegistryAndWrappers() throws {
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    let environment = try registry.make("CartPole-v1", arguments: ["render_mode": .string("rgb_array")])
    XCTAssertEqual(environment.renderFramesPerSecond, 50)
    let (observation, _) = try environment.reset(seed: 4)
    let frame = try environment.render()  // through the TimeLimit wrapper
    XCTAssertEqual(frame, CartPole.picture(cartPosition: observation[0], poleAngle: observation[2]))
    XCTAssertThrowsError(try registry.make("CartPole-v1", arguments: ["render_mode": .string("human")])) { error in
      XCTAssertTrue("\(error)".contains("rgb_array"), "\(error)")
    }
  }

  func testLunarLanderPicture() throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D (install libbox2d-dev)")
    let lander = try LunarLander()
    _ = try lander.reset(seed: 5)
    var observation: [Double] = []
    for _ in 0..<50 { observation = try lander.step(0).observation }  // falling, engines off
    let frame = try lander.render()
    XCTAssertEqual(frame.shape, [400, 600, 3])
    assertColor(frame, x: 30, y: 3, black)  // sky
    assertColor(frame, x: 300, y: 396, white)  // moon
    // The hull's centre, from the observation: x = (obs0 + 1) * 10 m, y = obs1 * 20/3 m + 3.333 m + 0.6 m.
    let x = (observation[0] + 1) * 10 * 30
    let y = (observation[1] * 20 / 3 + 400.0 / 30 / 4 + 0.6) * 30
    assertColor(frame, x: Int(x), y: Int(399.5 - y), (128, 102, 230), tolerance: 30)
    // The flags of the pad, yellow, 45 px above the pad at 1/4 of the height.
    let flagRow = Int(399.5 - (100.0 + 45))
    let yellowInRow = (0..<600).filter { frame[$0, flagRow] == (204, 204, 0) }.count
    XCTAssertGreaterThanOrEqual(yellowInRow, 10)
  }

  func testBipedalWalkerPicture() throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D (install libbox2d-dev)")
    let walker = try BipedalWalker()
    _ = try walker.reset(seed: 2)
    let frame = try walker.render()
    assertColor(frame, x: 300, y: 396, (102, 153, 76))  // grass
    assertColor(frame, x: 590, y: 150, (215, 215, 255))  // sky below the clouds
    let hullPixels = stride(from: 0, to: frame.pixels.count, by: 3).filter {
      frame.pixels[$0] == 127 && frame.pixels[$0 + 1] == 51 && frame.pixels[$0 + 2] == 229
    }
    XCTAssertGreaterThan(hullPixels.count, 300, "the hull (about 64 x 17 px) is missing")
    // The start flag, red, at 3 terrain steps (42 px) minus the camera's shift.
    let redPixels = stride(from: 0, to: frame.pixels.count, by: 3).filter {
      frame.pixels[$0] == 230 && frame.pixels[$0 + 1] == 51 && frame.pixels[$0 + 2] == 0
    }
    XCTAssertGreaterThan(redPixels.count, 50)
  }
}
