import Foundation
import Gym

// MARK: - InvertedDoublePendulum-v4, InvertedDoublePendulum-v5

/// Two poles in a chain on a cart that slides on a rail: keep the tip of the second pole up (Gymnasium's
/// `InvertedDoublePendulum-v4` and `-v5`, identical to them to the bit).
///
/// - Action space: `Box(-1, 1, (1,), float32)`: the force on the cart, times the motor's gear of 500 newtons.
/// - Observation space: v5: `Box(-inf, inf, (9,), float64)`: cart position (m); sine then cosine of the two hinge
///   angles; the three velocities clipped to [-10, 10]; the cart's constraint force clipped to [-10, 10]. v4:
///   `(11,)`, with all three constraint forces (the two hinges' are always 0).
/// - Reward: `alive_bonus - (0.01 x^2 + (y - 2)^2) - (0.001 w1^2 + 0.005 w2^2)`, where (x, y) is the tip position
///   (m) and w1, w2 the hinge angular velocities (rad/s); `alive_bonus` is `healthy_reward` (10), in v5 only while
///   the episode goes on (0 for the terminating step).
/// - Start state: rest plus noise uniform in [-reset_noise_scale, reset_noise_scale] on the positions and normal
///   with standard deviation `reset_noise_scale` on the velocities.
/// - Episode end: terminated when the tip is at or below y = 1 m; truncated at 1000 steps (the spec's time limit).
/// - Time: 5 MuJoCo steps of 0.01 s (RK4) per environment step: `dt` = 0.05 s.
/// - Info: v5: `reward_survive`, `distance_penalty`, `velocity_penalty` (the last two negative); v4: empty. Both
///   add ``MuJoCoWarning/infoKey`` when MuJoCo warned. Reset info: empty.
/// - Keyword arguments: `reset_noise_scale` (0.1; Rein takes it for v4 too); v5 also `xml_file`
///   (`inverted_double_pendulum.xml`), `frame_skip` (5), `healthy_reward` (10), `default_camera_config` and the
///   rendering arguments.
/// - Version history: v5 drops the two always-zero constraint forces from the observation (9 values, not 11), pays
///   no alive bonus for the terminating step, reports the reward terms, and takes `xml_file`, `frame_skip`,
///   `healthy_reward`, `reset_noise_scale`, `default_camera_config`.
public final class InvertedDoublePendulum: Environment {
  public static let id = "InvertedDoublePendulum-v4"
  /// The id of `version`.
  public static func id(_ version: MuJoCoVersion) -> String { "InvertedDoublePendulum-" + version.rawValue }
  /// MuJoCo steps per environment step.
  public static let frameSkip = 5
  /// Reward for every step, before the penalties (Gymnasium's default `healthy_reward`).
  public static let aliveBonus = 10.0
  /// The tip height (m) at or below which the episode terminates.
  public static let minimumTipHeight = 1.0

  /// The keyword arguments, with Gymnasium's defaults.
  public struct Configuration: Sendable, Equatable {
    public var version: MuJoCoVersion
    /// Gymnasium's `xml_file`: nil for Rein's copy of `inverted_double_pendulum.xml`, or the path of an MJCF file.
    public var xmlFile: String? = nil
    public var frameSkip = InvertedDoublePendulum.frameSkip
    public var healthyReward = InvertedDoublePendulum.aliveBonus
    /// The half-width of the uniform position noise and the standard deviation of the normal velocity noise.
    public var resetNoiseScale = 0.1

    public init(version: MuJoCoVersion = .v4) { self.version = version }
  }

  public let configuration: Configuration
  public let observationSpace: Space
  public var actionSpace: Space { simulation.actionSpace }

  /// The scale of the reset noise: the half-width of the uniform position noise and the standard deviation of the
  /// normal velocity noise.
  public var resetNoiseScale: Double { configuration.resetNoiseScale }
  /// The MuJoCo model and data.
  public let simulation: MuJoCoSimulation
  /// The reset-noise generator (Gymnasium's `np_random`).
  public var random = NumpyGenerator.fromEntropy()
  private let tip: Int
  private let constraintForces: Int

