import Foundation
import Graphics

// MARK: - Sensitivity plot

/// How much each swept hyperparameter matters (`sensitivity.svg` / `.png`): one panel per swept key, the final
/// training return (and the evaluation return) at each of its values, averaged over the other keys' settings and
/// the seeds, with stratified bootstrap intervals; all panels share the y axis so effects compare directly.
public struct SensitivityPlot: Sendable {
  /// One series: a metric's sensitivity for every key.
  public struct Series: Sendable {
    /// The legend text.
    public var label: String
    /// Per key, in the order of the panels.
    public var keys: [Sensitivity]

    /// Creates a series.
    ///
    /// - Parameters:
    ///   - label: The legend text.
    ///   - keys: The metric's sensitivity to each key, in the order of the panels.
    public init(label: String, keys: [Sensitivity]) {
      self.label = label
      self.keys = keys
    }
  }

  /// The figure's title.
  public var title: String
  /// The series (e.g. final return, evaluation return).
  public var series: [Series]
  /// Vertical axis label.
  public var yLabel = "return"
  /// Width of one panel.
  public var panelWidth = 280.0
  /// Height of one panel.
  public var panelHeight = 300.0
  /// Panels per row.
  public var panelsPerRow = 3
  /// The font of the texts.
  public var font: TextFont = .standard

  /// Creates the plot.
  ///
  /// - Parameters:
  ///   - title: The figure's title.
  ///   - series: The series drawn in every panel; all should cover the same keys.
  public init(title: String, series: [Series]) {
    self.title = title
    self.series = series
  }

  /// Writes the PNG and SVG renderings (atomically).
  ///
  /// - Parameter base: The path without extension: `base.png` and `base.svg` are written.
  /// - Throws: ``ImageEncodingError/writeFailed(path:reason:)`` naming `base` when a file cannot be written.
  public func write(to base: String) throws {
    try figure().writeRenderings(to: base)
  }

  /// The drawing.
  public func figure() -> Figure {
    let keyCount = series.first?.keys.count ?? 0
    let columns = max(1, min(panelsPerRow, keyCount))
    let rows = max(1, (keyCount + columns - 1) / columns)
    let margin = PlotMetrics.margin
    var figure = Figure(width: 10, height: 10, background: PlotPalette.background, font: font)
    let values = series.flatMap { $0.keys.flatMap { $0.levels.flatMap { [$0.mean, $0.lowerBound, $0.upperBound] } } }
      .filter(\.isFinite)
    let ranges = PlotAxes.ranges(xs: [0, 1], ys: values, yTickCount: 5)
    var probe = PlotAxes(
      area: Figure.Rectangle(x: 0, y: 0, width: 1, height: 1), xRange: 0...1, yRange: ranges.y,
      xTicks: ranges.xTicks, yTicks: ranges.yTicks)
    let left =
      margin + figure.capHeight(size: PlotMetrics.labelSize) + 10
      + probe.yLabelWidth(figure, tickSize: PlotMetrics.tickSize)
      + PlotMetrics.tickLength + 6
    let gap = 22.0
    let panelTitleHeight = figure.capHeight(size: PlotMetrics.panelTitleSize) + 10
    let top =
      margin + figure.capHeight(size: PlotMetrics.titleSize) + 10 + figure.capHeight(size: PlotMetrics.captionSize)
      + 16 + PlotMetrics.legendRowHeight + 8
    let bottomSpace = PlotMetrics.tickLength + 6 + figure.capHeight(size: PlotMetrics.tickSize) + margin
    let width = Int((left + Double(columns) * (panelWidth + gap) - gap + margin).rounded(.up))
    let height = Int((top + Double(rows) * (panelTitleHeight + panelHeight + bottomSpace)).rounded(.up))
    figure = Figure(width: width, height: height, background: PlotPalette.background, font: font)

    let titleSize = figure.addTitle(title, width: width)
    let caption =
      "each point: the mean over the other keys' settings and the seeds; bars: 95% stratified bootstrap CI"
    figure.addText(
      caption, at: Point(Double(width) / 2, margin + figure.capHeight(size: titleSize) + 10),
      size: fittingSize(caption, figure, preferred: PlotMetrics.captionSize, width: Double(width) - 2 * margin),
      color: PlotPalette.mutedText, horizontalAlignment: .center)
    let styles = SeriesStyle.styles(count: series.count)
    let legend = Legend(entries: zip(series, styles).map { Legend.Entry(label: $0.label, style: $1, band: false) })
    let legendWidth = legend.boxSize(figure, columns: max(series.count, 1)).width
    legend.draw(
      on: &figure, at: Point((Double(width) - legendWidth) / 2, top - PlotMetrics.legendRowHeight - 12),
      columns: max(series.count, 1), framed: false)

    for keyIndex in 0..<keyCount {
      let row = keyIndex / columns
      let column = keyIndex % columns
      let levels = series[0].keys[keyIndex].levels
      let x = left + Double(column) * (panelWidth + gap)
      let y = top + Double(row) * (panelTitleHeight + panelHeight + bottomSpace) + panelTitleHeight
      probe.area = Figure.Rectangle(x: x, y: y, width: panelWidth, height: panelHeight)
      // Categorical x: the values at 0, 1, ..., with half a step of room at each end.
      probe.xRange = -0.5...(Double(levels.count) - 0.5)
      probe.xTicks = AxisTicks(low: 0, high: 0, targetCount: 1)
      probe.xTicks.values = levels.indices.map(Double.init)
      probe.xCategories = levels.map(\.value)
      probe.drawGrid(on: &figure)
      for (seriesIndex, entry) in series.enumerated() {
        let style = styles[seriesIndex]
        // Series side by side around each value, so their bars do not hide each other.
        let offset = (Double(seriesIndex) - Double(series.count - 1) / 2) * 0.12
        let points = entry.keys[keyIndex].levels.enumerated().map { index, level in
          level.mean.isFinite ? probe.point(Double(index) + offset, level.mean) : Point(.nan, .nan)
        }
        figure.addPolyline(points, color: style.color.withOpacity(0.6), width: 1.5, dash: [5, 4], clip: probe.area)
        for (index, level) in entry.keys[keyIndex].levels.enumerated() where level.mean.isFinite {
          let centre = probe.point(Double(index) + offset, level.mean)
          if level.lowerBound.isFinite && level.upperBound.isFinite {
            let low = probe.point(Double(index) + offset, level.lowerBound)
            let high = probe.point(Double(index) + offset, level.upperBound)
            figure.addLine(from: low, to: high, color: style.color, width: 2)
            figure.addLine(from: Point(low.x - 5, low.y), to: Point(low.x + 5, low.y), color: style.color, width: 2)
            figure.addLine(from: Point(high.x - 5, high.y), to: Point(high.x + 5, high.y), color: style.color, width: 2)
          }
          figure.addCircle(center: centre, radius: 4.5, color: style.color)
        }
      }
      probe.drawFrame(on: &figure, xLabels: true, yLabels: column == 0, tickSize: PlotMetrics.tickSize)
      figure.addText(
        series[0].keys[keyIndex].key, at: Point(x + panelWidth / 2, y - panelTitleHeight + 2),
        size: PlotMetrics.panelTitleSize, color: PlotPalette.text, bold: true, horizontalAlignment: .center)
    }
    figure.addText(
      yLabel, at: Point(margin, top + (Double(height) - top) / 2), size: PlotMetrics.labelSize,
      color: PlotPalette.text, horizontalAlignment: .center, verticalAlignment: .top, orientation: .upward)
    return figure
  }
}
