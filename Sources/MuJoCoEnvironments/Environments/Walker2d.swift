import Gym

// MARK: - Walker2d-v4, Walker2d-v5

/// A planar biped that should walk forward without falling (Gymnasium's `Walker2d-v4` and `Walker2d-v5`, identical
/// to them to the bit).
///
/// - Action space: `Box(-1, 1, (6,), float32)`: torques on the right thigh, leg, foot and left thigh, leg, foot,
///   times a gear of 100.
/// - Observation space: `Box(-inf, inf, (17,), float64)`: the positions without the root's x (torso height (m),
///   torso angle and six joint angles (rad)), then the nine velocities clipped to [-10, 10]; `(18,)` with
///   `exclude_current_positions_from_observation` false.
/// - Reward: `forward_reward_weight * x_velocity + healthy_reward - ctrl_cost_weight * sum(action^2)` (the control
///   cost in float32 as numpy computes it); v5 pays `healthy_reward` only while healthy, v4 also for the
///   terminating step when `terminate_when_unhealthy`.
/// - Healthy: the torso height strictly within `healthy_z_range` and its angle strictly within
///   `healthy_angle_range`.
/// - Start state: rest plus noise uniform in [-reset_noise_scale, reset_noise_scale] on every position and velocity.
/// - Episode end: terminated when unhealthy (if `terminate_when_unhealthy`); truncated at 1000 steps.
/// - Time: 4 MuJoCo steps of 0.002 s (RK4) per environment step: `dt` = 0.008 s.
/// - Info: `x_position`, `x_velocity`; v5 also `z_distance_from_origin` (the height above the start's reference),
///   `reward_forward`, `reward_ctrl`, `reward_survive`. Both add ``MuJoCoWarning/infoKey`` when MuJoCo warned.
///   Reset info: v5: `x_position`, `z_distance_from_origin`; v4: empty.
/// - Keyword arguments: `forward_reward_weight` (1), `ctrl_cost_weight` (1e-3), `healthy_reward` (1),
///   `terminate_when_unhealthy` (true), `healthy_z_range` ([0.8, 2]), `healthy_angle_range` ([-1, 1]),
///   `reset_noise_scale` (5e-3), `exclude_current_positions_from_observation` (true); v5 also `xml_file`
///   (`walker2d_v5.xml`; `walker2d.xml` is v4's model), `frame_skip` (4), `default_camera_config` and the
///   rendering arguments.
/// - Version history: v5's model gives both feet friction 1.9 (v4's right foot has 0.9, its left 1.9, so the walker
///   is lopsided); v5 pays the healthy reward only while healthy, reports the reward terms and positions in the step
///   and reset info, and takes `xml_file`, `frame_skip`, `default_camera_config`.
public final class Walker2d: Environment {
  public static let id = "Walker2d-v4"
  /// The id of `version`.
  public static func id(_ version: MuJoCoVersion) -> String { "Walker2d-" + version.rawValue }
  /// MuJoCo steps per environment step.
  public static let frameSkip = 4
  /// Velocities in the observation are clipped to this magnitude.
  public static let velocityLimit = 10.0

  /// The keyword arguments, with Gymnasium's defaults.
  public struct Configuration: Sendable, Equatable {
    public var version: MuJoCoVersion
    /// Gymnasium's `xml_file`: nil for Rein's copy of the version's own model, or the path of an MJCF file.
    public var xmlFile: String? = nil
    public var frameSkip = Walker2d.frameSkip
    public var forwardRewardWeight = 1.0
    public var controlCostWeight = 1e-3
    public var healthyReward = 1.0
    public var terminateWhenUnhealthy = true
    public var healthyZRange: ClosedRange<Double> = 0.8...2.0
    public var healthyAngleRange: ClosedRange<Double> = -1.0...1.0
    public var resetNoiseScale = 5e-3
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
  /// The reset and step shared with the other planar walker.
  private let walker: PlanarWalker

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
        xmlFile: configuration.xmlFile,
        builtin: configuration.version == .v4
          ? [("walker2d.xml", MuJoCoModels.walker2d)]
          : [("walker2d_v5.xml", MuJoCoModels.walker2dV5), ("walker2d.xml", MuJoCoModels.walker2d)],
        environment: id),
      frameSkip: configuration.frameSkip)
    try simulation.requireModel(
      simulation.model.nq >= 3,
      "it needs the root's x, height and angle as its first 3 positions, has \(simulation.model.nq) positions")
    skippedPositions = configuration.excludeCurrentPositionsFromObservation ? 1 : 0
    let count = simulation.model.nq - skippedPositions + simulation.model.nv
    observationSpace = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [count], dtype: .float64))
    walker = PlanarWalker(
      version: configuration.version, simulation: simulation, forwardRewardWeight: configuration.forwardRewardWeight,
      controlCostWeight: configuration.controlCostWeight, healthyReward: configuration.healthyReward,
      terminateWhenUnhealthy: configuration.terminateWhenUnhealthy, resetNoiseScale: configuration.resetNoiseScale,
      skippedPositions: skippedPositions, velocityLimit: Self.velocityLimit, observationCount: count)
  }

  /// Seconds of simulated time per step.
  public var dt: Double { simulation.dt }

  /// Whether the walker is healthy in the current state (strict bounds, as Gymnasium).
  public var isHealthy: Bool {
    let z = simulation.data.qpos[1]
    let angle = simulation.data.qpos[2]
    let zRange = configuration.healthyZRange
    let angleRange = configuration.healthyAngleRange
    return zRange.lowerBound < z && z < zRange.upperBound && angleRange.lowerBound < angle
      && angle < angleRange.upperBound
  }

  // MARK: - Environment

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> Info {
    try walker.reset(seed: seed, random: &random, into: observation)
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    try walker.step(action, into: observation) { isHealthy }
  }
}
