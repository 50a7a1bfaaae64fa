import Gym

// MARK: - InvertedPendulum-v4, InvertedPendulum-v5

/// A pole hinged on a cart that slides on a rail: push the cart to keep the pole upright (Gymnasium's
/// `InvertedPendulum-v4` and `InvertedPendulum-v5`, identical to them to the bit).
///
/// - Action space: `Box(-3, 3, (1,), float32)`: the force on the cart, times the motor's gear of 100 newtons.
///   MuJoCo clamps a control outside the range.
/// - Observation space: `Box(-inf, inf, (4,), float64)`: cart position (m), pole angle (rad), cart velocity (m/s),
///   pole angular velocity (rad/s).
/// - Reward: v5: +1 for every step the pole stays up, 0 for the terminating step; v4: +1 for every step, the
///   terminating one included.
/// - Start state: the upright rest state plus noise uniform in [-reset_noise_scale, reset_noise_scale] on every
///   position and velocity.
/// - Episode end: terminated when the pole leans more than 0.2 rad or the observation is not finite; truncated at
///   1000 steps by the time limit of the registered spec.
/// - Time: 2 MuJoCo steps of 0.02 s (RK4) per environment step, so `dt` = 0.04 s.
/// - Info: v5: `reward_survive`; v4: empty. Both add ``MuJoCoWarning/infoKey`` when MuJoCo warned. Reset info: empty.
/// - Keyword arguments: `reset_noise_scale` (0.01; Rein takes it for v4 too); v5 also `xml_file`
///   (`inverted_pendulum.xml`), `frame_skip` (2), `default_camera_config` and the rendering arguments.
/// - Version history: v5 pays no reward for the terminating step, reports `reward_survive`, and takes `xml_file`,
///   `frame_skip`, `reset_noise_scale`, `default_camera_config`.
public final class InvertedPendulum: Environment {
  public static let id = "InvertedPendulum-v4"
  /// The id of `version`.
  public static func id(_ version: MuJoCoVersion) -> String { "InvertedPendulum-" + version.rawValue }
  /// MuJoCo steps per environment step.
  public static let frameSkip = 2
  /// The pole angle beyond which the episode terminates, in radians.
  public static let maximumPoleAngle = 0.2

  /// The keyword arguments, with Gymnasium's defaults.
  public struct Configuration: Sendable, Equatable {
    public var version: MuJoCoVersion
    /// Gymnasium's `xml_file`: nil for Rein's copy of `inverted_pendulum.xml`, or the path of an MJCF file.
    public var xmlFile: String? = nil
    public var frameSkip = InvertedPendulum.frameSkip
    /// Half-width of the uniform noise added to every position and velocity at reset.
    public var resetNoiseScale = 0.01

    public init(version: MuJoCoVersion = .v4) { self.version = version }
  }

  public let configuration: Configuration
  public let observationSpace: Space = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [4], dtype: .float64))
  public var actionSpace: Space { simulation.actionSpace }

  /// Half-width of the uniform noise added to every position and velocity at reset.
  public var resetNoiseScale: Double { configuration.resetNoiseScale }
  /// The MuJoCo model and data.
  public let simulation: MuJoCoSimulation
  /// The reset-noise generator (Gymnasium's `np_random`).
  public var random = NumpyGenerator.fromEntropy()

  /// Makes the v4 environment.
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` when MuJoCo is not installed.
  public convenience init(resetNoiseScale: Double = 0.01) throws {
    var configuration = Configuration()
    configuration.resetNoiseScale = resetNoiseScale
    try self.init(configuration: configuration)
  }

  /// Makes the environment of `configuration.version`.
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` when MuJoCo is not installed,
  ///   ``EnvironmentError/invalidArgument(_:)`` when `xml_file` cannot be read, does not compile or does not have
  ///   two positions and two velocities.
  public init(configuration: Configuration) throws {
    self.configuration = configuration
    let id = Self.id(configuration.version)
    simulation = try MuJoCoSimulation(
      environment: id,
      source: MuJoCoModelSource(
        xmlFile: configuration.xmlFile, builtin: [("inverted_pendulum.xml", MuJoCoModels.invertedPendulum)],
        environment: id),
      frameSkip: configuration.frameSkip)
    let model = simulation.model
    try simulation.requireModel(
      model.nq == 2 && model.nv == 2,
      "it needs 2 positions and 2 velocities (cart, pole), has \(model.nq) and \(model.nv)")
  }

  /// Seconds of simulated time per step.
  public var dt: Double { simulation.dt }

  // MARK: - Environment

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> Info {
    try simulation.checkObservationBuffer(observation, count: 4)
    if let seed { random = NumpyGenerator(seed: seed) }
    try simulation.resetData()
    try simulation.setUniformlyPerturbedState(scale: resetNoiseScale, random: &random)
    writeObservation(into: observation)
    var info: Info = [:]
    simulation.reportWarnings(into: &info)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    try simulation.checkObservationBuffer(observation, count: 4)
    try simulation.simulate(action)
    writeObservation(into: observation)
    let finite = observation.allSatisfy { $0.isFinite }
    let terminated = !finite || abs(observation[1]) > Self.maximumPoleAngle
    var info: Info = [:]
    let reward: Double
    switch configuration.version {
    case .v4:
      reward = 1
    case .v5:
      reward = terminated ? 0 : 1
      info["reward_survive"] = .int(terminated ? 0 : 1)
    }
    simulation.reportWarnings(into: &info)
    return StepOutcome(reward: reward, terminated: terminated, info: info)
  }

  // MARK: - Observation

  /// Positions then velocities.
  @inline(__always)
  private func writeObservation(into observation: UnsafeMutableBufferPointer<Double>) {
    let data = simulation.data
    observation[0] = data.qpos[0]
    observation[1] = data.qpos[1]
    observation[2] = data.qvel[0]
    observation[3] = data.qvel[1]
  }
}
