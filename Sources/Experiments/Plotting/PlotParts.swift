import Foundation
import Graphics

// MARK: - Series styles

/// How one data series is drawn: a colour and a dash pattern.
public struct SeriesStyle: Equatable, Sendable {
  /// The line colour (the band is this colour, translucent).
  public var color: Color
  /// The dash pattern (on, off, ... lengths in pixels); empty for a solid line.
  public var dash: [Double]

  /// Creates a style.
  ///
  /// - Parameters:
  ///   - color: The line colour.
  ///   - dash: The on and off lengths in pixels, repeated; empty for a solid line.
  public init(color: Color, dash: [Double] = []) {
    self.color = color
    self.dash = dash
  }

  /// Ten colours that stay apart for colour-blind readers too and show on white (Okabe-Ito's without black and
  /// the pale yellow, three of Tol's muted scheme, and grey), in the order series take them.
  public static let palette: [Color] = [
    0x0072b2, 0xe69f00, 0x009e73, 0xcc79a7, 0xd55e00, 0x56b4e9, 0x882255, 0x999933, 0x332288, 0x7f7f7f,
  ].map { Color(hex: $0) }

  /// The dash patterns used once the colours run out: solid, dashed, dotted, dash-dot.
  public static let dashPatterns: [[Double]] = [[], [9, 5], [2.5, 3.5], [10, 4, 2.5, 4]]

  /// Styles for `count` series: every colour solid first, then every colour dashed, and so on; beyond
  /// colours x patterns the styles repeat.
  ///
  /// - Parameter count: The number of series; a negative count gives none.
  public static func styles(count: Int) -> [SeriesStyle] {
    (0..<max(count, 0)).map { index in
      SeriesStyle(
        color: palette[index % palette.count],
        dash: dashPatterns[(index / palette.count) % dashPatterns.count])
    }
  }
}

// MARK: - Text sizes

/// Font sizes and strokes shared by Rein's plots (pixels).
enum PlotMetrics {
  static let titleSize = 20.0
  static let captionSize = 13.0
  static let labelSize = 16.0
  static let tickSize = 14.0
  static let legendSize = 14.0
  static let panelTitleSize = 14.0
  static let lineWidth = 2.5
  static let seedLineWidth = 1.0
  static let seedLineOpacity = 0.35
  static let bandOpacity = 0.2
  static let tickLength = 5.0
  static let legendSwatch = 28.0
  static let legendPadding = 8.0
  static let legendRowHeight = 21.0
  static let margin = 16.0
}

/// Colours of the frame.
enum PlotPalette {
  static let background = Color.white
  static let grid = Color(hex: 0xe6e6e6)
  static let axis = Color(hex: 0x404040)
  static let text = Color(hex: 0x202020)
  static let mutedText = Color(hex: 0x505050)
  static let legendBorder = Color(hex: 0xcccccc)
}

// MARK: - Axes

/// A plot area with its data ranges: maps data to figure coordinates and draws the frame, grid and ticks.
struct PlotAxes {
  var area: Figure.Rectangle
  var xRange: ClosedRange<Double>
  var yRange: ClosedRange<Double>
  var xTicks: AxisTicks
  var yTicks: AxisTicks
  /// Labels of categorical x ticks (the sensitivity plot), replacing the numbers.
  var xCategories: [String]? = nil

