// MARK: - Line caps

/// How the ends of a stroked line are drawn.
public enum LineCap: Sendable {
  /// Each end is a half disc of the line's width (joints of polylines are always round).
  case round
  /// The line stops exactly at its end points.
  case butt
}

// MARK: - Shapes

extension Canvas {
  /// Draws an anti-aliased straight line of the given width (pixels) from `start` to `end`.
  public mutating func drawLine(
    from start: Point, to end: Point, color: Color, width: Double = 1, cap: LineCap = .round
  ) {
    drawPolyline([start, end], color: color, width: width, cap: cap)
  }

  /// Draws connected line segments through `points`, anti-aliased, with round joints.
  ///
  /// The whole polyline is composited once, so a translucent colour does not darken where segments meet.
  /// Non-finite points split the polyline into separate runs (a gap), which is how missing data is drawn.
  public mutating func drawPolyline(
    _ points: [Point], color: Color, width: Double = 1, closed: Bool = false, cap: LineCap = .round
  ) {
    guard !points.isEmpty, width > 0 else { return }
    let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
    guard let first = finite.first else { return }
    let halfWidth = max(width, 1) / 2
    let intensity = Float(min(width, 1))  // lines thinner than a pixel are drawn one pixel wide, fainter
    let margin = halfWidth + 1
    var minX = first.x
    var maxX = first.x
    var minY = first.y
    var maxY = first.y
    for point in finite {
      minX = min(minX, point.x)
      maxX = max(maxX, point.x)
      minY = min(minY, point.y)
      maxY = max(maxY, point.y)
    }
    guard
      var mask = CoverageMask(
        minX: minX - margin, minY: minY - margin, maxX: maxX + margin, maxY: maxY + margin, canvasWidth: self.width,
        canvasHeight: height)
    else { return }

    var segments: [(Point, Point)] = []
    for index in 0..<(points.count - 1) where isFinite(points[index]) && isFinite(points[index + 1]) {
      segments.append((points[index], points[index + 1]))
    }
    if closed, points.count > 2, let last = points.last, isFinite(last), isFinite(points[0]) {
      segments.append((last, points[0]))
    }
    if segments.isEmpty { segments.append((first, first)) }
    let useButt = cap == .butt && !closed
    for (index, segment) in segments.enumerated() {
      let buttStart = useButt && index == 0
      let buttEnd = useButt && index == segments.count - 1
      rasterizeSegment(
        segment.0, segment.1, halfWidth: halfWidth, intensity: intensity, buttStart: buttStart, buttEnd: buttEnd,
        into: &mask)
    }
    composite(mask, color: color)
  }

  /// Fills the polygon through `points` (non-zero winding rule), anti-aliased.
  public mutating func fillPolygon(_ points: [Point], color: Color) {
    fillContours([points], color: color)
  }

