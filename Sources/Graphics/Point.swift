// MARK: - Point

/// A position in canvas coordinates: x to the right, y downwards, in pixels; pixel (i, j) covers
/// `[i, i + 1) x [j, j + 1)`, so its centre is at `(i + 0.5, j + 0.5)`.
public struct Point: Hashable, Sendable {
  /// Horizontal position in pixels.
  public var x: Double
  /// Vertical position in pixels (downwards).
  public var y: Double

  /// Creates a point.
  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }

  /// Creates a point from two coordinates (unlabelled, for short drawing code).
  public init(_ x: Double, _ y: Double) {
    self.init(x: x, y: y)
  }
}
