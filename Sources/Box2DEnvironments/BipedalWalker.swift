import CBox2D
import Foundation
import Gym

/// Walk a four-joint robot to the end of a rough terrain: Gymnasium's `BipedalWalker-v3` and, with
/// `hardcore: true`, `BipedalWalkerHardcore-v3` (stumps, pitfalls and stairs).
///
/// The terrain (and the clouds Gymnasium draws for rendering, whose draws Rein makes too so that the generator
/// stays in step) and the initial push come from the numpy-compatible generator in Gymnasium's order, so a seed
/// gives Gymnasium's terrain to the last bit.
///
/// ## Action space
/// `Box(-1, 1, (4,), float32)`: the motor command of the hips and knees, `[hip 1, knee 1, hip 2, knee 2]`. The
/// sign of each value sets the motor's direction (at 4 rad/s for hips, 6 rad/s for knees) and its magnitude,
/// clipped to 1, the fraction of the 80 N·m maximum torque.
///
/// ## Observation space
/// `Box(float32)` of 24 values: hull angle, hull angular velocity (·2/50), horizontal and vertical velocity
/// (scaled to about ±1), for each leg the hip angle and speed (/4), the knee angle (+1) and speed (/6) and a 0/1
/// ground contact flag of the lower leg, then 10 lidar readings: the fraction (0 to 1) of a 160 px ray, fanned
/// from straight down to 1.35 rad forward, at which it first meets the terrain (1 when it meets nothing).
/// There are no coordinates in the observation. Bounds: ±π for angles, ±5 for speeds, [0, 5] for contacts (as
/// Gymnasium), ±1 for the lidar. Values are rounded through `Float` as Gymnasium's `np.float32` observation.
///
/// ## Reward
/// The change per step of the shaping `130·x/30 - 5·|hull angle|` (x in metres: moving forward pays, about 300
/// points over the whole terrain; keeping the hull level is rewarded), minus `0.00035·80·min(|a|, 1)` per joint
/// for the torque used. Falling (the hull touches the ground) or walking off the left edge gives -100.
/// A mean return of 300 over 100 episodes counts as solved.
///
/// ## Starting state
/// The walker stands at the left end of the terrain with the hull level and both legs slightly bent; the hull
/// receives a random horizontal force uniform in ±5 N. `reset` takes one step with zero torque, as Gymnasium does.
///
/// ## Episode end
/// Terminates when the hull touches the ground, when the walker leaves the left edge, or when it passes the far
/// end of the terrain. `BipedalWalker-v3` truncates at 1600 steps and `BipedalWalkerHardcore-v3` at 2000.
/// Stepping after termination throws ``EnvironmentError/stepAfterEpisodeEnd(_:)``.
///
/// ## Arguments
/// `hardcore` (false): obstacles (stumps, pits, stairs) between stretches of grass.
///
/// ## Version
/// v3, as Gymnasium 1.x (the lidar reports the closest hit). With Rein's default Box2D (2.3, from pybox2d's C++
/// sources, see `scripts/setup-box2d.sh`) every observation and flag equals Gymnasium 1.4.0's to the bit for the same
/// seed and actions, and so does the reward for actions given as float64 (Rein's actions are doubles; with a float32
/// action array numpy 2 rounds Gymnasium's torque cost, and so its reward, to float32). Earlier Rein versions ran
/// Box2D 2.4.1, as Rein still does with Debian's libbox2d: then only the generator draws are identical and the
/// trajectories drift apart (the knees' limit solver differs).
public final class BipedalWalker: Environment {
  // MARK: - Constants (Gymnasium's)