  /// Fills the area enclosed by several closed contours together (non-zero winding rule, so a contour running
  /// the other way cuts a hole, as in a glyph's "o"), anti-aliased.
  public mutating func fillContours(_ contours: [[Point]], color: Color) {
    var edges: [(Point, Point)] = []
    for contour in contours {
      let vertices = contour.filter { $0.x.isFinite && $0.y.isFinite }
      guard vertices.count >= 3 else { continue }
      for index in vertices.indices { edges.append((vertices[index], vertices[(index + 1) % vertices.count])) }
    }
    guard let firstEdge = edges.first else { return }
    var minX = firstEdge.0.x
    var maxX = minX
    var minY = firstEdge.0.y
    var maxY = minY
    for (a, _) in edges {
      minX = min(minX, a.x)
      maxX = max(maxX, a.x)
      minY = min(minY, a.y)
      maxY = max(maxY, a.y)
    }
    guard
      var mask = CoverageMask(
        minX: minX, minY: minY, maxX: maxX, maxY: maxY, canvasWidth: width, canvasHeight: height)
    else { return }
    let subRows = 16  // vertical samples per pixel; horizontal coverage is computed exactly
    let weight = Float(1) / Float(subRows)
    var rowCoverage = [Float](repeating: 0, count: mask.width + 2)
    var interior = [Float](repeating: 0, count: mask.width + 2)
    var crossings: [(x: Double, winding: Int)] = []
    for row in 0..<mask.height {
      for index in rowCoverage.indices {
        rowCoverage[index] = 0
        interior[index] = 0
      }
      let pixelY = Double(mask.originY + row)
      for sample in 0..<subRows {
        let y = pixelY + (Double(sample) + 0.5) / Double(subRows)
        crossings.removeAll(keepingCapacity: true)
        for (a, b) in edges {
          guard a.y != b.y else { continue }
          let (low, high, winding) = a.y < b.y ? (a, b, 1) : (b, a, -1)
          guard y >= low.y && y < high.y else { continue }
          let t = (y - low.y) / (high.y - low.y)
          crossings.append((low.x + t * (high.x - low.x), winding))
        }
        guard crossings.count >= 2 else { continue }
        crossings.sort { $0.x < $1.x }
        var winding = 0
        for index in 0..<(crossings.count - 1) {
          winding += crossings[index].winding
          if winding != 0 {
            addSpan(
              from: crossings[index].x - Double(mask.originX), to: crossings[index + 1].x - Double(mask.originX),
              weight: weight, into: &rowCoverage, interior: &interior, count: mask.width)
          }
        }
      }
      var running: Float = 0
      for column in 0..<mask.width {
        running += interior[column]
        rowCoverage[column] += running
      }
      for column in 0..<mask.width where rowCoverage[column] > 0 {
        mask.values[row * mask.width + column] = min(rowCoverage[column], 1)
      }
    }
    composite(mask, color: color)
  }

  /// Fills an axis-aligned rectangle; fractional edges are anti-aliased by their exact pixel coverage.
  public mutating func fillRectangle(
    x: Double, y: Double, width rectangleWidth: Double, height rectangleHeight: Double,
    color: Color
  ) {
    guard rectangleWidth > 0, rectangleHeight > 0 else { return }
    guard
      var mask = CoverageMask(
        minX: x, minY: y, maxX: x + rectangleWidth, maxY: y + rectangleHeight, canvasWidth: width,
        canvasHeight: height)
    else { return }
    addRectangle(x: x, y: y, width: rectangleWidth, height: rectangleHeight, into: &mask)
    composite(mask, color: color)
  }

  /// Draws the outline of an axis-aligned rectangle with lines of the given width centred on its edges.
  public mutating func strokeRectangle(
    x: Double, y: Double, width rectangleWidth: Double,
    height rectangleHeight: Double, color: Color, lineWidth: Double = 1
  ) {
    drawPolyline(
      [
        Point(x, y), Point(x + rectangleWidth, y), Point(x + rectangleWidth, y + rectangleHeight),
        Point(x, y + rectangleHeight),
      ], color: color, width: lineWidth, closed: true)
  }

  /// Fills a disc, anti-aliased.
  public mutating func fillCircle(center: Point, radius: Double, color: Color) {
    guard radius > 0 else { return }
    rasterizeRing(center: center, radius: radius, color: color) { distance in
      min(max(radius + 0.5 - distance, 0), 1)
    }
  }

  /// Draws a circle's outline of the given line width centred on the radius, anti-aliased.
  public mutating func strokeCircle(center: Point, radius: Double, color: Color, lineWidth: Double = 1) {
    guard radius > 0, lineWidth > 0 else { return }
    let halfWidth = max(lineWidth, 1) / 2
    let intensity = min(lineWidth, 1)
    rasterizeRing(center: center, radius: radius + halfWidth, color: color) { distance in
      min(max(halfWidth + 0.5 - abs(distance - radius), 0), 1) * intensity
    }
  }

  // MARK: - Rasterisation helpers

  private func isFinite(_ point: Point) -> Bool { point.x.isFinite && point.y.isFinite }

  private mutating func rasterizeRing(center: Point, radius: Double, color: Color, coverage: (Double) -> Double) {
    guard
      var mask = CoverageMask(
        minX: center.x - radius - 1, minY: center.y - radius - 1, maxX: center.x + radius + 1,
        maxY: center.y + radius + 1, canvasWidth: width, canvasHeight: height)
    else { return }
    for row in 0..<mask.height {
      let dy = Double(mask.originY + row) + 0.5 - center.y
      for column in 0..<mask.width {
        let dx = Double(mask.originX + column) + 0.5 - center.x
        let value = coverage((dx * dx + dy * dy).squareRoot())
        if value > 0 { mask.values[row * mask.width + column] = Float(value) }
      }
    }
    composite(mask, color: color)
  }

