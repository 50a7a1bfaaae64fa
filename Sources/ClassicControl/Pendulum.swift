import Foundation
import Gym

// MARK: - Pendulum

/// The inverted pendulum swing-up: apply torque to a pendulum hanging from a fixed pivot so that it swings up
/// and stays upright. As Gymnasium's `Pendulum-v1`, to the bit.
///
/// ## Action space
/// `Box(-2, 2, (1,))` of float32: the torque (N m) applied at the free end; values outside are clipped.
///
/// ## Observation space
/// `Box(3,)` of float32:
///
/// | index | observation               | min  | max |
/// |-------|---------------------------|------|-----|
/// | 0     | x = cos(theta)            | -1   | 1   |
/// | 1     | y = sin(theta)            | -1   | 1   |
/// | 2     | angular velocity (rad/s)  | -8   | 8   |
///
/// theta is the angle from upright (rad), counter-clockwise positive.
///
/// ## Reward
/// `-(theta_n^2 + 0.1 * theta_dot^2 + 0.001 * torque^2)` with theta_n normalised to [-pi, pi): between about
/// -16.27 and 0 (upright, at rest, no torque).
///
/// ## Starting state
/// theta uniform in [-pi, pi], angular velocity uniform in [-1, 1] (the `x_init`/`y_init` reset options change
/// the bounds).
///
/// ## Episode end
/// Never terminates; truncated by ``TimeLimit`` at 200 steps.
///
/// ## Arguments
/// `g`: gravitational acceleration (m/s^2), 10 by default.
///
/// ## Arithmetic
/// The state is float64; the torque stays float32 where numpy keeps it float32 (`3 u` and `0.001 u^2` are float32
/// products), squares of float64 scalars use the C library's `pow` as numpy's `**` does.
///
/// ## Version
/// v1: the reward uses the normalised angle; no reward threshold.
public final class Pendulum: Environment {
  // MARK: Constants

  /// Largest angular velocity (rad/s).
  public static let maxSpeed = 8.0
  /// Largest torque (N m).
  public static let maxTorque: Float = 2.0
  /// Time step (s).
  public static let timeStep = 0.05
  /// Mass of the pendulum (kg).
  public static let mass = 1.0
  /// Length of the pendulum (m).
  public static let length = 1.0

  // MARK: State

  public let observationSpace: Space
  public let actionSpace: Space
  public var name: String { "Pendulum" }
  /// Gravitational acceleration (m/s^2).
  public let gravity: Double
  /// The environment's generator, re-created by `reset(seed:)` as Gymnasium's `np_random`.
  public var random = NumpyGenerator.fromEntropy()

  /// Angle from upright (rad) and angular velocity (rad/s), in float64.
  public var state: (theta: Double, thetaDot: Double) { currentState }
  // Private storage lets whole-module optimisation drop the run-time exclusivity checks in `step`.
  private var currentState: (theta: Double, thetaDot: Double) = (0, 0)
  /// sin(theta), computed once for the observation and reused by the next step's dynamics.
  private var sinTheta = 0.0
  /// The torque of the last step after clipping (N m), nil before the first step of an episode; drawn as the
  /// arrow of the rendered picture (Gymnasium's `last_u`).
  public private(set) var lastTorque: Float?
  private var phase = EpisodePhase.needsReset
  /// True before the first reset (nothing to draw yet).
  var needsReset: Bool { phase == .needsReset }

  // Constant factors of the dynamics, evaluated as Gymnasium evaluates them.
  private let gravityFactor: Double
  private let torqueFactor: Float

  public init(gravity: Double = 10.0) {
    self.gravity = gravity
    observationSpace = .box(BoxSpace(low: [-1, -1, -Self.maxSpeed], high: [1, 1, Self.maxSpeed], dtype: .float32))
    actionSpace = .box(
      BoxSpace(low: -Double(Self.maxTorque), high: Double(Self.maxTorque), shape: [1], dtype: .float32))
    gravityFactor = 3 * gravity / (2 * Self.length)
    torqueFactor = Float(3.0 / (Self.mass * NumpyMath.pow(Self.length, 2)))
  }

  // MARK: - Environment

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> Info
  {
    try requireObservationBuffer(observation, count: 3)
    if let seed { random = NumpyGenerator(seed: seed) }
    let x = options?["x_init"] ?? Double.pi
    let y = options?["y_init"] ?? 1.0
    guard x.isFinite, y.isFinite else {
      throw EnvironmentError.invalidArgument("reset options x_init and y_init must be finite, got \(x) and \(y)")
    }
    let theta = random.uniform(low: -x, high: x)
    let thetaDot = random.uniform(low: -y, high: y)
    currentState = (theta, thetaDot)
    lastTorque = nil
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
    try requireObservationBuffer(observation, count: 3)
    let rawTorque = try scalarFloat32Action(action, environment: name)
    let u = min(max(rawTorque, -Self.maxTorque), Self.maxTorque)
    let (theta, thetaDot) = currentState

    let normalized = angleNormalize(theta)
    let costs =
      NumpyMath.square(normalized) + 0.1 * NumpyMath.square(thetaDot) + Double(Float(0.001) * NumpyMath.pow(u, 2))
    var newThetaDot = thetaDot + (gravityFactor * sinTheta + Double(torqueFactor * u)) * Self.timeStep
    newThetaDot = min(max(newThetaDot, -Self.maxSpeed), Self.maxSpeed)
    let newTheta = theta + newThetaDot * Self.timeStep
    currentState = (newTheta, newThetaDot)
    lastTorque = u
    writeObservation(observation)
    return StepOutcome(reward: -costs, terminated: false)
  }

  /// numpy's `((x + pi) % (2 pi)) - pi` (a floored remainder).
  @inline(__always)
  private func angleNormalize(_ x: Double) -> Double {
    let period = 2 * Double.pi
    var remainder = (x + Double.pi).truncatingRemainder(dividingBy: period)
    if remainder != 0 {
      if remainder < 0 { remainder += period }
    } else {
      remainder = 0  // numpy returns +0 for a positive divisor
    }
    return remainder - Double.pi
  }

  @inline(__always)
  private func writeObservation(_ observation: UnsafeMutableBufferPointer<Double>) {
    let (theta, thetaDot) = currentState
    let sine = sin(theta)
    sinTheta = sine
    observation[0] = Double(Float(cos(theta)))
    observation[1] = Double(Float(sine))
    observation[2] = Double(Float(thetaDot))
  }
}

// MARK: - Saving and restoring

extension Pendulum {
  public func saveState() throws -> EnvironmentState {
    var state = classicState(
      kind: "Pendulum", physics: [currentState.theta, currentState.thetaDot], random: random, phase: phase)
    state.doubles["sin_theta"] = [sinTheta]
    return state
  }

  public func restoreState(_ state: EnvironmentState) throws {
    let saved = try readClassicState(state, kind: "Pendulum", count: 2)
    let sine = try state.double("sin_theta")
    currentState = (saved.physics[0], saved.physics[1])
    sinTheta = sine
    random = saved.random
    phase = saved.phase
  }
}
