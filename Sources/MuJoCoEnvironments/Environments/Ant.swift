import Foundation
import Gym

// MARK: - Ant-v4, Ant-v5

/// A four-legged robot on a free joint that should walk forward without flipping over (Gymnasium's `Ant-v4` and
/// `Ant-v5`, identical to them to the bit).
///
/// - Action space: `Box(-1, 1, (8,), float32)`: torques on the hips and ankles, times a gear of 150, in the order
///   hip 4, ankle 4, hip 1, ankle 1, hip 2, ankle 2, hip 3, ankle 3.
/// - Observation space: v5: `Box(-inf, inf, (105,), float64)`: the positions without the torso's x and y (torso
///   height (m), torso orientation quaternion, eight joint angles (rad)), the 14 velocities, then the external
///   contact forces of the 13 bodies but the world (6 each, clipped to `contact_force_range`); 27 values without
///   them (`include_cfrc_ext_in_observation` false); 2 more with `exclude_current_positions_from_observation`
///   false. v4: 27 values; with `use_contact_forces`, the contact forces of all 14 bodies follow (84 more).
/// - Reward: `forward_reward_weight * x_velocity + healthy_reward - ctrl_cost_weight * sum(action^2) -
///   contact_cost_weight * sum(clipped contact forces^2)`; `x_velocity` is the x displacement of `main_body` (the
///   torso) over the step divided by `dt` (m/s); the control cost is in float32 as numpy computes it. v5 always
///   subtracts the contact cost and pays `healthy_reward` only while healthy; v4 subtracts the contact cost only
///   with `use_contact_forces` and pays `healthy_reward` also for the terminating step.
/// - Healthy: every position and velocity finite and the torso height within `healthy_z_range` (inclusive).
/// - Start state: rest (torso at 0.75 m) plus noise uniform in [-reset_noise_scale, reset_noise_scale] on the
///   positions and normal with standard deviation `reset_noise_scale` on the velocities.
/// - Episode end: terminated when unhealthy (if `terminate_when_unhealthy`); truncated at 1000 steps.
/// - Time: 5 MuJoCo steps of 0.01 s (RK4) per environment step: `dt` = 0.05 s.
/// - Info: v5: `x_position`, `y_position` (the free joint's, qpos[0] and qpos[1]), `distance_from_origin`,
///   `x_velocity`, `y_velocity`, `reward_forward`, `reward_ctrl`, `reward_contact`, `reward_survive`; reset info:
///   `x_position`, `y_position`, `distance_from_origin`. v4: `reward_forward`, `reward_ctrl`, `reward_survive`, the
///   torso's `x_position`, `y_position`, `distance_from_origin`, `x_velocity`, `y_velocity`, `forward_reward` (as in
///   Gymnasium v4, `reward_ctrl` holds minus the *contact* cost when `use_contact_forces` is true); reset info empty.
///   Both add ``MuJoCoWarning/infoKey`` when MuJoCo warned.
/// - Keyword arguments: `xml_file` (`ant.xml`), `ctrl_cost_weight` (0.5), `contact_cost_weight` (5e-4),
///   `healthy_reward` (1), `terminate_when_unhealthy` (true), `healthy_z_range` ([0.2, 1]), `contact_force_range`
///   ([-1, 1]), `reset_noise_scale` (0.1), `exclude_current_positions_from_observation` (true); v4 also
///   `use_contact_forces` (false); v5 also `frame_skip` (5), `forward_reward_weight` (1), `main_body` (1, the torso;
///   an index or a body name), `include_cfrc_ext_in_observation` (true), `default_camera_config` and the rendering
///   arguments.
/// - Version history: v5 puts the contact forces in the observation by default (without the world body's, always
///   zero: 105 values, not 111) and always pays the contact cost (v4's `use_contact_forces` is gone), pays the
///   healthy reward only while healthy, reports `reward_contact` and the free joint's position, and takes
///   `frame_skip`, `forward_reward_weight`, `main_body`, `include_cfrc_ext_in_observation`,
///   `default_camera_config`.
public final class Ant: Environment {
  public static let id = "Ant-v4"
  /// The id of `version`.
  public static func id(_ version: MuJoCoVersion) -> String { "Ant-" + version.rawValue }
  /// MuJoCo steps per environment step.
  public static let frameSkip = 5

  /// The keyword arguments, with Gymnasium's defaults.
  public struct Configuration: Sendable, Equatable {
    public var version: MuJoCoVersion
    /// Gymnasium's `xml_file`: nil for Rein's copy of `ant.xml`, or the path of an MJCF file.
    public var xmlFile: String? = nil
    public var frameSkip = Ant.frameSkip
    public var forwardRewardWeight = 1.0
    public var controlCostWeight = 0.5
    /// v4 only: whether the contact forces are observed and cost (v5 always costs them).
    public var useContactForces = false
    /// v5 only: whether the contact forces are observed.
    public var includeContactForcesInObservation = true
    public var contactCostWeight = 5e-4
    public var healthyReward = 1.0
    /// v5 only: the body whose displacement is the velocity (Gymnasium's `main_body`).
    public var mainBody = MuJoCoBody.index(1)
    public var terminateWhenUnhealthy = true
    public var healthyZRange: ClosedRange<Double> = 0.2...1.0
    public var contactForceRange: ClosedRange<Double> = -1.0...1.0
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
  /// The body whose x and y displacement is the velocity: v4's "torso", v5's `main_body`.
  private let torso: Int
  /// The first body whose contact forces are observed (v4: the world, 0; v5: 1), or nil when they are not.
  private let firstObservedForceBody: Int?
  /// Whether the reward subtracts the contact cost.
  private let costsContacts: Bool

