import CBox2D
import Foundation
import Gym

/// Land a small rocket on a pad between two flags: Gymnasium's `LunarLander-v3` (and `LunarLanderContinuous-v3`).
///
/// A rocket trajectory problem. The pad is always at the origin of the observation's coordinates; the terrain
/// around it, the initial push and (with wind) the wind phase are drawn from the environment's numpy-compatible
/// generator, in Gymnasium's order, so a seed gives the same start as in Gymnasium. Fuel is unlimited.
///
/// ## Action space
/// - Discrete (default): `Discrete(4)`: 0 do nothing, 1 fire the left orientation engine, 2 fire the main engine,
///   3 fire the right orientation engine.
/// - Continuous (`continuous: true`): `Box(-1, 1, (2,), float32)`, `[main, lateral]`. The main engine is off for
///   `main <= 0` and throttles from 50% to 100% as `main` goes from 0 to 1; the side engines are off for
///   `|lateral| <= 0.5`, and fire left (`lateral < -0.5`) or right (`lateral > 0.5`) at 50% to 100% throttle.
///   Actions are clipped to [-1, 1].
///
/// ## Observation space
/// `Box(float32)` of 8 values: `x`, `y` (the pad is at 0, 0; units of half the viewport), velocities `vx`, `vy`,
/// `angle` (radians), angular velocity (units of 0.4 rad/s), and two 0/1 flags for leg ground contact. Bounds:
/// ±2.5 for `x`, `y`; ±10 for the velocities; ±2π for the angle; ±10 for the angular velocity; [0, 1] for the flags.
/// Values are rounded through `Float` exactly as Gymnasium's `np.array(state, dtype=np.float32)`.
///
/// ## Reward
/// The difference of a shaping potential between steps: -100·distance to the pad, -100·speed, -100·|angle|, +10 per
/// leg touching the ground; minus 0.3 per frame of main engine (times its throttle) and 0.03 per frame of side
/// engine. Crashing or leaving the screen sets the step's reward to -100; coming to rest sets it to +100.
/// A mean return of 200 over 100 episodes counts as solved.
///
/// ## Starting state
/// The lander starts at the top centre of the viewport and receives a random force (each component uniform in
/// ±1000 N) on its centre of mass; `reset` then takes one no-op step, as Gymnasium does, and returns its observation.
///
/// ## Episode end
/// Terminates when the body touches the ground (crash), when `|x| >= 1` (out of the viewport), or when Box2D puts
/// the lander to sleep (at rest). `LunarLander-v3` truncates at 1000 steps (the ``TimeLimit`` wrapper). Stepping
/// after termination throws ``EnvironmentError/stepAfterEpisodeEnd(_:)`` (Gymnasium would carry on simulating).
///
/// ## Arguments
/// `continuous` (false), `gravity` (-10, strictly between -12 and 0), `enable_wind` (false), `wind_power`
/// (15; recommended 0 to 20), `turbulence_power` (1.5; recommended 0 to 2). The wind is
/// `tanh(sin(2k(t+C)) + sin(πk(t+C))) · wind_power` with k = 0.01 and C drawn uniformly from the integers in
/// [-9999, 9999) at each reset; the turbulence torque follows the same law with its own C.
///
/// ## Version
/// v3, as Gymnasium 1.x: a new world every reset, the wind offset redrawn every reset, the wider observation bounds.
/// With Rein's default Box2D (2.3, built by `scripts/setup-box2d.sh` from the C++ sources of pybox2d, which
/// Gymnasium's Box2D 2.3.10 wheel is compiled from) every reset observation, observation, reward and flag equals
/// Gymnasium 1.4.0's to the bit for the same seed and actions, ground contact, landings and crashes included
/// (Box2DGoldenExactTests). Earlier Rein versions ran Box2D 2.4.1, as Rein still does when it links Debian's
/// libbox2d or is built with `REIN_BOX2D_VERSION=2.4.1`: then only the generator draws are identical and the
/// trajectories drift slowly apart from Gymnasium's (the tests bound the drift).
public final class LunarLander: Environment {
  // MARK: - Constants (Gymnasium's)

