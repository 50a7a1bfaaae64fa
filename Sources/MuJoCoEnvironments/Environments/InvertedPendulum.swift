import Gym

// MARK: - InvertedPendulum-v4

/// A pole hinged on a cart that slides on a rail: push the cart to keep the pole upright (Gymnasium's
/// `InvertedPendulum-v4`, identical to it to the bit).
///
/// - Action space: `Box(-3, 3, (1,), float32)`: the force on the cart, times the motor's gear of 100 newtons.
///   MuJoCo clamps a control outside the range.
/// - Observation space: `Box(-inf, inf, (4,), float64)`: cart position (m), pole angle (rad), cart velocity (m/s),
///   pole angular velocity (rad/s).
/// - Reward: +1 for every step, the terminating one included.
/// - Start state: the upright rest state plus noise uniform in [-0.01, 0.01] on every position and velocity.
/// - Episode end: terminated when the pole leans more than 0.2 rad or the observation is not finite; truncated at
///   1000 steps by the time limit of the registered spec.
/// - Time: 2 MuJoCo steps of 0.02 s (RK4) per environment step, so `dt` = 0.04 s.
/// - Info: empty, except ``MuJoCoWarning/infoKey`` when MuJoCo warned.
/// - Keyword arguments: `reset_noise_scale` (default 0.01; Rein takes it as Gymnasium's v5 does).
public final class InvertedPendulum: Environment {
  public static let id = "InvertedPendulum-v4"
  /// MuJoCo steps per environment step.
  public static let frameSkip = 2
  /// The pole angle beyond which the episode terminates, in radians.
  public static let maximumPoleAngle = 0.2

  public let observationSpace: Space = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [4], dtype: .float64))
  public var actionSpace: Space { simulation.actionSpace }

  /// Half-width of the uniform noise added to every position and velocity at reset.
  public let resetNoiseScale: Double
  /// The MuJoCo model and data.
  public let simulation: MuJoCoSimulation
  /// The reset-noise generator (Gymnasium's `np_random`).
  public var random = NumpyGenerator.fromEntropy()

  /// Makes the environment.
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` when MuJoCo is not installed.
  public init(resetNoiseScale: Double = 0.01) throws {
    self.resetNoiseScale = resetNoiseScale
    simulation = try MuJoCoSimulation(
      environment: Self.id, xml: MuJoCoModels.invertedPendulum, frameSkip: Self.frameSkip)
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
    let model = simulation.model
    let noise = resetNoiseScale
    let positions = zip(simulation.initialPositions, random.uniform(low: -noise, high: noise, count: model.nq))
    let velocities = zip(simulation.initialVelocities, random.uniform(low: -noise, high: noise, count: model.nv))
    try simulation.setState(positions: positions.map { $0 + $1 }, velocities: velocities.map { $0 + $1 })
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
    simulation.reportWarnings(into: &info)
    return StepOutcome(reward: 1, terminated: terminated, info: info)
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
