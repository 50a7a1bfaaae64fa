import Foundation
import Gym

// MARK: - Ant-v4

/// A four-legged robot on a free joint that should walk forward without flipping over (Gymnasium's `Ant-v4`,
/// identical to it to the bit).
///
/// - Action space: `Box(-1, 1, (8,), float32)`: torques on the hips and ankles, times a gear of 150, in the order
///   hip 4, ankle 4, hip 1, ankle 1, hip 2, ankle 2, hip 3, ankle 3.
/// - Observation space: `Box(-inf, inf, (27,), float64)`: the positions without the torso's x and y (torso height
///   (m), torso orientation quaternion, eight joint angles (rad)), then the 14 velocities; 2 more values with
///   `exclude_current_positions_from_observation` false; with `use_contact_forces`, the 14 bodies' external contact
///   forces (6 each, clipped to `contact_force_range`) follow: 84 more values.
/// - Reward: `x_velocity + healthy_reward - ctrl_cost_weight * sum(action^2)`, minus
///   `contact_cost_weight * sum(clipped contact forces^2)` with `use_contact_forces`; `x_velocity` is the torso's x
///   displacement over the step divided by `dt` (m/s); the control cost is in float32 as numpy computes it.
/// - Healthy: every position and velocity finite and the torso height within `healthy_z_range` (inclusive).
/// - Start state: rest (torso at 0.75 m) plus noise uniform in [-reset_noise_scale, reset_noise_scale] on the
///   positions and normal with standard deviation `reset_noise_scale` on the velocities.
/// - Episode end: terminated when unhealthy (if `terminate_when_unhealthy`); truncated at 1000 steps.
/// - Time: 5 MuJoCo steps of 0.01 s (RK4) per environment step: `dt` = 0.05 s.
/// - Info: `reward_forward`, `reward_ctrl`, `reward_survive`, `x_position`, `y_position`, `distance_from_origin`,
///   `x_velocity`, `y_velocity`, `forward_reward` (and ``MuJoCoWarning/infoKey`` when MuJoCo warned). As in
///   Gymnasium v4, `reward_ctrl` holds minus the *contact* cost when `use_contact_forces` is true.
/// - Keyword arguments: `xml_file` (a path to another MJCF model), `ctrl_cost_weight` (0.5), `use_contact_forces`
///   (false), `contact_cost_weight` (5e-4), `healthy_reward` (1), `terminate_when_unhealthy` (true),
///   `healthy_z_range` ([0.2, 1]), `contact_force_range` ([-1, 1]), `reset_noise_scale` (0.1),
///   `exclude_current_positions_from_observation` (true).
public final class Ant: Environment {
  public static let id = "Ant-v4"
  /// MuJoCo steps per environment step.
  public static let frameSkip = 5

  /// The keyword arguments, with Gymnasium's defaults.
  public struct Configuration: Sendable, Equatable {
    /// The MJCF text of the model; nil for Rein's copy of Gymnasium's `ant.xml`.
    public var modelXML: String? = nil
    public var controlCostWeight = 0.5
    public var useContactForces = false
    public var contactCostWeight = 5e-4
    public var healthyReward = 1.0
    public var terminateWhenUnhealthy = true
    public var healthyZRange: ClosedRange<Double> = 0.2...1.0
    public var contactForceRange: ClosedRange<Double> = -1.0...1.0
    public var resetNoiseScale = 0.1
    public var excludeCurrentPositionsFromObservation = true

    public init() {}
  }

  public let configuration: Configuration
  public let observationSpace: Space
  public var actionSpace: Space { simulation.actionSpace }
  /// The MuJoCo model and data.
  public let simulation: MuJoCoSimulation
  /// The reset-noise generator (Gymnasium's `np_random`).
  public var random = NumpyGenerator.fromEntropy()
  private let skippedPositions: Int
  private let torso: Int

  /// Makes the environment.
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` when MuJoCo is not installed,
  ///   ``EnvironmentError/invalidArgument(_:)`` when a custom model does not compile or has no body "torso".
  public init(configuration: Configuration = Configuration()) throws {
    self.configuration = configuration
    simulation = try MuJoCoSimulation(
      environment: Self.id, xml: configuration.modelXML ?? MuJoCoModels.ant, frameSkip: Self.frameSkip,
      computesContactForces: configuration.useContactForces)
    torso = try simulation.model.requireID(of: .body, named: "torso")
    skippedPositions = configuration.excludeCurrentPositionsFromObservation ? 2 : 0
    let model = simulation.model
    let count = model.nq - skippedPositions + model.nv + (configuration.useContactForces ? 6 * model.nbody : 0)
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
    let healthyReward = (healthy || configuration.terminateWhenUnhealthy ? 1.0 : 0.0) * configuration.healthyReward
    let rewards = xVelocity + healthyReward
    let controlCost = NumpyArithmetic.float32ControlCost(weight: configuration.controlCostWeight, action: action)
    var costs = Double(controlCost)
    var rewardControl = -Double(controlCost)
    if configuration.useContactForces {
      let contactCost = configuration.contactCostWeight * clippedContactForceSquares()
      costs += contactCost
      rewardControl = -contactCost
    }
    writeObservation(into: observation)
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
    return StepOutcome(
      reward: rewards - costs, terminated: configuration.terminateWhenUnhealthy && !healthy, info: info)
  }

  // MARK: - Observation

  private func writeObservation(into observation: UnsafeMutableBufferPointer<Double>) {
    var k = simulation.writePositionsAndVelocities(skippingPositions: skippedPositions, into: observation)
    guard configuration.useContactForces else { return }
    let range = configuration.contactForceRange
    for f in simulation.data.cfrcExt {
      observation[k] = NumpyArithmetic.clip(f, range.lowerBound, range.upperBound)
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