  static let framesPerSecond = 50.0
  /// Pixels per metre.
  static let scale = 30.0
  /// Maximum motor torque, in N·m.
  static let motorsTorque = 80.0
  /// Motor speeds of the hips and knees, in rad/s.
  static let speedHip = 4.0
  static let speedKnee = 6.0
  /// Length of a lidar ray, in metres.
  static let lidarRange = 160 / scale
  /// Bound of the initial horizontal force, in newtons.
  static let initialRandomForce = 5.0
  /// Outline of the hull, in pixels.
  static let hullPolygon: [(Double, Double)] = [(-30, 9), (6, 9), (34, 1), (34, -8), (-30, -8)]
  /// Vertical offset of the hips below the hull centre, in metres.
  static let legDown = -8 / scale
  /// Width and length of an upper leg, in metres (the lower leg is 0.8 times as wide).
  static let legWidth = 8 / scale
  static let legHeight = 34 / scale
  static let viewportWidth = 600.0
  static let viewportHeight = 400.0
  /// Horizontal length of one terrain step, in metres.
  static let terrainStep = 14 / scale
  /// Terrain length, in steps.
  static let terrainLength = 200
  /// Mean terrain height, in metres.
  static let terrainHeight = viewportHeight / scale / 4
  /// Length of a stretch of grass, in steps (drawn in [5, 10)).
  static let terrainGrass = 10
  /// Length of the flat start, in steps.
  static let terrainStartPad = 20
  /// Friction of the ground.
  static let friction = 2.5

  static let velocityIterations: Int32 = 180
  static let positionIterations: Int32 = 60

  // MARK: - State

  /// True for the hardcore terrain (stumps, pits, stairs).
  public let hardcore: Bool
  public let observationSpace: Space
  public let actionSpace: Space

  /// The environment's generator (terrain, clouds, initial push).
  public var random = NumpyGenerator.fromEntropy()

  private var world: OpaquePointer?
  private(set) var hull: OpaquePointer?
  private var joints: [OpaquePointer] = []
  /// What `render()` draws besides the terrain line (never read by the simulation): the limbs in Gymnasium's
  /// drawing order, the obstacle blocks, the clouds, and the lidar's hit fractions of the last step.
  private(set) var limbs: [OpaquePointer] = []
  private(set) var obstacles: [[(Double, Double)]] = []
  private(set) var clouds: [[(Double, Double)]] = []
  private(set) var lidarFractions = [Double](repeating: 1, count: 10)
  /// Which lidar ray the next rendered picture shows (Gymnasium's `lidar_render`, advanced by each render).
  var lidarRenderIndex = 0
  private var lowerLegContact = [false, false]
  private var gameOver = false
  /// Set when an episode terminates; stepping again before `reset` throws.
  private var episodeEnded = false
  private var previousShaping: Double?

  /// The terrain of the current episode: x and height of each of the 200 terrain points, in metres.
  public private(set) var terrain: (x: [Double], y: [Double]) = ([], [])
  /// The initial horizontal force of the current episode, in newtons, as drawn.
  private(set) var initialPush = 0.0

  private enum Tag: UInt {
    case terrain = 1
    case hull = 2
    case upperLeg = 3
    case firstLowerLeg = 4
    case secondLowerLeg = 5
  }

  // MARK: - Creation

  /// Creates the environment; throws when Rein was built without Box2D.
  public init(hardcore: Bool = false) throws {
    try Box2DLibrary.require(for: hardcore ? "BipedalWalkerHardcore" : "BipedalWalker")
    self.hardcore = hardcore
    let pi = Double.pi
    let low: [Double] =
      [-pi, -5, -5, -5, -pi, -5, -pi, -5, 0, -pi, -5, -pi, -5, 0] + [Double](repeating: -1, count: 10)
    let high: [Double] = [pi, 5, 5, 5, pi, 5, pi, 5, 5, pi, 5, pi, 5, 5] + [Double](repeating: 1, count: 10)
    observationSpace = .box(BoxSpace(low: low, high: high))
    actionSpace = .box(BoxSpace(low: -1, high: 1, shape: [4]))
  }

  deinit {
    if let world { cb2_world_destroy(world) }
  }

  public func close() {
    if let world { cb2_world_destroy(world) }
    world = nil
    hull = nil
    joints = []
  }

  /// `BipedalWalker` or `BipedalWalkerHardcore`, for messages.
  public var name: String { hardcore ? "BipedalWalkerHardcore" : "BipedalWalker" }

