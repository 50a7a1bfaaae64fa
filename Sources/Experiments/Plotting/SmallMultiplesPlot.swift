import Foundation
import Graphics

// MARK: - Small multiples

/// A sweep's learning curves as small multiples (`grid.svg` / `grid.png`): one panel per setting, laid out by the
/// swept keys, on shared axes, each panel titled with only what varies between panels.
///
/// With one swept key the panels fill a near-square grid in the key's order; with two, rows follow the first key
/// and columns the second; with three or more, rows and columns follow the first two and the remaining keys'
/// combinations are drawn as distinguishable lines within each panel, with one legend for the figure.
public struct SmallMultiplesPlot: Sendable {
  /// How panels are arranged.
  public struct Arrangement: Equatable, Sendable {
    /// Panel rows.
    public var rows: Int
    /// Panel columns.
    public var columns: Int
    /// The key the rows follow (nil with one key: the panels simply fill the grid).
    public var rowKey: Int?
    /// The key the columns follow.
    public var columnKey: Int?
    /// Keys told apart within a panel, by line style.
    public var lineKeys: [Int]
    /// The settings drawn in each panel, row by row (empty panels have none).
    public var panels: [[Int]]
  }

  /// The figure's title.
  public var title: String
  /// The swept keys.
  public var axes: SweepAxes
  /// One curve per setting, in the order of `axes.assignments`.
  public var curves: [LearningCurve]
  /// Horizontal axis label.
  public var xLabel: String
  /// Vertical axis label.
  public var yLabel: String
  /// Trailing moving-average window applied to each seed.
  public var smoothingWindow = 1
  /// Confidence level of the bands.
  public var confidenceLevel = 0.95
  /// Width of one panel in pixels.
  public var panelWidth = 290.0
  /// Height of one panel in pixels.
  public var panelHeight = 190.0
  /// The font of the texts.
  public var font: TextFont = .standard

  /// Creates the plot.
  ///
  /// - Parameters:
  ///   - title: The figure's title.
  ///   - axes: The sweep's keys and values, which decide the panels and the lines in each.
  ///   - curves: One learning curve per setting, in the order of the axes' settings.
  ///   - xLabel: The horizontal axes' label.
  ///   - yLabel: The vertical axes' label.
  public init(title: String, axes: SweepAxes, curves: [LearningCurve], xLabel: String, yLabel: String) {
    self.title = title
    self.axes = axes
    self.curves = curves
    self.xLabel = xLabel
    self.yLabel = yLabel
  }

  // MARK: - Arrangement

  /// The panel arrangement for the swept keys: see the type's description.
  ///
  /// - Parameter axes: The sweep's keys and values.
  public static func arrangement(for axes: SweepAxes) -> Arrangement {
    let keyCount = axes.keys.count
    let settings = axes.assignments.indices
    if keyCount == 1 {
      let count = axes.values[0].count
      let columns = count <= 3 ? count : Int(Double(count).squareRoot().rounded(.up))
      let rows = (count + columns - 1) / columns
      var panels: [[Int]] = Array(repeating: [], count: rows * columns)
      for (index, value) in axes.values[0].enumerated() {
        panels[index] = settings.filter { axes.assignments[$0][0] == value }
      }
      return Arrangement(rows: rows, columns: columns, rowKey: nil, columnKey: nil, lineKeys: [], panels: panels)
    }
    let rows = axes.values[0].count
    let columns = axes.values[1].count
    var panels: [[Int]] = []
    for rowValue in axes.values[0] {
      for columnValue in axes.values[1] {
        panels.append(
          settings.filter { axes.assignments[$0][0] == rowValue && axes.assignments[$0][1] == columnValue })
      }
    }
    return Arrangement(
      rows: rows, columns: columns, rowKey: 0, columnKey: 1, lineKeys: Array(2..<keyCount), panels: panels)
  }

  /// The label of the line for a setting within its panel (the line keys' values), empty without line keys.
  func lineLabel(_ setting: Int, _ arrangement: Arrangement) -> String {
    axes.title(setting: setting, keys: arrangement.lineKeys)
  }

  // MARK: - Drawing

  /// Writes the PNG and SVG renderings (atomically).
  ///
  /// - Parameter base: The path without extension: `base.png` and `base.svg` are written.
  /// - Throws: ``ImageEncodingError/writeFailed(path:reason:)`` naming `base` when a file cannot be written.
  public func write(to base: String) throws {
    try figure().writeRenderings(to: base)
  }

