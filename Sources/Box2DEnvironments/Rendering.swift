import CBox2D
import Foundation
import Graphics
import Gym

// MARK: - Rendering the Box2D environments
//
// The pictures follow Gymnasium's pygame renderers: 600x400 pixels, 30 px per metre, the same shapes, colours and
// drawing order, drawn from the bodies' current transforms. Rendering reads the world and never changes it: the
// flame particles of LunarLander, which Gymnasium makes Box2D bodies (that touch only the ground), are a
// decoration outside the physics world here, so a rendered episode is the same as an unrendered one.

extension Frame {
  /// The canvas's pixels as a frame (alpha dropped).
  init(_ canvas: Canvas) {
    // The sizes match by construction, so this cannot throw.
    try! self.init(width: canvas.width, height: canvas.height, pixels: canvas.rgbBytes())
  }
}

extension Color {
  init(_ red: Int, _ green: Int, _ blue: Int) {
    func byte(_ value: Int) -> UInt8 { UInt8(min(max(value, 0), 255)) }
    self.init(red: byte(red), green: byte(green), blue: byte(blue))
  }
}

/// The corners of a body's local polygon (metres) in the world, as pixels from the bottom-left corner.
private func transformed(_ local: [(Double, Double)], by body: CB2BodyState, scale: Double) -> [Point] {
  let angle = Double(body.angle)
  let (s, c) = (sin(angle), cos(angle))
  return local.map { (x, y) in
    Point((Double(body.x) + x * c - y * s) * scale, (Double(body.y) + x * s + y * c) * scale)
  }
}

/// The corners of a box of half-widths (`halfWidth`, `halfHeight`) centred on the body origin, in Box2D's order.
private func boxCorners(halfWidth: Double, halfHeight: Double) -> [(Double, Double)] {
  [(-halfWidth, -halfHeight), (halfWidth, -halfHeight), (halfWidth, halfHeight), (-halfWidth, halfHeight)]
}

/// Fills a polygon with `fill` and outlines it with a one-pixel line of `outline`, as pygame's
/// `draw.polygon` + `aapolygon` + `aalines` do.
private func drawBody(_ canvas: inout Canvas, _ points: [Point], fill: Color, outline: Color) {
  canvas.fillPolygon(points, color: fill)
  canvas.drawPolyline(points, color: outline, width: 1, closed: true)
}

// MARK: - LunarLander

/// One firing of an engine during a step: where the impulse was applied (m), its size (N s) and the throttle.
struct EngineBurst {
  var x, y, impulseX, impulseY, power: Double
}

/// The bursts of the main and side engines during the last step (nil when an engine was off).
struct EngineBursts {
  var main: EngineBurst?
  var side: EngineBurst?
}

/// LunarLander's flame particles: small discs thrown out by each engine burst that fall, bounce off the ground and
/// fade, as Gymnasium's (which are Box2D bodies colliding with the ground only); kept outside the physics world.
struct FlameParticles {
  struct Particle {
    var x, y, vx, vy, ttl: Double
  }

  /// Radius of a particle (m), as Gymnasium's.
  static let radius = 2 / 30.0
  private(set) var particles: [Particle] = []

  /// Throws out the particles of `bursts` (they move for one step, as Gymnasium's bodies are created before the
  /// world steps), moves the older ones by one step, and fades all of them by one picture.
  mutating func advance(
    bursts: EngineBursts, gravity: Double, timeStep: Double, ground: (Double) -> Double
  ) {
    let area = Double.pi * Self.radius * Self.radius
    for (burst, density) in [(bursts.main, 3.5), (bursts.side, 0.7)] {
      guard let burst else { continue }
      let mass = density * area
      particles.append(
        Particle(x: burst.x, y: burst.y, vx: burst.impulseX / mass, vy: burst.impulseY / mass, ttl: burst.power))
    }
    for index in particles.indices {
      var p = particles[index]
      p.vy += gravity * timeStep
      p.x += p.vx * timeStep
      p.y += p.vy * timeStep
      let floor = ground(p.x) + Self.radius
      if p.y < floor {
        p.y = floor
        p.vy = -p.vy * 0.3  // restitution 0.3
        p.vx *= 0.9
      }
      p.ttl -= 0.15
      particles[index] = p
    }
    particles.removeAll { $0.ttl < 0 }
  }
}

extension LunarLander {
  /// Picture width and height (px), Gymnasium's `VIEWPORT_W` and `VIEWPORT_H`.
  public static let pictureSize = (width: 600, height: 400)

  /// The rate of Gymnasium's `render_fps` (one frame per 0.02 s step).
  public var renderFramesPerSecond: Double? { Self.framesPerSecond }

