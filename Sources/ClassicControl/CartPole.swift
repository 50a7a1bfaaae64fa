import Foundation
import Gym

// MARK: - CartPole

/// A pole hinged to a cart that moves along a frictionless track; push the cart left or right to keep the pole
/// upright. Barto, Sutton and Anderson (1983), as Gymnasium's `CartPole-v1`, to the bit.
///
/// ## Action space
/// `Discrete(2)`: 0 pushes the cart to the left, 1 to the right, with a fixed force of 10 N.
///
/// ## Observation space
/// `Box(4,)` of float32:
///
/// | index | observation           | min                 | max               |
/// |-------|-----------------------|---------------------|-------------------|
/// | 0     | cart position (m)     | -4.8                | 4.8               |
/// | 1     | cart velocity (m/s)   | -inf                | inf               |
/// | 2     | pole angle (rad)      | -0.418 (-24 deg)    | 0.418 (24 deg)    |
/// | 3     | pole angular velocity (rad/s) | -inf        | inf               |
///
/// ## Reward
/// +1 for every step, including the terminating one (with `sutton_barto_reward`: 0 per step and -1 on
/// termination).
///
/// ## Starting state
/// Every component uniform in [-0.05, 0.05] (the `low`/`high` reset options change the range).
///
/// ## Episode end
/// Terminated when the pole angle leaves +-12 degrees or the cart position leaves +-2.4 m; truncated by
/// ``TimeLimit`` at 500 steps (`CartPole-v1`) or 200 steps (`CartPole-v0`).
///
/// ## Arithmetic
/// The state is kept in float64 and cast to float32 for the observation, as in Gymnasium; the integrator is
/// explicit Euler with a 0.02 s step.
///
/// ## Version
/// v1: the reward threshold is 475 and the step limit 500 (v0: 195 and 200).
public final class CartPole: Environment {
  // MARK: Physical constants

  /// Gravitational acceleration (m/s^2).
  public static let gravity = 9.8
  /// Mass of the cart (kg).
  public static let cartMass = 1.0
  /// Mass of the pole (kg).
  public static let poleMass = 0.1
  /// Total mass (kg).
  public static let totalMass = poleMass + cartMass
  /// Half the pole's length (m).
  public static let halfPoleLength = 0.5
  /// Pole mass times half length (kg m).
  public static let poleMassLength = poleMass * halfPoleLength
  /// Magnitude of the push (N).
  public static let forceMagnitude = 10.0
  /// Time between state updates (s).
  public static let timeStep = 0.02
  /// The pole angle beyond which the episode ends (rad): 12 degrees.
  public static let thetaThreshold = 12 * 2 * Double.pi / 360
  /// The cart position beyond which the episode ends (m).
  public static let xThreshold = 2.4

  // MARK: State

  public let observationSpace: Space
  public let actionSpace = Space.discrete(DiscreteSpace(2))
  public var name: String { "CartPole" }
  /// Gymnasium's alternative reward: 0 per step, -1 on termination.
  public let suttonBartoReward: Bool
  /// The environment's generator, re-created by `reset(seed:)` as Gymnasium's `np_random`.
  public var random = NumpyGenerator.fromEntropy()

  /// Cart position (m), cart velocity (m/s), pole angle (rad), pole angular velocity (rad/s), in float64.
  public var state: (x: Double, xDot: Double, theta: Double, thetaDot: Double) { currentState }
  // Private storage lets whole-module optimisation drop the run-time exclusivity checks in `step`.
  private var currentState: (x: Double, xDot: Double, theta: Double, thetaDot: Double) = (0, 0, 0, 0)
  private var phase = EpisodePhase.needsReset
  /// True before the first reset (nothing to draw yet).
  var needsReset: Bool { phase == .needsReset }

  public init(suttonBartoReward: Bool = false) {
    self.suttonBartoReward = suttonBartoReward
    let high = [Self.xThreshold * 2, .infinity, Self.thetaThreshold * 2, .infinity]
    observationSpace = .box(BoxSpace(low: high.map { -$0 }, high: high, dtype: .float32))
  }

  // MARK: - Environment

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> Info
  {
    try requireObservationBuffer(observation, count: 4)
    if let seed { random = NumpyGenerator(seed: seed) }
    let (low, high) = try resetBounds(options, low: -0.05, high: 0.05)
    let x = random.uniform(low: low, high: high)
    let xDot = random.uniform(low: low, high: high)
    let theta = random.uniform(low: low, high: high)
    let thetaDot = random.uniform(low: low, high: high)
    currentState = (x, xDot, theta, thetaDot)
    phase = .running
    writeObservation(observation, currentState)
    return [:]
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    try phase.requireRunning(name)
    try requireObservationBuffer(observation, count: 4)
    let push = try discreteAction(action, n: 2, environment: name)
    let force = push == 1 ? Self.forceMagnitude : -Self.forceMagnitude

    var (x, xDot, theta, thetaDot) = currentState
    let cosTheta = cos(theta)
    let sinTheta = sin(theta)
    // Gymnasium's expressions, in its evaluation order.
    let temp = (force + Self.poleMassLength * (thetaDot * thetaDot) * sinTheta) / Self.totalMass
    let thetaAcc =
      (Self.gravity * sinTheta - cosTheta * temp)
      / (Self.halfPoleLength * (4.0 / 3.0 - Self.poleMass * (cosTheta * cosTheta) / Self.totalMass))
    let xAcc = temp - Self.poleMassLength * thetaAcc * cosTheta / Self.totalMass
    x = x + Self.timeStep * xDot
    xDot = xDot + Self.timeStep * xAcc
    theta = theta + Self.timeStep * thetaDot
    thetaDot = thetaDot + Self.timeStep * thetaAcc
    currentState = (x, xDot, theta, thetaDot)

    let terminated =
      x < -Self.xThreshold || x > Self.xThreshold || theta < -Self.thetaThreshold || theta > Self.thetaThreshold
    let reward: Double
    if terminated {
      phase = .ended
      reward = suttonBartoReward ? -1 : 1
    } else {
      reward = suttonBartoReward ? 0 : 1
    }
    writeObservation(observation, (x, xDot, theta, thetaDot))
    return StepOutcome(reward: reward, terminated: terminated)
  }

  @inline(__always)
  private func writeObservation(
    _ observation: UnsafeMutableBufferPointer<Double>, _ state: (Double, Double, Double, Double)
  ) {
    observation[0] = Double(Float(state.0))
    observation[1] = Double(Float(state.1))
    observation[2] = Double(Float(state.2))
    observation[3] = Double(Float(state.3))
  }
}

// MARK: - Saving and restoring

extension CartPole {
  public func saveState() throws -> EnvironmentState {
    let s = currentState
    return classicState(kind: "CartPole", physics: [s.x, s.xDot, s.theta, s.thetaDot], random: random, phase: phase)
  }

  public func restoreState(_ state: EnvironmentState) throws {
    let saved = try readClassicState(state, kind: "CartPole", count: 4)
    currentState = (saved.physics[0], saved.physics[1], saved.physics[2], saved.physics[3])
    random = saved.random
    phase = saved.phase
  }
}
