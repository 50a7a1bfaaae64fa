import Foundation
import Gym

// MARK: - Acrobot

/// Two links joined end to end, the first hanging from a fixed joint; torque on the middle joint must swing the
/// free end above a line one link length above the base. Sutton (1996), "book" dynamics, as Gymnasium's
/// `Acrobot-v1`, to the bit.
///
/// ## Action space
/// `Discrete(3)`: torque of -1, 0 or +1 (N m) on the joint between the two links.
///
/// ## Observation space
/// `Box(6,)` of float32: cos and sin of the first joint angle theta1, cos and sin of the second theta2 (relative
/// to the first link), and the angular velocities theta1_dot in [-4 pi, 4 pi] and theta2_dot in [-9 pi, 9 pi]
/// (rad/s). theta1 = 0 means the first link points down.
///
/// ## Reward
/// -1 for every step that does not reach the goal, 0 on the step that does.
///
/// ## Starting state
/// Each of theta1, theta2, theta1_dot, theta2_dot uniform in [-0.1, 0.1] and rounded to float32 (the
/// `low`/`high` reset options change the range).
///
/// ## Episode end
/// Terminated when `-cos(theta1) - cos(theta2 + theta1) > 1`; truncated by ``TimeLimit`` at 500 steps.
///
/// ## Dynamics
/// One fourth-order Runge-Kutta step of 0.2 s per action; angles are then wrapped into [-pi, pi] and the
/// velocities bounded.
///
/// ## Arithmetic
/// As Gymnasium: the reset state is float32 (so the first observation uses numpy's float32 sine and cosine),
/// later states are float64; squares of float64 scalars use the C library's `pow` as numpy's `**` does.
///
/// ## Version
/// v1; reward threshold -100.
public final class Acrobot: Environment {
  // MARK: Constants

  /// Integration time step (s).
  public static let timeStep = 0.2
  /// Length of link 1 (m).
  public static let linkLength1 = 1.0
  /// Mass of link 1 (kg).
  public static let linkMass1 = 1.0
  /// Mass of link 2 (kg).
  public static let linkMass2 = 1.0
  /// Position of the centre of mass of link 1 (m).
  public static let linkCenterOfMass1 = 0.5
  /// Position of the centre of mass of link 2 (m).
  public static let linkCenterOfMass2 = 0.5
  /// Moment of inertia of both links (kg m^2).
  public static let linkMomentOfInertia = 1.0
  /// Largest angular velocity of joint 1 (rad/s).
  public static let maxVelocity1 = 4 * Double.pi
  /// Largest angular velocity of joint 2 (rad/s).
  public static let maxVelocity2 = 9 * Double.pi
  /// The torques of the three actions (N m).
  public static let torques: (Double, Double, Double) = (-1.0, 0.0, 1.0)
  /// Gravitational acceleration (m/s^2).
  public static let gravity = 9.8

  // MARK: State

  public let observationSpace: Space
  public let actionSpace = Space.discrete(DiscreteSpace(3))
  public var name: String { "Acrobot" }
  /// The environment's generator, re-created by `reset(seed:)` as Gymnasium's `np_random`.
  public var random = NumpyGenerator.fromEntropy()

  /// theta1, theta2 (rad), theta1_dot, theta2_dot (rad/s).
  public var state: (Double, Double, Double, Double) { currentState }
  // Private storage lets whole-module optimisation drop the run-time exclusivity checks in `step`.
  private var currentState: (Double, Double, Double, Double) = (0, 0, 0, 0)
  private var phase = EpisodePhase.needsReset
  /// True before the first reset (nothing to draw yet).
  var needsReset: Bool { phase == .needsReset }

  public init() {
    let high = [1, 1, 1, 1, Self.maxVelocity1, Self.maxVelocity2]
    observationSpace = .box(BoxSpace(low: high.map { -$0 }, high: high, dtype: .float32))
  }

  // MARK: - Environment

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> Info
  {
    try requireObservationBuffer(observation, count: 6)
    if let seed { random = NumpyGenerator(seed: seed) }
    let (low, high) = try resetBounds(options, low: -0.1, high: 0.1)
    let s0 = Float(random.uniform(low: low, high: high))
    let s1 = Float(random.uniform(low: low, high: high))
    let s2 = Float(random.uniform(low: low, high: high))
    let s3 = Float(random.uniform(low: low, high: high))
    currentState = (Double(s0), Double(s1), Double(s2), Double(s3))
    phase = .running
    // The state is a float32 array here, so numpy computes the sines and cosines in float32.
    observation[0] = Double(NumpyMath.float32Cos(s0))
    observation[1] = Double(NumpyMath.float32Sin(s0))
    observation[2] = Double(NumpyMath.float32Cos(s1))
    observation[3] = Double(NumpyMath.float32Sin(s1))
    observation[4] = Double(s2)
    observation[5] = Double(s3)
    return [:]
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    try phase.requireRunning(name)
    try requireObservationBuffer(observation, count: 6)
    let index = try discreteAction(action, n: 3, environment: name)
    let torque = index == 0 ? Self.torques.0 : index == 1 ? Self.torques.1 : Self.torques.2

    var next = rungeKutta4(currentState, torque: torque)
    next.0 = wrap(next.0, -Double.pi, Double.pi)
    next.1 = wrap(next.1, -Double.pi, Double.pi)
    next.2 = bound(next.2, -Self.maxVelocity1, Self.maxVelocity1)
    next.3 = bound(next.3, -Self.maxVelocity2, Self.maxVelocity2)
    currentState = next

    let terminated = -cos(next.0) - cos(next.1 + next.0) > 1.0
    if terminated { phase = .ended }
    observation[0] = Double(Float(cos(next.0)))
    observation[1] = Double(Float(sin(next.0)))
    observation[2] = Double(Float(cos(next.1)))
    observation[3] = Double(Float(sin(next.1)))
    observation[4] = Double(Float(next.2))
    observation[5] = Double(Float(next.3))
    return StepOutcome(reward: terminated ? 0 : -1, terminated: terminated)
  }