  // MARK: - Reset

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> Info
  {
    try requireObservationBuffer(observation, count: 24)
    if let seed { random = NumpyGenerator(seed: seed) }
    if let world { cb2_world_destroy(world) }
    let world = cb2_world_create(0, -10)!
    self.world = world
    cb2_world_set_contact_callback(
      world,
      { context, tagA, tagB, began in
        Unmanaged<BipedalWalker>.fromOpaque(context!).takeUnretainedValue().contact(tagA, tagB, began: began != 0)
      }, Unmanaged.passUnretained(self).toOpaque())
    gameOver = false
    episodeEnded = false
    previousShaping = nil
    lowerLegContact = [false, false]

    obstacles = []
    limbs = []
    lidarRenderIndex = 0
    generateTerrain(in: world)
    drawClouds()

    let initialX = Self.terrainStep * Double(Self.terrainStartPad) / 2
    let initialY = Self.terrainHeight + 2 * Self.legHeight
    let hull = cb2_body_create(world, CB2DynamicBody, Float(initialX), Float(initialY), 0, Tag.hull.rawValue)!
    self.hull = hull
    addPolygon(
      hull, Self.hullPolygon.map { ($0.0 / Self.scale, $0.1 / Self.scale) },
      CB2FixtureOptions(density: 5, friction: 0.1, restitution: 0, categoryBits: 0x0020, maskBits: 0x0001))
    initialPush = random.uniform(low: -Self.initialRandomForce, high: Self.initialRandomForce)
    cb2_body_apply_force_to_center(hull, Float(initialPush), 0, 1)

    joints = []
    let limbOptions = CB2FixtureOptions(density: 1, restitution: 0, categoryBits: 0x0020, maskBits: 0x0001)
    for (side, lowerTag) in [(-1.0, Tag.firstLowerLeg), (1.0, Tag.secondLowerLeg)] {
      let leg = cb2_body_create(
        world, CB2DynamicBody, Float(initialX), Float(initialY - Self.legHeight / 2 - Self.legDown),
        Float(side * 0.05), Tag.upperLeg.rawValue)!
      cb2_body_add_box(leg, Float(Self.legWidth / 2), Float(Self.legHeight / 2), limbOptions)
      limbs.append(leg)
      joints.append(
        cb2_revolute_joint_create(
          world, hull, leg,
          CB2RevoluteJointOptions(
            localAnchorAX: 0, localAnchorAY: Float(Self.legDown), localAnchorBX: 0,
            localAnchorBY: Float(Self.legHeight / 2), enableLimit: 1, lowerAngle: -0.8, upperAngle: 1.1,
            enableMotor: 1, motorSpeed: Float(side), maxMotorTorque: Float(Self.motorsTorque)))!)
      let lower = cb2_body_create(
        world, CB2DynamicBody, Float(initialX), Float(initialY - Self.legHeight * 3 / 2 - Self.legDown),
        Float(side * 0.05), lowerTag.rawValue)!
      cb2_body_add_box(lower, Float(0.8 * Self.legWidth / 2), Float(Self.legHeight / 2), limbOptions)
      limbs.append(lower)
      joints.append(
        cb2_revolute_joint_create(
          world, leg, lower,
          CB2RevoluteJointOptions(
            localAnchorAX: 0, localAnchorAY: Float(-Self.legHeight / 2), localAnchorBX: 0,
            localAnchorBY: Float(Self.legHeight / 2), enableLimit: 1, lowerAngle: -1.6, upperAngle: -0.1,
            enableMotor: 1, motorSpeed: 1, maxMotorTorque: Float(Self.motorsTorque)))!)
    }

    _ = simulate((0, 0, 0, 0), into: observation)
    return [:]
  }

  private func contact(_ tagA: UInt, _ tagB: UInt, began: Bool) {
    if began, tagA == Tag.hull.rawValue || tagB == Tag.hull.rawValue { gameOver = true }
    if tagA == Tag.firstLowerLeg.rawValue || tagB == Tag.firstLowerLeg.rawValue { lowerLegContact[0] = began }
    if tagA == Tag.secondLowerLeg.rawValue || tagB == Tag.secondLowerLeg.rawValue { lowerLegContact[1] = began }
  }

