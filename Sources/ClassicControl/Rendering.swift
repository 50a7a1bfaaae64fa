import Foundation
import Graphics
import Gym

// MARK: - Rendering the classic-control environments
//
// Each picture follows Gymnasium's pygame renderer of the same environment: size, scale, shapes, colours and
// positions, in pixel coordinates from the bottom-left corner (Viewport.bottomUp), so a state drawn here and in
// Gymnasium puts the same colours on the same pixels up to anti-aliasing. The static `picture` functions draw a
// given state (tests use them); `render()` draws the current one and never touches the state or the generator.

extension Frame {
  /// The canvas's pixels as a frame (alpha dropped).
  init(_ canvas: Canvas) {
    // The sizes match by construction, so this cannot throw.
    try! self.init(width: canvas.width, height: canvas.height, pixels: canvas.rgbBytes())
  }
}

extension Color {
  init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) { self.init(red: red, green: green, blue: blue) }
}

/// The four corners of the rectangle `left...right` x `bottom...top`, rotated by `angle` and moved by `offset`.
private func box(left: Double, right: Double, top: Double, bottom: Double, angle: Double, offset: Point) -> [Point] {
  [Point(left, bottom), Point(left, top), Point(right, top), Point(right, bottom)].map {
    $0.rotated(by: angle).offset(by: offset.x, offset.y)
  }
}

/// A pygame `filled_circle` of integer radius `radius` around a pixel centre: it covers the pixels whose centres
/// lie within the radius, which an anti-aliased disc half a pixel wider reproduces.
private func disc(_ canvas: inout Canvas, _ view: Viewport, x: Double, y: Double, radius: Double, _ color: Color) {
  canvas.fillCircle(
    center: view.pixel(Point(x.rounded(.towardZero), y.rounded(.towardZero))), radius: radius + 0.5,
    color: color)
}

// MARK: - CartPole

extension CartPole {
  /// Picture width and height (px), as Gymnasium's `screen_width` and `screen_height`.
  public static let pictureSize = (width: 600, height: 400)

  /// Draws the cart at `cartPosition` (m) with the pole at `poleAngle` (rad from upright, clockwise positive).
  public static func picture(cartPosition: Double, poleAngle: Double) -> Frame {
    let (width, height) = pictureSize
    var canvas = Canvas(width: width, height: height, background: .white)
    let view = Viewport.bottomUp(canvasHeight: height)
    let scale = Double(width) / (xThreshold * 2)
    let poleWidth = 10.0
    let poleLength = scale * (2 * halfPoleLength)
    let (cartWidth, cartHeight) = (50.0, 30.0)
    let axleOffset = cartHeight / 4
    let cartX = cartPosition * scale + Double(width) / 2
    let cartY = 100.0  // the track's height and the middle of the cart (px)

    let cart = box(
      left: -cartWidth / 2, right: cartWidth / 2, top: cartHeight / 2, bottom: -cartHeight / 2, angle: 0,
      offset: Point(cartX, cartY))
    canvas.fillPolygon(cart.map(view.pixel), color: .black)
    let pole = box(
      left: -poleWidth / 2, right: poleWidth / 2, top: poleLength - poleWidth / 2, bottom: -poleWidth / 2,
      angle: -poleAngle, offset: Point(cartX, cartY + axleOffset))
    canvas.fillPolygon(pole.map(view.pixel), color: Color(202, 152, 101))
    disc(&canvas, view, x: cartX, y: cartY + axleOffset, radius: (poleWidth / 2).rounded(.down), Color(129, 132, 203))
    canvas.fillRectangle(x: 0, y: Double(height) - 1 - cartY, width: Double(width), height: 1, color: .black)
    return Frame(canvas)
  }

  /// The rate of Gymnasium's `render_fps` (one frame per 0.02 s step).
  public var renderFramesPerSecond: Double? { 50 }

  /// Draws the current state (600x400), as Gymnasium's `render()`.
  public func render() throws -> Frame {
    guard !needsReset else { throw RenderError.renderBeforeReset(environment: name) }
    return Self.picture(cartPosition: state.x, poleAngle: state.theta)
  }
}

// MARK: - Pendulum

extension Pendulum {
  /// Picture width and height (px), as Gymnasium's `screen_dim`.
  public static let pictureSize = (width: 500, height: 500)

