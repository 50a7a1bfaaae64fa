import Gym

// MARK: - Pusher-v5

/// A seven-joint arm that should push a cylinder to a goal on a table (Gymnasium's `Pusher-v5`, identical to it to
/// the bit).
///
/// - Action space: `Box(-2, 2, (7,), float32)`: torques on the shoulder pan, shoulder lift, upper-arm roll, elbow
///   flex, forearm roll, wrist flex and wrist roll joints.
/// - Observation space: `Box(-inf, inf, (23,), float64)`: the seven joint angles (rad), their velocities (rad/s),
///   then the positions (m) of the fingertips body, the object and the goal (3 each).
/// - Reward: `reward_dist + reward_ctrl + reward_near`, computed after the step: `reward_dist` is minus
///   `reward_dist_weight` (1) times the object-goal distance, `reward_ctrl` minus `reward_control_weight` (0.1) times
///   the squared action summed (in float32, as numpy), `reward_near` minus `reward_near_weight` (0.5) times the
///   fingertips-object distance.
/// - Start state: the arm at its reference pose with velocities uniform in [-0.005, 0.005]; the object's slide
///   joints (along y, then x, relative to its body) uniform in [-0.3, 0] and [-0.2, 0.2], drawn again until the
///   object is more than 0.17 m from the goal; goal and object at rest.
/// - Episode end: never terminates; truncated at 100 steps (the spec's time limit).
/// - Time: 5 MuJoCo steps of 0.01 s (Euler) per environment step: `dt` = 0.05 s.
/// - Info: `reward_dist`, `reward_ctrl`, `reward_near` (and ``MuJoCoWarning/infoKey`` when MuJoCo warned). Reset
///   info: empty.
/// - Keyword arguments: `xml_file` (`pusher_v5.xml`), `frame_skip` (5), `reward_near_weight` (0.5),
///   `reward_dist_weight` (1), `reward_control_weight` (0.1), `default_camera_config` and the rendering arguments.
/// - Version history: v5 (the only version Rein has) runs on MuJoCo 3 and later with a model whose object is a
///   single cylinder of density 0.01, computes the reward after the physics step, and takes the keyword arguments
///   above. Gymnasium's Pusher-v4 needs MuJoCo 2 (`mujoco < 3`); Rein, pinned to MuJoCo 4, does not have it.
public final class Pusher: Environment {
  public static let id = "Pusher-v5"
  /// The id of `version` (v5 only).
  public static func id(_ version: MuJoCoVersion) -> String { "Pusher-" + version.rawValue }
  /// MuJoCo steps per environment step.
  public static let frameSkip = 5
  /// The object is drawn again until it is farther than this from the goal, in metres.
  public static let minimumGoalDistance = 0.17

  /// The keyword arguments, with Gymnasium's defaults.
  public struct Configuration: Sendable, Equatable {
    /// Gymnasium's `xml_file`: nil for Rein's copy of `pusher_v5.xml`, or the path of an MJCF file.
    public var xmlFile: String? = nil
    public var frameSkip = Pusher.frameSkip
    public var rewardNearWeight = 0.5
    public var rewardDistanceWeight = 1.0
    public var rewardControlWeight = 0.1

    public init() {}
  }

  public let configuration: Configuration
  public let observationSpace: Space = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [23], dtype: .float64))
  public var actionSpace: Space { simulation.actionSpace }

  /// The MuJoCo model and data.
  public let simulation: MuJoCoSimulation
  /// The reset-noise generator (Gymnasium's `np_random`).
  public var random = NumpyGenerator.fromEntropy()
  private let tips: Int
  private let object: Int
  private let goal: Int

  /// Makes the environment.
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` when MuJoCo is not installed,
  ///   ``EnvironmentError/invalidArgument(_:)`` when `xml_file` cannot be read, does not compile or does not fit.
  public init(configuration: Configuration = Configuration()) throws {
    self.configuration = configuration
    simulation = try MuJoCoSimulation(
      environment: Self.id,
      source: MuJoCoModelSource(
        xmlFile: configuration.xmlFile, builtin: [("pusher_v5.xml", MuJoCoModels.pusher)], environment: Self.id),
      frameSkip: configuration.frameSkip)
    let model = simulation.model
    try simulation.requireModel(
      model.nq == 11 && model.nv == 11,
      "it needs 11 positions and 11 velocities (seven arm joints, the object's and the goal's y and x), has "
        + "\(model.nq) and \(model.nv)")
    tips = try simulation.requireBody("tips_arm")
    object = try simulation.requireBody("object")
    goal = try simulation.requireBody("goal")
  }

  /// Seconds of simulated time per step.
  public var dt: Double { simulation.dt }

  // MARK: - Environment

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> Info {
    try simulation.checkObservationBuffer(observation, count: 23)
    if let seed { random = NumpyGenerator(seed: seed) }
    try simulation.resetData()
    let model = simulation.model
    var positions = simulation.initialPositions
    // The object's two slide joints (along y, then along x), relative to its body's place.
    var cylinder = (0.0, 0.0)
    repeat {
      cylinder.0 = random.uniform(low: -0.3, high: 0, count: 1)[0]
      cylinder.1 = random.uniform(low: -0.2, high: 0.2, count: 1)[0]
    } while !(NumpyArithmetic.norm(cylinder.0 - 0, cylinder.1 - 0) > Self.minimumGoalDistance)
    positions[model.nq - 4] = cylinder.0
    positions[model.nq - 3] = cylinder.1
    positions[model.nq - 2] = 0
    positions[model.nq - 1] = 0
    var velocities = zip(simulation.initialVelocities, random.uniform(low: -0.005, high: 0.005, count: model.nv))
      .map { $0 + $1 }
    for i in (model.nv - 4)..<model.nv { velocities[i] = 0 }
    try simulation.setState(positions: positions, velocities: velocities)
    writeObservation(into: observation)
    var info: Info = [:]
    simulation.reportWarnings(into: &info)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    try simulation.checkObservationBuffer(observation, count: 23)
    try simulation.simulate(action)
    writeObservation(into: observation)
    let xpos = simulation.data.xpos
    func distance(_ a: Int, _ b: Int) -> Double {
      NumpyArithmetic.norm(
        xpos[3 * a] - xpos[3 * b], xpos[3 * a + 1] - xpos[3 * b + 1], xpos[3 * a + 2] - xpos[3 * b + 2])
    }
    let rewardNear = -distance(object, tips) * configuration.rewardNearWeight
    let rewardDistance = -distance(object, goal) * configuration.rewardDistanceWeight
    let rewardControl = Double(
      -NumpyArithmetic.float32ControlCost(weight: configuration.rewardControlWeight, action: action))
    var info: Info = [
      "reward_dist": .double(rewardDistance), "reward_ctrl": .double(rewardControl),
      "reward_near": .double(rewardNear),
    ]
    simulation.reportWarnings(into: &info)
    return StepOutcome(reward: rewardDistance + rewardControl + rewardNear, terminated: false, info: info)
  }

  // MARK: - Observation

  private func writeObservation(into observation: UnsafeMutableBufferPointer<Double>) {
    let data = simulation.data
    for i in 0..<7 {
      observation[i] = data.qpos[i]
      observation[7 + i] = data.qvel[i]
    }
    for (k, body) in [tips, object, goal].enumerated() {
      for j in 0..<3 { observation[14 + 3 * k + j] = data.xpos[3 * body + j] }
    }
  }
}