  // MARK: - Terrain

  private enum TerrainState: Int {
    case grass = 0
    case stump = 1
    case stairs = 2
    case pit = 3
  }

  /// Generates the terrain as Gymnasium does, drawing from the generator in the same order: grass with a
  /// random slope, and in hardcore mode an obstacle (stump, stairs or pit) after each stretch of grass.
  private func generateTerrain(in world: OpaquePointer) {
    let step = Self.terrainStep
    let ground = cb2_body_create(world, CB2StaticBody, 0, 0, 0, Tag.terrain.rawValue)!
    let groundOptions = CB2FixtureOptions(friction: Self.friction)
    func addBlock(_ vertices: [(Double, Double)]) {
      addPolygon(ground, vertices, groundOptions)
      obstacles.append(vertices)
    }

    var state = TerrainState.grass
    var velocity = 0.0
    var y = Self.terrainHeight
    var counter = Self.terrainStartPad
    var oneshot = false
    var stairSteps = 0
    var stairWidth = 0
    var stairHeight = 0
    var originalY = 0.0
    var xs: [Double] = []
    var ys: [Double] = []
    xs.reserveCapacity(Self.terrainLength)
    ys.reserveCapacity(Self.terrainLength)

    for i in 0..<Self.terrainLength {
      let x = Double(i) * step
      xs.append(x)
      switch (state, oneshot) {
      case (.grass, false):
        let toward = Self.terrainHeight - y
        velocity = 0.8 * velocity + 0.01 * (toward > 0 ? 1 : toward < 0 ? -1 : 0)
        if i > Self.terrainStartPad { velocity += random.uniform(low: -1, high: 1) / Self.scale }
        y += velocity
      case (.pit, true):
        counter = random.integers(low: 3, high: 5)
        let pit = [(x, y), (x + step, y), (x + step, y - 4 * step), (x, y - 4 * step)]
        addBlock(pit)
        addBlock(pit.map { ($0.0 + step * Double(counter), $0.1) })
        counter += 2
        originalY = y
      case (.pit, false):
        y = originalY
        if counter > 1 { y -= 4 * step }
      case (.stump, true):
        counter = random.integers(low: 1, high: 3)
        let size = Double(counter) * step
        addBlock([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])
      case (.stairs, true):
        stairHeight = random.random() > 0.5 ? 1 : -1
        stairWidth = random.integers(low: 4, high: 5)
        stairSteps = random.integers(low: 3, high: 5)
        originalY = y
        for s in 0..<stairSteps {
          let left = x + Double(s * stairWidth) * step
          let right = x + Double((1 + s) * stairWidth) * step
          let top = y + Double(s * stairHeight) * step
          let bottom = y + Double(-1 + s * stairHeight) * step
          addBlock([(left, top), (right, top), (right, bottom), (left, bottom)])
        }
        counter = stairSteps * stairWidth
      case (.stairs, false):
        let s = stairSteps * stairWidth - counter - stairHeight
        let n = Double(s) / Double(stairWidth)
        y = originalY + (n * Double(stairHeight)) * step
      default:
        break
      }
      oneshot = false
      ys.append(y)
      counter -= 1
      if counter == 0 {
        counter = random.integers(low: Self.terrainGrass / 2, high: Self.terrainGrass)
        if state == .grass, hardcore {
          state = TerrainState(rawValue: random.integers(low: 1, high: 4))!
        } else {
          state = .grass
        }
        oneshot = true
      }
    }
    for i in 0..<(Self.terrainLength - 1) {
      cb2_body_add_edge(ground, Float(xs[i]), Float(ys[i]), Float(xs[i + 1]), Float(ys[i + 1]), groundOptions)
    }
    terrain = (xs, ys)
  }

