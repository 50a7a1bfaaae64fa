import Foundation
import Gym
import MuJoCoEnvironments
import XCTest

/// Specs, spaces, keyword arguments, info terms and termination rules of the MuJoCo environments.
final class MuJoCoEnvironmentTests: XCTestCase {
  private var registry: EnvironmentRegistry!

  override func setUpWithError() throws {
    registry = EnvironmentRegistry()
    try registerMuJoCoEnvironments(in: registry)
  }

  private func make(_ id: String, _ arguments: EnvironmentArguments = [:]) throws -> any Environment {
    try registry.makeUnwrapped(id, arguments: arguments)
  }

  // MARK: - Specs and spaces

  func testRegistersTheTwentyOneEnvironmentsWithGymnasiumsSpecs() throws {
    let expected: [(String, Int, Double?, Int, Int)] = [
      ("InvertedPendulum-v4", 1000, 950, 4, 1), ("InvertedDoublePendulum-v4", 1000, 9100, 11, 1),
      ("Reacher-v4", 50, -3.75, 11, 2), ("Swimmer-v4", 1000, 360, 8, 2), ("HalfCheetah-v4", 1000, 4800, 17, 6),
      ("Hopper-v4", 1000, 3800, 11, 3), ("Walker2d-v4", 1000, nil, 17, 6), ("Ant-v4", 1000, 6000, 27, 8),
      ("Humanoid-v4", 1000, nil, 376, 17), ("HumanoidStandup-v4", 1000, nil, 376, 17),
      ("InvertedPendulum-v5", 1000, 950, 4, 1), ("InvertedDoublePendulum-v5", 1000, 9100, 9, 1),
      ("Reacher-v5", 50, -3.75, 10, 2), ("Pusher-v5", 100, 0, 23, 7), ("Swimmer-v5", 1000, 360, 8, 2),
      ("HalfCheetah-v5", 1000, 4800, 17, 6), ("Hopper-v5", 1000, 3800, 11, 3), ("Walker2d-v5", 1000, nil, 17, 6),
      ("Ant-v5", 1000, 6000, 105, 8), ("Humanoid-v5", 1000, nil, 348, 17), ("HumanoidStandup-v5", 1000, nil, 348, 17),
    ]
    XCTAssertEqual(registry.ids.count, expected.count)
    for (id, steps, threshold, observations, actions) in expected {
      let spec = try registry.spec(id)
      XCTAssertEqual(spec.maxEpisodeSteps, steps, id)
      XCTAssertEqual(spec.rewardThreshold, threshold, id)
      let env = try make(id)
      guard case .box(let observation) = env.observationSpace, case .box(let action) = env.actionSpace else {
        return XCTFail("\(id): spaces are not boxes")
      }
      XCTAssertEqual(observation.dtype, .float64, id)
      XCTAssertEqual(observation.count, observations, id)
      XCTAssertEqual(action.dtype, .float32, id)
      XCTAssertEqual(action.count, actions, id)
      let (first, _) = try env.reset(seed: 0)
      XCTAssertEqual(first.count, observations, id)
      XCTAssertTrue(first.allSatisfy(\.isFinite), id)
      let step = try env.step(action.low.indices.map { 0.5 * (action.low[$0] + action.high[$0]) })
      XCTAssertTrue(step.observation.allSatisfy(\.isFinite), id)
      XCTAssertNil(step.info[MuJoCoWarning.infoKey], id)
    }
  }

  func testAnIdTakenAlreadyKeepsItsOwnerAndTheOthersStillRegister() throws {
    let custom = EnvironmentRegistry()
    try custom.register(EnvironmentSpec(id: "Hopper-v4", maxEpisodeSteps: 7)) { _ in try InvertedPendulum() }
    XCTAssertThrowsError(try registerMuJoCoEnvironments(in: custom)) {
      XCTAssertEqual($0 as? EnvironmentError, .duplicateRegistration(id: "Hopper-v4"))
    }
    XCTAssertEqual(try custom.spec("Hopper-v4").maxEpisodeSteps, 7)
    XCTAssertEqual(custom.ids.count, 21)
    XCTAssertEqual(try custom.spec("Walker2d-v4").maxEpisodeSteps, 1000)
  }

  func testPusherV4SaysItNeedsMuJoCo2() throws {
    XCTAssertFalse(registry.ids.contains("Pusher-v4"))
    XCTAssertThrowsError(try registry.make("Pusher-v4")) { error in
      guard case .libraryUnavailable(let library, let help) = error as? EnvironmentError else {
        return XCTFail("\(error)")
      }
      XCTAssertTrue(library.contains("MuJoCo 2"), library)
      XCTAssertTrue(help.contains("Pusher-v5") && help.contains("mujoco < 3"), help)
    }
    XCTAssertThrowsError(try registry.spec("Pusher-v4"))
  }