  func point(_ x: Double, _ y: Double) -> Point {
    let u = (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
    let v = (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
    return Point(area.x + u * area.width, area.maxY - v * area.height)
  }

  /// Nice ticks and ranges for data spanning `xs` and `ys`. The y range is the data's, padded by 4% of its span on
  /// each side but never across zero (returns that never go below zero keep zero as the bottom, and the other way
  /// round), and widened to a tick only where one lies within half a tick step, so the axis stays close to what the
  /// data can reach (data in 0...1000 gives 0...1040, not -200...1200).
  static func ranges(
    xs: [Double], ys: [Double], startXAtZero: Bool = true, yTickCount: Int = 6
  )
    -> (x: ClosedRange<Double>, y: ClosedRange<Double>, xTicks: AxisTicks, yTicks: AxisTicks)
  {
    var xLow = xs.min() ?? 0
    let xHigh = xs.max() ?? 1
    // Start the axis at zero when the data starts just after it (the first log row comes after some steps).
    if startXAtZero && xLow > 0 && xLow < 0.1 * (xHigh - xLow) { xLow = 0 }
    var yLow = ys.min() ?? 0
    var yHigh = ys.max() ?? 1
    if !(yHigh > yLow) {  // flat data: a range around it
      let spread = abs(yLow) > 0 ? abs(yLow) * 0.1 : 1
      yLow -= spread
      yHigh += spread
    }
    let yPad = (yHigh - yLow) * 0.04
    yLow = yLow >= 0 ? max(0, yLow - yPad) : yLow - yPad
    yHigh = yHigh <= 0 ? min(0, yHigh + yPad) : yHigh + yPad
    let yTicks = AxisTicks(low: yLow, high: yHigh, targetCount: yTickCount, extendToTicks: true)
    let firstTick = yTicks.values.first ?? yLow
    let lastTick = yTicks.values.last ?? yHigh
    let yBottom = yLow - firstTick <= yTicks.step / 2 ? firstTick : yLow
    let yTop = lastTick - yHigh <= yTicks.step / 2 ? lastTick : yHigh
    let xTicks = AxisTicks(low: xLow, high: xHigh > xLow ? xHigh : xLow + 1, targetCount: 6)
    let xRange = xHigh > xLow ? xLow...xHigh : (xLow - 0.5)...(xLow + 0.5)
    return (xRange, yBottom...yTop, xTicks, yTicks)
  }

  /// Grid lines at the ticks (below the data).
  func drawGrid(on figure: inout Figure) {
    for value in yTicks.values where yRange.contains(value) {
      let y = point(xRange.lowerBound, value).y
      figure.addLine(from: Point(area.x, y), to: Point(area.maxX, y), color: PlotPalette.grid)
    }
    for value in xTicks.values where xRange.contains(value) {
      let x = point(value, yRange.lowerBound).x
      figure.addLine(from: Point(x, area.y), to: Point(x, area.maxY), color: PlotPalette.grid)
    }
  }

  /// The frame, tick marks and (where asked) tick labels (above the data); with `xLabelOverhang`, x tick labels
  /// reaching more than that past the area's sides are left out (so neighbouring panels' labels do not touch).
  func drawFrame(
    on figure: inout Figure, xLabels: Bool = true, yLabels: Bool = true, tickSize: Double,
    xLabelOverhang: Double? = nil
  ) {
    figure.addRectangle(area, stroke: PlotPalette.axis)
    for (value, label) in zip(yTicks.values, yTicks.labels()) where yRange.contains(value) {
      let y = point(xRange.lowerBound, value).y
      figure.addLine(
        from: Point(area.x - PlotMetrics.tickLength, y), to: Point(area.x, y), color: PlotPalette.axis)
      if yLabels {
        figure.addText(
          label, at: Point(area.x - PlotMetrics.tickLength - 4, y), size: tickSize, color: PlotPalette.mutedText,
          horizontalAlignment: .trailing, verticalAlignment: .middle)
      }
    }
    let labels = xCategories ?? xTicks.labels()
    for (value, label) in zip(xTicks.values, labels) where xRange.contains(value) {
      let x = point(value, yRange.lowerBound).x
      figure.addLine(
        from: Point(x, area.maxY), to: Point(x, area.maxY + PlotMetrics.tickLength), color: PlotPalette.axis)
      let halfWidth = figure.textWidth(label, size: tickSize) / 2
      let fits = xLabelOverhang.map { x - halfWidth >= area.x - $0 && x + halfWidth <= area.maxX + $0 } ?? true
      if xLabels && fits {
        figure.addText(
          label, at: Point(x, area.maxY + PlotMetrics.tickLength + 4), size: tickSize, color: PlotPalette.mutedText,
          horizontalAlignment: .center)
      }
    }
  }

  /// The widest y tick label.
  func yLabelWidth(_ figure: Figure, tickSize: Double) -> Double {
    yTicks.labels().map { figure.textWidth($0, size: tickSize) }.max() ?? 0
  }
}

// MARK: - Drawing aggregated curves

extension AggregatedCurve {
  /// The band polygon (upper edge forwards, lower edge backwards) per contiguous run of points with a band.
  func bandPolygons(_ axes: PlotAxes) -> [[Point]] {
    var polygons: [[Point]] = []
    var upper: [Point] = []
    var lower: [Point] = []
    func flush() {
      if upper.count >= 2 { polygons.append(upper + lower.reversed()) }
      upper = []
      lower = []
    }
    for index in x.indices {
      if self.lower[index].isFinite && self.upper[index].isFinite {
        upper.append(axes.point(x[index], self.upper[index]))
        lower.append(axes.point(x[index], self.lower[index]))
      } else {
        flush()
      }
    }
    flush()
    return polygons
  }

  /// The mean line, with NaN points where no seed covers the grid.
  func meanLine(_ axes: PlotAxes) -> [Point] {
    x.indices.map { index in
      mean[index].isFinite ? axes.point(x[index], mean[index]) : Point(.nan, .nan)
    }
  }

  /// Whether any grid point has a band (two or more seeds).
  var hasBand: Bool { seedCount.contains { $0 >= 2 } }

  /// Draws band (when there is one), optional per-seed lines, then the mean line, clipped to the plot area.
  func draw(
    on figure: inout Figure, axes: PlotAxes, style: SeriesStyle, seeds: [[CurvePoint]] = [],
    lineWidth: Double = PlotMetrics.lineWidth
  ) {
    for polygon in bandPolygons(axes) {
      figure.addPolygon(polygon, color: style.color.withOpacity(PlotMetrics.bandOpacity), clip: axes.area)
    }
    for seed in seeds {
      figure.addPolyline(
        seed.map { axes.point($0.x, $0.y) }, color: style.color.withOpacity(PlotMetrics.seedLineOpacity),
        width: PlotMetrics.seedLineWidth, clip: axes.area)
    }
    let line = meanLine(axes)
    if x.count == 1, let only = line.first, only.x.isFinite {
      figure.addCircle(center: only, radius: 4, color: style.color, clip: axes.area)
    } else {
      figure.addPolyline(line, color: style.color, width: lineWidth, dash: style.dash, clip: axes.area)
    }
  }
}

// MARK: - Legend

/// A legend: entries with a style, whether to show a band swatch, and a label; placed inside the plot area where
/// it hides no data, else beside or below it.
struct Legend {
  struct Entry {
    var label: String
    var style: SeriesStyle
    var band: Bool
  }

  /// Where the legend goes.
  enum Placement: Equatable {
    /// Inside the plot area at this box.
    case inside(Figure.Rectangle)
    /// To the right of the plot area (the area shrinks to make room).
    case right
    /// Below the figure, in this many columns (the figure grows).
    case below(columns: Int)
  }

  var entries: [Entry]
  var textSize = PlotMetrics.legendSize

  func rowWidth(_ figure: Figure) -> Double {
    let text = entries.map { figure.textWidth($0.label, size: textSize) }.max() ?? 0
    return PlotMetrics.legendPadding * 3 + PlotMetrics.legendSwatch + text
  }

  func boxSize(_ figure: Figure, columns: Int = 1) -> (width: Double, height: Double) {
    let rows = (entries.count + columns - 1) / max(columns, 1)
    return (
      rowWidth(figure) * Double(columns) + PlotMetrics.legendPadding * Double(columns - 1),
      PlotMetrics.legendPadding * 2 + Double(rows) * PlotMetrics.legendRowHeight - 6
    )
  }

  /// The inside corner that hides no data point, if there is one (bottom right, top left, top right, bottom
  /// left, in that order); `points` are the data's figure coordinates.
  func insideBox(_ figure: Figure, area: Figure.Rectangle, points: [Point]) -> Figure.Rectangle? {
    let (boxWidth, boxHeight) = boxSize(figure)
    let inset = 10.0
    guard boxWidth + 2 * inset <= area.width, boxHeight + 2 * inset <= area.height else { return nil }
    let corners = [
      (area.maxX - inset - boxWidth, area.maxY - inset - boxHeight), (area.x + inset, area.y + inset),
      (area.maxX - inset - boxWidth, area.y + inset), (area.x + inset, area.maxY - inset - boxHeight),
    ]
    for (x, y) in corners {
      // A margin around the box, so a curve does not run along its edge.
      let box = Figure.Rectangle(x: x - 4, y: y - 4, width: boxWidth + 8, height: boxHeight + 8)
      if !points.contains(where: { box.contains($0) }) {
        return Figure.Rectangle(x: x, y: y, width: boxWidth, height: boxHeight)
      }
    }
    return nil
  }

  /// Chooses the placement: inside when a corner is free; else to the right when it fits in a third of the width
  /// and the plot's height; else below in as many columns as fit.
  func placement(_ figure: Figure, area: Figure.Rectangle, points: [Point]) -> Placement {
    if let box = insideBox(figure, area: area, points: points) { return .inside(box) }
    let (boxWidth, boxHeight) = boxSize(figure)
    if boxWidth <= Double(figure.width) / 3 && boxHeight <= area.height { return .right }
    let available = Double(figure.width) - 2 * PlotMetrics.margin
    let columns = max(
      1,
      min(entries.count, Int((available + PlotMetrics.legendPadding) / (rowWidth(figure) + PlotMetrics.legendPadding))))
    return .below(columns: columns)
  }

  /// Draws the legend with its top-left corner at `origin`.
  func draw(on figure: inout Figure, at origin: Point, columns: Int = 1, framed: Bool = true) {
    let (boxWidth, boxHeight) = boxSize(figure, columns: columns)
    if framed {
      figure.addRectangle(
        Figure.Rectangle(x: origin.x, y: origin.y, width: boxWidth, height: boxHeight),
        fill: PlotPalette.background.withOpacity(0.9), stroke: PlotPalette.legendBorder)
    }
    let rows = (entries.count + columns - 1) / max(columns, 1)
    let columnWidth = rowWidth(figure) + PlotMetrics.legendPadding
    for (index, entry) in entries.enumerated() {
      // Fill column by column, so the order reads top to bottom.
      let column = index / max(rows, 1)
      let row = index % max(rows, 1)
      let rowY = origin.y + PlotMetrics.legendPadding + Double(row) * PlotMetrics.legendRowHeight
      let middle = rowY + 7
      let swatchX = origin.x + PlotMetrics.legendPadding + Double(column) * columnWidth
      if entry.band {
        figure.addRectangle(
          Figure.Rectangle(x: swatchX, y: middle - 7, width: PlotMetrics.legendSwatch, height: 14),
          fill: entry.style.color.withOpacity(PlotMetrics.bandOpacity))
      }
      figure.addLine(
        from: Point(swatchX, middle), to: Point(swatchX + PlotMetrics.legendSwatch, middle), color: entry.style.color,
        width: PlotMetrics.lineWidth, dash: entry.style.dash)
      figure.addText(
        entry.label, at: Point(swatchX + PlotMetrics.legendSwatch + PlotMetrics.legendPadding, middle), size: textSize,
        color: PlotPalette.text, verticalAlignment: .middle)
    }
  }
}

// MARK: - Titles

/// The largest size (down to 9 px) at which `text` fits `width`.
func fittingSize(_ text: String, _ figure: Figure, preferred: Double, width: Double, bold: Bool = false) -> Double {
  var size = preferred
  while size > 9 && figure.textWidth(text, size: size, bold: bold) > width { size -= 1 }
  return size
}

/// What a band shows and what smoothing was applied, for a plot's caption.
func bandCaption(seedCounts: [Int], smoothingWindow: Int, confidenceLevel: Double, showsSeeds: Bool) -> String {
  let counts = Set(seedCounts)
  var parts: [String] = []
  if let only = counts.first, counts.count == 1 {
    parts.append(only == 1 ? "one seed (no band)" : "mean of \(only) seeds")
  } else if let low = counts.min(), let high = counts.max() {
    parts.append("mean of \(low)-\(high) seeds")
  }
  if (counts.max() ?? 0) >= 2 { parts.append("band: \(Bootstrap.methodDescription(level: confidenceLevel))") }
  if showsSeeds { parts.append("thin lines: single seeds") }
  parts.append(smoothingWindow > 1 ? "smoothing: trailing mean of \(smoothingWindow) points" : "no smoothing")
  return parts.joined(separator: "; ")
}

// MARK: - Titles and files

extension Figure {
  /// Draws a plot's title centred on the top margin, bold, at the title size or the largest smaller one that fits
  /// between the margins.
  ///
  /// - Parameters:
  ///   - title: The text.
  ///   - width: The figure's width in pixels.
  /// - Returns: The size drawn, for laying out what follows.
  mutating func addTitle(_ title: String, width: Int) -> Double {
    let margin = PlotMetrics.margin
    let size = fittingSize(title, self, preferred: PlotMetrics.titleSize, width: Double(width) - 2 * margin, bold: true)
    addText(
      title, at: Point(Double(width) / 2, margin), size: size, color: PlotPalette.text, bold: true,
      horizontalAlignment: .center)
    return size
  }

  /// Writes the PNG and SVG renderings to `base.png` and `base.svg`, each atomically (the plots' `write(to:)`).
  ///
  /// - Parameter base: The path without extension.
  /// - Throws: ``ImageEncodingError/writeFailed(path:reason:)`` naming `base` when a file cannot be written.
  func writeRenderings(to base: String) throws {
    do {
      try AtomicFile.write(try PNGEncoder.encode(canvas()), to: base + ".png")
      try AtomicFile.write(svg(), to: base + ".svg")
    } catch let error as FileWriteError {
      throw ImageEncodingError.writeFailed(path: base, reason: error.reason)
    }
  }
}
