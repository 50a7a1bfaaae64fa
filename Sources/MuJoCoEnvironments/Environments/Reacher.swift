import Foundation
import Gym

// MARK: - Reacher-v4, Reacher-v5

/// A two-link planar arm reaching for a randomly placed target (Gymnasium's `Reacher-v4` and `Reacher-v5`,
/// identical to them to the bit).
///
/// - Action space: `Box(-1, 1, (2,), float32)`: the torques on the two joints, times a gear of 200.
/// - Observation space: v5: `Box(-inf, inf, (10,), float64)`: cosine then sine of the two arm angles; the target's
///   position (m); the two arm angular velocities (rad/s); the fingertip's position minus the target's in x and y
///   (m). v4: `(11,)`, the difference in z (always 0) included.
/// - Reward: `reward_dist + reward_ctrl`, where `reward_dist` is minus `reward_dist_weight` (1) times the
///   fingertip-target distance, and `reward_ctrl` minus `reward_control_weight` (1) times the squared action summed
///   (in float32, as numpy). v5 measures the distance *after* the step, v4 before it.
/// - Start state: the arm at rest plus noise uniform in [-0.1, 0.1] on its angles and [-0.005, 0.005] on its
///   velocities; the target uniform in the disc of radius 0.2 m (drawn by rejection from the square), at rest.
/// - Episode end: never terminates; truncated at 50 steps (the spec's time limit).
/// - Time: 2 MuJoCo steps of 0.01 s (RK4) per environment step: `dt` = 0.02 s.
/// - Info: `reward_dist`, `reward_ctrl` (and ``MuJoCoWarning/infoKey`` when MuJoCo warned). Reset info: empty.
/// - Keyword arguments: v4: none; v5: `xml_file` (`reacher.xml`), `frame_skip` (2), `reward_dist_weight` (1),
///   `reward_control_weight` (1), `default_camera_config` and the rendering arguments.
/// - Version history: v5 computes the reward after the physics step (v4 before it, a reward one step late), drops
///   the always-zero z difference from the observation, and takes the keyword arguments above.
public final class Reacher: Environment {
  public static let id = "Reacher-v4"
  /// The id of `version`.
  public static func id(_ version: MuJoCoVersion) -> String { "Reacher-" + version.rawValue }
  /// MuJoCo steps per environment step.
  public static let frameSkip = 2
  /// The target is drawn until it lies strictly within this distance of the origin, in metres.
  public static let targetRadius = 0.2

  /// The keyword arguments, with Gymnasium's defaults.
  public struct Configuration: Sendable, Equatable {
    public var version: MuJoCoVersion
    /// Gymnasium's `xml_file`: nil for Rein's copy of `reacher.xml`, or the path of an MJCF file.
    public var xmlFile: String? = nil
    public var frameSkip = Reacher.frameSkip
    public var rewardDistanceWeight = 1.0
    public var rewardControlWeight = 1.0

    public init(version: MuJoCoVersion = .v4) { self.version = version }
  }

  public let configuration: Configuration
  public let observationSpace: Space
  public var actionSpace: Space { simulation.actionSpace }

  /// The MuJoCo model and data.
  public let simulation: MuJoCoSimulation
  /// The reset-noise generator (Gymnasium's `np_random`).
  public var random = NumpyGenerator.fromEntropy()
  /// The target position (m) drawn at the last reset (Gymnasium's `goal`).
  public private(set) var goal: [Double] = [0, 0]
  private let fingertip: Int
  private let target: Int
  private let count: Int

