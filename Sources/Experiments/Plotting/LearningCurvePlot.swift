import Foundation
import Graphics

// MARK: - Learning-curve plot

/// A learning-curve figure: several runs, each drawn as its mean line over seeds with a confidence band, on
/// labelled axes with nice ticks, a legend and a title; rendered to SVG and PNG from the same description.
///
///     var plot = LearningCurvePlot(title: "REINFORCE for InvertedPendulum-v4", xLabel: "episode", yLabel: "return")
///     plot.runs = [LearningCurve(label: "REINFORCE", seeds: perSeedPoints)]
///     plot.smoothingWindow = 50
///     try plot.writePNG(to: "curve.png")
///     try plot.writeSVG(to: "curve.svg")
public struct LearningCurvePlot: Sendable {
  /// The title above the plot.
  public var title: String
  /// The label of the horizontal axis.
  public var xLabel: String
  /// The label of the vertical axis.
  public var yLabel: String
  /// The runs, drawn in order (later runs on top).
  public var runs: [LearningCurve]
  /// Trailing moving-average window applied to each seed before averaging (1: none).
  public var smoothingWindow: Int = 1
  /// Most grid points a run is interpolated onto.
  public var maximumGridPoints: Int = 400
  /// Confidence level of the bands.
  public var confidenceLevel: Double = 0.95
  /// Figure width in pixels (SVG user units).
  public var width: Int = 960
  /// Figure height in pixels (SVG user units).
  public var height: Int = 600

  /// Creates a plot description.
  public init(
    title: String, xLabel: String = "environment steps", yLabel: String = "return",
    runs: [LearningCurve] = []
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.runs = runs
  }

  // MARK: - Files

  /// Writes the PNG rendering (atomically).
  public func writePNG(to path: String) throws {
    do {
      try AtomicFile.write(try PNGEncoder.encode(canvas()), to: path)
    } catch let error as FileWriteError {
      throw ImageEncodingError.writeFailed(path: path, reason: error.reason)
    }
  }

  /// Writes the SVG rendering (atomically).
  public func writeSVG(to path: String) throws {
    do {
      try AtomicFile.write(svg(), to: path)
    } catch let error as FileWriteError {
      throw ImageEncodingError.writeFailed(path: path, reason: error.reason)
    }
  }

  // MARK: - Layout

  /// Everything both renderers need: aggregated runs, colours, axes, geometry.
  struct Layout {
    var curves: [(label: String, color: Color, curve: AggregatedCurve)]
    var xTicks: AxisTicks
    var yTicks: AxisTicks
    var xRange: ClosedRange<Double>
    var yRange: ClosedRange<Double>
    /// The plot area in figure coordinates.
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double
    var legend: (x: Double, y: Double, width: Double, height: Double)?

