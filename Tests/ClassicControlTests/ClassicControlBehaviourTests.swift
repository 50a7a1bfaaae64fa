import ClassicControl
import Foundation
import Gym
import XCTest

/// Behaviour beyond the golden traces: misuse is an error, options and arguments work, seeding continues.
final class ClassicControlBehaviourTests: XCTestCase {
  func testSteppingBeforeResetOrAfterTheEndIsAnError() throws {
    let env = CartPole()
    XCTAssertThrowsError(try env.step(0)) { XCTAssertEqual($0 as? EnvironmentError, .stepBeforeReset("CartPole")) }
    _ = try env.reset(seed: 3)
    var result = try env.step(1)
    while !result.terminated { result = try env.step(1) }
    XCTAssertThrowsError(try env.step(1)) {
      XCTAssertEqual($0 as? EnvironmentError, .stepAfterEpisodeEnd("CartPole"))
    }
  }

  func testInvalidActionsAndBuffersAreErrors() throws {
    let cartPole = CartPole()
    _ = try cartPole.reset(seed: 0)
    XCTAssertThrowsError(try cartPole.step(2))
    XCTAssertThrowsError(try cartPole.step([0.5]))
    XCTAssertThrowsError(try cartPole.step([0, 1]))
    let pendulum = Pendulum()
    _ = try pendulum.reset(seed: 0)
    XCTAssertThrowsError(try pendulum.step([.nan]))
    var small = [Double](repeating: 0, count: 2)
    XCTAssertThrowsError(
      try small.withUnsafeMutableBufferPointer { try pendulum.reset(seed: 0, options: nil, into: $0) })
  }

  func testResetOptionsSetTheStartRange() throws {
    let env = MountainCar()
    let (observation, _) = try env.reset(seed: 1, options: ["low": -0.5, "high": -0.5])
    XCTAssertEqual(observation, [Double(Float(-0.5)), 0])
    XCTAssertThrowsError(try env.reset(options: ["low": 1, "high": 0]))
    let pendulum = Pendulum()
    let (start, _) = try pendulum.reset(seed: 1, options: ["x_init": 0, "y_init": 0])
    XCTAssertEqual(start, [1, 0, 0])
  }

  func testSameSeedSameStartAndUnseededResetsContinueTheStream() throws {
    for make in [{ CartPole() as any Environment }, { Acrobot() }, { Pendulum() }, { MountainCar() }] {
      let a = make()
      let b = make()
      XCTAssertEqual(try a.reset(seed: 7).observation, try b.reset(seed: 7).observation)
      XCTAssertEqual(try a.reset().observation, try b.reset().observation)
      XCTAssertNotEqual(try a.reset(seed: 7).observation, try a.reset(seed: 8).observation)
    }
  }

  func testPendulumGravityChangesTheDynamics() throws {
    let weak = Pendulum(gravity: 1)
    let strong = Pendulum(gravity: 20)
    _ = try weak.reset(seed: 0)
    _ = try strong.reset(seed: 0)
    XCTAssertNotEqual(try weak.step([0]).observation, try strong.step([0]).observation)
  }

  func testNumpyFloat32SineAndCosineStayCloseToTheTrueValues() {
    // The parity tests check them to the bit against numpy through Acrobot's first observation; here, their
    // error stays within numpy's documented bound of a few ulps over a wide range.
    var x: Float = -10
    while x < 10 {
      XCTAssertEqual(NumpyMath.float32Cos(x), Float(cos(Double(x))), accuracy: 4 * Float.ulpOfOne)
      XCTAssertEqual(NumpyMath.float32Sin(x), Float(sin(Double(x))), accuracy: 4 * Float.ulpOfOne)
      x += 0.0137
    }
  }
}

final class NumpyMathTests: XCTestCase {
  func testSquareIsBitIdenticalToTheCLibrarysPow() {
    var random = NumpyGenerator(seed: 2024)
    var slowPathHits = 0
    for k in 0..<2_000_000 {
      // Magnitudes from 1e-6 to 1e6, plus float32 values (as actions are).
      var x = random.uniform(low: -1, high: 1) * Foundation.pow(10, random.uniform(low: -6, high: 6))
      if k % 4 == 0 { x = Double(Float(x)) }
      let expected = NumpyMath.pow(x, 2)
      XCTAssertEqual(NumpyMath.square(x).bitPattern, expected.bitPattern, "x = \(x)")
      if expected != x * x { slowPathHits += 1 }
    }
    // pow(x, 2) differs from x * x now and then; those cases must have gone through the slow path.
    XCTAssertGreaterThan(slowPathHits, 100)
    for x in [0.0, -0.0, 1, 2, 0.5, 1e-300, 1e300, .infinity, -.infinity, Double.leastNonzeroMagnitude] {
      XCTAssertEqual(NumpyMath.square(x).bitPattern, NumpyMath.pow(x, 2).bitPattern, "x = \(x)")
    }
    XCTAssertTrue(NumpyMath.square(.nan).isNaN)
  }
}