  /// Draws Gymnasium's decorative clouds (10 clouds of 5 points) from the generator, in its order; only the
  /// rendered picture shows them, but the draws keep the generator's stream as in Gymnasium.
  private func drawClouds() {
    clouds = []
    let step = Self.terrainStep
    for _ in 0..<(Self.terrainLength / 20) {
      let x = random.uniform(low: 0, high: Double(Self.terrainLength)) * step
      let y = Self.viewportHeight / Self.scale * 3 / 4
      var cloud: [(Double, Double)] = []
      for a in 0..<5 {
        let angle = 3.14 * 2 * Double(a) / 5
        let px = x + 15 * step * sin(angle) + random.uniform(low: 0, high: 5 * step)
        let py = y + 5 * step * cos(angle) + random.uniform(low: 0, high: 5 * step)
        cloud.append((px, py))
      }
      clouds.append(cloud)
    }
  }

  // MARK: - Step

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> StepOutcome
  {
    guard hull != nil else { throw EnvironmentError.stepBeforeReset(name) }
    guard !episodeEnded else { throw EnvironmentError.stepAfterEpisodeEnd(name) }
    try requireObservationBuffer(observation, count: 24)
    try requireFiniteAction(action, count: 4, environment: name)
    return simulate((action[0], action[1], action[2], action[3]), into: observation)
  }

  private func simulate(
    _ action: (Double, Double, Double, Double), into observation: UnsafeMutableBufferPointer<Double>
  )
    -> StepOutcome
  {
    let world = world!
    let hull = hull!
    let commands = [action.0, action.1, action.2, action.3]
    for (k, command) in commands.enumerated() {
      let speed = k % 2 == 0 ? Self.speedHip : Self.speedKnee
      let direction: Double = command > 0 ? 1 : command < 0 ? -1 : 0
      cb2_revolute_joint_set_motor_speed(joints[k], Float(speed * direction))
      cb2_revolute_joint_set_max_motor_torque(joints[k], Float(Self.motorsTorque * min(abs(command), 1)))
    }

    cb2_world_step(world, Float(1.0 / Self.framesPerSecond), Self.velocityIterations, Self.positionIterations)

    let body = cb2_body_state(hull)
    let x = Double(body.x)
    let y = Double(body.y)
    var state = [Double](repeating: 0, count: 24)
    state[0] = Double(body.angle)
    state[1] = 2.0 * Double(body.angularVelocity) / Self.framesPerSecond
    state[2] = 0.3 * Double(body.vx) * (Self.viewportWidth / Self.scale) / Self.framesPerSecond
    state[3] = 0.3 * Double(body.vy) * (Self.viewportHeight / Self.scale) / Self.framesPerSecond
    for leg in 0..<2 {
      let hip = joints[2 * leg]
      let knee = joints[2 * leg + 1]
      state[4 + 5 * leg] = Double(cb2_revolute_joint_angle(hip))
      state[5 + 5 * leg] = Double(cb2_revolute_joint_speed(hip)) / Self.speedHip
      state[6 + 5 * leg] = Double(cb2_revolute_joint_angle(knee)) + 1.0
      state[7 + 5 * leg] = Double(cb2_revolute_joint_speed(knee)) / Self.speedKnee
      state[8 + 5 * leg] = lowerLegContact[leg] ? 1 : 0
    }
    for i in 0..<10 {
      let angle = 1.5 * Double(i) / 10.0
      let endX = x + sin(angle) * Self.lidarRange
      let endY = y - cos(angle) * Self.lidarRange
      state[14 + i] = Double(cb2_world_ray_cast_closest(world, body.x, body.y, Float(endX), Float(endY), 0x0001))
      lidarFractions[i] = state[14 + i]
    }
    for i in 0..<24 { observation[i] = Double(Float(state[i])) }

    var shaping = 130 * x / Self.scale
    shaping -= 5.0 * abs(state[0])
    var reward = 0.0
    if let previousShaping { reward = shaping - previousShaping }
    previousShaping = shaping
    for command in commands { reward -= 0.00035 * Self.motorsTorque * min(abs(command), 1) }

    var terminated = false
    if gameOver || x < 0 {
      reward = -100
      terminated = true
    }
    if x > Double(Self.terrainLength - Self.terrainGrass) * Self.terrainStep { terminated = true }
    episodeEnded = terminated
    return StepOutcome(reward: reward, terminated: terminated)
  }
}
