import Gym

// MARK: - Swimmer-v4, Swimmer-v5

/// Three segments linked by two hinges, swimming forward in a viscous fluid (Gymnasium's `Swimmer-v4` and
/// `Swimmer-v5`, identical to them to the bit).
///
/// - Action space: `Box(-1, 1, (2,), float32)`: the torques on the two hinges, times a gear of 150.
/// - Observation space: `Box(-inf, inf, (8,), float64)`: the positions without the front tip's x and y (the body
///   angle and the two hinge angles, rad), then the five velocities; `(10,)` with
///   `exclude_current_positions_from_observation` false.
/// - Reward: `forward_reward_weight * x_velocity - ctrl_cost_weight * sum(action^2)`, where `x_velocity` is the
///   front tip's x displacement over the step divided by `dt` (m/s), and the control cost is computed in float32 as
///   numpy does.
/// - Start state: rest plus noise uniform in [-reset_noise_scale, reset_noise_scale] on every position and velocity.
/// - Episode end: never terminates; truncated at 1000 steps (the spec's time limit).
/// - Time: 4 MuJoCo steps of 0.01 s (RK4) per environment step: `dt` = 0.04 s.
/// - Info: v5: `x_position`, `y_position`, `distance_from_origin`, `x_velocity`, `y_velocity`, `reward_forward`,
///   `reward_ctrl`; v4: `reward_fwd` for `reward_forward` and `forward_reward` besides. Both add
///   ``MuJoCoWarning/infoKey`` when MuJoCo warned. Reset info: v5: `x_position`, `y_position`,
///   `distance_from_origin`; v4: empty.
/// - Keyword arguments: `forward_reward_weight` (1), `ctrl_cost_weight` (1e-4), `reset_noise_scale` (0.1),
///   `exclude_current_positions_from_observation` (true); v5 also `xml_file` (`swimmer.xml`), `frame_skip` (4),
///   `default_camera_config` and the rendering arguments.
/// - Version history: v5 renames the info entry `reward_fwd` to `reward_forward`, drops `forward_reward`, reports
///   the reset info, and takes `xml_file`, `frame_skip`, `default_camera_config`; the dynamics are v4's.
public final class Swimmer: Environment {
  public static let id = "Swimmer-v4"
  /// The id of `version`.
  public static func id(_ version: MuJoCoVersion) -> String { "Swimmer-" + version.rawValue }
  /// MuJoCo steps per environment step.
  public static let frameSkip = 4

  /// The keyword arguments, with Gymnasium's defaults.
  public struct Configuration: Sendable, Equatable {
    public var version: MuJoCoVersion
    /// Gymnasium's `xml_file`: nil for Rein's copy of `swimmer.xml`, or the path of an MJCF file.
    public var xmlFile: String? = nil
    public var frameSkip = Swimmer.frameSkip
    public var forwardRewardWeight = 1.0
    public var controlCostWeight = 1e-4
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
        xmlFile: configuration.xmlFile, builtin: [("swimmer.xml", MuJoCoModels.swimmer)], environment: id),
      frameSkip: configuration.frameSkip)
    try simulation.requireModel(
      simulation.model.nq >= 2, "it needs the front tip's x and y as its first 2 positions, has \(simulation.model.nq)")
    skippedPositions = configuration.excludeCurrentPositionsFromObservation ? 2 : 0
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
    try simulation.setUniformlyPerturbedState(scale: configuration.resetNoiseScale, random: &random)
    simulation.writePositionsAndVelocities(skippingPositions: skippedPositions, into: observation)
    var info: Info = [:]
    if configuration.version == .v5 { simulation.reportPlanarPosition(into: &info) }
    simulation.reportWarnings(into: &info)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    try simulation.checkObservationBuffer(observation, count: observationSpace.flatCount)
    let data = simulation.data
    let xBefore = data.qpos[0]
    let yBefore = data.qpos[1]
    try simulation.simulate(action)
    let xAfter = data.qpos[0]
    let yAfter = data.qpos[1]
    let dt = simulation.dt
    let xVelocity = (xAfter - xBefore) / dt
    let yVelocity = (yAfter - yBefore) / dt
    let forwardReward = configuration.forwardRewardWeight * xVelocity
    let controlCost = Double(
      NumpyArithmetic.float32ControlCost(weight: configuration.controlCostWeight, action: action))
    simulation.writePositionsAndVelocities(skippingPositions: skippedPositions, into: observation)
    var info: Info = [
      "reward_ctrl": .double(-controlCost),
      "x_position": .double(xAfter),
      "y_position": .double(yAfter),
      "distance_from_origin": .double(NumpyArithmetic.norm(xAfter, yAfter)),
      "x_velocity": .double(xVelocity),
      "y_velocity": .double(yVelocity),
    ]
    switch configuration.version {
    case .v4:
      info["reward_fwd"] = .double(forwardReward)
      info["forward_reward"] = .double(forwardReward)
    case .v5:
      info["reward_forward"] = .double(forwardReward)
    }
    simulation.reportWarnings(into: &info)
    return StepOutcome(reward: forwardReward - controlCost, terminated: false, info: info)
  }
}