  /// The height of the ground (m) at `x` (m): the terrain polyline.
  private func groundHeight(_ x: Double) -> Double {
    let (xs, ys) = terrain
    guard let first = xs.first, let last = xs.last, x > first else { return ys.first ?? 0 }
    guard x < last else { return ys.last ?? 0 }
    let index = min(Int(x / (xs[1] - xs[0])), xs.count - 2)
    let t = (x - xs[index]) / (xs[index + 1] - xs[index])
    return ys[index] + t * (ys[index + 1] - ys[index])
  }

  /// Draws the current state (600x400): black sky over the white moon, the pad's two flags, the lander and its
  /// legs, and the flames of the engines fired in the last step.
  public func render() throws -> Frame {
    guard let lander else { throw RenderError.renderBeforeReset(environment: name) }
    let scale = Self.scale
    let (width, height) = Self.pictureSize
    var canvas = Canvas(width: width, height: height, background: .black)
    let view = Viewport.bottomUp(canvasHeight: height)

    flames.advance(bursts: lastBursts, gravity: configuration.gravity, timeStep: 1 / Self.framesPerSecond) {
      self.groundHeight($0)
    }
    lastBursts = EngineBursts()

    // Black sky over the white moon: Gymnasium fills the sky above each terrain chunk; filling the smaller moon
    // below the terrain (reaching 1 m past the sides, so that no anti-aliased seam shows there) on a black
    // background gives the same picture in half the time.
    let (xs, ys) = terrain
    if let firstX = xs.first, let lastX = xs.last, let firstY = ys.first, let lastY = ys.last {
      let moon =
        [Point(firstX - 1, firstY)] + zip(xs, ys).map { Point($0, $1) }
        + [Point(lastX + 1, lastY), Point(lastX + 1, -1), Point(firstX - 1, -1)]
      canvas.fillPolygon(moon.map { view.pixel(Point($0.x * scale, $0.y * scale)) }, color: .white)
    }

    for particle in flames.particles {
      let color = Color(
        Int(max(0.2, 0.15 + particle.ttl) * 255), Int(max(0.2, 0.5 * particle.ttl) * 255),
        Int(max(0.2, 0.5 * particle.ttl) * 255))
      canvas.fillCircle(
        center: view.pixel(Point(particle.x * scale, particle.y * scale)), radius: FlameParticles.radius * scale,
        color: color)
    }

    let fill = Color(128, 102, 230)
    let outline = Color(77, 77, 128)
    let hull = Self.landerPolygon.map { ($0.0 / scale, $0.1 / scale) }
    drawBody(
      &canvas, transformed(hull, by: cb2_body_state(lander), scale: scale).map(view.pixel), fill: fill,
      outline: outline)
    let legBox = boxCorners(halfWidth: Self.legHalfWidth / scale, halfHeight: Self.legHalfHeight / scale)
    for leg in legs {
      drawBody(
        &canvas, transformed(legBox, by: cb2_body_state(leg), scale: scale).map(view.pixel), fill: fill,
        outline: outline)
    }

    // The landing pad's flags.
    if xs.count == Self.chunks {
      for padX in [xs[Self.chunks / 2 - 1], xs[Self.chunks / 2 + 1]] {
        let x = padX * scale
        let flagY1 = helipadY * scale
        let flagY2 = flagY1 + 50
        canvas.drawLine(from: view.pixel(Point(x, flagY1)), to: view.pixel(Point(x, flagY2)), color: .white)
        canvas.fillPolygon(
          [Point(x, flagY2), Point(x, flagY2 - 10), Point(x + 25, flagY2 - 5)].map(view.pixel),
          color: Color(204, 204, 0))
      }
    }
    return Frame(canvas)
  }
}

// MARK: - BipedalWalker

extension BipedalWalker {
  /// Picture width and height (px), Gymnasium's `VIEWPORT_W` and `VIEWPORT_H`.
  public static let pictureSize = (width: 600, height: 400)

  /// The rate of Gymnasium's `render_fps` (one frame per 0.02 s step).
  public var renderFramesPerSecond: Double? { Self.framesPerSecond }