  func testHumanoidActionsAreBoundedByTheControlRange() throws {
    XCTAssertEqual(
      try make("Humanoid-v4").actionSpace,
      .box(BoxSpace(low: -0.4, high: 0.4, shape: [17], dtype: .float32)))
  }

  func testIncludingCurrentPositionsAddsThemToTheObservation() throws {
    let arguments: EnvironmentArguments = ["exclude_current_positions_from_observation": .bool(false)]
    for (id, count) in [
      ("Swimmer-v4", 10), ("HalfCheetah-v4", 18), ("Hopper-v4", 12), ("Walker2d-v4", 18), ("Ant-v4", 29),
      ("Humanoid-v4", 378),
    ] {
      let env = try make(id, arguments)
      XCTAssertEqual(env.observationSpace.flatCount, count, id)
      let excluded = try make(id).reset(seed: 3).observation
      let included = try env.reset(seed: 3).observation
      XCTAssertEqual(Array(included.dropFirst(count - excluded.count)), excluded, "\(id): same state, more values")
    }
  }

  // MARK: - Rewards and info terms

  func testHalfCheetahRewardIsTheSumOfItsInfoTerms() throws {
    let env = try make("HalfCheetah-v4")
    _ = try env.reset(seed: 1)
    let step = try env.step([0.5, -0.5, 0.25, 1, -1, 0])
    let run = try XCTUnwrap(step.info["reward_run"]?.doubleValue)
    let control = try XCTUnwrap(step.info["reward_ctrl"]?.doubleValue)
    XCTAssertEqual(step.reward, run + control)
    XCTAssertEqual(control, -Double(Float(0.1) * Float(0.25 + 0.25 + 0.0625 + 1 + 1)))
    XCTAssertEqual(try XCTUnwrap(step.info["x_velocity"]?.doubleValue), run)
  }

  func testReacherRewardIsDistanceAndControl() throws {
    let env = try make("Reacher-v4")
    let start = try env.reset(seed: 5).observation
    let step = try env.step([0.5, -1])
    let distance = try XCTUnwrap(step.info["reward_dist"]?.doubleValue)
    let control = try XCTUnwrap(step.info["reward_ctrl"]?.doubleValue)
    XCTAssertEqual(control, -1.25)
    XCTAssertEqual(step.reward, distance + control)
    // Gymnasium v4 measures the distance before the step: the start observation's last three values.
    let before = start[8...10].map { $0 * $0 }.reduce(0, +).squareRoot()
    XCTAssertEqual(distance, -before, accuracy: 1e-15)
    XCTAssertFalse(step.terminated)
  }

  func testForwardRewardWeightScalesTheForwardTerm() throws {
    let plain = try make("Swimmer-v4")
    let doubled = try make("Swimmer-v4", ["forward_reward_weight": .double(2), "ctrl_cost_weight": .double(0)])
    _ = try plain.reset(seed: 2)
    _ = try doubled.reset(seed: 2)
    let a = try plain.step([1, -1])
    let b = try doubled.step([1, -1])
    XCTAssertEqual(a.observation, b.observation)
    XCTAssertEqual(b.reward, 2 * (try XCTUnwrap(a.info["reward_fwd"]?.doubleValue)))
  }

  // MARK: - Health and termination

  func testUnhealthyHopperTerminatesOrNotAsConfigured() throws {
    let strict = try make("Hopper-v4", ["healthy_z_range": .doubles([5, .infinity])])
    _ = try strict.reset(seed: 0)
    let ended = try strict.step([0, 0, 0])
    XCTAssertTrue(ended.terminated)

    let lenient = try make(
      "Hopper-v4", ["healthy_z_range": .doubles([5, .infinity]), "terminate_when_unhealthy": .bool(false)])
    _ = try lenient.reset(seed: 0)
    let continued = try lenient.step([0, 0, 0])
    XCTAssertFalse(continued.terminated)
    XCTAssertEqual(continued.observation, ended.observation)
    XCTAssertEqual(ended.reward - continued.reward, 1, accuracy: 1e-12, "no healthy reward while unhealthy")
  }

  func testHealthyWalkerAndAntDoNotTerminateAtRest() throws {
    for id in ["Walker2d-v4", "Ant-v4", "Humanoid-v4"] {
      let env = try make(id)
      let actions = env.actionSpace.flatCount
      _ = try env.reset(seed: 0)
      XCTAssertFalse(try env.step([Double](repeating: 0, count: actions)).terminated, id)
    }
  }

