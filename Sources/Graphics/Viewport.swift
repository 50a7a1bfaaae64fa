import Foundation

// MARK: - Viewport

/// Maps world coordinates (x to the right, y up, in world units such as metres) onto canvas pixels (y down), as
/// environment renderers need: `scale` pixels per world unit, and the world point `origin` drawn at `pixelOrigin`.
///
///     // CartPole-like: 600 px show 4.8 world units; the track at 100 px above the bottom edge.
///     let viewport = Viewport(scale: 600 / 4.8, origin: Point(-2.4, 0), pixelOrigin: Point(0, 300))
///     canvas.fillPolygon(cartCorners.map(viewport.pixel), color: .black)
public struct Viewport: Sendable, Equatable {
  /// Pixels per world unit.
  public var scale: Double
  /// The world point drawn at ``pixelOrigin``.
  public var origin: Point
  /// The canvas position of ``origin``.
  public var pixelOrigin: Point

  /// Creates a viewport.
  public init(scale: Double, origin: Point = Point(0, 0), pixelOrigin: Point = Point(0, 0)) {
    self.scale = scale
    self.origin = origin
    self.pixelOrigin = pixelOrigin
  }

  /// The canvas position of a world point (world y up becomes canvas y down).
  public func pixel(_ world: Point) -> Point {
    Point(pixelOrigin.x + (world.x - origin.x) * scale, pixelOrigin.y - (world.y - origin.y) * scale)
  }

  /// The world point at a canvas position.
  public func world(_ pixel: Point) -> Point {
    Point(origin.x + (pixel.x - pixelOrigin.x) / scale, origin.y - (pixel.y - pixelOrigin.y) / scale)
  }

  /// A length in world units as pixels.
  public func pixels(_ length: Double) -> Double { length * scale }
}

// MARK: - Geometry helpers

extension Point {
  /// The point rotated by `angle` radians (counter-clockwise in a y-up world) around `center`.
  public func rotated(by angle: Double, around center: Point = Point(0, 0)) -> Point {
    let (s, c) = (sin(angle), cos(angle))
    let dx = x - center.x
    let dy = y - center.y
    return Point(center.x + dx * c - dy * s, center.y + dx * s + dy * c)
  }

  /// The point moved by (`dx`, `dy`).
  public func offset(by dx: Double, _ dy: Double) -> Point { Point(x + dx, y + dy) }
}

// MARK: - Frames

extension Canvas {
  /// The pixels as height x width x 3 RGB bytes (alpha dropped), the layout of Gymnasium's `rgb_array` frames.
  public func rgbBytes() -> [UInt8] {
    var output = [UInt8](repeating: 0, count: width * height * 3)
    for index in 0..<(width * height) {
      output[index * 3] = pixels[index * 4]
      output[index * 3 + 1] = pixels[index * 4 + 1]
      output[index * 3 + 2] = pixels[index * 4 + 2]
    }
    return output
  }

  /// Creates an opaque canvas from height x width x 3 RGB bytes; nil when the count does not match the size.
  public init?(width: Int, height: Int, rgbBytes: [UInt8]) {
    guard width > 0, height > 0, rgbBytes.count == width * height * 3 else { return nil }
    self.init(width: width, height: height, background: .black)
    for index in 0..<(width * height) {
      pixels[index * 4] = rgbBytes[index * 3]
      pixels[index * 4 + 1] = rgbBytes[index * 3 + 1]
      pixels[index * 4 + 2] = rgbBytes[index * 3 + 2]
    }
  }
}
