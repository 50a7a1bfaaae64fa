import Foundation
import Gym

// MARK: - InvertedDoublePendulum-v4

/// Two poles in a chain on a cart that slides on a rail: keep the tip of the second pole up (Gymnasium's
/// `InvertedDoublePendulum-v4`, identical to it to the bit).
///
/// - Action space: `Box(-1, 1, (1,), float32)`: the force on the cart, times the motor's gear of 500 newtons.
/// - Observation space: `Box(-inf, inf, (11,), float64)`: cart position (m); sine then cosine of the two hinge
///   angles; the three velocities clipped to [-10, 10]; the three constraint forces clipped to [-10, 10].
/// - Reward: `10 - (0.01 x^2 + (y - 2)^2) - (0.001 w1^2 + 0.005 w2^2)`, where (x, y) is the tip position (m) and
///   w1, w2 the hinge angular velocities (rad/s).
/// - Start state: rest plus noise uniform in [-0.1, 0.1] on the positions and normal with standard deviation 0.1
///   on the velocities.
/// - Episode end: terminated when the tip is at or below y = 1 m; truncated at 1000 steps (the spec's time limit).
/// - Time: 5 MuJoCo steps of 0.01 s (RK4) per environment step: `dt` = 0.05 s.
/// - Info: empty, except ``MuJoCoWarning/infoKey`` when MuJoCo warned.
/// - Keyword arguments: `reset_noise_scale` (default 0.1, the scale of both noises; Rein takes it as Gymnasium's v5
///   does).
public final class InvertedDoublePendulum: Environment {
  public static let id = "InvertedDoublePendulum-v4"
  /// MuJoCo steps per environment step.
  public static let frameSkip = 5
  /// Reward for every step, before the penalties.
  public static let aliveBonus = 10.0
  /// The tip height (m) at or below which the episode terminates.
  public static let minimumTipHeight = 1.0

  public let observationSpace: Space = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [11], dtype: .float64))
  public var actionSpace: Space { simulation.actionSpace }

  /// The scale of the reset noise: the half-width of the uniform position noise and the standard deviation of the
  /// normal velocity noise.
  public let resetNoiseScale: Double
  /// The MuJoCo model and data.
  public let simulation: MuJoCoSimulation
  /// The reset-noise generator (Gymnasium's `np_random`).
  public var random = NumpyGenerator.fromEntropy()
  private let tip: Int

  /// Makes the environment.
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` when MuJoCo is not installed.
  public init(resetNoiseScale: Double = 0.1) throws {
    self.resetNoiseScale = resetNoiseScale
    simulation = try MuJoCoSimulation(
      environment: Self.id, xml: MuJoCoModels.invertedDoublePendulum, frameSkip: Self.frameSkip)
    tip = try simulation.model.requireID(of: .site, named: "tip")
  }

  /// Seconds of simulated time per step.
  public var dt: Double { simulation.dt }

  // MARK: - Environment

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> Info {
    try simulation.checkObservationBuffer(observation, count: 11)
    if let seed { random = NumpyGenerator(seed: seed) }
    try simulation.resetData()
    let model = simulation.model
    let noise = resetNoiseScale
    let positionNoise = random.uniform(low: -noise, high: noise, count: model.nq)
    let velocityNoise = random.standardNormal(count: model.nv)
    try simulation.setState(
      positions: zip(simulation.initialPositions, positionNoise).map { $0 + $1 },
      velocities: zip(simulation.initialVelocities, velocityNoise).map { $0 + $1 * noise })
    writeObservation(into: observation)
    var info: Info = [:]
    simulation.reportWarnings(into: &info)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    try simulation.checkObservationBuffer(observation, count: 11)
    try simulation.simulate(action)
    writeObservation(into: observation)
    let data = simulation.data
    let x = data.siteXpos[3 * tip]
    let y = data.siteXpos[3 * tip + 2]
    let distancePenalty = 0.01 * (x * x) + (y - 2) * (y - 2)
    let v1 = data.qvel[1]
    let v2 = data.qvel[2]
    let velocityPenalty = 1e-3 * (v1 * v1) + 5e-3 * (v2 * v2)
    let reward = Self.aliveBonus - distancePenalty - velocityPenalty
    var info: Info = [:]
    simulation.reportWarnings(into: &info)
    return StepOutcome(reward: reward, terminated: y <= Self.minimumTipHeight, info: info)
  }

  // MARK: - Observation

  private func writeObservation(into observation: UnsafeMutableBufferPointer<Double>) {
    let data = simulation.data
    observation[0] = data.qpos[0]
    observation[1] = sin(data.qpos[1])
    observation[2] = sin(data.qpos[2])
    observation[3] = cos(data.qpos[1])
    observation[4] = cos(data.qpos[2])
    for i in 0..<3 {
      observation[5 + i] = NumpyArithmetic.clip(data.qvel[i], -10, 10)
      observation[8 + i] = NumpyArithmetic.clip(data.qfrcConstraint[i], -10, 10)
    }
  }
}
