import Gym

// MARK: - HumanoidStandup-v4, HumanoidStandup-v5

/// The humanoid lying on its back, which should stand up (Gymnasium's `HumanoidStandup-v4` and `-v5`, identical
/// to them to the bit).
///
/// - Action space: `Box(-0.4, 0.4, (17,), float32)`: torques on the abdomen, hips, knees, shoulders and elbows.
/// - Observation space: v5: `Box(-inf, inf, (348,), float64)`; v4: `(376,)`; laid out as ``Humanoid``'s of the same
///   version.
/// - Reward: `uph_cost_weight * z / timestep - ctrl_cost_weight * sum(ctrl^2) - impact_cost + 1`, where `z` is the
///   torso height (m) after the step, `timestep` MuJoCo's (0.003 s), and `impact_cost` is
///   `impact_cost_weight * sum(cfrc_ext^2)` clipped to `impact_cost_range`; the first term is `reward_linup`.
///   (Gymnasium 1.4.0 documents `uph_cost_weight` but does not apply it; Rein does, which is the same at its
///   default of 1.)
/// - Start state: lying at rest plus noise uniform in [-reset_noise_scale, reset_noise_scale] on every position and
///   velocity.
/// - Episode end: never terminates; truncated at 1000 steps (the spec's time limit).
/// - Time: 5 MuJoCo steps of 0.003 s (RK4, PGS solver) per environment step: `dt` = 0.015 s.
/// - Info: `reward_linup`, `reward_quadctrl`, `reward_impact`; v5 also `x_position`, `y_position`,
///   `z_distance_from_origin` (the torso's height above its reference), `tendon_length`, `tendon_velocity`, which
///   are also its reset info (v4's is empty). Both add ``MuJoCoWarning/infoKey`` when MuJoCo warned.
/// - Keyword arguments: `reset_noise_scale` (0.01; Rein takes it for v4 too); v5 also `xml_file`
///   (`humanoidstandup.xml`), `frame_skip` (5), `uph_cost_weight` (1), `ctrl_cost_weight` (0.1),
///   `impact_cost_weight` (0.5e-6), `impact_cost_range` ([-inf, 10]), `exclude_current_positions_from_observation`
///   (true), the four `include_*_in_observation` of ``Humanoid``, `default_camera_config` and the rendering
///   arguments.
/// - Version history: v5 leaves the world body and the free joint out of the observation, reports the positions and
///   tendons in the step and reset info, and takes the keyword arguments above; the reward is v4's.
public final class HumanoidStandup: Environment {
  public static let id = "HumanoidStandup-v4"
  /// The id of `version`.
  public static func id(_ version: MuJoCoVersion) -> String { "HumanoidStandup-" + version.rawValue }
  /// MuJoCo steps per environment step.
  public static let frameSkip = 5
  /// The impact cost is capped at this value (the default `impact_cost_range`'s upper end).
  public static let maximumImpactCost = 10.0

  /// The keyword arguments, with Gymnasium's defaults.
  public struct Configuration: Sendable, Equatable {
    public var version: MuJoCoVersion
    /// Gymnasium's `xml_file`: nil for Rein's copy of `humanoidstandup.xml`, or the path of an MJCF file.
    public var xmlFile: String? = nil
    public var frameSkip = HumanoidStandup.frameSkip
    public var uphillCostWeight = 1.0
    public var controlCostWeight = 0.1
    public var impactCostWeight = 0.5e-6
    public var impactCostRange: ClosedRange<Double> = -Double.infinity...HumanoidStandup.maximumImpactCost
    /// Half-width of the uniform noise added to every position and velocity at reset.
    public var resetNoiseScale = 0.01
    /// v5 only (v4 always excludes them).
    public var excludeCurrentPositionsFromObservation = true
    /// v5 only: which groups of derived quantities the observation holds.
    public var observedGroups = HumanoidObservation.Groups()

    public init(version: MuJoCoVersion = .v4) { self.version = version }
  }

  public let configuration: Configuration
  public let observationSpace: Space
  public var actionSpace: Space { simulation.actionSpace }
  /// Half-width of the uniform noise added to every position and velocity at reset.
  public var resetNoiseScale: Double { configuration.resetNoiseScale }
  /// The MuJoCo model and data.
  public let simulation: MuJoCoSimulation
  /// The reset-noise generator (Gymnasium's `np_random`).
  public var random = NumpyGenerator.fromEntropy()
  private let layout: HumanoidObservation

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
  ///   ``EnvironmentError/invalidArgument(_:)`` when `xml_file` cannot be read, does not compile or does not fit.
  public init(configuration: Configuration) throws {
    self.configuration = configuration
    let id = Self.id(configuration.version)
    simulation = try MuJoCoSimulation(
      environment: id,
      source: MuJoCoModelSource(
        xmlFile: configuration.xmlFile, builtin: [("humanoidstandup.xml", MuJoCoModels.humanoidStandup)],
        environment: id),
      frameSkip: configuration.frameSkip, computesContactForces: true)
    layout = HumanoidObservation(
      version: configuration.version,
      excludesPositions: configuration.version == .v4 || configuration.excludeCurrentPositionsFromObservation,
      groups: configuration.observedGroups)
    try layout.requireFit(simulation)
    observationSpace = .box(
      BoxSpace(low: -.infinity, high: .infinity, shape: [layout.count(simulation.model)], dtype: .float64))
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
    try simulation.setUniformlyPerturbedState(scale: resetNoiseScale, random: &random)
    layout.write(simulation.data, into: observation)
    var info: Info = [:]
    if configuration.version == .v5 { reportPosition(into: &info) }
    simulation.reportWarnings(into: &info)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    try simulation.checkObservationBuffer(observation, count: observationSpace.flatCount)
    try simulation.simulate(action)
    let data = simulation.data
    let uphillReward = configuration.uphillCostWeight * ((data.qpos[2] - 0) / simulation.model.timestep)
    let controlCost = configuration.controlCostWeight * NumpyArithmetic.sumOfSquares(data.ctrl)
    let range = configuration.impactCostRange
    let impactCost = NumpyArithmetic.clip(
      configuration.impactCostWeight * NumpyArithmetic.sumOfSquares(data.cfrcExt), range.lowerBound,
      range.upperBound)
    let reward = uphillReward - controlCost - impactCost + 1
    layout.write(data, into: observation)
    var info: Info = [
      "reward_linup": .double(uphillReward),
      "reward_quadctrl": .double(-controlCost),
      "reward_impact": .double(-impactCost),
    ]
    if configuration.version == .v5 { reportPosition(into: &info) }
    simulation.reportWarnings(into: &info)
    return StepOutcome(reward: reward, terminated: false, info: info)
  }

  /// v5's `x_position`, `y_position`, `z_distance_from_origin` and tendons.
  private func reportPosition(into info: inout Info) {
    let qpos = simulation.data.qpos
    info["x_position"] = .double(qpos[0])
    info["y_position"] = .double(qpos[1])
    info["z_distance_from_origin"] = .double(qpos[2] - simulation.initialPositions[2])
    simulation.reportTendons(into: &info)
  }
}
