import Foundation

// MARK: - Figure

/// A vector drawing, the list of shapes and texts of a plot, rendered to a PNG canvas and to SVG from the same list
/// so that both look alike.
///
/// Geometry is in pixels (SVG user units), y downwards. Shapes can be clipped to a rectangle when added; the clipped
/// geometry itself is stored, so both renderings cut at the same place.
///
///     var figure = Figure(width: 400, height: 300)
///     figure.addPolyline([Point(10, 10), Point(390, 290)], color: .blue, width: 2, dash: [6, 4])
///     figure.addText("title", at: Point(200, 20), size: 18, color: .black, horizontalAlignment: .center)
///     let png = try PNGEncoder.encode(figure.canvas())
///     let svg = figure.svg()
public struct Figure: Sendable {
  /// A rectangle in figure coordinates.
  public struct Rectangle: Equatable, Sendable {
    /// Left edge.
    public var x: Double
    /// Top edge.
    public var y: Double
    /// Width.
    public var width: Double
    /// Height.
    public var height: Double

    /// Creates a rectangle.
    public init(x: Double, y: Double, width: Double, height: Double) {
      self.x = x
      self.y = y
      self.width = width
      self.height = height
    }

    /// The right edge.
    public var maxX: Double { x + width }
    /// The bottom edge.
    public var maxY: Double { y + height }

    /// Whether the two rectangles overlap (touching edges do not count).
    public func intersects(_ other: Rectangle) -> Bool {
      x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }

    /// Whether `point` lies inside or on the edge.
    public func contains(_ point: Point) -> Bool {
      point.x >= x && point.x <= maxX && point.y >= y && point.y <= maxY
    }
  }

  /// A text to draw.
  public struct Text: Sendable {
    /// The text (one line).
    public var text: String
    /// The anchor.
    public var position: Point
    /// The font size in pixels (the em square).
    public var size: Double
    /// The colour.
    public var color: Color
    /// Bold (SVG only asks for it; the PNG draws the regular face a little heavier).
    public var bold: Bool
    /// Alignment along the writing direction.
    public var horizontalAlignment: HorizontalTextAlignment
    /// Alignment across it.
    public var verticalAlignment: VerticalTextAlignment
    /// Horizontal, or upward for a y-axis label.
    public var orientation: TextOrientation
  }

  /// One element of the drawing.
  public enum Item: Sendable {
    /// A stroked line through points (NaN points leave gaps), optionally dashed (`dash`: on, off, ... lengths).
    case polyline(points: [Point], color: Color, width: Double, dash: [Double])
    /// A straight line segment (axes, ticks, grid lines, legend swatches).
    case line(from: Point, to: Point, color: Color, width: Double, dash: [Double])
    /// A filled polygon (non-zero winding).
    case polygon(points: [Point], color: Color)
    /// An axis-aligned rectangle, filled and/or stroked.
    case rectangle(Rectangle, fill: Color?, stroke: Color?, lineWidth: Double)
    /// A filled disc.
    case circle(center: Point, radius: Double, color: Color)
    /// A text.
    case text(Text)
  }

  /// Width in pixels.
  public var width: Int
  /// Height in pixels.
  public var height: Int
  /// The background colour.
  public var background: Color
  /// The font texts are measured and drawn with.
  public var font: TextFont
  /// The elements, drawn in order.
  public private(set) var items: [Item] = []

  /// Creates an empty figure.
  public init(width: Int, height: Int, background: Color = .white, font: TextFont = .standard) {
    self.width = width
    self.height = height
    self.background = background
    self.font = font
  }

  // MARK: - Adding shapes

  /// Adds a polyline, cut to `clip` when given.
  public mutating func addPolyline(
    _ points: [Point], color: Color, width: Double, dash: [Double] = [], clip: Rectangle? = nil
  ) {
    let runs = clip.map { Figure.clip(polyline: points, to: $0) } ?? Figure.runs(of: points)
    for run in runs where !run.isEmpty {
      items.append(.polyline(points: run, color: color, width: width, dash: dash))
    }
  }

  /// Adds a line segment.
  public mutating func addLine(
    from start: Point, to end: Point, color: Color, width: Double = 1, dash: [Double] = []
  ) {
    items.append(.line(from: start, to: end, color: color, width: width, dash: dash))
  }

