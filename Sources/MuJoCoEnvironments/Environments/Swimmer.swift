import Gym

// MARK: - Swimmer-v4

/// Three segments linked by two hinges, swimming forward in a viscous fluid (Gymnasium's `Swimmer-v4`, identical
/// to it to the bit).
///
/// - Action space: `Box(-1, 1, (2,), float32)`: the torques on the two hinges, times a gear of 150.
/// - Observation space: `Box(-inf, inf, (8,), float64)`: the positions without the front tip's x and y (the body
///   angle and the two hinge angles, rad), then the five velocities; `(10,)` with
///   `exclude_current_positions_from_observation` false.
/// - Reward: `forward_reward_weight * x_velocity - ctrl_cost_weight * sum(action^2)`, where `x_velocity` is the
///   front tip's x displacement over the step divided by `dt` (m/s), and the control cost is computed in float32 as
///   numpy does.
/// - Start state: rest plus noise uniform in [-reset_noise_scale, reset_noise_scale] on every position and velocity.
/// - Episode end: never terminates; truncated at 1000 steps (the spec's time limit).
/// - Time: 4 MuJoCo steps of 0.01 s (RK4) per environment step: `dt` = 0.04 s.
/// - Info: `reward_fwd`, `reward_ctrl`, `x_position`, `y_position`, `distance_from_origin`, `x_velocity`,
///   `y_velocity`, `forward_reward` (and ``MuJoCoWarning/infoKey`` when MuJoCo warned).
/// - Keyword arguments: `forward_reward_weight` (1), `ctrl_cost_weight` (1e-4), `reset_noise_scale` (0.1),
///   `exclude_current_positions_from_observation` (true).
public final class Swimmer: Environment {
  public static let id = "Swimmer-v4"
  /// MuJoCo steps per environment step.
  public static let frameSkip = 4

  /// The keyword arguments, with Gymnasium's defaults.
  public struct Configuration: Sendable, Equatable {
    public var forwardRewardWeight = 1.0
    public var controlCostWeight = 1e-4
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

  /// Makes the environment.
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` when MuJoCo is not installed.
  public init(configuration: Configuration = Configuration()) throws {
    self.configuration = configuration
    simulation = try MuJoCoSimulation(environment: Self.id, xml: MuJoCoModels.swimmer, frameSkip: Self.frameSkip)
    skippedPositions = configuration.excludeCurrentPositionsFromObservation ? 2 : 0
    let count = simulation.model.nq - skippedPositions + simulation.model.nv
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
    try simulation.setUniformlyPerturbedState(scale: configuration.resetNoiseScale, random: &random)
    simulation.writePositionsAndVelocities(skippingPositions: skippedPositions, into: observation)
    var info: Info = [:]
    simulation.reportWarnings(into: &info)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    try simulation.checkObservationBuffer(observation, count: observationSpace.flatCount)
    let data = simulation.data
    let xBefore = data.qpos[0]
    let yBefore = data.qpos[1]
    try simulation.simulate(action)
    let xAfter = data.qpos[0]
    let yAfter = data.qpos[1]
    let dt = simulation.dt
    let xVelocity = (xAfter - xBefore) / dt
    let yVelocity = (yAfter - yBefore) / dt
    let forwardReward = configuration.forwardRewardWeight * xVelocity
    let controlCost = Double(
      NumpyArithmetic.float32ControlCost(weight: configuration.controlCostWeight, action: action))
    simulation.writePositionsAndVelocities(skippingPositions: skippedPositions, into: observation)
    var info: Info = [
      "reward_fwd": .double(forwardReward),
      "reward_ctrl": .double(-controlCost),
      "x_position": .double(xAfter),
      "y_position": .double(yAfter),
      "distance_from_origin": .double(NumpyArithmetic.norm(xAfter, yAfter)),
      "x_velocity": .double(xVelocity),
      "y_velocity": .double(yVelocity),
      "forward_reward": .double(forwardReward),
    ]
    simulation.reportWarnings(into: &info)
    return StepOutcome(reward: forwardReward - controlCost, terminated: false, info: info)
  }
}
