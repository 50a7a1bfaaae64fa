import Foundation
import Graphics

// MARK: - Learning-curve plot

/// A learning-curve figure: several runs, each drawn as its mean line over seeds with a bootstrap confidence band
/// (none for one seed), on labelled axes with nice ticks, a legend and a title with a caption saying what the band
/// is and what smoothing was applied; rendered to SVG and PNG from the same ``Figure``.
///
/// The legend sits in a corner of the plot area when one is free of data, else to its right or, for many runs,
/// below it; runs beyond the palette's ten colours are told apart by dash patterns (``SeriesStyle``).
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
  /// Figure height in pixels (SVG user units); a legend below the plot adds to it.
  public var height: Int = 600
  /// Draw each seed as a thin line under the mean (`plot.seeds: true`).
  public var showsSeeds = false
  /// The caption under the title; nil: what the band is and the smoothing (``bandCaption``).
  public var caption: String?
  /// The font of the texts.
  public var font: TextFont = .standard

  /// Creates a plot description.
  ///
  /// - Parameters:
  ///   - title: The title above the plot.
  ///   - xLabel: The horizontal axis' label.
  ///   - yLabel: The vertical axis' label.
  ///   - runs: The runs drawn, one mean line and band each, in legend order.
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
  ///
  /// - Parameter path: The file written, replaced atomically.
  /// - Throws: ``ImageEncodingError/writeFailed(path:reason:)`` when it cannot be written.
  public func writePNG(to path: String) throws {
    do {
      try AtomicFile.write(try PNGEncoder.encode(figure().canvas()), to: path)
    } catch let error as FileWriteError {
      throw ImageEncodingError.writeFailed(path: path, reason: error.reason)
    }
  }

  /// Writes the SVG rendering (atomically).
  ///
  /// - Parameter path: The file written, replaced atomically.
  /// - Throws: ``ImageEncodingError/writeFailed(path:reason:)`` when it cannot be written.
  public func writeSVG(to path: String) throws {
    do {
      try AtomicFile.write(figure().svg(), to: path)
    } catch let error as FileWriteError {
      throw ImageEncodingError.writeFailed(path: path, reason: error.reason)
    }
  }

  // MARK: - Rendering

  /// The figure drawn on a canvas (the PNG rendering).
  public func canvas() -> Canvas { figure().canvas() }

  /// The figure as an SVG document.
  public func svg() -> String { figure().svg() }

  /// The aggregated runs with their styles.
  func styledCurves() -> [(label: String, style: SeriesStyle, curve: AggregatedCurve, seeds: [[CurvePoint]])] {
    let styles = SeriesStyle.styles(count: runs.count)
    return runs.enumerated().map { index, run in
      var style = styles[index]
      if let color = run.color { style.color = color }
      let curve = run.aggregated(
        smoothingWindow: smoothingWindow, maximumGridPoints: maximumGridPoints, confidenceLevel: confidenceLevel)
      let seeds =
        showsSeeds
        ? run.seeds.map {
          LearningCurve.trailingMean(
            $0.filter { $0.x.isFinite && $0.y.isFinite }.sorted { $0.x < $1.x }, window: max(smoothingWindow, 1))
        } : []
      return (run.label, style, curve, seeds)
    }
  }

  /// The caption actually drawn.
  var resolvedCaption: String {
    caption
      ?? bandCaption(
        seedCounts: runs.map { $0.seeds.filter { !$0.isEmpty }.count }, smoothingWindow: smoothingWindow,
        confidenceLevel: confidenceLevel, showsSeeds: showsSeeds)
  }

  /// Everything the drawing needs: styled curves, axes, the legend and where it goes, text sizes.
  struct Layout {
    var figure: Figure
    var curves: [(label: String, style: SeriesStyle, curve: AggregatedCurve, seeds: [[CurvePoint]])]
    var axes: PlotAxes
    var legend: Legend
    var placement: Legend.Placement?
    var titleSize: Double
    var captionSize: Double
    var captionText: String
    var bottom: Double
  }

  /// Computes the layout (an empty figure of the final size with the fonts, and the geometry).
  func layout() -> Layout {
    var figure = Figure(width: width, height: height, background: PlotPalette.background, font: font)
    let curves = styledCurves()
    var xs: [Double] = []
    var ys: [Double] = []
    // The vertical range covers the seeds themselves (the envelope); the bootstrap band lies inside it.
    for (_, _, curve, seeds) in curves {
      xs += curve.x
      ys += curve.mean.filter(\.isFinite) + curve.minimum.filter(\.isFinite) + curve.maximum.filter(\.isFinite)
      ys += seeds.flatMap { $0.map(\.y) }
    }
    let ranges = PlotAxes.ranges(xs: xs, ys: ys)
    let margin = PlotMetrics.margin
    let titleSize = fittingSize(
      title, figure, preferred: PlotMetrics.titleSize, width: Double(width) - 2 * margin, bold: true)
    let captionText = resolvedCaption
    let captionSize = fittingSize(
      captionText, figure, preferred: PlotMetrics.captionSize, width: Double(width) - 2 * margin)
    let top = margin + figure.capHeight(size: titleSize) + 10 + figure.capHeight(size: captionSize) + 18
    var axes = PlotAxes(
      area: Figure.Rectangle(x: 0, y: top, width: 1, height: 1), xRange: ranges.x, yRange: ranges.y,
      xTicks: ranges.xTicks, yTicks: ranges.yTicks)
    let left =
      margin + figure.capHeight(size: PlotMetrics.labelSize) + 12
      + axes.yLabelWidth(figure, tickSize: PlotMetrics.tickSize)
      + PlotMetrics.tickLength + 8
    let bottom =
      Double(height) - margin - figure.capHeight(size: PlotMetrics.labelSize) - 12
      - figure.capHeight(size: PlotMetrics.tickSize) - PlotMetrics.tickLength - 10
    axes.area = Figure.Rectangle(x: left, y: top, width: Double(width) - margin - 14 - left, height: bottom - top)

    // The legend: inside when a corner is free, else beside or below.
    let legend = Legend(
      entries: curves.map { Legend.Entry(label: $0.label, style: $0.style, band: $0.curve.hasBand) })
    var placement: Legend.Placement?
    if !curves.isEmpty {
      let points = curves.flatMap { entry in
        entry.curve.x.indices.flatMap { index in
          [entry.curve.mean[index], entry.curve.lower[index], entry.curve.upper[index]].filter(\.isFinite).map {
            axes.point(entry.curve.x[index], $0)
          }
        } + entry.seeds.flatMap { $0.map { axes.point($0.x, $0.y) } }
      }
      placement = legend.placement(figure, area: axes.area, points: points)
    }
    var legendRows = 0
    switch placement {
    case .right:
      axes.area.width -= legend.boxSize(figure).width + 12
    case .below(let columns):
      legendRows = (curves.count + columns - 1) / columns
      figure.height += Int((Double(legendRows) * PlotMetrics.legendRowHeight + 10).rounded(.up))
    default: break
    }
    return Layout(
      figure: figure, curves: curves, axes: axes, legend: legend, placement: placement, titleSize: titleSize,
      captionSize: captionSize, captionText: captionText, bottom: bottom)
  }

  /// The whole drawing.
  public func figure() -> Figure {
    let layout = layout()
    var figure = layout.figure
    let (curves, axes, legend, placement) = (layout.curves, layout.axes, layout.legend, layout.placement)
    let (titleSize, captionSize, captionText, bottom) = (
      layout.titleSize, layout.captionSize, layout.captionText, layout.bottom
    )
    let margin = PlotMetrics.margin

    axes.drawGrid(on: &figure)
    for (_, style, curve, seeds) in curves {
      curve.draw(on: &figure, axes: axes, style: style, seeds: seeds)
    }
    axes.drawFrame(on: &figure, tickSize: PlotMetrics.tickSize)
    let area = axes.area
    figure.addText(
      xLabel,
      at: Point(
        area.x + area.width / 2,
        bottom + PlotMetrics.tickLength + 10 + figure.capHeight(size: PlotMetrics.tickSize) + 12),
      size: PlotMetrics.labelSize, color: PlotPalette.text, horizontalAlignment: .center)
    figure.addText(
      yLabel, at: Point(margin, area.y + area.height / 2), size: PlotMetrics.labelSize, color: PlotPalette.text,
      horizontalAlignment: .center, verticalAlignment: .top, orientation: .upward)
    figure.addText(
      title, at: Point(Double(width) / 2, margin), size: titleSize, color: PlotPalette.text, bold: true,
      horizontalAlignment: .center)
    figure.addText(
      captionText, at: Point(Double(width) / 2, margin + figure.capHeight(size: titleSize) + 10), size: captionSize,
      color: PlotPalette.mutedText, horizontalAlignment: .center)
    switch placement {
    case .inside(let box):
      legend.draw(on: &figure, at: Point(box.x, box.y))
    case .right:
      legend.draw(on: &figure, at: Point(area.maxX + 12, area.y))
    case .below(let columns):
      let (boxWidth, _) = legend.boxSize(figure, columns: columns)
      legend.draw(
        on: &figure, at: Point((Double(width) - boxWidth) / 2, Double(self.height) - 4), columns: columns, framed: false
      )
    case nil: break
    }
    return figure
  }
}
