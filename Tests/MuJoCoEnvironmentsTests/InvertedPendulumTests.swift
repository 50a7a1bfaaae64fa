import Gym
import MuJoCoEnvironments
import XCTest

final class InvertedPendulumTests: XCTestCase {
  // MARK: - Spaces and bookkeeping

  func testSpaces() throws {
    let env = try InvertedPendulum()
    XCTAssertEqual(env.observationSpace, .box(BoxSpace(low: -.infinity, high: .infinity, shape: [4], dtype: .float64)))
    XCTAssertEqual(env.actionSpace, .box(BoxSpace(low: [-3], high: [3], dtype: .float32)))
    XCTAssertEqual(env.dt, 0.04, accuracy: 1e-15)
  }

  func testSeededResetsRepeatAndUnseededResetsContinueTheGenerator() throws {
    let env = try InvertedPendulum()
    let first = try env.reset(seed: 7).observation
    let second = try env.reset(seed: nil).observation
    XCTAssertEqual(try env.reset(seed: 7).observation, first)
    XCTAssertEqual(try env.reset(seed: nil).observation, second)
    XCTAssertNotEqual(first, second)
    XCTAssertNotEqual(try env.reset(seed: 8).observation, first)
    for value in first { XCTAssertLessThanOrEqual(abs(value), 0.01) }
  }

  func testResetNoiseScale() throws {
    let quiet = try InvertedPendulum(resetNoiseScale: 0)
    XCTAssertEqual(try quiet.reset(seed: 3).observation, [0, 0, 0, 0])
    let loud = try InvertedPendulum(resetNoiseScale: 0.1)
    XCTAssertGreaterThan(try loud.reset(seed: 3).observation.map(abs).max()!, 0.01)
  }

  func testTerminatesWhenThePoleFalls() throws {
    let env = try InvertedPendulum()
    _ = try env.reset(seed: 0)
    var steps = 0
    var last: Step
    repeat {
      last = try env.step([3])
      steps += 1
    } while !last.terminated && steps < 100
    XCTAssertTrue(last.terminated)
    XCTAssertGreaterThan(abs(last.observation[1]), InvertedPendulum.maximumPoleAngle)
    XCTAssertEqual(last.reward, 1)
    XCTAssertTrue(last.info.isEmpty)
  }

  // MARK: - Errors

  func testStepBeforeResetThrows() throws {
    let env = try InvertedPendulum()
    XCTAssertThrowsError(try env.step([0])) { error in
      XCTAssertEqual(error as? EnvironmentError, .stepBeforeReset(InvertedPendulum.id))
    }
  }

  func testWrongActionLengthThrows() throws {
    let env = try InvertedPendulum()
    _ = try env.reset(seed: 0)
    XCTAssertThrowsError(try env.step([0, 1])) { error in
      guard case .invalidAction(let message) = error as? EnvironmentError else { return XCTFail("\(error)") }
      XCTAssertTrue(message.contains("takes 1 action values, got 2"), message)
    }
  }

  func testWrongObservationBufferThrows() throws {
    let env = try InvertedPendulum()
    var small = [Double](repeating: 0, count: 3)
    XCTAssertThrowsError(
      try small.withUnsafeMutableBufferPointer { try env.reset(seed: 0, options: nil, into: $0) }
    ) { error in
      XCTAssertEqual(error as? EnvironmentError, .invalidObservationBuffer(expected: 4, got: 3))
    }
  }
}
