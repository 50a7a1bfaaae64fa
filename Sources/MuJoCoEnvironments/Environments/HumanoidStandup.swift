import Gym

// MARK: - HumanoidStandup-v4

/// The humanoid lying on its back, which should stand up (Gymnasium's `HumanoidStandup-v4`, identical to it to the
/// bit).
///
/// - Action space: `Box(-0.4, 0.4, (17,), float32)`: torques on the abdomen, hips, knees, shoulders and elbows.
/// - Observation space: `Box(-inf, inf, (376,), float64)`: laid out as ``Humanoid``'s (the torso's x and y
///   excluded).
/// - Reward: `z / 0.003 - 0.1 * sum(ctrl^2) - min(0.5e-6 * sum(cfrc_ext^2), 10) + 1`, where `z` is the torso
///   height (m) after the step; the first term is `reward_linup`.
/// - Start state: lying at rest plus noise uniform in [-0.01, 0.01] on every position and velocity.
/// - Episode end: never terminates; truncated at 1000 steps (the spec's time limit).
/// - Time: 5 MuJoCo steps of 0.003 s (RK4, PGS solver) per environment step: `dt` = 0.015 s.
/// - Info: `reward_linup`, `reward_quadctrl`, `reward_impact` (and ``MuJoCoWarning/infoKey`` when MuJoCo warned).
/// - Keyword arguments: `reset_noise_scale` (0.01; Rein takes it as Gymnasium's v5 does).
public final class HumanoidStandup: Environment {
  public static let id = "HumanoidStandup-v4"
  /// MuJoCo steps per environment step.
  public static let frameSkip = 5
  /// The impact cost is capped at this value.
  public static let maximumImpactCost = 10.0

  public let observationSpace: Space
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
      environment: Self.id, xml: MuJoCoModels.humanoidStandup, frameSkip: Self.frameSkip,
      computesContactForces: true)
    let count = HumanoidObservation.count(model: simulation.model, skippedPositions: 2)
    observationSpace = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [count], dtype: .float64))
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
    HumanoidObservation.write(simulation.data, skippingPositions: 2, into: observation)
    var info: Info = [:]
    simulation.reportWarnings(into: &info)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    try simulation.checkObservationBuffer(observation, count: observationSpace.flatCount)
    try simulation.simulate(action)
    let data = simulation.data
    let uphillReward = (data.qpos[2] - 0) / simulation.model.timestep
    let controlCost = 0.1 * NumpyArithmetic.sumOfSquares(data.ctrl)
    let impactCost = min(0.5e-6 * NumpyArithmetic.sumOfSquares(data.cfrcExt), Self.maximumImpactCost)
    let reward = uphillReward - controlCost - impactCost + 1
    HumanoidObservation.write(data, skippingPositions: 2, into: observation)
    var info: Info = [
      "reward_linup": .double(uphillReward),
      "reward_quadctrl": .double(-controlCost),
      "reward_impact": .double(-impactCost),
    ]
    simulation.reportWarnings(into: &info)
    return StepOutcome(reward: reward, terminated: false, info: info)
  }
}
