import Foundation
import Gym

// MARK: - Humanoid-v4, Humanoid-v5

/// A 3D biped that should walk forward without falling (Gymnasium's `Humanoid-v4` and `Humanoid-v5`, identical to
/// them to the bit).
///
/// - Action space: `Box(-0.4, 0.4, (17,), float32)`: torques on the abdomen, hips, knees, shoulders and elbows,
///   times gears of 25 to 300 N m.
/// - Observation space: v5: `Box(-inf, inf, (348,), float64)`: the positions without the torso's x and y (22), the
///   velocities (23), then for the 13 bodies but the world the com-based inertia (10 each) and velocity (6 each),
///   the actuator forces of the 17 actuated joints (the free joint's 6 left out), and the external contact forces
///   (6 per body); each of the last four groups can be left out (`include_*_in_observation`). v4: `(376,)`, the
///   world body and the free joint included in those groups. Both 2 more with
///   `exclude_current_positions_from_observation` false.
/// - Reward: `forward_reward_weight * x_velocity + healthy_reward - ctrl_cost_weight * sum(ctrl^2)`, minus in v5
///   the contact cost `contact_cost_weight * sum(cfrc_ext^2)` clipped to `contact_cost_range`; `x_velocity` is the
///   x displacement of the whole body's centre of mass over the step divided by `dt` (m/s). v5 pays
///   `healthy_reward` only while healthy, v4 also for the terminating step when `terminate_when_unhealthy`.
/// - Healthy: the torso height strictly within `healthy_z_range`.
/// - Start state: standing at rest plus noise uniform in [-reset_noise_scale, reset_noise_scale] on every position
///   and velocity.
/// - Episode end: terminated when unhealthy (if `terminate_when_unhealthy`); truncated at 1000 steps.
/// - Time: 5 MuJoCo steps of 0.003 s (RK4, PGS solver) per environment step: `dt` = 0.015 s.
/// - Info: v5: `x_position`, `y_position` (the free joint's), `tendon_length`, `tendon_velocity` (the two
///   hip-to-knee tendons, lists), `distance_from_origin`, `x_velocity`, `y_velocity` (the centre of mass's),
///   `reward_survive`, `reward_forward`, `reward_ctrl`, `reward_contact`; reset info: the first five. v4:
///   `reward_linvel`, `reward_quadctrl`, `reward_alive`, the centre of mass's `x_position`, `y_position`,
///   `distance_from_origin`, `x_velocity`, `y_velocity`, `forward_reward`; reset info empty. Both add
///   ``MuJoCoWarning/infoKey`` when MuJoCo warned.
/// - Keyword arguments: `forward_reward_weight` (1.25), `ctrl_cost_weight` (0.1), `healthy_reward` (5),
///   `terminate_when_unhealthy` (true), `healthy_z_range` ([1, 2]), `reset_noise_scale` (1e-2),
///   `exclude_current_positions_from_observation` (true); v5 also `xml_file` (`humanoid.xml`), `frame_skip` (5),
///   `contact_cost_weight` (5e-7), `contact_cost_range` ([-inf, 10]), `include_cinert_in_observation`,
///   `include_cvel_in_observation`, `include_qfrc_actuator_in_observation`, `include_cfrc_ext_in_observation` (all
///   true), `default_camera_config` and the rendering arguments.
/// - Version history: v5 restores the contact cost (v4's was always 0 on MuJoCo 2 and left out), leaves the world
///   body and the free joint out of the observation (348 values, not 376), pays the healthy reward only while
///   healthy, renames the info entries and adds the tendons, and takes the keyword arguments above.
public final class Humanoid: Environment {
  public static let id = "Humanoid-v4"
  /// The id of `version`.
  public static func id(_ version: MuJoCoVersion) -> String { "Humanoid-" + version.rawValue }
  /// MuJoCo steps per environment step.
  public static let frameSkip = 5

  /// The keyword arguments, with Gymnasium's defaults.
  public struct Configuration: Sendable, Equatable {
    public var version: MuJoCoVersion
    /// Gymnasium's `xml_file`: nil for Rein's copy of `humanoid.xml`, or the path of an MJCF file.
    public var xmlFile: String? = nil
    public var frameSkip = Humanoid.frameSkip
    public var forwardRewardWeight = 1.25
    public var controlCostWeight = 0.1
    /// v5 only.
    public var contactCostWeight = 5e-7
    /// v5 only.
    public var contactCostRange: ClosedRange<Double> = -Double.infinity...10
    public var healthyReward = 5.0
    public var terminateWhenUnhealthy = true
    public var healthyZRange: ClosedRange<Double> = 1.0...2.0
    public var resetNoiseScale = 1e-2
    public var excludeCurrentPositionsFromObservation = true
    /// v5 only: which groups of derived quantities the observation holds.
    public var observedGroups = HumanoidObservation.Groups()