  /// Draws the pendulum at `angle` (rad from upright, counter-clockwise positive) with the arrow of the last
  /// torque (N m; none when nil), sized and turned as in Gymnasium.
  public static func picture(angle: Double, torque: Float?) -> Frame {
    let size = pictureSize.width
    var canvas = Canvas(width: size, height: size, background: .white)
    let view = Viewport.bottomUp(canvasHeight: size)
    let bound = 2.2
    let scale = Double(size) / (bound * 2)
    let offset = Double(size / 2)
    let rodLength = 1 * scale
    let rodWidth = 0.2 * scale
    let red = Color(204, 77, 77)

    let rod = box(
      left: 0, right: rodLength, top: rodWidth / 2, bottom: -rodWidth / 2, angle: angle + .pi / 2,
      offset: Point(offset, offset))
    canvas.fillPolygon(rod.map(view.pixel), color: red)
    let endRadius = (rodWidth / 2).rounded(.down)
    disc(&canvas, view, x: offset, y: offset, radius: endRadius, red)
    let rodEnd = Point(rodLength, 0).rotated(by: angle + .pi / 2)
    disc(&canvas, view, x: rodEnd.x + offset, y: rodEnd.y + offset, radius: endRadius, red)

    // Gymnasium blits a clockwise arrow image scaled to |u| * scale / 2 px, mirrored (counter-clockwise) for u > 0.
    if let torque, torque != 0 {
      let arrowSize = scale * Double(abs(torque)) / 2
      let radius = arrowSize * 0.45
      let center = view.pixel(Point(offset, offset))
      let clockwise = torque < 0
      let start = clockwise ? Double.pi / 2 : Double.pi / 2
      let end = clockwise ? -Double.pi : 2 * Double.pi
      canvas.drawArcArrow(
        center: center, radius: radius, startAngle: start, endAngle: end, color: .black,
        lineWidth: max(arrowSize * 0.035, 1), headLength: arrowSize * 0.18)
    }
    disc(&canvas, view, x: offset, y: offset, radius: (0.05 * scale).rounded(.down), .black)
    return Frame(canvas)
  }

  /// The rate of Gymnasium's `render_fps`.
  public var renderFramesPerSecond: Double? { 30 }

  /// Draws the current state (500x500), as Gymnasium's `render()`.
  public func render() throws -> Frame {
    guard !needsReset else { throw RenderError.renderBeforeReset(environment: name) }
    return Self.picture(angle: state.theta, torque: lastTorque)
  }
}

// MARK: - Acrobot

extension Acrobot {
  /// Picture width and height (px), as Gymnasium's `SCREEN_DIM`.
  public static let pictureSize = (width: 500, height: 500)

  /// Draws the two links at joint angles `theta1` (rad from hanging down) and `theta2` (rad, relative to link 1).
  public static func picture(theta1: Double, theta2: Double) -> Frame {
    let size = pictureSize.width
    var canvas = Canvas(width: size, height: size, background: .white)
    let view = Viewport.bottomUp(canvasHeight: size)
    let bound = linkLength1 + linkLength2 + 0.2
    let scale = Double(size) / (bound * 2)
    let offset = Double(size) / 2

    // The target line one link length above the pivot.
    canvas.fillRectangle(
      x: -2.2 * scale + offset, y: Double(size) - 1 - (1 * scale + offset).rounded(.towardZero), width: 4.4 * scale,
      height: 1, color: .black)
    let joints = [Point(0, 0), Point(linkLength1 * sin(theta1) * scale, -linkLength1 * cos(theta1) * scale)]
    let angles = [theta1 - .pi / 2, theta1 + theta2 - .pi / 2]
    let lengths = [linkLength1 * scale, linkLength2 * scale]
    for index in 0..<2 {
      let x = joints[index].x + offset
      let y = joints[index].y + offset
      let link = box(
        left: 0, right: lengths[index], top: 0.1 * scale, bottom: -0.1 * scale, angle: angles[index],
        offset: Point(x, y))
      canvas.fillPolygon(link.map(view.pixel), color: Color(0, 204, 204))
      disc(&canvas, view, x: x, y: y, radius: (0.1 * scale).rounded(.down), Color(204, 204, 0))
    }
    return Frame(canvas)
  }

