import Foundation
import Gym

// MARK: - Reacher-v4

/// A two-link planar arm reaching for a randomly placed target (Gymnasium's `Reacher-v4`, identical to it to the
/// bit).
///
/// - Action space: `Box(-1, 1, (2,), float32)`: the torques on the two joints, times a gear of 200.
/// - Observation space: `Box(-inf, inf, (11,), float64)`: cosine then sine of the two arm angles; the target's
///   position (m); the two arm angular velocities (rad/s); the fingertip's position minus the target's (m, 3 values).
/// - Reward: `reward_dist + reward_ctrl`, where `reward_dist` is minus the fingertip-target distance *before* the
///   step (as in Gymnasium v4) and `reward_ctrl` minus the squared action summed (in float32, as numpy).
/// - Start state: the arm at rest plus noise uniform in [-0.1, 0.1] on its angles and [-0.005, 0.005] on its
///   velocities; the target uniform in the disc of radius 0.2 m (drawn by rejection from the square), at rest.
/// - Episode end: never terminates; truncated at 50 steps (the spec's time limit).
/// - Time: 2 MuJoCo steps of 0.01 s (RK4) per environment step: `dt` = 0.02 s.
/// - Info: `reward_dist`, `reward_ctrl` (and ``MuJoCoWarning/infoKey`` when MuJoCo warned).
/// - Keyword arguments: none (Gymnasium's v4 takes none besides rendering).
public final class Reacher: Environment {
  public static let id = "Reacher-v4"
  /// MuJoCo steps per environment step.
  public static let frameSkip = 2
  /// The target is drawn until it lies strictly within this distance of the origin, in metres.
  public static let targetRadius = 0.2

  public let observationSpace: Space = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [11], dtype: .float64))
  public var actionSpace: Space { simulation.actionSpace }

  /// The MuJoCo model and data.
  public let simulation: MuJoCoSimulation
  /// The reset-noise generator (Gymnasium's `np_random`).
  public var random = NumpyGenerator.fromEntropy()
  /// The target position (m) drawn at the last reset (Gymnasium's `goal`).
  public private(set) var goal: [Double] = [0, 0]
  private let fingertip: Int
  private let target: Int

  /// Makes the environment.
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` when MuJoCo is not installed.
  public init() throws {
    simulation = try MuJoCoSimulation(environment: Self.id, xml: MuJoCoModels.reacher, frameSkip: Self.frameSkip)
    fingertip = try simulation.model.requireID(of: .body, named: "fingertip")
    target = try simulation.model.requireID(of: .body, named: "target")
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
    var positions = zip(random.uniform(low: -0.1, high: 0.1, count: model.nq), simulation.initialPositions)
      .map { $0 + $1 }
    repeat {
      goal = random.uniform(low: -Self.targetRadius, high: Self.targetRadius, count: 2)
    } while !(NumpyArithmetic.norm(goal[0], goal[1]) < Self.targetRadius)
    positions[model.nq - 2] = goal[0]
    positions[model.nq - 1] = goal[1]
    var velocities = zip(simulation.initialVelocities, random.uniform(low: -0.005, high: 0.005, count: model.nv))
      .map { $0 + $1 }
    velocities[model.nv - 2] = 0
    velocities[model.nv - 1] = 0
    try simulation.setState(positions: positions, velocities: velocities)
    writeObservation(into: observation)
    var info: Info = [:]
    simulation.reportWarnings(into: &info)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    try simulation.checkObservationBuffer(observation, count: 11)
    let xpos = simulation.data.xpos
    let rewardDistance = -NumpyArithmetic.norm(
      xpos[3 * fingertip] - xpos[3 * target], xpos[3 * fingertip + 1] - xpos[3 * target + 1],
      xpos[3 * fingertip + 2] - xpos[3 * target + 2])
    let rewardControl = -NumpyArithmetic.float32ControlCost(weight: 1, action: action)
    try simulation.simulate(action)
    writeObservation(into: observation)
    var info: Info = ["reward_dist": .double(rewardDistance), "reward_ctrl": .double(Double(rewardControl))]
    simulation.reportWarnings(into: &info)
    return StepOutcome(reward: rewardDistance + Double(rewardControl), terminated: false, info: info)
  }

  // MARK: - Observation

  private func writeObservation(into observation: UnsafeMutableBufferPointer<Double>) {
    let data = simulation.data
    observation[0] = cos(data.qpos[0])
    observation[1] = cos(data.qpos[1])
    observation[2] = sin(data.qpos[0])
    observation[3] = sin(data.qpos[1])
    observation[4] = data.qpos[2]
    observation[5] = data.qpos[3]
    observation[6] = data.qvel[0]
    observation[7] = data.qvel[1]
    for k in 0..<3 { observation[8 + k] = data.xpos[3 * fingertip + k] - data.xpos[3 * target + k] }
  }
}

// MARK: - Saving and restoring

extension Reacher {
  public func saveState() throws -> EnvironmentState {
    var state = try simulation.saveState(kind: "Reacher", random: random)
    state.doubles["goal"] = goal
    return state
  }

  public func restoreState(_ state: EnvironmentState) throws {
    let savedGoal = try state.doubles("goal", count: 2)
    random = try simulation.restoreState(state, kind: "Reacher")
    goal = savedGoal
  }
}