  /// Simulation frames per second: one step is 1/50 s.
  static let framesPerSecond = 50.0
  /// Pixels per metre of the original viewport.
  static let scale = 30.0
  /// Impulse scale of the main engine (N·s per metre of nozzle offset).
  static let mainEnginePower = 13.0
  /// Impulse scale of a side engine.
  static let sideEnginePower = 0.6
  /// Bound of each component of the initial force, in newtons.
  static let initialRandomForce = 1000.0
  /// Outline of the lander, in pixels.
  static let landerPolygon: [(Double, Double)] = [(-14, 17), (-17, 0), (-17, -10), (17, -10), (17, 0), (14, 17)]
  /// Horizontal offset of each leg from the body centre, in pixels.
  static let legAway = 20.0
  /// Vertical offset of each leg's anchor, in pixels.
  static let legDown = 18.0
  /// Half-width and half-height of a leg, in pixels.
  static let legHalfWidth = 2.0
  static let legHalfHeight = 8.0
  /// Maximum torque of the leg springs (the joint motors), in N·m.
  static let legSpringTorque = 40.0
  /// Height and lateral offset of the side engines on the body, in pixels.
  static let sideEngineHeight = 14.0
  static let sideEngineAway = 12.0
  /// Vertical position of the main engine below the centre, in pixels.
  static let mainEngineYLocation = 4.0
  /// Viewport, in pixels.
  static let viewportWidth = 600.0
  static let viewportHeight = 400.0
  /// Number of terrain chunks.
  static let chunks = 11

  /// Velocity and position iterations of Box2D's solver per step (Gymnasium's 6·30 and 2·30).
  static let velocityIterations: Int32 = 180
  static let positionIterations: Int32 = 60

  // MARK: - Configuration

  /// Keyword arguments of the environment, as Gymnasium's constructor.
  public struct Configuration: Sendable, Equatable {
    /// Continuous (`Box(-1, 1, (2,))`) rather than discrete (`Discrete(4)`) actions.
    public var continuous = false
    /// Gravity along y, in m/s^2; strictly between -12 and 0.
    public var gravity = -10.0
    /// Whether wind and turbulence push the lander while no leg touches the ground.
    public var enableWind = false
    /// Largest wind force, in newtons.
    public var windPower = 15.0
    /// Largest turbulence torque, in N·m.
    public var turbulencePower = 1.5

    public init(
      continuous: Bool = false, gravity: Double = -10.0, enableWind: Bool = false, windPower: Double = 15.0,
      turbulencePower: Double = 1.5
    ) {
      self.continuous = continuous
      self.gravity = gravity
      self.enableWind = enableWind
      self.windPower = windPower
      self.turbulencePower = turbulencePower
    }
  }

  public let configuration: Configuration
  public let observationSpace: Space
  public let actionSpace: Space

  /// The environment's generator (terrain, initial push, engine dispersion, wind phase).
  public var random = NumpyGenerator.fromEntropy()

  // MARK: - Simulation state

  private var world: OpaquePointer?
  private(set) var lander: OpaquePointer?
  private(set) var legs: [OpaquePointer] = []
  /// The engine bursts of the last step, kept for the flame particles of the rendered picture (never read by the
  /// simulation).
  var lastBursts = EngineBursts()
  /// The flame particles drawn by `render()` (a decoration outside the physics world).
  var flames = FlameParticles()
  private var legContact = [false, false]
  private var gameOver = false
  /// Set when an episode terminates; stepping again before `reset` throws.
  private var episodeEnded = false
  private var previousShaping: Double?
  private var windIndex = 0
  private var torqueIndex = 0
  /// The initial force of the current episode, in newtons, as drawn (before Box2D rounds it to `Float`).
  private(set) var initialPush = (x: 0.0, y: 0.0)
  /// The wind and turbulence offsets `C` drawn at the last reset (with wind enabled).
  private(set) var windOffsets = (wind: 0, torque: 0)
  /// The pad's height, in metres.
  let helipadY = viewportHeight / scale / 4

  /// The terrain of the current episode: the x of each chunk edge and the smoothed heights, in metres.
  public private(set) var terrain: (x: [Double], y: [Double]) = ([], [])

  /// Body tags for the contact callback.
  private enum Tag: UInt {
    case moon = 1
    case lander = 2
    case leftLeg = 3
    case rightLeg = 4
  }

  // MARK: - Creation