    func point(_ x: Double, _ y: Double) -> Point {
      let u = (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
      let v = (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
      return Point(left + u * (right - left), bottom - v * (bottom - top))
    }
  }

  /// Sizes in pixels, shared by the PNG and SVG renderings.
  enum Metrics {
    static let titleScale = 3.0
    static let labelScale = 2.0
    static let tickScale = 2.0
    static let legendScale = 2.0
    static let lineWidth = 2.5
    static let bandOpacity = 0.2
    static let tickLength = 6.0
    static let legendSwatch = 26.0
    static let legendPadding = 10.0
    static let legendRowHeight = 24.0
  }

  /// The title's scale: ``Metrics/titleScale``, or smaller when the title would not fit the width.
  var titleScale: Double {
    var scale = Metrics.titleScale
    while scale > 1 && BitmapFont.width(of: title, scale: scale) > Double(width) - 40 { scale -= 0.5 }
    return scale
  }

  func layout() -> Layout {
    let curves = runs.enumerated().map { index, run in
      (
        label: run.label, color: run.color ?? Color.categorical[index % Color.categorical.count],
        curve: run.aggregated(
          smoothingWindow: smoothingWindow, maximumGridPoints: maximumGridPoints, confidenceLevel: confidenceLevel)
      )
    }
    var xs: [Double] = []
    var ys: [Double] = []
    // The vertical range covers the seeds themselves (the envelope); the bootstrap band lies inside it.
    for (_, _, curve) in curves {
      xs += curve.x
      ys += curve.mean.filter(\.isFinite) + curve.minimum.filter(\.isFinite) + curve.maximum.filter(\.isFinite)
    }
    var xLow = xs.min() ?? 0
    let xHigh = xs.max() ?? 1
    // Start the axis at zero when the data starts just after it (the first log row comes after some steps).
    if xLow > 0 && xLow < 0.1 * (xHigh - xLow) { xLow = 0 }
    var yLow = ys.min() ?? 0
    var yHigh = ys.max() ?? 1
    let yPad = (yHigh - yLow) * 0.04
    yLow -= yPad
    yHigh += yPad
    let yTicks = AxisTicks(low: yLow, high: yHigh, targetCount: 6, extendToTicks: true)
    let xTicks = AxisTicks(low: xLow, high: xHigh > xLow ? xHigh : xLow + 1, targetCount: 6)
    let xRange = xHigh > xLow ? xLow...xHigh : (xLow - 0.5)...(xLow + 0.5)
    let yRange = yTicks.values.first!...max(yTicks.values.last!, yTicks.values.first! + yTicks.step)

    let tickLabelWidth = yTicks.labels().map { BitmapFont.width(of: $0, scale: Metrics.tickScale) }.max() ?? 0
    let left = 24 + BitmapFont.height(of: "X", scale: Metrics.labelScale) + 14 + tickLabelWidth + 10
    let top = 24 + BitmapFont.height(of: "X", scale: titleScale) + 20
    let right = Double(width) - 30
    let bottom =
      Double(height)
      - (24 + BitmapFont.height(of: "X", scale: Metrics.labelScale) + 14
        + BitmapFont.height(of: "X", scale: Metrics.tickScale) + 10)
    var layout = Layout(
      curves: curves, xTicks: xTicks, yTicks: yTicks, xRange: xRange, yRange: yRange, left: left, top: top,
      right: right, bottom: bottom, legend: nil)
    layout.legend = legendPlacement(layout)
    return layout
  }

  /// The legend box in the plot corner that hides the fewest curve points.
  private func legendPlacement(_ layout: Layout) -> (x: Double, y: Double, width: Double, height: Double)? {
    guard !layout.curves.isEmpty else { return nil }
    let textWidth = layout.curves.map { BitmapFont.width(of: $0.label, scale: Metrics.legendScale) }.max() ?? 0
    let boxWidth = Metrics.legendPadding * 3 + Metrics.legendSwatch + textWidth
    let boxHeight = Metrics.legendPadding * 2 + Double(layout.curves.count) * Metrics.legendRowHeight - 6
    let inset = 12.0
    let corners = [
      (layout.right - inset - boxWidth, layout.bottom - inset - boxHeight),  // bottom right
      (layout.left + inset, layout.top + inset),  // top left
      (layout.right - inset - boxWidth, layout.top + inset),  // top right
      (layout.left + inset, layout.bottom - inset - boxHeight),  // bottom left
    ]
    var best = corners[0]
    var bestCount = Int.max
    for corner in corners {
      var count = 0
      for (_, _, curve) in layout.curves {
        for index in curve.x.indices {
          for y in [curve.mean[index], curve.lower[index], curve.upper[index]] where y.isFinite {
            let point = layout.point(curve.x[index], y)
            if point.x >= corner.0 && point.x <= corner.0 + boxWidth && point.y >= corner.1
              && point.y <= corner.1 + boxHeight
            {
              count += 1
            }
          }
        }
      }
      if count < bestCount {
        bestCount = count
        best = corner
      }
    }
    return (best.0, best.1, boxWidth, boxHeight)
  }

  /// The band polygon (upper edge forwards, lower edge backwards) per contiguous run of points with a band.
  static func bandPolygons(_ curve: AggregatedCurve, _ layout: Layout) -> [[Point]] {
    var polygons: [[Point]] = []
    var upper: [Point] = []
    var lower: [Point] = []
    func flush() {
      if upper.count >= 2 { polygons.append(upper + lower.reversed()) }
      upper = []
      lower = []
    }
    for index in curve.x.indices {
      if curve.lower[index].isFinite && curve.upper[index].isFinite {
        upper.append(layout.point(curve.x[index], curve.upper[index]))
        lower.append(layout.point(curve.x[index], curve.lower[index]))
      } else {
        flush()
      }
    }
    flush()
    return polygons
  }

  /// The mean line, with NaN points where no seed covers the grid.
  static func meanLine(_ curve: AggregatedCurve, _ layout: Layout) -> [Point] {
    curve.x.indices.map { index in
      curve.mean[index].isFinite ? layout.point(curve.x[index], curve.mean[index]) : Point(.nan, .nan)
    }
  }
}

// MARK: - Colours of the frame

extension LearningCurvePlot {
  enum Palette {
    static let background = Color.white
    static let grid = Color(hex: 0xe6e6e6)
    static let axis = Color(hex: 0x404040)
    static let text = Color(hex: 0x202020)
    static let mutedText = Color(hex: 0x505050)
    static let legendBorder = Color(hex: 0xcccccc)
  }
}
