import Gym

// MARK: - HalfCheetah-v4, HalfCheetah-v5

/// A planar two-legged runner that should run forward fast (Gymnasium's `HalfCheetah-v4` and `HalfCheetah-v5`,
/// identical to them to the bit).
///
/// - Action space: `Box(-1, 1, (6,), float32)`: torques on the back thigh, shin, foot and front thigh, shin, foot
///   (gears 120, 90, 60, 120, 60, 30 N m).
/// - Observation space: `Box(-inf, inf, (17,), float64)`: the positions without the root's x (root height, root
///   angle, six joint angles), then the nine velocities; `(18,)` with `exclude_current_positions_from_observation`
///   false.
/// - Reward: `forward_reward_weight * x_velocity - ctrl_cost_weight * sum(action^2)`, where `x_velocity` is the
///   root's x displacement over the step divided by `dt` (m/s), the control cost in float32 as numpy computes it.
/// - Start state: rest plus noise uniform in [-reset_noise_scale, reset_noise_scale] on the positions and normal
///   with standard deviation `reset_noise_scale` on the velocities.
/// - Episode end: never terminates; truncated at 1000 steps (the spec's time limit).
/// - Time: 5 MuJoCo steps of 0.01 s (Euler) per environment step: `dt` = 0.05 s.
/// - Info: `x_position`, `x_velocity`, `reward_ctrl`, and the forward reward as `reward_forward` (v5) or
///   `reward_run` (v4); ``MuJoCoWarning/infoKey`` when MuJoCo warned. Reset info: v5: `x_position`; v4: empty.
/// - Keyword arguments: `forward_reward_weight` (1), `ctrl_cost_weight` (0.1), `reset_noise_scale` (0.1),
///   `exclude_current_positions_from_observation` (true); v5 also `xml_file` (`half_cheetah.xml`), `frame_skip` (5),
///   `default_camera_config` and the rendering arguments.
/// - Version history: v5 renames the info entry `reward_run` to `reward_forward`, reports the reset info, and takes
///   `xml_file`, `frame_skip`, `default_camera_config`; the dynamics are v4's.
public final class HalfCheetah: Environment {
  public static let id = "HalfCheetah-v4"
  /// The id of `version`.
  public static func id(_ version: MuJoCoVersion) -> String { "HalfCheetah-" + version.rawValue }
  /// MuJoCo steps per environment step.
  public static let frameSkip = 5

  /// The keyword arguments, with Gymnasium's defaults.
  public struct Configuration: Sendable, Equatable {
    public var version: MuJoCoVersion
    /// Gymnasium's `xml_file`: nil for Rein's copy of `half_cheetah.xml`, or the path of an MJCF file.
    public var xmlFile: String? = nil
    public var frameSkip = HalfCheetah.frameSkip
    public var forwardRewardWeight = 1.0
    public var controlCostWeight = 0.1
    public var resetNoiseScale = 0.1
    public var excludeCurrentPositionsFromObservation = true

    public init(version: MuJoCoVersion = .v4) { self.version = version }
  }

  public let configuration: Configuration
  public let observationSpace: Space
  public var actionSpace: Space { simulation.actionSpace }
  /// The MuJoCo model and data.
  public let simulation: MuJoCoSimulation
  /// The reset-noise generator (Gymnasium's `np_random`).
  public var random = NumpyGenerator.fromEntropy()
  private let skippedPositions: Int

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
        xmlFile: configuration.xmlFile, builtin: [("half_cheetah.xml", MuJoCoModels.halfCheetah)], environment: id),
      frameSkip: configuration.frameSkip)
    try simulation.requireModel(
      simulation.model.nq >= 1, "it needs the root's x as its first position, has no positions")
    skippedPositions = configuration.excludeCurrentPositionsFromObservation ? 1 : 0
    let count = simulation.model.nq - skippedPositions + simulation.model.nv
    observationSpace = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [count], dtype: .float64))
  }

  /// Seconds of simulated time per step.
  public var dt: Double { simulation.dt }

  // MARK: - Environment

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> Info {
    try simulation.checkObservationBuffer(observation, count: observationSpace.flatCount)
    if let seed { random = NumpyGenerator(seed: seed) }
    try simulation.resetData()
    try simulation.setPerturbedState(
      positionScale: configuration.resetNoiseScale, normalVelocityScale: configuration.resetNoiseScale,
      random: &random)
    simulation.writePositionsAndVelocities(skippingPositions: skippedPositions, into: observation)
    var info: Info = [:]
    if configuration.version == .v5 { info["x_position"] = .double(simulation.data.qpos[0]) }
    simulation.reportWarnings(into: &info)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    try simulation.checkObservationBuffer(observation, count: observationSpace.flatCount)
    let data = simulation.data
    let xBefore = data.qpos[0]
    try simulation.simulate(action)
    let xAfter = data.qpos[0]
    let xVelocity = (xAfter - xBefore) / simulation.dt
    let controlCost = Double(
      NumpyArithmetic.float32ControlCost(weight: configuration.controlCostWeight, action: action))
    let forwardReward = configuration.forwardRewardWeight * xVelocity
    simulation.writePositionsAndVelocities(skippingPositions: skippedPositions, into: observation)
    var info: Info = [
      "x_position": .double(xAfter),
      "x_velocity": .double(xVelocity),
      "reward_ctrl": .double(-controlCost),
    ]
    info[configuration.version == .v4 ? "reward_run" : "reward_forward"] = .double(forwardReward)
    simulation.reportWarnings(into: &info)
    return StepOutcome(reward: forwardReward - controlCost, terminated: false, info: info)
  }
}