  /// Adds a filled polygon, cut to `clip` when given.
  public mutating func addPolygon(_ points: [Point], color: Color, clip: Rectangle? = nil) {
    let polygon = clip.map { Figure.clip(polygon: points, to: $0) } ?? points
    if polygon.count >= 3 { items.append(.polygon(points: polygon, color: color)) }
  }

  /// Adds a rectangle.
  public mutating func addRectangle(
    _ rectangle: Rectangle, fill: Color? = nil, stroke: Color? = nil, lineWidth: Double = 1
  ) {
    items.append(.rectangle(rectangle, fill: fill, stroke: stroke, lineWidth: lineWidth))
  }

  /// Adds a disc, left out when `clip` is given and its centre lies outside.
  public mutating func addCircle(center: Point, radius: Double, color: Color, clip: Rectangle? = nil) {
    if let clip, !clip.contains(center) { return }
    items.append(.circle(center: center, radius: radius, color: color))
  }

  /// Adds a one-line text.
  public mutating func addText(
    _ text: String, at position: Point, size: Double, color: Color, bold: Bool = false,
    horizontalAlignment: HorizontalTextAlignment = .leading, verticalAlignment: VerticalTextAlignment = .top,
    orientation: TextOrientation = .horizontal
  ) {
    guard !text.isEmpty else { return }
    items.append(
      .text(
        Text(
          text: text, position: position, size: size, color: color, bold: bold,
          horizontalAlignment: horizontalAlignment, verticalAlignment: verticalAlignment, orientation: orientation)))
  }

  /// The width of `text` at `size` in the figure's font.
  public func textWidth(_ text: String, size: Double, bold: Bool = false) -> Double {
    font.width(of: text, size: size, bold: bold)
  }

  /// The height of capitals at `size` in the figure's font.
  public func capHeight(size: Double) -> Double { font.capHeight(size: size) }

  // MARK: - Geometry helpers

  /// The finite runs of a point list (NaN points split it).
  static func runs(of points: [Point]) -> [[Point]] {
    var runs: [[Point]] = []
    var current: [Point] = []
    for point in points {
      if point.x.isFinite && point.y.isFinite {
        current.append(point)
      } else if !current.isEmpty {
        runs.append(current)
        current = []
      }
    }
    if !current.isEmpty { runs.append(current) }
    return runs
  }

  /// The parts of a polyline inside a rectangle (Liang-Barsky per segment, joined where they touch).
  public static func clip(polyline points: [Point], to rectangle: Rectangle) -> [[Point]] {
    var result: [[Point]] = []
    for run in runs(of: points) {
      if run.count == 1 {
        if rectangle.contains(run[0]) { result.append(run) }
        continue
      }
      var current: [Point] = []
      for index in 0..<(run.count - 1) {
        guard let (a, b) = clip(segment: run[index], run[index + 1], to: rectangle) else {
          if !current.isEmpty { result.append(current) }
          current = []
          continue
        }
        if let last = current.last, last == a {
          current.append(b)
        } else {
          if !current.isEmpty { result.append(current) }
          current = [a, b]
        }
        if b != run[index + 1] {
          result.append(current)
          current = []
        }
      }
      if !current.isEmpty { result.append(current) }
    }
    return result
  }

  /// A segment cut to a rectangle, nil when it misses it.
  static func clip(segment a: Point, _ b: Point, to r: Rectangle) -> (Point, Point)? {
    var t0 = 0.0
    var t1 = 1.0
    let dx = b.x - a.x
    let dy = b.y - a.y
    for (p, q) in [(-dx, a.x - r.x), (dx, r.maxX - a.x), (-dy, a.y - r.y), (dy, r.maxY - a.y)] {
      if p == 0 {
        if q < 0 { return nil }
        continue
      }
      let t = q / p
      if p < 0 {
        if t > t1 { return nil }
        t0 = max(t0, t)
      } else {
        if t < t0 { return nil }
        t1 = min(t1, t)
      }
    }
    let start = t0 == 0 ? a : Point(a.x + t0 * dx, a.y + t0 * dy)
    let end = t1 == 1 ? b : Point(a.x + t1 * dx, a.y + t1 * dy)
    return (start, end)
  }

