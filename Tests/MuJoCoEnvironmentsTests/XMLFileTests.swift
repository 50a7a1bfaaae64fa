import Foundation
import Gym
import MuJoCoEnvironments
import XCTest

/// `xml_file`: a user's own MJCF model for the v5 tasks, and the errors a wrong one gets.
final class XMLFileTests: XCTestCase {
  private var registry: EnvironmentRegistry!
  private var folder: URL!

  override func setUpWithError() throws {
    registry = EnvironmentRegistry()
    try registerMuJoCoEnvironments(in: registry)
    guard MuJoCo.isAvailable else { throw XCTSkip("MuJoCo is not installed (run ./scripts/setup.sh)") }
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("rein-xml-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    if let folder { try? FileManager.default.removeItem(at: folder) }
  }

  private func write(_ name: String, _ text: String) throws -> String {
    let url = folder.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  /// A hopper written for this test: thigh and leg 0.3 m longer than Gymnasium's, torso 1.55 m up.
  private let longLeggedHopper = """
    <mujoco model="long-legged hopper">
      <compiler angle="degree" inertiafromgeom="true"/>
      <option timestep="0.002" integrator="RK4"/>
      <default>
        <joint limited="true" armature="1" damping="1"/>
        <geom condim="1" friction="0.9"/>
      </default>
      <worldbody>
        <geom name="floor" type="plane" size="20 20 .125"/>
        <body name="torso" pos="0 0 1.55">
          <joint name="rootx" type="slide" axis="1 0 0" pos="0 0 -1.55" limited="false" armature="0" damping="0"/>
          <joint name="rootz" type="slide" axis="0 0 1" pos="0 0 -1.55" ref="1.55" limited="false" armature="0"
                 damping="0"/>
          <joint name="rooty" type="hinge" axis="0 1 0" limited="false" armature="0" damping="0"/>
          <geom type="capsule" size="0.05 0.2"/>
          <body name="thigh" pos="0 0 -0.2">
            <joint name="thigh_joint" type="hinge" axis="0 -1 0" range="-150 0"/>
            <geom type="capsule" size="0.05 0.375" pos="0 0 -0.375"/>
            <body name="leg" pos="0 0 -0.85">
              <joint name="leg_joint" type="hinge" axis="0 -1 0" pos="0 0 0.4" range="-150 0"/>
              <geom type="capsule" size="0.04 0.4"/>
              <body name="foot" pos="0.13 0 -0.5">
                <joint name="foot_joint" type="hinge" axis="0 -1 0" pos="-0.13 0 0.1" range="-45 45"/>
                <geom type="capsule" size="0.06 0.195" pos="-0.065 0 0.1" quat="0.7071068 0 -0.7071068 0"
                      friction="2"/>
              </body>
            </body>
          </body>
        </body>
      </worldbody>
      <actuator>
        <motor joint="thigh_joint" gear="200" ctrllimited="true" ctrlrange="-1 1"/>
        <motor joint="leg_joint" gear="200" ctrllimited="true" ctrlrange="-1 1"/>
        <motor joint="foot_joint" gear="200" ctrllimited="true" ctrlrange="-1 1"/>
      </actuator>
    </mujoco>
    """

  func testAHopperWithLongerLegs() throws {
    let path = try write("long_hopper.xml", longLeggedHopper)
    let env = try registry.make("Hopper-v5", arguments: ["xml_file": .string(path)])
    let standard = try registry.make("Hopper-v5")
    XCTAssertEqual(env.observationSpace, standard.observationSpace)
    let (first, info) = try env.reset(seed: 3)
    let (standardFirst, _) = try standard.reset(seed: 3)
    // The same noise on a torso 0.3 m higher.
    XCTAssertEqual(first[0] - standardFirst[0], 0.3, accuracy: 1e-12)
    XCTAssertEqual(info["z_distance_from_origin"]?.doubleValue ?? .nan, first[0] - 1.55, accuracy: 1e-15)
    var steps = 0
    var done = false
    while !done && steps < 300 {
      let step = try env.step([0.2, -0.3, 0.1])
      XCTAssertTrue(step.observation.allSatisfy(\.isFinite))
      XCTAssertNil(step.info[MuJoCoWarning.infoKey])
      done = step.done
      steps += 1
    }
    XCTAssertGreaterThan(steps, 10)
    // The task's own file name is Rein's own model: the same trajectory as the default.
    let named = try registry.make("Hopper-v5", arguments: ["xml_file": .string("hopper.xml")])
    XCTAssertEqual(try named.reset(seed: 3).observation, standardFirst)
  }

  func testAModelThatDoesNotCompileNamesTheFileAndMuJoCosMessage() throws {
    let path = try write("broken.xml", "<mujoco><worldbody><body><geom type=\"sphere\"/></worldbody></mujoco>")
    XCTAssertThrowsError(try registry.make("Hopper-v5", arguments: ["xml_file": .string(path)])) { error in
      guard case .invalidArgument(let message) = error as? EnvironmentError else { return XCTFail("\(error)") }
      XCTAssertTrue(message.contains(path), message)
      XCTAssertTrue(message.contains("MuJoCo could not compile the model"), message)
      XCTAssertTrue(message.lowercased().contains("xml"), message)  // MuJoCo's own "XML Error" text
    }
  }

  func testAMissingFileIsAnError() throws {
    let path = folder.appendingPathComponent("none.xml").path
    XCTAssertThrowsError(try registry.make("Walker2d-v5", arguments: ["xml_file": .string(path)])) { error in
      guard case .invalidArgument(let message) = error as? EnvironmentError else { return XCTFail("\(error)") }
      XCTAssertTrue(message.contains(path) && message.contains("walker2d_v5.xml"), message)
    }
  }

  func testAModelThatDoesNotFitTheTaskSaysWhy() throws {
    let hopper = try write("long_hopper.xml", longLeggedHopper)
    let cases: [(id: String, arguments: EnvironmentArguments, says: String)] = [
      ("Reacher-v5", ["xml_file": .string(hopper)], "needs 4 positions and 4 velocities"),
      ("InvertedPendulum-v5", ["xml_file": .string(hopper)], "has 6 and 6"),
      ("Pusher-v5", ["xml_file": .string(hopper)], "needs 11 positions"),
      ("InvertedDoublePendulum-v5", ["xml_file": .string(hopper)], "needs 3 positions and 3 velocities"),
      ("Ant-v5", ["main_body": .string("pelvis")], "no body named 'pelvis'"),
      ("Ant-v5", ["main_body": .int(40)], "main_body 40"),
      ("Hopper-v5", ["frame_skip": .int(0)], "frame_skip must be at least 1"),
      ("Hopper-v5", ["xml_file": .int(3)], "'xml_file' must be a path"),
    ]
    for (id, arguments, says) in cases {
      XCTAssertThrowsError(try registry.make(id, arguments: arguments), id) { error in
        guard case .invalidArgument(let message) = error as? EnvironmentError else {
          return XCTFail("\(id): \(error)")
        }
        XCTAssertTrue(message.contains(says) && message.contains(id), "\(id): \(message)")
        if case .string(let path)? = arguments["xml_file"] { XCTAssertTrue(message.contains(path), message) }
      }
    }
  }

  func testV5ArgumentsReachTheTask() throws {
    let slow = try registry.make("HalfCheetah-v5", arguments: ["frame_skip": .int(1)])
    let fast = try registry.make("HalfCheetah-v5")
    XCTAssertEqual(slow.renderFramesPerSecond ?? 0, 100, accuracy: 1e-9)
    XCTAssertEqual(fast.renderFramesPerSecond ?? 0, 20, accuracy: 1e-9)
    let lean = try registry.make("Ant-v5", arguments: ["include_cfrc_ext_in_observation": .bool(false)])
    XCTAssertEqual(lean.observationSpace.flatCount, 27)
    let humanoid = try registry.make(
      "Humanoid-v5",
      arguments: [
        "include_cinert_in_observation": .bool(false), "exclude_current_positions_from_observation": .bool(false),
      ])
    XCTAssertEqual(humanoid.observationSpace.flatCount, 348 - 130 + 2)
    XCTAssertThrowsError(try registry.make("Hopper-v4", arguments: ["frame_skip": .int(2)]))  // a v5 argument
    XCTAssertThrowsError(try registry.make("Ant-v5", arguments: ["use_contact_forces": .bool(true)]))  // v4 only
  }
}
