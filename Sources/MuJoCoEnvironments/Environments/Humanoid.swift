import Foundation
import Gym

// MARK: - Humanoid-v4

/// A 3D biped that should walk forward without falling (Gymnasium's `Humanoid-v4`, identical to it to the bit).
///
/// - Action space: `Box(-0.4, 0.4, (17,), float32)`: torques on the abdomen, hips, knees, shoulders and elbows,
///   times gears of 25 to 300 N m.
/// - Observation space: `Box(-inf, inf, (376,), float64)`: the positions without the torso's x and y (22), the
///   velocities (23), then per body (14, the world included) the com-based inertia (10 each), the com-based velocity
///   (6 each), the actuator forces in joint space (23), and the external contact forces (6 per body); `(378,)` with
///   `exclude_current_positions_from_observation` false.
/// - Reward: `forward_reward_weight * x_velocity + healthy_reward - ctrl_cost_weight * sum(ctrl^2)`, where
///   `x_velocity` is the x displacement of the whole body's centre of mass over the step divided by `dt` (m/s);
///   `healthy_reward` is paid while healthy, or always when `terminate_when_unhealthy`.
/// - Healthy: the torso height strictly within `healthy_z_range`.
/// - Start state: standing at rest plus noise uniform in [-reset_noise_scale, reset_noise_scale] on every position
///   and velocity.
/// - Episode end: terminated when unhealthy (if `terminate_when_unhealthy`); truncated at 1000 steps.
/// - Time: 5 MuJoCo steps of 0.003 s (RK4, PGS solver) per environment step: `dt` = 0.015 s.
/// - Info: `reward_linvel`, `reward_quadctrl`, `reward_alive`, `x_position`, `y_position`, `distance_from_origin`,
///   `x_velocity`, `y_velocity`, `forward_reward` (and ``MuJoCoWarning/infoKey`` when MuJoCo warned).
/// - Keyword arguments: `forward_reward_weight` (1.25), `ctrl_cost_weight` (0.1), `healthy_reward` (5),
///   `terminate_when_unhealthy` (true), `healthy_z_range` ([1, 2]), `reset_noise_scale` (1e-2),
///   `exclude_current_positions_from_observation` (true).
public final class Humanoid: Environment {
  public static let id = "Humanoid-v4"
  /// MuJoCo steps per environment step.
  public static let frameSkip = 5

  /// The keyword arguments, with Gymnasium's defaults.
  public struct Configuration: Sendable, Equatable {
    public var forwardRewardWeight = 1.25
    public var controlCostWeight = 0.1
    public var healthyReward = 5.0
    public var terminateWhenUnhealthy = true
    public var healthyZRange: ClosedRange<Double> = 1.0...2.0
    public var resetNoiseScale = 1e-2
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
  private let bodyMasses: [Double]
  private let totalMass: Double

  /// Makes the environment.
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` when MuJoCo is not installed.
  public init(configuration: Configuration = Configuration()) throws {
    self.configuration = configuration
    simulation = try MuJoCoSimulation(
      environment: Self.id, xml: MuJoCoModels.humanoid, frameSkip: Self.frameSkip, computesContactForces: true)
    skippedPositions = configuration.excludeCurrentPositionsFromObservation ? 2 : 0
    bodyMasses = simulation.model.bodyMasses
    totalMass = NumpyArithmetic.sum(count: bodyMasses.count) { [bodyMasses] in bodyMasses[$0] }
    let count = HumanoidObservation.count(model: simulation.model, skippedPositions: skippedPositions)
    observationSpace = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [count], dtype: .float64))
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
    HumanoidObservation.write(simulation.data, skippingPositions: skippedPositions, into: observation)
    var info: Info = [:]
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
    let controlCost = configuration.controlCostWeight * NumpyArithmetic.sumOfSquares(simulation.data.ctrl)
    let forwardReward = configuration.forwardRewardWeight * xVelocity
    let healthy = isHealthy
    let healthyReward = (healthy || configuration.terminateWhenUnhealthy ? 1.0 : 0.0) * configuration.healthyReward
    HumanoidObservation.write(simulation.data, skippingPositions: skippedPositions, into: observation)
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
    return StepOutcome(
      reward: (forwardReward + healthyReward) - controlCost,
      terminated: configuration.terminateWhenUnhealthy && !healthy, info: info)
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

/// The observation layout shared by Humanoid and HumanoidStandup.
enum HumanoidObservation {
  static func count(model: MuJoCoModel, skippedPositions: Int) -> Int {
    (model.nq - skippedPositions) + model.nv + 10 * model.nbody + 6 * model.nbody + model.nv + 6 * model.nbody
  }

  /// Positions (without the first `skipped`), velocities, cinert, cvel, qfrc_actuator, cfrc_ext.
  static func write(
    _ data: MuJoCoData, skippingPositions skipped: Int, into observation: UnsafeMutableBufferPointer<Double>
  ) {
    var k = 0
    func append(_ values: UnsafeMutableBufferPointer<Double>, from start: Int = 0) {
      for i in start..<values.count {
        observation[k] = values[i]
        k += 1
      }
    }
    append(data.qpos, from: skipped)
    append(data.qvel)
    append(data.cinert)
    append(data.cvel)
    append(data.qfrcActuator)
    append(data.cfrcExt)
  }
}
