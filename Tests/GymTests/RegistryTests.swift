import ClassicControl
import XCTest

@testable import Gym

/// A user's own environment: walk on a line from 0 to `goal`.
final class LineWalk: Environment {
  let goal: Int
  var position = 0
  var started = false
  let observationSpace = Space.box(BoxSpace(low: -100, high: 100, shape: [1]))
  let actionSpace = Space.discrete(DiscreteSpace(2))

  init(goal: Int) { self.goal = goal }

  func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> Info
  {
    position = 0
    started = true
    observation[0] = 0
    return ["goal": .int(goal)]
  }

  func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> StepOutcome
  {
    guard started else { throw EnvironmentError.stepBeforeReset(name) }
    position += action[0] == 1 ? 1 : -1
    observation[0] = Double(position)
    return StepOutcome(reward: action[0] == 1 ? 1 : 0, terminated: position == goal)
  }
}

final class RegistryTests: XCTestCase {
  func makeRegistry() throws -> EnvironmentRegistry {
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    return registry
  }

  func testMakeWrapsInTimeLimitWhenTheSpecHasAStepLimit() throws {
    let registry = try makeRegistry()
    let env = try registry.make("CartPole-v1")
    let limit = try XCTUnwrap(env as? TimeLimit)
    XCTAssertEqual(limit.maxEpisodeSteps, 500)
    XCTAssertTrue(env.unwrapped is CartPole)
    XCTAssertNotNil(env.wrapper(ofType: TimeLimit.self))
    XCTAssertTrue(try registry.makeUnwrapped("CartPole-v1") is CartPole)
    XCTAssertEqual(try (registry.make("Pendulum-v1", maxEpisodeSteps: 7) as? TimeLimit)?.maxEpisodeSteps, 7)
  }

  func testSpecsCarryGymnasiumsLimitsAndThresholds() throws {
    let registry = try makeRegistry()
    XCTAssertEqual(
      registry.ids,
      ["Acrobot-v1", "CartPole-v0", "CartPole-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"])
    XCTAssertEqual(try registry.spec("CartPole-v1").rewardThreshold, 475)
    XCTAssertEqual(try registry.spec("MountainCarContinuous-v0").maxEpisodeSteps, 999)
    XCTAssertNil(try registry.spec("Pendulum-v1").rewardThreshold)
    // Registering again is harmless.
    try registerClassicControlEnvironments(in: registry)
  }

  func testUnknownIdsAndArgumentsAreTypedErrors() throws {
    let registry = try makeRegistry()
    XCTAssertThrowsError(try registry.make("CartPole-v9")) { error in
      guard case EnvironmentError.unknownEnvironment(let id, let known) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(id, "CartPole-v9")
      XCTAssertTrue(known.contains("CartPole-v1"))
      XCTAssertTrue("\(error)".contains("did you mean"))
    }
    XCTAssertThrowsError(try registry.make("Pendulum-v1", arguments: ["gravity": .double(9.81)]))
    XCTAssertThrowsError(try registry.make("Pendulum-v1", arguments: ["g": .string("strong")]))
  }

  func testKeywordArgumentsReachTheEnvironment() throws {
    let registry = try makeRegistry()
    let env = try registry.make("Pendulum-v1", arguments: ["g": .double(9.81)])
    XCTAssertEqual((env.unwrapped as? Pendulum)?.gravity, 9.81)
    XCTAssertEqual((try registry.make("Pendulum-v1").unwrapped as? Pendulum)?.gravity, 10)
  }

  func testAUsersEnvironmentIsFirstClass() throws {
    let registry = try makeRegistry()
    try registry.register(EnvironmentSpec(id: "LineWalk-v0", maxEpisodeSteps: 3, arguments: ["goal": .int(5)])) {
      LineWalk(goal: try $0.int("goal", default: 5))
    }
    XCTAssertThrowsError(try registry.register(EnvironmentSpec(id: "LineWalk-v0")) { _ in LineWalk(goal: 1) })
    let env = try registry.make("LineWalk-v0", arguments: ["goal": .int(2)])
    let (_, info) = try env.reset(seed: 0)
    XCTAssertEqual(info["goal"], .int(2))
    XCTAssertFalse(try env.step(1).done)
    XCTAssertTrue(try env.step(1).terminated)
  }

  func testTimeLimitTruncatesAndForbidsSteppingAfterTheEnd() throws {
    let env = try TimeLimit(LineWalk(goal: 100), maxEpisodeSteps: 2)
    XCTAssertThrowsError(try env.step(1)) { XCTAssertEqual($0 as? EnvironmentError, .stepBeforeReset("LineWalk")) }
    _ = try env.reset()
    XCTAssertFalse(try env.step(1).truncated)
    let last = try env.step(1)
    XCTAssertTrue(last.truncated)
    XCTAssertFalse(last.terminated)
    XCTAssertEqual(env.elapsedSteps, 2)
    XCTAssertThrowsError(try env.step(1)) {
      XCTAssertEqual($0 as? EnvironmentError, .stepAfterEpisodeEnd("LineWalk"))
    }
    _ = try env.reset()
    XCTAssertEqual(env.elapsedSteps, 0)
    XCTAssertThrowsError(try TimeLimit(LineWalk(goal: 1), maxEpisodeSteps: 0))
  }

  func testGroupRegistrationRunsOnce() throws {
    let registry = EnvironmentRegistry()
    var calls = 0
    for _ in 0..<3 {
      registry.registerGroupOnce("demo") { _ in calls += 1 }
    }
    XCTAssertEqual(calls, 1)
  }
}