  // MARK: - Dynamics

  typealias State = (Double, Double, Double, Double)

  /// The time derivative of the state under `torque` (Gymnasium's `_dsdt`, "book" variant), in its evaluation
  /// order.
  @inline(__always)
  private func derivatives(_ s: State, torque a: Double) -> State {
    let m1 = Self.linkMass1, m2 = Self.linkMass2, l1 = Self.linkLength1
    let lc1 = Self.linkCenterOfMass1, lc2 = Self.linkCenterOfMass2
    let i1 = Self.linkMomentOfInertia, i2 = Self.linkMomentOfInertia
    let g = Self.gravity
    let (theta1, theta2, dtheta1, dtheta2) = s
    let d1 = m1 * (lc1 * lc1) + m2 * ((l1 * l1) + (lc2 * lc2) + 2 * l1 * lc2 * cos(theta2)) + i1 + i2
    let d2 = m2 * ((lc2 * lc2) + l1 * lc2 * cos(theta2)) + i2
    let phi2 = m2 * lc2 * g * cos(theta1 + theta2 - Double.pi / 2.0)
    let phi1 =
      -m2 * l1 * lc2 * NumpyMath.square(dtheta2) * sin(theta2) - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin(theta2)
      + (m1 * lc1 + m2 * l1) * g * cos(theta1 - Double.pi / 2) + phi2
    let ddtheta2 =
      (a + d2 / d1 * phi1 - m2 * l1 * lc2 * NumpyMath.square(dtheta1) * sin(theta2) - phi2)
      / (m2 * (lc2 * lc2) + i2 - NumpyMath.square(d2) / d1)
    let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
    return (dtheta1, dtheta2, ddtheta1, ddtheta2)
  }

  /// One classical Runge-Kutta step over [0, dt], as Gymnasium's `rk4` with `t = [0, dt]`.
  @inline(__always)
  private func rungeKutta4(_ y: State, torque: Double) -> State {
    let dt = Self.timeStep - 0
    let halfStep = dt / 2.0
    let k1 = derivatives(y, torque: torque)
    let k2 = derivatives(
      (y.0 + halfStep * k1.0, y.1 + halfStep * k1.1, y.2 + halfStep * k1.2, y.3 + halfStep * k1.3), torque: torque)
    let k3 = derivatives(
      (y.0 + halfStep * k2.0, y.1 + halfStep * k2.1, y.2 + halfStep * k2.2, y.3 + halfStep * k2.3), torque: torque)
    let k4 = derivatives((y.0 + dt * k3.0, y.1 + dt * k3.1, y.2 + dt * k3.2, y.3 + dt * k3.3), torque: torque)
    let w = dt / 6.0
    return (
      y.0 + w * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0),
      y.1 + w * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1),
      y.2 + w * (k1.2 + 2 * k2.2 + 2 * k3.2 + k4.2),
      y.3 + w * (k1.3 + 2 * k2.3 + 2 * k3.3 + k4.3)
    )
  }

  /// Gymnasium's `wrap`: shifts x by whole periods into [m, M].
  @inline(__always)
  private func wrap(_ x: Double, _ m: Double, _ M: Double) -> Double {
    let period = M - m
    var x = x
    while x > M { x = x - period }
    while x < m { x = x + period }
    return x
  }

  /// Gymnasium's `bound`: `min(max(x, m), M)` with Python's `max`/`min` (the first argument wins ties).
  @inline(__always)
  private func bound(_ x: Double, _ m: Double, _ M: Double) -> Double {
    let lower = m > x ? m : x
    return M < lower ? M : lower
  }
}

// MARK: - Saving and restoring

extension Acrobot {
  public func saveState() throws -> EnvironmentState {
    let s = currentState
    return classicState(kind: "Acrobot", physics: [s.0, s.1, s.2, s.3], random: random, phase: phase)
  }

  public func restoreState(_ state: EnvironmentState) throws {
    let saved = try readClassicState(state, kind: "Acrobot", count: 4)
    currentState = (saved.physics[0], saved.physics[1], saved.physics[2], saved.physics[3])
    random = saved.random
    phase = saved.phase
  }
}