  /// Draws the current state (600x400), the camera following the hull as in Gymnasium: sky, clouds drifting at
  /// half speed, the grass and its edge, obstacles, one lidar ray (a different one each picture), the legs and the
  /// hull, and the start flag.
  public func render() throws -> Frame {
    guard let hull, limbs.count == 4 else { throw RenderError.renderBeforeReset(environment: name) }
    let scale = Self.scale
    let (width, height) = Self.pictureSize
    let hullState = cb2_body_state(hull)
    let scroll = Double(hullState.x) - Self.viewportWidth / scale / 5
    // Gymnasium draws on a surface `scroll * SCALE` px wider and keeps its right-most 600 columns.
    let shift = Double(Int(Self.viewportWidth + max(0, scroll) * scale)) - Self.viewportWidth
    var canvas = Canvas(width: width, height: height, background: Color(215, 215, 255))
    let base = Viewport.bottomUp(canvasHeight: height)
    func pixel(_ p: Point) -> Point { base.pixel(Point(p.x - shift, p.y)) }
    func world(_ x: Double, _ y: Double) -> Point { pixel(Point(x * scale, y * scale)) }

    for cloud in clouds {
      let x1 = cloud.map(\.0).min() ?? 0
      let x2 = cloud.map(\.0).max() ?? 0
      if x2 < scroll / 2 || x1 > scroll / 2 + Self.viewportWidth / scale { continue }
      canvas.fillPolygon(cloud.map { pixel(Point($0.0 * scale + scroll * scale / 2, $0.1 * scale)) }, color: .white)
    }

    let (xs, ys) = terrain
    let visible = { (left: Double, right: Double) in right >= scroll && left <= scroll + Self.viewportWidth / scale }
    // The visible stretch of ground as one polygon (Gymnasium draws one per terrain step; adjacent anti-aliased
    // polygons would leave faint seams).
    let shown = (0..<max(xs.count - 1, 0)).filter { visible(xs[$0], xs[$0 + 1]) }
    if let first = shown.first, let last = shown.last {
      let ground = (first...(last + 1)).map { world(xs[$0], ys[$0]) } + [world(xs[last + 1], 0), world(xs[first], 0)]
      canvas.fillPolygon(ground, color: Color(102, 153, 76))
    }

    // One lidar ray per picture, cycling through the ten and back, then a pause, as Gymnasium's `lidar_render`.
    lidarRenderIndex = (lidarRenderIndex + 1) % 100
    let ray = lidarRenderIndex
    if ray < 2 * lidarFractions.count {
      let index = ray < lidarFractions.count ? ray : lidarFractions.count - ray - 1 + lidarFractions.count
      let angle = 1.5 * Double(index) / 10
      let fraction = lidarFractions[index]
      let (x, y) = (Double(hullState.x), Double(hullState.y))
      let end = (x + sin(angle) * Self.lidarRange * fraction, y - cos(angle) * Self.lidarRange * fraction)
      canvas.drawLine(from: world(x, y), to: world(end.0, end.1), color: Color(255, 0, 0))
    }

    // The terrain's edge (alternating greens) and the obstacles, drawn from the far end as Gymnasium's list.
    for i in stride(from: xs.count - 2, through: 0, by: -1) where visible(xs[i], xs[i + 1]) {
      let color = Color(76, i % 2 == 0 ? 255 : 204, 76)
      canvas.drawLine(from: world(xs[i], ys[i]), to: world(xs[i + 1], ys[i + 1]), color: color)
    }
    for block in obstacles.reversed() {
      let points = block.map { world($0.0, $0.1) }
      drawBody(&canvas, points, fill: .white, outline: Color(153, 153, 153))
    }

    // Legs (the far pair lighter), then the hull.
    for (index, limb) in limbs.enumerated() {
      let side = index < 2 ? -1 : 1
      let halfWidth = (index % 2 == 0 ? 1 : 0.8) * Self.legWidth / 2
      let corners = boxCorners(halfWidth: halfWidth, halfHeight: Self.legHeight / 2)
      let points = transformed(corners, by: cb2_body_state(limb), scale: scale).map(pixel)
      drawBody(
        &canvas, points, fill: Color(153 - side * 25, 76 - side * 25, 127 - side * 25),
        outline: Color(102 - side * 25, 51 - side * 25, 76 - side * 25))
    }
    let hullPolygon = Self.hullPolygon.map { ($0.0 / scale, $0.1 / scale) }
    drawBody(
      &canvas, transformed(hullPolygon, by: hullState, scale: scale).map(pixel), fill: Color(127, 51, 229),
      outline: Color(76, 76, 127))

    // The start flag.
    let flagY1 = Self.terrainHeight * scale
    let flagY2 = flagY1 + 50
    let flagX = Self.terrainStep * 3 * scale
    canvas.drawLine(from: pixel(Point(flagX, flagY1)), to: pixel(Point(flagX, flagY2)), color: .black)
    let flag = [Point(flagX, flagY2), Point(flagX, flagY2 - 10), Point(flagX + 25, flagY2 - 5)].map(pixel)
    canvas.fillPolygon(flag, color: Color(230, 51, 0))
    canvas.drawPolyline(flag, color: .black, width: 1, closed: true)
    return Frame(canvas)
  }
}
