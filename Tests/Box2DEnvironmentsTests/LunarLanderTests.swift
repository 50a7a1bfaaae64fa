import Gym
import XCTest

@testable import Box2DEnvironments

/// LunarLander's spaces, arguments, errors and episode mechanics.
final class LunarLanderTests: XCTestCase {
  override func setUp() async throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D")
  }

  // MARK: - Spaces and registration

  func testSpacesAreGymnasiums() throws {
    let discrete = try LunarLander()
    XCTAssertEqual(discrete.actionSpace, .discrete(DiscreteSpace(4)))
    guard case .box(let box) = discrete.observationSpace else { return XCTFail("observation space is not a Box") }
    XCTAssertEqual(box.shape, [8])
    XCTAssertEqual(box.dtype, .float32)
    XCTAssertEqual(box.high, [2.5, 2.5, 10, 10, Double(Float(2 * Double.pi)), 10, 1, 1])
    XCTAssertEqual(box.low[4], -Double(Float(2 * Double.pi)))
    let continuous = try LunarLander(.init(continuous: true))
    XCTAssertEqual(continuous.actionSpace, .box(BoxSpace(low: -1, high: 1, shape: [2])))
  }

  func testRegistrationHonoursGymnasiumsSpecsAndArguments() throws {
    let registry = EnvironmentRegistry()
    try registerBox2DEnvironments(in: registry)
    XCTAssertTrue(Set(registry.ids).isSuperset(of: ["LunarLander-v3", "LunarLanderContinuous-v3"]))
    let spec = try registry.spec("LunarLander-v3")
    XCTAssertEqual(spec.maxEpisodeSteps, 1000)
    XCTAssertEqual(spec.rewardThreshold, 200)
    let continuous = try XCTUnwrap(registry.makeUnwrapped("LunarLanderContinuous-v3") as? LunarLander)
    XCTAssertTrue(continuous.configuration.continuous)
    let windy = try XCTUnwrap(
      registry.makeUnwrapped(
        "LunarLander-v3",
        arguments: [
          "gravity": .double(-5), "enable_wind": .bool(true), "wind_power": .int(10), "turbulence_power": .double(0.5),
        ]) as? LunarLander)
    XCTAssertEqual(
      windy.configuration, .init(continuous: false, gravity: -5, enableWind: true, windPower: 10, turbulencePower: 0.5))
    XCTAssertThrowsError(try registry.makeUnwrapped("LunarLander-v3", arguments: ["hardcore": .bool(true)]))
    XCTAssertThrowsError(try registry.makeUnwrapped("LunarLander-v3", arguments: ["gravity": .double(-12)])) {
      XCTAssertTrue("\($0)".contains("gravity"))
    }
  }

  // MARK: - Errors

  func testBadUseThrowsTypedErrors() throws {
    let env = try LunarLander()
    XCTAssertThrowsError(try env.step(0)) { XCTAssertEqual($0 as? EnvironmentError, .stepBeforeReset("LunarLander")) }
    _ = try env.reset(seed: 0)
    for bad: [Double] in [[4], [-1], [1.5], [0, 1], [.nan]] {
      XCTAssertThrowsError(try env.step(bad), "\(bad)") {
        guard case .invalidAction = $0 as? EnvironmentError else { return XCTFail("\($0)") }
      }
    }
    let continuous = try LunarLander(.init(continuous: true))
    _ = try continuous.reset(seed: 0)
    XCTAssertThrowsError(try continuous.step([0.5]))
    XCTAssertThrowsError(try continuous.step([.infinity, 0]))
    XCTAssertNoThrow(try continuous.step([5, -5]))  // clipped to [-1, 1], as Gymnasium
  }

  // MARK: - Episodes

  func testSameSeedGivesTheSameEpisodeAndSeedlessResetsCarryOn() throws {
    func rollout(_ env: LunarLander, seed: UInt64?) throws -> [[Double]] {
      var observations = [try env.reset(seed: seed).observation]
      for t in 0..<40 { observations.append(try env.step(t % 4).observation) }
      return observations
    }
    let a = try LunarLander()
    let b = try LunarLander()
    XCTAssertEqual(try rollout(a, seed: 7), try rollout(b, seed: 7))
    XCTAssertEqual(try rollout(a, seed: nil), try rollout(b, seed: nil))
    XCTAssertNotEqual(try rollout(a, seed: 7), try rollout(b, seed: 8))
  }

  func testFreeFallCrashesWithMinus100AndHeuristicLandsWithPlus100() throws {
    let env = try LunarLander()
    _ = try env.reset(seed: 3)
    var last: Step?
    for _ in 0..<1000 {
      last = try env.step(0)
      if last!.terminated { break }
    }
    XCTAssertEqual(last?.terminated, true)
    XCTAssertEqual(last?.reward, -100)

    var (observation, _) = try env.reset(seed: 0)
    var sawLegContact = false
    for _ in 0..<1000 {
      let step = try env.step(LunarLanderHeuristic.action(for: observation, continuous: false))
      observation = step.observation
      sawLegContact = sawLegContact || observation[6] == 1 || observation[7] == 1
      last = step
      if step.terminated { break }
    }
    XCTAssertTrue(sawLegContact)
    XCTAssertEqual(last?.terminated, true)
    XCTAssertEqual(last?.reward, 100, "the lander comes to rest on the pad")
  }

  func testObservationsAreFloat32Values() throws {
    let env = try LunarLander(.init(continuous: true))
    var (observation, _) = try env.reset(seed: 11)
    for _ in 0..<30 {
      for value in observation { XCTAssertEqual(Double(Float(value)), value) }
      observation = try env.step([0.3, -0.8]).observation
    }
  }

  func testRewardIsShapingChangeMinusFuel() throws {
    func shaping(_ o: [Double]) -> Double {
      -100 * (o[0] * o[0] + o[1] * o[1]).squareRoot() - 100 * (o[2] * o[2] + o[3] * o[3]).squareRoot() - 100
        * abs(o[4]) + 10 * o[6] + 10 * o[7]
    }
    let env = try LunarLander(.init(continuous: true))
    var (observation, _) = try env.reset(seed: 5)
    // main 0.5 -> throttle 0.75 (fuel 0.225); lateral 0.75 -> throttle 0.75 (fuel 0.0225); then engines off.
    for (action, fuel) in [([0.5, 0.75], 0.2475), ([-0.2, 0.3], 0.0), ([1, -1], 0.33)] {
      let step = try env.step(action)
      // The observations are float32-rounded, the reward uses the unrounded state: agree to about 1e-4.
      XCTAssertEqual(step.reward, shaping(step.observation) - shaping(observation) - fuel, accuracy: 1e-3)
      observation = step.observation
    }
  }
}