    public init(version: MuJoCoVersion = .v4) { self.version = version }
  }

  public let configuration: Configuration
  public let observationSpace: Space
  public var actionSpace: Space { simulation.actionSpace }
  /// The MuJoCo model and data.
  public let simulation: MuJoCoSimulation
  /// The reset-noise generator (Gymnasium's `np_random`).
  public var random = NumpyGenerator.fromEntropy()
  private let layout: HumanoidObservation
  private let bodyMasses: [Double]
  private let totalMass: Double

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
        xmlFile: configuration.xmlFile, builtin: [("humanoid.xml", MuJoCoModels.humanoid)], environment: id),
      frameSkip: configuration.frameSkip, computesContactForces: true)
    layout = HumanoidObservation(
      version: configuration.version, excludesPositions: configuration.excludeCurrentPositionsFromObservation,
      groups: configuration.observedGroups)
    try layout.requireFit(simulation)
    bodyMasses = simulation.model.bodyMasses
    totalMass = NumpyArithmetic.sum(count: bodyMasses.count) { [bodyMasses] in bodyMasses[$0] }
    observationSpace = .box(
      BoxSpace(low: -.infinity, high: .infinity, shape: [layout.count(simulation.model)], dtype: .float64))
  }

  /// Seconds of simulated time per step.
  public var dt: Double { simulation.dt }

  /// Whether the humanoid is healthy: the torso height strictly within the range.
  public var isHealthy: Bool {
    let z = simulation.data.qpos[2]
    return configuration.healthyZRange.lowerBound < z && z < configuration.healthyZRange.upperBound
  }

  // MARK: - Environment

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> Info {
    try simulation.checkObservationBuffer(observation, count: observationSpace.flatCount)
    if let seed { random = NumpyGenerator(seed: seed) }
    try simulation.resetData()
    try simulation.setUniformlyPerturbedState(scale: configuration.resetNoiseScale, random: &random)
    layout.write(simulation.data, into: observation)
    var info: Info = [:]
    if configuration.version == .v5 {
      simulation.reportPlanarPosition(into: &info)
      simulation.reportTendons(into: &info)
    }
    simulation.reportWarnings(into: &info)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    try simulation.checkObservationBuffer(observation, count: observationSpace.flatCount)
    let before = massCenter()
    try simulation.simulate(action)
    let after = massCenter()
    let dt = simulation.dt
    let xVelocity = (after.x - before.x) / dt
    let yVelocity = (after.y - before.y) / dt
    let data = simulation.data
    let controlCost = configuration.controlCostWeight * NumpyArithmetic.sumOfSquares(data.ctrl)
    let forwardReward = configuration.forwardRewardWeight * xVelocity
    let healthy = isHealthy
    let terminated = configuration.terminateWhenUnhealthy && !healthy
    layout.write(data, into: observation)
    switch configuration.version {
    case .v4:
      let healthyReward =
        (healthy || configuration.terminateWhenUnhealthy ? 1.0 : 0.0) * configuration.healthyReward
      var info: Info = [
        "reward_linvel": .double(forwardReward),
        "reward_quadctrl": .double(-controlCost),
        "reward_alive": .double(healthyReward),
        "x_position": .double(after.x),
        "y_position": .double(after.y),
        "distance_from_origin": .double(NumpyArithmetic.norm(after.x, after.y)),
        "x_velocity": .double(xVelocity),
        "y_velocity": .double(yVelocity),
        "forward_reward": .double(forwardReward),
      ]
      simulation.reportWarnings(into: &info)
      return StepOutcome(reward: (forwardReward + healthyReward) - controlCost, terminated: terminated, info: info)
    case .v5:
      let healthyReward = (healthy ? 1.0 : 0.0) * configuration.healthyReward
      let range = configuration.contactCostRange
      let contactCost = NumpyArithmetic.clip(
        configuration.contactCostWeight * NumpyArithmetic.sumOfSquares(data.cfrcExt), range.lowerBound,
        range.upperBound)
      var info: Info = [
        "x_velocity": .double(xVelocity),
        "y_velocity": .double(yVelocity),
        "reward_survive": .double(healthyReward),
        "reward_forward": .double(forwardReward),
        "reward_ctrl": .double(-controlCost),
        "reward_contact": .double(-contactCost),
      ]
      simulation.reportPlanarPosition(into: &info)
      simulation.reportTendons(into: &info)
      simulation.reportWarnings(into: &info)
      return StepOutcome(
        reward: (forwardReward + healthyReward) - (controlCost + contactCost), terminated: terminated, info: info)
    }
  }

  /// The x and y of the centre of mass of all bodies (`einsum("b,bj->j", body_mass, xipos) / body_mass.sum()`).
  private func massCenter() -> (x: Double, y: Double) {
    let xipos = simulation.data.xipos
    var x = 0.0
    var y = 0.0
    for b in 0..<bodyMasses.count {
      x += bodyMasses[b] * xipos[3 * b]
      y += bodyMasses[b] * xipos[3 * b + 1]
    }
    return (x / totalMass, y / totalMass)
  }
}