  /// Makes the environment of `configuration.version` (v4 by default).
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` when MuJoCo is not installed,
  ///   ``EnvironmentError/invalidArgument(_:)`` when `xml_file` cannot be read, does not compile or does not fit.
  public init(configuration: Configuration = Configuration()) throws {
    self.configuration = configuration
    let id = Self.id(configuration.version)
    simulation = try MuJoCoSimulation(
      environment: id,
      source: MuJoCoModelSource(
        xmlFile: configuration.xmlFile, builtin: [("reacher.xml", MuJoCoModels.reacher)], environment: id),
      frameSkip: configuration.frameSkip)
    let model = simulation.model
    try simulation.requireModel(
      model.nq == 4 && model.nv == 4,
      "it needs 4 positions and 4 velocities (two arm joints, the target's x and y), has \(model.nq) and \(model.nv)")
    fingertip = try simulation.requireBody("fingertip")
    target = try simulation.requireBody("target")
    count = configuration.version == .v4 ? 11 : 10
    observationSpace = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [count], dtype: .float64))
  }

  /// Seconds of simulated time per step.
  public var dt: Double { simulation.dt }

  // MARK: - Environment

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> Info {
    try simulation.checkObservationBuffer(observation, count: count)
    if let seed { random = NumpyGenerator(seed: seed) }
    try simulation.resetData()
    let model = simulation.model
    var positions = zip(random.uniform(low: -0.1, high: 0.1, count: model.nq), simulation.initialPositions)
      .map { $0 + $1 }
    repeat {
      goal = random.uniform(low: -Self.targetRadius, high: Self.targetRadius, count: 2)
    } while !(NumpyArithmetic.norm(goal[0], goal[1]) < Self.targetRadius)
    positions[model.nq - 2] = goal[0]
    positions[model.nq - 1] = goal[1]
    var velocities = zip(simulation.initialVelocities, random.uniform(low: -0.005, high: 0.005, count: model.nv))
      .map { $0 + $1 }
    velocities[model.nv - 2] = 0
    velocities[model.nv - 1] = 0
    try simulation.setState(positions: positions, velocities: velocities)
    writeObservation(into: observation)
    var info: Info = [:]
    simulation.reportWarnings(into: &info)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    try simulation.checkObservationBuffer(observation, count: count)
    let rewardDistance: Double
    switch configuration.version {
    case .v4:
      rewardDistance = distanceReward()
      try simulation.simulate(action)
    case .v5:
      try simulation.simulate(action)
      rewardDistance = distanceReward()
    }
    let rewardControl = Double(
      -NumpyArithmetic.float32ControlCost(weight: configuration.rewardControlWeight, action: action))
    writeObservation(into: observation)
    var info: Info = ["reward_dist": .double(rewardDistance), "reward_ctrl": .double(rewardControl)]
    simulation.reportWarnings(into: &info)
    return StepOutcome(reward: rewardDistance + rewardControl, terminated: false, info: info)
  }

  /// Minus the weighted fingertip-target distance (`-np.linalg.norm(vec) * reward_dist_weight`).
  private func distanceReward() -> Double {
    let xpos = simulation.data.xpos
    return -NumpyArithmetic.norm(
      xpos[3 * fingertip] - xpos[3 * target], xpos[3 * fingertip + 1] - xpos[3 * target + 1],
      xpos[3 * fingertip + 2] - xpos[3 * target + 2]) * configuration.rewardDistanceWeight
  }

  // MARK: - Observation

  private func writeObservation(into observation: UnsafeMutableBufferPointer<Double>) {
    let data = simulation.data
    observation[0] = cos(data.qpos[0])
    observation[1] = cos(data.qpos[1])
    observation[2] = sin(data.qpos[0])
    observation[3] = sin(data.qpos[1])
    observation[4] = data.qpos[2]
    observation[5] = data.qpos[3]
    observation[6] = data.qvel[0]
    observation[7] = data.qvel[1]
    for k in 0..<(count - 8) { observation[8 + k] = data.xpos[3 * fingertip + k] - data.xpos[3 * target + k] }
  }
}

// MARK: - Saving and restoring

extension Reacher {
  public func saveState() throws -> EnvironmentState {
    var state = try simulation.saveState(random: random)
    state.doubles["goal"] = goal
    return state
  }

  public func restoreState(_ state: EnvironmentState) throws {
    let savedGoal = try state.doubles("goal", count: 2)
    random = try simulation.restoreState(state)
    goal = savedGoal
  }
}