  /// Makes the environment of `configuration.version` (v4 by default).
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` when MuJoCo is not installed,
  ///   ``EnvironmentError/invalidArgument(_:)`` when `xml_file` cannot be read, does not compile or does not fit
  ///   (a free joint first, a torso or `main_body`).
  public init(configuration: Configuration = Configuration()) throws {
    self.configuration = configuration
    let id = Self.id(configuration.version)
    switch configuration.version {
    case .v4:
      costsContacts = configuration.useContactForces
      firstObservedForceBody = configuration.useContactForces ? 0 : nil
    case .v5:
      costsContacts = true
      firstObservedForceBody = configuration.includeContactForcesInObservation ? 1 : nil
    }
    simulation = try MuJoCoSimulation(
      environment: id,
      source: MuJoCoModelSource(
        xmlFile: configuration.xmlFile, builtin: [("ant.xml", MuJoCoModels.ant)], environment: id),
      frameSkip: configuration.frameSkip, computesContactForces: costsContacts || firstObservedForceBody != nil)
    let model = simulation.model
    try simulation.requireModel(
      model.nq >= 3, "it needs a free joint first (x, y, height, ...), has \(model.nq) positions")
    switch configuration.version {
    case .v4: torso = try simulation.requireBody("torso")
    case .v5: torso = try simulation.requireBody(configuration.mainBody)
    }
    skippedPositions = configuration.excludeCurrentPositionsFromObservation ? 2 : 0
    let forces = firstObservedForceBody.map { 6 * (model.nbody - $0) } ?? 0
    let count = model.nq - skippedPositions + model.nv + forces
    observationSpace = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [count], dtype: .float64))
  }

  /// Seconds of simulated time per step.
  public var dt: Double { simulation.dt }

  /// Whether the ant is healthy: a finite state and the torso height within the range (inclusive, as Gymnasium).
  public var isHealthy: Bool {
    let data = simulation.data
    guard data.qpos.allSatisfy(\.isFinite), data.qvel.allSatisfy(\.isFinite) else { return false }
    return configuration.healthyZRange.contains(data.qpos[2])
  }

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
    writeObservation(into: observation)
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
    let xBefore = data.xpos[3 * torso]
    let yBefore = data.xpos[3 * torso + 1]
    try simulation.simulate(action)
    let xAfter = data.xpos[3 * torso]
    let yAfter = data.xpos[3 * torso + 1]
    let dt = simulation.dt
    let xVelocity = (xAfter - xBefore) / dt
    let yVelocity = (yAfter - yBefore) / dt
    let healthy = isHealthy
    let controlCost = NumpyArithmetic.float32ControlCost(weight: configuration.controlCostWeight, action: action)
    writeObservation(into: observation)
    let terminated = configuration.terminateWhenUnhealthy && !healthy
    switch configuration.version {
    case .v4:
      let healthyReward =
        (healthy || configuration.terminateWhenUnhealthy ? 1.0 : 0.0) * configuration.healthyReward
      let rewards = xVelocity + healthyReward
      var costs = Double(controlCost)
      var rewardControl = -Double(controlCost)
      if costsContacts {
        let contactCost = configuration.contactCostWeight * clippedContactForceSquares()
        costs += contactCost
        rewardControl = -contactCost
      }
      var info: Info = [
        "reward_forward": .double(xVelocity),
        "reward_ctrl": .double(rewardControl),
        "reward_survive": .double(healthyReward),
        "x_position": .double(xAfter),
        "y_position": .double(yAfter),
        "distance_from_origin": .double(NumpyArithmetic.norm(xAfter, yAfter)),
        "x_velocity": .double(xVelocity),
        "y_velocity": .double(yVelocity),
        "forward_reward": .double(xVelocity),
      ]
      simulation.reportWarnings(into: &info)
      return StepOutcome(reward: rewards - costs, terminated: terminated, info: info)
    case .v5:
      let forwardReward = xVelocity * configuration.forwardRewardWeight
      let healthyReward = (healthy ? 1.0 : 0.0) * configuration.healthyReward
      let rewards = forwardReward + healthyReward
      let contactCost = configuration.contactCostWeight * clippedContactForceSquares()
      let costs = Double(controlCost) + contactCost
      var info: Info = [
        "x_velocity": .double(xVelocity),
        "y_velocity": .double(yVelocity),
        "reward_forward": .double(forwardReward),
        "reward_ctrl": .double(-Double(controlCost)),
        "reward_contact": .double(-contactCost),
        "reward_survive": .double(healthyReward),
      ]
      simulation.reportPlanarPosition(into: &info)
      simulation.reportWarnings(into: &info)
      return StepOutcome(reward: rewards - costs, terminated: terminated, info: info)
    }
  }

  // MARK: - Observation

  private func writeObservation(into observation: UnsafeMutableBufferPointer<Double>) {
    var k = simulation.writePositionsAndVelocities(skippingPositions: skippedPositions, into: observation)
    guard let first = firstObservedForceBody else { return }
    let range = configuration.contactForceRange
    let forces = simulation.data.cfrcExt
    for i in (6 * first)..<forces.count {
      observation[k] = NumpyArithmetic.clip(forces[i], range.lowerBound, range.upperBound)
      k += 1
    }
  }

  /// `np.sum(np.square(np.clip(cfrc_ext, low, high)))`.
  private func clippedContactForceSquares() -> Double {
    let forces = simulation.data.cfrcExt
    let low = configuration.contactForceRange.lowerBound
    let high = configuration.contactForceRange.upperBound
    return NumpyArithmetic.sum(count: forces.count) { i in
      let f = NumpyArithmetic.clip(forces[i], low, high)
      return f * f
    }
  }
}