  /// Creates the environment; throws when Rein was built without Box2D or an argument is out of range.
  public init(_ configuration: Configuration = Configuration()) throws {
    try Box2DLibrary.require(for: "LunarLander")
    guard configuration.gravity > -12, configuration.gravity < 0 else {
      throw EnvironmentError.invalidArgument(
        "LunarLander's gravity must be strictly between -12 and 0 (m/s^2), got \(configuration.gravity)")
    }
    guard configuration.windPower.isFinite, configuration.turbulencePower.isFinite else {
      throw EnvironmentError.invalidArgument("LunarLander's wind_power and turbulence_power must be finite numbers")
    }
    self.configuration = configuration
    observationSpace = .box(
      BoxSpace(
        low: [-2.5, -2.5, -10, -10, -2 * Double.pi, -10, 0, 0], high: [2.5, 2.5, 10, 10, 2 * Double.pi, 10, 1, 1]))
    actionSpace = configuration.continuous ? .box(BoxSpace(low: -1, high: 1, shape: [2])) : .discrete(DiscreteSpace(4))
  }

  /// `LunarLander` or `LunarLanderContinuous`, for messages.
  public var name: String { configuration.continuous ? "LunarLanderContinuous" : "LunarLander" }

  deinit {
    if let world { cb2_world_destroy(world) }
  }

  public func close() {
    if let world { cb2_world_destroy(world) }
    world = nil
    lander = nil
    legs = []
  }

  // MARK: - Reset

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> Info
  {
    try requireObservationBuffer(observation, count: 8)
    if let seed { random = NumpyGenerator(seed: seed) }
    if let world { cb2_world_destroy(world) }
    let scale = Self.scale
    let world = cb2_world_create(0, Float(configuration.gravity))!
    self.world = world
    cb2_world_set_contact_callback(
      world,
      { context, tagA, tagB, began in
        Unmanaged<LunarLander>.fromOpaque(context!).takeUnretainedValue().contact(tagA, tagB, began: began != 0)
      }, Unmanaged.passUnretained(self).toOpaque())
    gameOver = false
    episodeEnded = false
    previousShaping = nil
    legContact = [false, false]
    lastBursts = EngineBursts()
    flames = FlameParticles()

    // Terrain: 12 random heights, flattened around the pad, smoothed over neighbours (the first chunk's left
    // neighbour is the last height, as Python's index -1).
    let width = Self.viewportWidth / scale
    let height = Self.viewportHeight / scale
    let chunks = Self.chunks
    var heights = random.uniform(low: 0, high: height / 2, count: chunks + 1)
    let chunkX = (0..<chunks).map { width / Double(chunks - 1) * Double($0) }
    for i in (chunks / 2 - 2)...(chunks / 2 + 2) { heights[i] = helipadY }
    let smoothY = (0..<chunks).map { i in
      0.33 * (heights[(i - 1 + heights.count) % heights.count] + heights[i] + heights[i + 1])
    }
    terrain = (chunkX, smoothY)

    let moon = cb2_body_create(world, CB2StaticBody, 0, 0, 0, Tag.moon.rawValue)!
    cb2_body_add_edge(moon, 0, 0, Float(width), 0, CB2FixtureOptions())
    for i in 0..<(chunks - 1) {
      cb2_body_add_edge(
        moon, Float(chunkX[i]), Float(smoothY[i]), Float(chunkX[i + 1]), Float(smoothY[i + 1]),
        CB2FixtureOptions(density: 0, friction: 0.1))
    }

    // The lander and its initial push.
    let initialX = Self.viewportWidth / scale / 2
    let initialY = Self.viewportHeight / scale
    let lander = cb2_body_create(world, CB2DynamicBody, Float(initialX), Float(initialY), 0, Tag.lander.rawValue)!
    self.lander = lander
    addPolygon(
      lander, Self.landerPolygon.map { ($0.0 / scale, $0.1 / scale) },
      CB2FixtureOptions(density: 5, friction: 0.1, restitution: 0, categoryBits: 0x0010, maskBits: 0x0001))
    let pushX = random.uniform(low: -Self.initialRandomForce, high: Self.initialRandomForce)
    let pushY = random.uniform(low: -Self.initialRandomForce, high: Self.initialRandomForce)
    cb2_body_apply_force_to_center(lander, Float(pushX), Float(pushY), 1)
    initialPush = (pushX, pushY)
    if configuration.enableWind {
      windIndex = random.integers(low: -9999, high: 9999)
      torqueIndex = random.integers(low: -9999, high: 9999)
      windOffsets = (windIndex, torqueIndex)
    }

    // The legs, on spring-loaded revolute joints.
    legs = []
    for (side, tag) in [(-1.0, Tag.leftLeg), (1.0, Tag.rightLeg)] {
      let leg = cb2_body_create(
        world, CB2DynamicBody, Float(initialX - side * Self.legAway / scale), Float(initialY), Float(side * 0.05),
        tag.rawValue)!
      cb2_body_add_box(
        leg, Float(Self.legHalfWidth / scale), Float(Self.legHalfHeight / scale),
        CB2FixtureOptions(density: 1, restitution: 0, categoryBits: 0x0020, maskBits: 0x0001))
      let (lower, upper) = side < 0 ? (0.9 - 0.5, 0.9) : (-0.9, -0.9 + 0.5)
      _ = cb2_revolute_joint_create(
        world, lander, leg,
        CB2RevoluteJointOptions(
          localAnchorAX: 0, localAnchorAY: 0, localAnchorBX: Float(side * Self.legAway / scale),
          localAnchorBY: Float(Self.legDown / scale), enableLimit: 1, lowerAngle: Float(lower),
          upperAngle: Float(upper), enableMotor: 1, motorSpeed: Float(0.3 * side),
          maxMotorTorque: Float(Self.legSpringTorque)))
      legs.append(leg)
    }

    _ = try simulate(main: 0, lateral: 0, discrete: 0, into: observation)
    return [:]
  }