  /// The drawing.
  public func figure() -> Figure {
    let arrangement = SmallMultiplesPlot.arrangement(for: axes)
    let aggregated = curves.map {
      $0.aggregated(smoothingWindow: smoothingWindow, confidenceLevel: confidenceLevel)
    }
    // Line styles: one per combination of the line keys' values, the same in every panel.
    var lineLabels: [String] = []
    for setting in axes.assignments.indices {
      let label = lineLabel(setting, arrangement)
      if !lineLabels.contains(label) { lineLabels.append(label) }
    }
    let styles = SeriesStyle.styles(count: lineLabels.count)
    let margin = PlotMetrics.margin
    var measure = Figure(width: 10, height: 10, font: font)
    let tickSize = PlotMetrics.tickSize - 1
    let xs = aggregated.flatMap(\.x)
    let ys = aggregated.flatMap { $0.mean + $0.minimum + $0.maximum }.filter(\.isFinite)
    let ranges = PlotAxes.ranges(xs: xs, ys: ys, yTickCount: 4)
    let probe = PlotAxes(
      area: Figure.Rectangle(x: 0, y: 0, width: 1, height: 1), xRange: ranges.x, yRange: ranges.y,
      xTicks: AxisTicks(low: ranges.x.lowerBound, high: ranges.x.upperBound, targetCount: 3), yTicks: ranges.yTicks)
    let left =
      margin + measure.capHeight(size: PlotMetrics.labelSize) + 10 + probe.yLabelWidth(measure, tickSize: tickSize)
      + PlotMetrics.tickLength + 6
    let gap = 18.0
    let panelTitleHeight = measure.capHeight(size: PlotMetrics.panelTitleSize) + 8
    let legend = Legend(
      entries: lineLabels.count > 1
        ? zip(lineLabels, styles).map {
          Legend.Entry(label: $0, style: $1, band: curves.contains { $0.seeds.count > 1 })
        }
        : [])
    let top =
      margin + measure.capHeight(size: PlotMetrics.titleSize) + 10 + measure.capHeight(size: PlotMetrics.captionSize)
      + 16 + (legend.entries.isEmpty ? 0 : PlotMetrics.legendRowHeight + 6)
    let width = Int((left + Double(arrangement.columns) * (panelWidth + gap) + margin).rounded(.up))
    let bottomSpace =
      PlotMetrics.tickLength + 6 + measure.capHeight(size: tickSize) + 14
      + measure.capHeight(size: PlotMetrics.labelSize)
      + margin - gap
    let height = Int(
      (top + Double(arrangement.rows) * (panelTitleHeight + panelHeight + gap) + bottomSpace).rounded(.up))
    measure = Figure(width: width, height: height, background: PlotPalette.background, font: font)
    var figure = measure

    let titleSize = figure.addTitle(title, width: width)
    let caption =
      "one panel per setting, shared axes; "
      + bandCaption(
        seedCounts: curves.map { $0.seeds.filter { !$0.isEmpty }.count }, smoothingWindow: smoothingWindow,
        confidenceLevel: confidenceLevel, showsSeeds: false)
    figure.addText(
      caption, at: Point(Double(width) / 2, margin + figure.capHeight(size: titleSize) + 10),
      size: fittingSize(caption, figure, preferred: PlotMetrics.captionSize, width: Double(width) - 2 * margin),
      color: PlotPalette.mutedText, horizontalAlignment: .center)
    if !legend.entries.isEmpty {
      // One row of entries above the panels.
      let boxWidth = legend.boxSize(figure, columns: legend.entries.count).width
      legend.draw(
        on: &figure, at: Point((Double(width) - boxWidth) / 2, top - PlotMetrics.legendRowHeight - 14),
        columns: legend.entries.count, framed: false)
    }

    let shownKeys = [arrangement.rowKey, arrangement.columnKey].compactMap { $0 }
    for row in 0..<arrangement.rows {
      for column in 0..<arrangement.columns {
        let settings = arrangement.panels[row * arrangement.columns + column]
        guard let first = settings.first else { continue }
        let x = left + Double(column) * (panelWidth + gap)
        let y = top + Double(row) * (panelTitleHeight + panelHeight + gap) + panelTitleHeight
        var axes = probe
        axes.area = Figure.Rectangle(x: x, y: y, width: panelWidth, height: panelHeight)
        axes.drawGrid(on: &figure)
        for setting in settings {
          let style = styles[lineLabels.firstIndex(of: lineLabel(setting, arrangement)) ?? 0]
          aggregated[setting].draw(on: &figure, axes: axes, style: style, lineWidth: 2)
        }
        let isBottom =
          row == arrangement.rows - 1 || arrangement.panels[(row + 1) * arrangement.columns + column].isEmpty
        axes.drawFrame(
          on: &figure, xLabels: isBottom, yLabels: column == 0, tickSize: tickSize,
          xLabelOverhang: column == arrangement.columns - 1 ? gap + margin - 2 : gap / 2 - 3)
        let panelTitle =
          shownKeys.isEmpty
          ? self.axes.title(setting: first, keys: [0]) : self.axes.title(setting: first, keys: shownKeys)
        figure.addText(
          panelTitle, at: Point(x + panelWidth / 2, y - panelTitleHeight + 2),
          size: fittingSize(panelTitle, figure, preferred: PlotMetrics.panelTitleSize, width: panelWidth),
          color: PlotPalette.text, horizontalAlignment: .center)
      }
    }
    let plotsLeft = left
    let plotsRight = left + Double(arrangement.columns) * (panelWidth + gap) - gap
    figure.addText(
      xLabel, at: Point((plotsLeft + plotsRight) / 2, Double(height) - margin), size: PlotMetrics.labelSize,
      color: PlotPalette.text, horizontalAlignment: .center, verticalAlignment: .baseline)
    let panelsTop = top
    let panelsBottom = top + Double(arrangement.rows) * (panelTitleHeight + panelHeight + gap) - gap
    figure.addText(
      yLabel, at: Point(margin, (panelsTop + panelsBottom) / 2), size: PlotMetrics.labelSize, color: PlotPalette.text,
      horizontalAlignment: .center, verticalAlignment: .top, orientation: .upward)
    return figure
  }
}
