import Foundation
import Gym

// MARK: - MountainCarContinuous

/// The mountain car with a continuous engine: reach the flag at position 0.45 while spending little energy.
/// As Gymnasium's `MountainCarContinuous-v0`, to the bit.
///
/// ## Action space
/// `Box(-1, 1, (1,))` of float32: the force applied to the car, clipped to [-1, 1] and scaled by 0.0015.
///
/// ## Observation space
/// `Box(2,)` of float32: position in [-1.2, 0.6] (m) and velocity in [-0.07, 0.07] (m/step).
///
/// ## Reward
/// `-0.1 * action^2` per step (the unclipped action), plus 100 when the goal is reached.
///
/// ## Starting state
/// Position uniform in [-0.6, -0.4] (the `low`/`high` reset options change it), velocity 0.
///
/// ## Episode end
/// Terminated when position >= 0.45 with velocity >= `goal_velocity` (0 by default); truncated by
/// ``TimeLimit`` at 999 steps.
///
/// ## Arithmetic
/// Gymnasium stores this environment's state as float32 after every step (float64 right after a reset) and
/// mixes numpy float32 scalars with Python floats; NumPy 2 keeps float32 when a float32 meets a Python float.
/// This implementation tracks those types operation by operation, so it matches to the bit.
///
/// ## Version
/// v0; reward threshold 90.
public final class MountainCarContinuous: Environment {
  // MARK: Constants

  public static let minAction = -1.0
  public static let maxAction = 1.0
  public static let minPosition = -1.2
  public static let maxPosition = 0.6
  public static let maxSpeed = 0.07
  public static let goalPosition = 0.45
  /// Acceleration per unit of force.
  public static let power = 0.0015

  // MARK: State

  public let observationSpace: Space
  public let actionSpace: Space
  public var name: String { "MountainCarContinuous" }
  /// The velocity the car must have at the goal.
  public let goalVelocity: Double
  /// The environment's generator, re-created by `reset(seed:)` as Gymnasium's `np_random`.
  public var random = NumpyGenerator.fromEntropy()

  /// Position and velocity; float32 values after a step, float64 right after a reset (as in Gymnasium).
  public var state: (position: Double, velocity: Double) { currentState }
  // Private storage lets whole-module optimisation drop the run-time exclusivity checks in `step`.
  private var currentState: (position: Double, velocity: Double) = (0, 0)
  private var stateIsFloat32 = false
  private var phase = EpisodePhase.needsReset
  /// True before the first reset (nothing to draw yet).
  var needsReset: Bool { phase == .needsReset }

  public init(goalVelocity: Double = 0) {
    self.goalVelocity = goalVelocity
    observationSpace = .box(
      BoxSpace(low: [Self.minPosition, -Self.maxSpeed], high: [Self.maxPosition, Self.maxSpeed], dtype: .float32))
    actionSpace = .box(BoxSpace(low: Self.minAction, high: Self.maxAction, shape: [1], dtype: .float32))
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
    stateIsFloat32 = false
    phase = .running
    observation[0] = Double(Float(currentState.position))
    observation[1] = 0
    return [:]
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    try phase.requireRunning(name)
    try requireObservationBuffer(observation, count: 2)
    let a = try scalarFloat32Action(action, environment: name)
    var (position, velocity) = currentState
    let f32 = stateIsFloat32

    // `force = min(max(action[0], -1.0), 1.0)`: the float32 action, or a Python float bound when clipped.
    let clippedLow = Float(Self.minAction) > a
    let clippedHigh = !clippedLow && a > Float(Self.maxAction)
    // `3 * position` is a float32 product once the state is float32; `math.cos` then works in float64.
    let slope = 0.0025 * cos(f32 ? Double(Float(3) * Float(position)) : 3 * position)
    // `force * power - slope`: float32 arithmetic when force is the float32 action, float64 otherwise.
    let increment: Double
    if clippedLow || clippedHigh {
      increment = (clippedLow ? Self.minAction : Self.maxAction) * Self.power - slope
    } else {
      increment = Double(a * Float(Self.power) - Float(slope))
    }
    // `velocity += increment`: float32 when velocity is float32; float64 when velocity is float64.
    if f32 {
      velocity = Double(Float(velocity) + Float(increment))
    } else {
      velocity = velocity + increment  // float64 + float32 promotes to float64
    }
    var velocityIsFloat32 = f32
    // Clipping to the speed limit replaces velocity by a Python float; comparisons of a float32 with a Python
    // float happen in float32.
    if greater(velocity, Self.maxSpeed, inFloat32: velocityIsFloat32) {
      velocity = Self.maxSpeed
      velocityIsFloat32 = false
    }
    if greater(-Self.maxSpeed, velocity, inFloat32: velocityIsFloat32) {
      velocity = -Self.maxSpeed
      velocityIsFloat32 = false
    }
    // `position += velocity`: float32 when position is float32 (a Python-float velocity is cast to float32).
    if f32 {
      position = Double(Float(position) + Float(velocity))
    } else {
      position = position + velocity
    }
    var positionIsFloat32 = f32
    if greater(position, Self.maxPosition, inFloat32: positionIsFloat32) {
      position = Self.maxPosition
      positionIsFloat32 = false
    }
    if greater(Self.minPosition, position, inFloat32: positionIsFloat32) {
      position = Self.minPosition
      positionIsFloat32 = false
    }
    if equal(position, Self.minPosition, inFloat32: positionIsFloat32)
      && greater(0, velocity, inFloat32: velocityIsFloat32)
    {
      velocity = 0
      velocityIsFloat32 = false
    }
    let terminated =
      !greater(Self.goalPosition, position, inFloat32: positionIsFloat32)
      && !greater(goalVelocity, velocity, inFloat32: velocityIsFloat32)
    var reward = terminated ? 100.0 : 0.0
    reward -= NumpyMath.square(Double(a)) * 0.1

    let stored = (position: Double(Float(position)), velocity: Double(Float(velocity)))
    currentState = stored
    stateIsFloat32 = true
    if terminated { phase = .ended }
    observation[0] = stored.position
    observation[1] = stored.velocity
    return StepOutcome(reward: reward, terminated: terminated)
  }

  /// `a > b` where a float32 operand makes numpy compare in float32 (the other one being a Python float).
  @inline(__always)
  private func greater(_ a: Double, _ b: Double, inFloat32: Bool) -> Bool {
    inFloat32 ? Float(a) > Float(b) : a > b
  }

  @inline(__always)
  private func equal(_ a: Double, _ b: Double, inFloat32: Bool) -> Bool {
    inFloat32 ? Float(a) == Float(b) : a == b
  }
}

// MARK: - Saving and restoring

extension MountainCarContinuous {
  public func saveState() throws -> EnvironmentState {
    var state = classicState(
      kind: "MountainCarContinuous", physics: [currentState.position, currentState.velocity], random: random,
      phase: phase)
    state.set("state_is_float32", flag: stateIsFloat32)
    return state
  }

  public func restoreState(_ state: EnvironmentState) throws {
    let saved = try readClassicState(state, kind: "MountainCarContinuous", count: 2)
    let isFloat32 = try state.flag("state_is_float32")
    currentState = (saved.physics[0], saved.physics[1])
    stateIsFloat32 = isFloat32
    random = saved.random
    phase = saved.phase
  }
}