  private func contact(_ tagA: UInt, _ tagB: UInt, began: Bool) {
    if began, tagA == Tag.lander.rawValue || tagB == Tag.lander.rawValue { gameOver = true }
    if tagA == Tag.leftLeg.rawValue || tagB == Tag.leftLeg.rawValue { legContact[0] = began }
    if tagA == Tag.rightLeg.rawValue || tagB == Tag.rightLeg.rawValue { legContact[1] = began }
  }

  // MARK: - Step

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> StepOutcome
  {
    guard lander != nil else { throw EnvironmentError.stepBeforeReset(name) }
    guard !episodeEnded else { throw EnvironmentError.stepAfterEpisodeEnd(name) }
    try requireObservationBuffer(observation, count: 8)
    if configuration.continuous {
      try requireFiniteAction(action, count: 2, environment: name)
      return try simulate(
        main: min(max(action[0], -1), 1), lateral: min(max(action[1], -1), 1), discrete: 0, into: observation)
    }
    guard action.count == 1, let value = Int(exactly: action[0]), (0..<4).contains(value) else {
      throw EnvironmentError.invalidAction(
        "LunarLander takes one discrete action in 0...3 (0 noop, 1 left, 2 main, 3 right), got \(Array(action))")
    }
    return try simulate(main: 0, lateral: 0, discrete: value, into: observation)
  }

