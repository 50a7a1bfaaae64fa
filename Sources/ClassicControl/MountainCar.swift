import Foundation
import Gym

// MARK: - MountainCar

/// A car at the bottom of a sinusoidal valley must build momentum to reach the flag on the right hill; its engine
/// alone is too weak. Moore (1990), as Gymnasium's `MountainCar-v0`, to the bit.
///
/// ## Action space
/// `Discrete(3)`: 0 accelerates to the left, 1 does not accelerate, 2 accelerates to the right.
///
/// ## Observation space
/// `Box(2,)` of float32: position along the x-axis in [-1.2, 0.6] (m) and velocity in [-0.07, 0.07] (m/step).
///
/// ## Dynamics
/// `velocity += (action - 1) * 0.001 - cos(3 * position) * 0.0025`, clipped to [-0.07, 0.07];
/// `position += velocity`, clipped to [-1.2, 0.6]; hitting the left wall stops the car.
///
/// ## Reward
/// -1 for every step.
///
/// ## Starting state
/// Position uniform in [-0.6, -0.4] (the `low`/`high` reset options change it), velocity 0.
///
/// ## Episode end
/// Terminated when position >= 0.5 with velocity >= `goal_velocity` (0 by default); truncated by
/// ``TimeLimit`` at 200 steps.
///
/// ## Arithmetic
/// The state is float64 and cast to float32 for the observation, as in Gymnasium.
///
/// ## Version
/// v0; reward threshold -110.
public final class MountainCar: Environment {
  // MARK: Constants

  public static let minPosition = -1.2
  public static let maxPosition = 0.6
  public static let maxSpeed = 0.07
  public static let goalPosition = 0.5
  /// Acceleration per step of the engine.
  public static let force = 0.001
  /// Gravity's weight in the slope term.
  public static let gravity = 0.0025

  // MARK: State

  public let observationSpace: Space
  public let actionSpace = Space.discrete(DiscreteSpace(3))
  public var name: String { "MountainCar" }
  /// The velocity the car must have at the goal.
  public let goalVelocity: Double
  /// The environment's generator, re-created by `reset(seed:)` as Gymnasium's `np_random`.
  public var random = NumpyGenerator.fromEntropy()

  /// Position and velocity, in float64.
  public var state: (position: Double, velocity: Double) { currentState }
  // Private storage lets whole-module optimisation drop the run-time exclusivity checks in `step`.
  private var currentState: (position: Double, velocity: Double) = (0, 0)
  private var phase = EpisodePhase.needsReset
  /// True before the first reset (nothing to draw yet).
  var needsReset: Bool { phase == .needsReset }

  public init(goalVelocity: Double = 0) {
    self.goalVelocity = goalVelocity
    observationSpace = .box(
      BoxSpace(low: [Self.minPosition, -Self.maxSpeed], high: [Self.maxPosition, Self.maxSpeed], dtype: .float32))
  }

  // MARK: - Environment

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> Info
  {
    try requireObservationBuffer(observation, count: 2)
    if let seed { random = NumpyGenerator(seed: seed) }
    let (low, high) = try resetBounds(options, low: -0.6, high: -0.4)
    currentState = (random.uniform(low: low, high: high), 0)
    phase = .running
    writeObservation(observation)
    return [:]
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    try phase.requireRunning(name)
    try requireObservationBuffer(observation, count: 2)
    let push = try discreteAction(action, n: 3, environment: name)
    var (position, velocity) = currentState
    velocity += Double(push - 1) * Self.force + cos(3 * position) * -Self.gravity
    velocity = min(max(velocity, -Self.maxSpeed), Self.maxSpeed)
    position += velocity
    position = min(max(position, Self.minPosition), Self.maxPosition)
    if position == Self.minPosition && velocity < 0 { velocity = 0 }
    let terminated = position >= Self.goalPosition && velocity >= goalVelocity
    if terminated { phase = .ended }
    currentState = (position, velocity)
    writeObservation(observation)
    return StepOutcome(reward: -1, terminated: terminated)
  }

  @inline(__always)
  private func writeObservation(_ observation: UnsafeMutableBufferPointer<Double>) {
    let (position, velocity) = currentState
    observation[0] = Double(Float(position))
    observation[1] = Double(Float(velocity))
  }
}

// MARK: - Saving and restoring

extension MountainCar {
  public func saveState() throws -> EnvironmentState {
    classicState(
      kind: "MountainCar", physics: [currentState.position, currentState.velocity], random: random, phase: phase)
  }

  public func restoreState(_ state: EnvironmentState) throws {
    let saved = try readClassicState(state, kind: "MountainCar", count: 2)
    currentState = (saved.physics[0], saved.physics[1])
    random = saved.random
    phase = saved.phase
  }
}