  /// A polygon cut to a rectangle (Sutherland-Hodgman; a concave polygon may keep zero-width bridges along the
  /// edges, which fill nothing).
  public static func clip(polygon points: [Point], to r: Rectangle) -> [Point] {
    var output = points.filter { $0.x.isFinite && $0.y.isFinite }
    let edges: [(Point) -> Bool] = [{ $0.x >= r.x }, { $0.x <= r.maxX }, { $0.y >= r.y }, { $0.y <= r.maxY }]
    let intersections: [(Point, Point) -> Point] = [
      { a, b in Point(r.x, a.y + (b.y - a.y) * (r.x - a.x) / (b.x - a.x)) },
      { a, b in Point(r.maxX, a.y + (b.y - a.y) * (r.maxX - a.x) / (b.x - a.x)) },
      { a, b in Point(a.x + (b.x - a.x) * (r.y - a.y) / (b.y - a.y), r.y) },
      { a, b in Point(a.x + (b.x - a.x) * (r.maxY - a.y) / (b.y - a.y), r.maxY) },
    ]
    for (inside, intersect) in zip(edges, intersections) {
      guard !output.isEmpty else { break }
      let input = output
      output = []
      for index in input.indices {
        let current = input[index]
        let previous = input[(index + input.count - 1) % input.count]
        if inside(current) {
          if !inside(previous) { output.append(intersect(previous, current)) }
          output.append(current)
        } else if inside(previous) {
          output.append(intersect(previous, current))
        }
      }
    }
    return output
  }

  /// The dashes of a polyline as one point list with NaN gaps (`pattern`: on, off, ... lengths in pixels).
  public static func dashed(_ points: [Point], pattern: [Double]) -> [Point] {
    guard pattern.count >= 2, pattern.allSatisfy({ $0 > 0 }) else { return points }
    var output: [Point] = []
    for run in runs(of: points) {
      var patternIndex = 0
      var remaining = pattern[0]
      var drawing = true
      if drawing, let first = run.first { output.append(first) }
      for index in 0..<max(run.count - 1, 0) {
        var a = run[index]
        let b = run[index + 1]
        var length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
        while length > remaining {
          let t = remaining / length
          let cut = Point(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))
          if drawing {
            output.append(cut)
            output.append(Point(.nan, .nan))
          } else {
            output.append(cut)
          }
          length -= remaining
          a = cut
          drawing.toggle()
          patternIndex = (patternIndex + 1) % pattern.count
          remaining = pattern[patternIndex]
        }
        remaining -= length
        if drawing { output.append(b) }
      }
      output.append(Point(.nan, .nan))
    }
    return output
  }
}

// MARK: - PNG rendering

extension Figure {
  /// The figure drawn on a canvas.
  public func canvas() -> Canvas {
    var canvas = Canvas(width: width, height: height, background: background)
    for item in items {
      switch item {
      case .polyline(let points, let color, let lineWidth, let dash):
        if points.count == 1 {
          canvas.fillCircle(center: points[0], radius: lineWidth, color: color)
        } else {
          canvas.drawPolyline(
            dash.isEmpty ? points : Figure.dashed(points, pattern: dash), color: color, width: lineWidth)
        }
      case .line(let start, let end, let color, let lineWidth, let dash):
        // Axis-parallel one-pixel lines are snapped to pixel centres so they stay crisp.
        var (a, b) = (start, end)
        if lineWidth <= 1.5 && a.x == b.x { (a.x, b.x) = (a.x.rounded(.down) + 0.5, b.x.rounded(.down) + 0.5) }
        if lineWidth <= 1.5 && a.y == b.y { (a.y, b.y) = (a.y.rounded(.down) + 0.5, b.y.rounded(.down) + 0.5) }
        let points = dash.isEmpty ? [a, b] : Figure.dashed([a, b], pattern: dash)
        canvas.drawPolyline(points, color: color, width: lineWidth, cap: .butt)
      case .polygon(let points, let color):
        canvas.fillPolygon(points, color: color)
      case .rectangle(let r, let fill, let stroke, let lineWidth):
        if let fill { canvas.fillRectangle(x: r.x, y: r.y, width: r.width, height: r.height, color: fill) }
        if let stroke {
          canvas.strokeRectangle(
            x: r.x.rounded(.down) + 0.5, y: r.y.rounded(.down) + 0.5, width: r.width.rounded(),
            height: r.height.rounded(), color: stroke, lineWidth: lineWidth)
        }
      case .circle(let center, let radius, let color):
        canvas.fillCircle(center: center, radius: radius, color: color)
      case .text(let text):
        font.draw(text, on: &canvas)
      }
    }
    return canvas
  }
}

// MARK: - SVG rendering

