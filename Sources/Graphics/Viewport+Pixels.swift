import Foundation

// MARK: - Pixel coordinates with y up

extension Viewport {
  /// Pixel coordinates measured from the bottom-left corner, y up, as environment renderers written for pygame
  /// use them (they draw upside down and flip the surface at the end).
  ///
  /// Integer coordinates name pixel centres, as in pygame: the point (0, 0) is the centre of the bottom-left
  /// pixel, so shapes land on the same pixels as in Gymnasium's pictures.
  public static func bottomUp(canvasHeight: Int) -> Viewport {
    Viewport(scale: 1, origin: Point(0, 0), pixelOrigin: Point(0.5, Double(canvasHeight) - 0.5))
  }
}

// MARK: - Arrows

extension Canvas {
  /// Draws a circular arc with an arrowhead at its end, anti-aliased.
  ///
  /// Angles are in radians, counter-clockwise in a y-up world (the canvas is y down, so angles are measured as
  /// seen on screen: 0 points right, pi/2 points up). The arc runs from `startAngle` to `endAngle` in the
  /// direction their difference gives, and the head points along that direction at `endAngle`.
  public mutating func drawArcArrow(
    center: Point, radius: Double, startAngle: Double, endAngle: Double, color: Color, lineWidth: Double,
    headLength: Double
  ) {
    guard radius > 0, lineWidth > 0 else { return }
    let sweep = endAngle - startAngle
    let segments = max(8, Int((abs(sweep) * radius / 3).rounded(.up)))
    func onArc(_ angle: Double, _ r: Double = radius) -> Point {
      Point(center.x + r * cos(angle), center.y - r * sin(angle))
    }
    // Stop the line where the head begins, so the head's tip stays sharp.
    let headAngle = min(headLength / radius, abs(sweep) / 2) * (sweep < 0 ? -1 : 1)
    let lineEnd = endAngle - headAngle * 0.6
    let points = (0...segments).map { onArc(startAngle + (lineEnd - startAngle) * Double($0) / Double(segments)) }
    drawPolyline(points, color: color, width: lineWidth, cap: .butt)
    let base = endAngle - headAngle
    let halfWidth = headLength * 0.55
    let tip = onArc(endAngle)
    fillPolygon([onArc(base, radius - halfWidth), onArc(base, radius + halfWidth), tip], color: color)
  }
}