  /// Length of the second link (m); Gymnasium's `LINK_LENGTH_2`.
  static var linkLength2: Double { 1.0 }

  /// The rate of Gymnasium's `render_fps`.
  public var renderFramesPerSecond: Double? { 15 }

  /// Draws the current state (500x500), as Gymnasium's `render()`.
  public func render() throws -> Frame {
    guard !needsReset else { throw RenderError.renderBeforeReset(environment: name) }
    return Self.picture(theta1: state.0, theta2: state.1)
  }
}

// MARK: - MountainCar

/// The picture of both mountain-car environments, which differ only in the flag's position.
enum MountainCarPicture {
  static let size = (width: 600, height: 400)
  static let minPosition = -1.2
  static let maxPosition = 0.6

  static func height(_ x: Double) -> Double { sin(3 * x) * 0.45 + 0.55 }

  static func draw(position: Double, goalPosition: Double) -> Frame {
    let (width, height) = size
    var canvas = Canvas(width: width, height: height, background: .white)
    let view = Viewport.bottomUp(canvasHeight: height)
    let scale = Double(width) / (maxPosition - minPosition)
    let (carWidth, carHeight) = (40.0, 20.0)
    let clearance = 10.0

    let track = (0..<100).map { index -> Point in
      let x = minPosition + (maxPosition - minPosition) * Double(index) / 99
      return view.pixel(Point((x - minPosition) * scale, Self.height(x) * scale))
    }
    canvas.drawPolyline(track, color: .black, width: 1)

    let angle = cos(3 * position)
    let base = Point((position - minPosition) * scale, clearance + Self.height(position) * scale)
    let car = box(left: -carWidth / 2, right: carWidth / 2, top: carHeight, bottom: 0, angle: angle, offset: base)
    canvas.fillPolygon(car.map(view.pixel), color: .black)
    for wheelX in [carWidth / 4, -carWidth / 4] {
      let wheel = Point(wheelX, 0).rotated(by: angle).offset(by: base.x, base.y)
      disc(&canvas, view, x: wheel.x, y: wheel.y, radius: (carHeight / 2.5).rounded(.down), Color(128, 128, 128))
    }

    let flagX = ((goalPosition - minPosition) * scale).rounded(.towardZero)
    let flagY1 = (Self.height(goalPosition) * scale).rounded(.towardZero)
    let flagY2 = flagY1 + 50
    canvas.fillRectangle(
      x: flagX, y: Double(height) - 1 - flagY2, width: 1, height: flagY2 - flagY1 + 1, color: .black)
    canvas.fillPolygon(
      [Point(flagX, flagY2), Point(flagX, flagY2 - 10), Point(flagX + 25, flagY2 - 5)].map(view.pixel),
      color: Color(204, 204, 0))
    return Frame(canvas)
  }
}

extension MountainCar {
  /// Picture width and height (px), as Gymnasium's `screen_width` and `screen_height`.
  public static let pictureSize = MountainCarPicture.size

  /// Draws the car at `position` (the observation's first value) on the hill, with the goal flag.
  public static func picture(position: Double) -> Frame {
    MountainCarPicture.draw(position: position, goalPosition: goalPosition)
  }

  /// The rate of Gymnasium's `render_fps`.
  public var renderFramesPerSecond: Double? { 30 }

  /// Draws the current state (600x400), as Gymnasium's `render()`.
  public func render() throws -> Frame {
    guard !needsReset else { throw RenderError.renderBeforeReset(environment: name) }
    return Self.picture(position: state.position)
  }
}

extension MountainCarContinuous {
  /// Picture width and height (px), as Gymnasium's `screen_width` and `screen_height`.
  public static let pictureSize = MountainCarPicture.size

  /// Draws the car at `position` (the observation's first value) on the hill, with the goal flag.
  public static func picture(position: Double) -> Frame {
    MountainCarPicture.draw(position: position, goalPosition: goalPosition)
  }

  /// The rate of Gymnasium's `render_fps`.
  public var renderFramesPerSecond: Double? { 30 }

  /// Draws the current state (600x400), as Gymnasium's `render()`.
  public func render() throws -> Frame {
    guard !needsReset else { throw RenderError.renderBeforeReset(environment: name) }
    return Self.picture(position: state.position)
  }
}