extension Figure {
  /// The figure as an SVG document.
  public func svg() -> String {
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
      font-family="\(TextFont.svgFontFamily)">
      <rect width="100%" height="100%" fill="\(background.hexString)"/>

      """
    func dashAttribute(_ dash: [Double]) -> String {
      dash.isEmpty ? "" : " stroke-dasharray=\"\(dash.map(Figure.number).joined(separator: ","))\""
    }
    for item in items {
      switch item {
      case .polyline(let points, let color, let lineWidth, let dash):
        if points.count == 1 {
          svg +=
            "<circle cx=\"\(Figure.number(points[0].x))\" cy=\"\(Figure.number(points[0].y))\" "
            + "r=\"\(Figure.number(lineWidth))\"\(Figure.fill(color))/>\n"
        } else {
          svg +=
            "<polyline points=\"\(Figure.points(points))\" fill=\"none\"\(Figure.stroke(color)) "
            + "stroke-width=\"\(Figure.number(lineWidth))\"\(dashAttribute(dash)) stroke-linejoin=\"round\" "
            + "stroke-linecap=\"\(dash.isEmpty ? "round" : "butt")\"/>\n"
        }
      case .line(let a, let b, let color, let lineWidth, let dash):
        svg +=
          "<line x1=\"\(Figure.number(a.x))\" y1=\"\(Figure.number(a.y))\" x2=\"\(Figure.number(b.x))\" "
          + "y2=\"\(Figure.number(b.y))\"\(Figure.stroke(color)) stroke-width=\"\(Figure.number(lineWidth))\""
          + "\(dashAttribute(dash))/>\n"
      case .polygon(let points, let color):
        svg += "<polygon points=\"\(Figure.points(points))\"\(Figure.fill(color)) stroke=\"none\"/>\n"
      case .rectangle(let r, let fill, let stroke, let lineWidth):
        svg +=
          "<rect x=\"\(Figure.number(r.x))\" y=\"\(Figure.number(r.y))\" width=\"\(Figure.number(r.width))\" "
          + "height=\"\(Figure.number(r.height))\"" + (fill.map(Figure.fill) ?? " fill=\"none\"")
          + (stroke.map { Figure.stroke($0) + " stroke-width=\"\(Figure.number(lineWidth))\"" } ?? "") + "/>\n"
      case .circle(let center, let radius, let color):
        svg +=
          "<circle cx=\"\(Figure.number(center.x))\" cy=\"\(Figure.number(center.y))\" "
          + "r=\"\(Figure.number(radius))\"\(Figure.fill(color))/>\n"
      case .text(let text):
        svg += svgText(text)
      }
    }
    return svg + "</svg>\n"
  }

  private func svgText(_ text: Text) -> String {
    // SVG anchors text at its baseline; the figure's anchors are the top of capitals or their middle.
    let cap = font.capHeight(size: text.size)
    let across: Double =
      switch text.verticalAlignment {
      case .top: cap
      case .middle: cap / 2
      case .baseline: 0
      }
    let anchor: String =
      switch text.horizontalAlignment {
      case .leading: "start"
      case .center: "middle"
      case .trailing: "end"
      }
    let (x, y) =
      text.orientation == .horizontal
      ? (text.position.x, text.position.y + across) : (text.position.x + across, text.position.y)
    var element =
      "<text x=\"\(Figure.number(x))\" y=\"\(Figure.number(y))\" font-size=\"\(Figure.number(text.size))\""
      + "\(Figure.fill(text.color)) text-anchor=\"\(anchor)\""
    if text.bold { element += " font-weight=\"bold\"" }
    if text.orientation == .upward {
      element += " transform=\"rotate(-90 \(Figure.number(x)) \(Figure.number(y)))\""
    }
    return element + ">\(Figure.escape(text.text))</text>\n"
  }

  static func number(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded)
  }

  static func points(_ list: [Point]) -> String {
    list.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
  }

  static func fill(_ color: Color) -> String {
    " fill=\"\(color.hexString)\""
      + (color.alpha == 255 ? "" : " fill-opacity=\"\(number(Double(color.alpha) / 255))\"")
  }

  static func stroke(_ color: Color) -> String {
    " stroke=\"\(color.hexString)\""
      + (color.alpha == 255 ? "" : " stroke-opacity=\"\(number(Double(color.alpha) / 255))\"")
  }

  /// Escapes XML's special characters.
  public static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}