// MARK: - The humanoids' observation

/// The observation layout shared by Humanoid and HumanoidStandup: the positions (without the first two when
/// excluded) and velocities, then the com-based inertia and velocity of the bodies, the actuator forces in joint
/// space and the external contact forces. v4 observes all four groups over every body and joint; v5 leaves out the
/// world body and the free joint's six forces, and each group may be left out.
public struct HumanoidObservation: Sendable, Equatable {
  /// Which of the four groups the observation holds (v5's `include_*_in_observation`, all true by default).
  public struct Groups: Sendable, Equatable {
    public var comInertia = true
    public var comVelocity = true
    public var actuatorForces = true
    public var contactForces = true

    public init() {}
  }

  var skippedPositions: Int
  /// The first body of the per-body groups: 0 in v4 (the world included), 1 in v5.
  var firstBody: Int
  /// The first joint-space actuator force observed: 0 in v4, 6 in v5 (after the free joint).
  var firstActuatorForce: Int
  var groups: Groups

  init(version: MuJoCoVersion, excludesPositions: Bool, groups: Groups) {
    skippedPositions = excludesPositions ? 2 : 0
    switch version {
    case .v4:
      firstBody = 0
      firstActuatorForce = 0
      self.groups = Groups()
    case .v5:
      firstBody = 1
      firstActuatorForce = 6
      self.groups = groups
    }
  }

  /// Throws unless the model has a free joint first (the torso's x, y, height).
  func requireFit(_ simulation: MuJoCoSimulation) throws {
    let model = simulation.model
    try simulation.requireModel(
      model.nq >= 3 && model.nv >= firstActuatorForce,
      "it needs a free joint first (x, y, height, ...; 6 velocities), has \(model.nq) positions and "
        + "\(model.nv) velocities")
  }

  func count(_ model: MuJoCoModel) -> Int {
    let bodies = model.nbody - firstBody
    return (model.nq - skippedPositions) + model.nv + (groups.comInertia ? 10 * bodies : 0)
      + (groups.comVelocity ? 6 * bodies : 0) + (groups.actuatorForces ? model.nv - firstActuatorForce : 0)
      + (groups.contactForces ? 6 * bodies : 0)
  }

  /// Positions (without the first `skippedPositions`), velocities, cinert, cvel, qfrc_actuator, cfrc_ext.
  func write(_ data: MuJoCoData, into observation: UnsafeMutableBufferPointer<Double>) {
    var k = 0
    func append(_ values: UnsafeMutableBufferPointer<Double>, from start: Int = 0) {
      for i in start..<values.count {
        observation[k] = values[i]
        k += 1
      }
    }
    append(data.qpos, from: skippedPositions)
    append(data.qvel)
    if groups.comInertia { append(data.cinert, from: 10 * firstBody) }
    if groups.comVelocity { append(data.cvel, from: 6 * firstBody) }
    if groups.actuatorForces { append(data.qfrcActuator, from: firstActuatorForce) }
    if groups.contactForces { append(data.cfrcExt, from: 6 * firstBody) }
  }
}

extension MuJoCoSimulation {
  /// `tendon_length` and `tendon_velocity`, the v5 humanoids' info entries (lists, one value per tendon).
  func reportTendons(into info: inout Info) {
    info["tendon_length"] = .doubles(Array(data.tendonLength))
    info["tendon_velocity"] = .doubles(Array(data.tendonVelocity))
  }
}