  /// One frame: wind, engines, physics, observation and reward. `main`/`lateral` are used when continuous,
  /// `discrete` otherwise.
  private func simulate(
    main: Double, lateral: Double, discrete: Int, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    guard let world, let lander else { throw EnvironmentError.stepBeforeReset(name) }
    let scale = Self.scale
    let continuous = configuration.continuous

    if configuration.enableWind, !(legContact[0] || legContact[1]) {
      let wind =
        tanh(sin(0.02 * Double(windIndex)) + sin(Double.pi * 0.01 * Double(windIndex))) * configuration.windPower
      windIndex += 1
      cb2_body_apply_force_to_center(lander, Float(wind), 0, 1)
      let torque =
        tanh(sin(0.02 * Double(torqueIndex)) + sin(Double.pi * 0.01 * Double(torqueIndex)))
        * configuration.turbulencePower
      torqueIndex += 1
      cb2_body_apply_torque(lander, Float(torque), 1)
    }

    // Engines: impulses at nozzles that wander by a random dispersion.
    var body = cb2_body_state(lander)
    let angle = Double(body.angle)
    let tip = (sin(angle), cos(angle))
    let side = (-tip.1, tip.0)
    let dispersion0 = random.uniform(low: -1, high: 1) / scale
    let dispersion1 = random.uniform(low: -1, high: 1) / scale
    let position = (Double(body.x), Double(body.y))

    var mainPower = 0.0
    lastBursts = EngineBursts()
    if continuous ? main > 0 : discrete == 2 {
      mainPower = continuous ? (min(max(main, 0), 1) + 1) * 0.5 : 1
      let offset = Self.mainEngineYLocation / scale + 2 * dispersion0
      let ox = tip.0 * offset + side.0 * dispersion1
      let oy = -tip.1 * offset - side.1 * dispersion1
      cb2_body_apply_linear_impulse(
        lander, Float(-ox * Self.mainEnginePower * mainPower), Float(-oy * Self.mainEnginePower * mainPower),
        Float(position.0 + ox), Float(position.1 + oy), 1)
      lastBursts.main = EngineBurst(
        x: position.0 + ox, y: position.1 + oy, impulseX: ox * Self.mainEnginePower * mainPower,
        impulseY: oy * Self.mainEnginePower * mainPower, power: mainPower)
    }

    var sidePower = 0.0
    if continuous ? abs(lateral) > 0.5 : (discrete == 1 || discrete == 3) {
      let direction: Double
      if continuous {
        direction = lateral > 0 ? 1 : -1
        sidePower = min(max(abs(lateral), 0.5), 1)
      } else {
        direction = Double(discrete - 2)
        sidePower = 1
      }
      let lever = 3 * dispersion1 + direction * Self.sideEngineAway / scale
      let ox = tip.0 * dispersion0 + side.0 * lever
      let oy = -tip.1 * dispersion0 - side.1 * lever
      // Gymnasium puts the nozzle 17 px out along the tip in x but 14 px (SIDE_ENGINE_HEIGHT) in y; kept as is.
      cb2_body_apply_linear_impulse(
        lander, Float(-ox * Self.sideEnginePower * sidePower), Float(-oy * Self.sideEnginePower * sidePower),
        Float(position.0 + ox - tip.0 * 17 / scale), Float(position.1 + oy + tip.1 * Self.sideEngineHeight / scale), 1)
      let nozzleX: Double = position.0 + ox - tip.0 * 17 / scale
      let nozzleY: Double = position.1 + oy + tip.1 * Self.sideEngineHeight / scale
      let impulse: Double = Self.sideEnginePower * sidePower
      lastBursts.side = EngineBurst(
        x: nozzleX, y: nozzleY, impulseX: ox * impulse, impulseY: oy * impulse, power: sidePower)
    }

    cb2_world_step(world, Float(1.0 / Self.framesPerSecond), Self.velocityIterations, Self.positionIterations)

    // Observation, computed in double from Box2D's floats as Gymnasium, then rounded to float32.
    body = cb2_body_state(lander)
    let halfWidth = Self.viewportWidth / scale / 2
    let halfHeight = Self.viewportHeight / scale / 2
    let state: (Double, Double, Double, Double, Double, Double, Double, Double) = (
      (Double(body.x) - halfWidth) / halfWidth,
      (Double(body.y) - (helipadY + Self.legDown / scale)) / halfHeight,
      Double(body.vx) * halfWidth / Self.framesPerSecond,
      Double(body.vy) * halfHeight / Self.framesPerSecond,
      Double(body.angle),
      20.0 * Double(body.angularVelocity) / Self.framesPerSecond,
      legContact[0] ? 1 : 0,
      legContact[1] ? 1 : 0
    )
    observation[0] = Double(Float(state.0))
    observation[1] = Double(Float(state.1))
    observation[2] = Double(Float(state.2))
    observation[3] = Double(Float(state.3))
    observation[4] = Double(Float(state.4))
    observation[5] = Double(Float(state.5))
    observation[6] = state.6
    observation[7] = state.7

    // Reward: the change of the shaping potential, minus fuel.
    let shaping =
      -100 * (state.0 * state.0 + state.1 * state.1).squareRoot()
      - 100 * (state.2 * state.2 + state.3 * state.3).squareRoot()
      - 100 * abs(state.4) + 10 * state.6 + 10 * state.7
    var reward = 0.0
    if let previousShaping { reward = shaping - previousShaping }
    previousShaping = shaping
    reward -= mainPower * 0.30
    reward -= sidePower * 0.03

    var terminated = false
    if gameOver || abs(state.0) >= 1.0 {
      terminated = true
      reward = -100
    }
    if cb2_body_awake(lander) == 0 {
      terminated = true
      reward = 100
    }
    episodeEnded = terminated
    return StepOutcome(reward: reward, terminated: terminated)
  }
}
