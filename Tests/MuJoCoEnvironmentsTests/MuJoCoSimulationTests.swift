import Gym
import MuJoCoEnvironments
import XCTest

final class MuJoCoSimulationTests: XCTestCase {
  // MARK: - Library

  func testLibraryIsThePinnedVersion() throws {
    try MuJoCo.requireLibrary()
    XCTAssertTrue(MuJoCo.isAvailable)
    XCTAssertEqual(MuJoCo.version, MuJoCo.requiredVersion)
    XCTAssertTrue(MuJoCo.loadMessage.contains("libmujoco"), MuJoCo.loadMessage)
  }

  // MARK: - Models

  func testModelSizesAndNames() throws {
    let model = try MuJoCoModel(xml: pendulumXML)
    XCTAssertEqual(model.nq, 1)
    XCTAssertEqual(model.nv, 1)
    XCTAssertEqual(model.nu, 1)
    XCTAssertEqual(model.nbody, 2)
    XCTAssertEqual(model.timestep, 0.01)
    XCTAssertEqual(model.id(of: .body, named: "bob"), 1)
    XCTAssertEqual(model.id(of: .joint, named: "swing"), 0)
    XCTAssertNil(model.id(of: .body, named: "nothing"))
    XCTAssertEqual(model.controlRanges.map(\.low), [-2])
    XCTAssertEqual(model.controlRanges.map(\.high), [2])
    XCTAssertEqual(model.bodyMasses, [0, 1.5])
  }

  func testInvalidModelThrowsTheCompilerMessage() throws {
    XCTAssertThrowsError(
      try MuJoCoModel(xml: "<mujoco><worldbody><body><joint type='nonsense'/></body></worldbody></mujoco>")
    ) { error in
      guard case .invalidArgument(let message) = error as? EnvironmentError else { return XCTFail("\(error)") }
      XCTAssertTrue(message.contains("could not compile"), message)
      XCTAssertTrue(message.contains("nonsense"), message)
    }
  }

  func testDataStepsAndResets() throws {
    let data = try MuJoCoData(model: try MuJoCoModel(xml: pendulumXML))
    data.qpos[0] = 1
    try data.step(count: 10)
    XCTAssertEqual(data.time, 0.1, accuracy: 1e-12)
    XCTAssertLessThan(data.qpos[0], 1, "gravity pulls the pendulum down")
    try data.reset()
    XCTAssertEqual(data.time, 0)
    XCTAssertEqual(data.qpos[0], 0)
  }

  // MARK: - Warnings

  func testBadStateRaisesAWarningThatTheStepReports() throws {
    let env = try InvertedPendulum()
    _ = try env.reset(seed: 0)
    env.simulation.data.qvel[1] = .nan
    let step = try env.step([0])
    guard case .info(let warnings)? = step.info[MuJoCoWarning.infoKey] else {
      return XCTFail("no \(MuJoCoWarning.infoKey) in \(step.info)")
    }
    XCTAssertEqual(warnings[MuJoCoWarning.badVelocity.name], .int(1))
    guard case .string(let message)? = warnings["message"] else { return XCTFail("no message in \(warnings)") }
    XCTAssertTrue(message.lowercased().contains("qvel"), message)
    XCTAssertTrue(step.observation.allSatisfy(\.isFinite), "MuJoCo reset the state")
    // Reported once: the next step is clean again.
    XCTAssertNil(try env.step([0]).info[MuJoCoWarning.infoKey])
  }

  // MARK: - Registration

  func testRegistersWithGymnasiumSpecs() throws {
    let registry = EnvironmentRegistry()
    try registerMuJoCoEnvironments(in: registry)
    let spec = try registry.spec("InvertedPendulum-v4")
    XCTAssertEqual(spec.maxEpisodeSteps, 1000)
    XCTAssertEqual(spec.rewardThreshold, 950)
    let env = try registry.makeUnwrapped("InvertedPendulum-v4", arguments: ["reset_noise_scale": .double(0)])
    XCTAssertEqual(try env.reset(seed: 1).observation, [0, 0, 0, 0])
    XCTAssertThrowsError(try registry.makeUnwrapped("InvertedPendulum-v4", arguments: ["frame_skip": .int(3)])) {
      guard case .invalidArgument(let message) = $0 as? EnvironmentError else { return XCTFail("\($0)") }
      XCTAssertTrue(message.contains("reset_noise_scale"), message)
    }
  }
}

/// A one-joint pendulum: a 1.5 kg point mass on a 0.5 m massless rod, hinge at the origin.
let pendulumXML = """
  <mujoco>
    <option timestep="0.01"/>
    <worldbody>
      <body name="bob" pos="0 0 0">
        <joint name="swing" type="hinge" axis="0 1 0"/>
        <geom type="sphere" size="0.05" pos="0 0 -0.5" mass="1.5"/>
      </body>
    </worldbody>
    <actuator><motor joint="swing" ctrlrange="-2 2"/></actuator>
  </mujoco>
  """