  /// Raises the mask to the coverage of a segment of half width `halfWidth`, using the distance from each pixel
  /// centre to the segment (round caps) or to the infinite line clipped at the ends (butt caps).
  private func rasterizeSegment(
    _ a: Point, _ b: Point, halfWidth: Double, intensity: Float, buttStart: Bool, buttEnd: Bool,
    into mask: inout CoverageMask
  ) {
    let margin = halfWidth + 1
    let x0 = max(Int((min(a.x, b.x) - margin).rounded(.down)), mask.originX)
    let x1 = min(Int((max(a.x, b.x) + margin).rounded(.up)), mask.originX + mask.width)
    let y0 = max(Int((min(a.y, b.y) - margin).rounded(.down)), mask.originY)
    let y1 = min(Int((max(a.y, b.y) + margin).rounded(.up)), mask.originY + mask.height)
    guard x1 > x0, y1 > y0 else { return }
    let dx = b.x - a.x
    let dy = b.y - a.y
    let lengthSquared = dx * dx + dy * dy
    let length = lengthSquared.squareRoot()
    for y in y0..<y1 {
      let py = Double(y) + 0.5
      for x in x0..<x1 {
        let px = Double(x) + 0.5
        let t = lengthSquared > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / lengthSquared : 0
        var coverage: Double
        if (buttStart && t < 0.5) || (buttEnd && t > 0.5), length > 0 {
          // Perpendicular distance, and a fade over the last half pixel beyond the end point.
          let perpendicular = abs((px - a.x) * dy - (py - a.y) * dx) / length
          let beyond = t < 0.5 ? -t * length : (t - 1) * length
          coverage = min(max(halfWidth + 0.5 - perpendicular, 0), 1) * min(max(0.5 - beyond, 0), 1)
        } else {
          let clamped = min(max(t, 0), 1)
          let ex = px - (a.x + clamped * dx)
          let ey = py - (a.y + clamped * dy)
          coverage = min(max(halfWidth + 0.5 - (ex * ex + ey * ey).squareRoot(), 0), 1)
        }
        if coverage > 0 { mask.raise(x: x, y: y, to: Float(coverage) * intensity) }
      }
    }
  }

  /// Adds the exact coverage of the rectangle to the mask (pixels partly inside get the covered fraction).
  func addRectangle(
    x: Double, y: Double, width rectangleWidth: Double, height rectangleHeight: Double,
    into mask: inout CoverageMask
  ) {
    let right = x + rectangleWidth
    let bottom = y + rectangleHeight
    let x0 = Int(x.rounded(.down))
    let x1 = Int(right.rounded(.up))
    let y0 = Int(y.rounded(.down))
    let y1 = Int(bottom.rounded(.up))
    guard x1 > x0, y1 > y0 else { return }
    for row in y0..<y1 {
      let coverY = min(Double(row + 1), bottom) - max(Double(row), y)
      guard coverY > 0 else { continue }
      for column in x0..<x1 {
        let coverX = min(Double(column + 1), right) - max(Double(column), x)
        if coverX > 0 { mask.add(x: column, y: row, coverage: Float(coverX * coverY)) }
      }
    }
  }

  /// Adds `weight` times the horizontal coverage of `[start, end)` (mask-relative x) to a row accumulator.
  private func addSpan(
    from start: Double, to end: Double, weight: Float, into row: inout [Float], interior: inout [Float], count: Int
  ) {
    let a = min(max(start, 0), Double(count))
    let b = min(max(end, 0), Double(count))
    guard b > a else { return }
    let first = Int(a.rounded(.down))
    let last = Int(b.rounded(.down))
    if first == last {
      row[first] += Float(b - a) * weight
      return
    }
    row[first] += Float(Double(first + 1) - a) * weight
    if last > first + 1 {
      // Whole pixels go to a difference row, summed once per pixel row (see `fillPolygon`), so that a wide span
      // costs two additions instead of one per pixel and sample.
      interior[first + 1] += weight
      interior[last] -= weight
    }
    if last < count { row[last] += Float(b - Double(last)) * weight }
  }
}