  /// Makes the v4 environment.
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` when MuJoCo is not installed.
  public convenience init(resetNoiseScale: Double = 0.1) throws {
    var configuration = Configuration()
    configuration.resetNoiseScale = resetNoiseScale
    try self.init(configuration: configuration)
  }

  /// Makes the environment of `configuration.version`.
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` when MuJoCo is not installed,
  ///   ``EnvironmentError/invalidArgument(_:)`` when `xml_file` cannot be read, does not compile or is not a cart
  ///   with two hinges and a site at the tip.
  public init(configuration: Configuration) throws {
    self.configuration = configuration
    let id = Self.id(configuration.version)
    simulation = try MuJoCoSimulation(
      environment: id,
      source: MuJoCoModelSource(
        xmlFile: configuration.xmlFile,
        builtin: [("inverted_double_pendulum.xml", MuJoCoModels.invertedDoublePendulum)], environment: id),
      frameSkip: configuration.frameSkip)
    let model = simulation.model
    try simulation.requireModel(
      model.nq == 3 && model.nv == 3,
      "it needs 3 positions and 3 velocities (cart, two hinges), has \(model.nq) and \(model.nv)")
    try simulation.requireModel(model.nsite >= 1, "it needs a site at the tip (Gymnasium reads site 0), has none")
    tip = 0
    constraintForces = configuration.version == .v4 ? 3 : 1
    observationSpace = .box(
      BoxSpace(low: -.infinity, high: .infinity, shape: [8 + constraintForces], dtype: .float64))
  }

  /// Seconds of simulated time per step.
  public var dt: Double { simulation.dt }

  // MARK: - Environment

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> Info {
    try simulation.checkObservationBuffer(observation, count: 8 + constraintForces)
    if let seed { random = NumpyGenerator(seed: seed) }
    try simulation.resetData()
    try simulation.setPerturbedState(
      positionScale: resetNoiseScale, normalVelocityScale: resetNoiseScale, random: &random)
    writeObservation(into: observation)
    var info: Info = [:]
    simulation.reportWarnings(into: &info)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    try simulation.checkObservationBuffer(observation, count: 8 + constraintForces)
    try simulation.simulate(action)
    writeObservation(into: observation)
    let data = simulation.data
    let x = data.siteXpos[3 * tip]
    let y = data.siteXpos[3 * tip + 2]
    let terminated = y <= Self.minimumTipHeight
    let distancePenalty = 0.01 * (x * x) + (y - 2) * (y - 2)
    let v1 = data.qvel[1]
    let v2 = data.qvel[2]
    let velocityPenalty = 1e-3 * (v1 * v1) + 5e-3 * (v2 * v2)
    var info: Info = [:]
    let aliveBonus: Double
    switch configuration.version {
    case .v4:
      aliveBonus = configuration.healthyReward
    case .v5:
      aliveBonus = configuration.healthyReward * (terminated ? 0 : 1)
      info["reward_survive"] = .double(aliveBonus)
      info["distance_penalty"] = .double(-distancePenalty)
      info["velocity_penalty"] = .double(-velocityPenalty)
    }
    simulation.reportWarnings(into: &info)
    return StepOutcome(reward: aliveBonus - distancePenalty - velocityPenalty, terminated: terminated, info: info)
  }

  // MARK: - Observation

  private func writeObservation(into observation: UnsafeMutableBufferPointer<Double>) {
    let data = simulation.data
    observation[0] = data.qpos[0]
    observation[1] = sin(data.qpos[1])
    observation[2] = sin(data.qpos[2])
    observation[3] = cos(data.qpos[1])
    observation[4] = cos(data.qpos[2])
    for i in 0..<3 { observation[5 + i] = NumpyArithmetic.clip(data.qvel[i], -10, 10) }
    for i in 0..<constraintForces { observation[8 + i] = NumpyArithmetic.clip(data.qfrcConstraint[i], -10, 10) }
  }
}