  func testAntFallsOutOfItsHealthyRangeAndTerminates() throws {
    let env = try make("Ant-v4", ["healthy_z_range": .doubles([0.9, 1])])
    _ = try env.reset(seed: 0)
    var terminated = false
    for _ in 0..<20 where !terminated { terminated = try env.step([Double](repeating: 0, count: 8)).terminated }
    XCTAssertTrue(terminated, "the torso starts at 0.75 m, below 0.9 m")
  }

  func testAntContactForcesExtendTheObservationAndCost() throws {
    let env = try make("Ant-v4", ["use_contact_forces": .bool(true)])
    XCTAssertEqual(env.observationSpace.flatCount, 27 + 84)
    _ = try env.reset(seed: 0)
    var touched = false
    for _ in 0..<30 {
      let step = try env.step([Double](repeating: 0, count: 8))
      let forces = step.observation[27...]
      XCTAssertTrue(forces.allSatisfy { abs($0) <= 1 }, "clipped to the contact force range")
      touched = touched || forces.contains { $0 != 0 }
    }
    XCTAssertTrue(touched, "the ant lands on the floor within 30 steps")
  }

  func testHumanoidStandupRewardIsTheSumOfItsTerms() throws {
    let env = try make("HumanoidStandup-v4")
    _ = try env.reset(seed: 4)
    let step = try env.step([Double](repeating: 0.2, count: 17))
    let up = try XCTUnwrap(step.info["reward_linup"]?.doubleValue)
    let control = try XCTUnwrap(step.info["reward_quadctrl"]?.doubleValue)
    let impact = try XCTUnwrap(step.info["reward_impact"]?.doubleValue)
    XCTAssertEqual(step.reward, up + control + impact + 1)
    XCTAssertEqual(control, -0.1 * 17 * Double(Float(0.2)) * Double(Float(0.2)), accuracy: 1e-12)
    XCTAssertEqual(up, step.observation[0] / 0.003, accuracy: 1e-9, "the torso height over the time step")
    XCTAssertFalse(step.terminated)
  }

  func testAntLoadsAModelFileGivenAsXMLFile() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("rein-ant-\(getpid()).xml")
    try antXML.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let custom = try make("Ant-v4", ["xml_file": .string(file.path)])
    XCTAssertEqual(custom.observationSpace.flatCount, 5 + 6, "qpos without x and y, and qvel")
    XCTAssertEqual(custom.actionSpace.flatCount, 0)
    let start = try custom.reset(seed: 0).observation
    XCTAssertEqual(start[0], 0.5, accuracy: 0.1, "the torso height comes first")
  }

  func testSetStateRejectsAStateOfTheWrongSize() throws {
    let env = try InvertedPendulum()
    XCTAssertThrowsError(try env.simulation.setState(positions: [0], velocities: [0, 0])) {
      guard case .invalidArgument(let message) = $0 as? EnvironmentError else { return XCTFail("\($0)") }
      XCTAssertTrue(message.contains("2 positions and 2 velocities"), message)
    }
  }

  // MARK: - Keyword argument errors

  func testUnknownAndMalformedArgumentsThrow() throws {
    XCTAssertThrowsError(try make("Hopper-v4", ["healthy_range": .double(1)])) {
      guard case .invalidArgument(let message) = $0 as? EnvironmentError else { return XCTFail("\($0)") }
      XCTAssertTrue(message.contains("healthy_z_range"), message)
    }
    XCTAssertThrowsError(try make("Walker2d-v4", ["healthy_z_range": .doubles([2, 1])])) {
      guard case .invalidArgument(let message) = $0 as? EnvironmentError else { return XCTFail("\($0)") }
      XCTAssertTrue(message.contains("low <= high"), message)
    }
    XCTAssertThrowsError(try make("Reacher-v4", ["reset_noise_scale": .double(1)]))
    XCTAssertThrowsError(try make("Ant-v4", ["xml_file": .string("/nonexistent/ant.xml")])) {
      guard case .invalidArgument(let message) = $0 as? EnvironmentError else { return XCTFail("\($0)") }
      XCTAssertTrue(message.contains("/nonexistent/ant.xml"), message)
    }
  }
}

/// A minimal stand-in for an Ant model: a torso on a free joint (nq 7, nv 6) and nothing to actuate.
private let antXML = """
  <mujoco>
    <worldbody>
      <geom type="plane" size="5 5 0.1"/>
      <body name="torso" pos="0 0 0.5">
        <freejoint/>
        <geom type="sphere" size="0.25"/>
      </body>
    </worldbody>
  </mujoco>
  """
