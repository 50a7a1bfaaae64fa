import Foundation
import Graphics
import XCTest

@testable import Experiments

/// The layout logic of the plots: small-multiple arrangements for one to three swept keys, where legends go, the
/// palette, and that one seed draws no band.
final class PlotLayoutTests: XCTestCase {
  func grid(_ keys: [(String, [String])]) -> SweepAxes {
    var labels: [[String]] = [[]]
    for (key, values) in keys { labels = labels.flatMap { prefix in values.map { prefix + ["\(key)=\($0)"] } } }
    return SweepAxes(settings: labels.map { $0.joined(separator: ",") })!
  }

  func testSweepAxesFromLabels() {
    let axes = grid([("clip", ["0.1", "0.2"]), ("lr", ["linear(1e-3,0)", "3e-4"])])
    XCTAssertEqual(axes.keys, ["clip", "lr"])
    XCTAssertEqual(axes.values, [["0.1", "0.2"], ["linear(1e-3,0)", "3e-4"]])
    XCTAssertEqual(axes.assignments[1], ["0.1", "3e-4"])
    // A key that never varies is not an axis; labels that are not key=value lists have none.
    XCTAssertEqual(SweepAxes(settings: ["a=1,b=2", "a=2,b=2"])?.keys, ["a"])
    XCTAssertNil(SweepAxes(settings: ["fast", "slow"]))
    XCTAssertNil(SweepAxes(settings: ["a=1", "b=1"]), "different keys")
  }

  func testOneKeyFillsANearSquareGrid() {
    let two = SmallMultiplesPlot.arrangement(for: grid([("baseline", ["false", "true"])]))
    XCTAssertEqual([two.rows, two.columns], [1, 2])
    XCTAssertEqual(two.panels, [[0], [1]])
    XCTAssertEqual(two.lineKeys, [])
    let five = SmallMultiplesPlot.arrangement(for: grid([("n", ["1", "2", "3", "4", "5"])]))
    XCTAssertEqual([five.rows, five.columns], [2, 3])
    XCTAssertEqual(five.panels, [[0], [1], [2], [3], [4], []], "one empty panel at the end")
    let nine = SmallMultiplesPlot.arrangement(for: grid([("n", (1...9).map(String.init))]))
    XCTAssertEqual([nine.rows, nine.columns], [3, 3])
  }

  func testTwoKeysAreRowsAndColumns() {
    let axes = grid([("clip", ["0.1", "0.2", "0.3"]), ("epochs", ["3", "10"])])
    let arrangement = SmallMultiplesPlot.arrangement(for: axes)
    XCTAssertEqual([arrangement.rows, arrangement.columns], [3, 2])
    XCTAssertEqual(arrangement.rowKey, 0)
    XCTAssertEqual(arrangement.columnKey, 1)
    XCTAssertEqual(arrangement.panels.count, 6)
    for row in 0..<3 {
      for column in 0..<2 {
        let panel = arrangement.panels[row * 2 + column]
        XCTAssertEqual(panel.count, 1)
        XCTAssertEqual(axes.assignments[panel[0]], [axes.values[0][row], axes.values[1][column]])
      }
    }
  }

  func testThreeKeysPutTheThirdInsideEachPanel() throws {
    let axes = grid([
      ("clip", ["0.1", "0.2", "0.3"]), ("epochs", ["3", "10", "20"]), ("lambda", ["0.9", "0.95", "0.99"]),
    ])
    let arrangement = SmallMultiplesPlot.arrangement(for: axes)
    XCTAssertEqual([arrangement.rows, arrangement.columns], [3, 3])
    XCTAssertEqual(arrangement.lineKeys, [2])
    XCTAssertEqual(Set(arrangement.panels.flatMap { $0 }), Set(0..<27), "every setting in exactly one panel")
    for (index, panel) in arrangement.panels.enumerated() {
      XCTAssertEqual(panel.map { axes.assignments[$0][2] }, ["0.9", "0.95", "0.99"])
      XCTAssertEqual(Set(panel.map { axes.assignments[$0][0] }), [axes.values[0][index / 3]])
      XCTAssertEqual(Set(panel.map { axes.assignments[$0][1] }), [axes.values[1][index % 3]])
    }
    // The figure: nine panel titles naming only the row and column keys, and a legend of the third.
    let curves = (0..<27).map { setting in
      LearningCurve(
        label: "s\(setting)",
        seeds: (0..<2).map { seed in (0...5).map { CurvePoint(x: Double($0), y: Double(setting + seed + $0)) } })
    }
    let plot = SmallMultiplesPlot(title: "t", axes: axes, curves: curves, xLabel: "steps", yLabel: "return")
    let texts = plot.figure().items.compactMap { item -> String? in
      if case .text(let text) = item { return text.text }
      return nil
    }
    XCTAssertTrue(texts.contains("clip=0.2, epochs=10"))
    XCTAssertEqual(texts.filter { $0.hasPrefix("clip=") }.count, 9)
    XCTAssertEqual(texts.filter { $0.hasPrefix("lambda=") }, ["lambda=0.9", "lambda=0.95", "lambda=0.99"])
    XCTAssertFalse(texts.contains { $0.contains("lambda") && $0.contains("clip") })
  }

  func flat(_ label: String, at y: Double, seeds: Int = 1) -> LearningCurve {
    LearningCurve(
      label: label, seeds: (0..<seeds).map { seed in (0...20).map { CurvePoint(x: Double($0), y: y + Double(seed)) } })
  }

  func testLegendGoesInsideWhereACornerIsFree() throws {
    // Data only along the top: the first corner tried (bottom right) is free.
    var plot = LearningCurvePlot(title: "t", runs: [flat("a", at: 100), flat("b", at: 99)])
    plot.runs.append(LearningCurve(label: "c", seeds: [[CurvePoint(x: 0, y: 0)]]))
    let layout = plot.layout()
    guard case .inside(let box) = layout.placement else { return XCTFail("\(String(describing: layout.placement))") }
    XCTAssertGreaterThan(box.y, layout.axes.area.y + layout.axes.area.height / 2, "in the lower half")
  }

  /// Points jumping up and down over 0...99 (they cover every corner of the plot).
  func zigzag(count: Int, phase: Int) -> [CurvePoint] {
    (0...count).map { (step: Int) -> CurvePoint in
      let y: Int = (step * 7 + phase * 13) % 100
      return CurvePoint(x: Double(step), y: Double(y))
    }
  }

  func testLegendMovesOutsideWhenItWouldCoverData() throws {
    // Zigzags over the whole area: no corner is free, so the legend goes to the right and the plot area shrinks.
    let runs = (0..<3).map { index in
      LearningCurve(
        label: "run \(index)",
        seeds: [zigzag(count: 200, phase: index)])
    }
    let plot = LearningCurvePlot(title: "t", runs: runs)
    let layout = plot.layout()
    XCTAssertEqual(layout.placement, Legend.Placement.right)
    XCTAssertEqual(layout.figure.height, 600)
    let figure = plot.figure()
    let legendTexts = figure.items.compactMap { item -> Figure.Text? in
      if case .text(let text) = item, text.text.hasPrefix("run ") { return text }
      return nil
    }
    XCTAssertEqual(legendTexts.count, 3)
    for text in legendTexts { XCTAssertGreaterThan(text.position.x, layout.axes.area.maxX, "beside, not over") }
  }

  func testManyRunsPutTheLegendBelowAndGrowTheFigure() throws {
    let runs = (0..<27).map { index in
      LearningCurve(
        label: "clip_range=0.\(index % 3 + 1),n_epochs=\(index),gae_lambda=0.95",
        seeds: [zigzag(count: 50, phase: index)])
    }
    let plot = LearningCurvePlot(title: "27 settings", runs: runs)
    let layout = plot.layout()
    guard case .below(let columns) = layout.placement else { return XCTFail("\(String(describing: layout.placement))") }
    XCTAssertGreaterThanOrEqual(columns, 2)
    XCTAssertGreaterThan(layout.figure.height, 600)
    let figure = plot.figure()
    let texts = figure.items.compactMap { item -> Figure.Text? in
      if case .text(let text) = item { return text }
      return nil
    }
    let legend: [Figure.Text] = texts.filter { $0.text.hasPrefix("clip_range") }
    let rows: [Double] = legend.map { $0.position.y }
    let xLabel = try XCTUnwrap(texts.first { $0.text == "environment steps" })
    XCTAssertGreaterThan(rows.min()!, xLabel.position.y, "the legend starts below the x-axis label")
    XCTAssertLessThan(rows.max()!, Double(figure.height))
    XCTAssertEqual(Set(legend.map { $0.text }).count, 27)
  }

  /// CIE L*a*b* of an sRGB colour (D65), for perceptual distances.
  func lab(_ color: Color) -> (Double, Double, Double) {
    func linear(_ channel: UInt8) -> Double {
      let c = Double(channel) / 255
      return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
    }
    let (r, g, b) = (linear(color.red), linear(color.green), linear(color.blue))
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
  }

  func testPaletteColoursAreDistinctAndDashesExtendIt() {
    let palette = SeriesStyle.palette
    XCTAssertEqual(palette.count, 10)
    for i in palette.indices {
      let a = lab(palette[i])
      XCTAssertLessThan(a.0, 75, "colour \(i) is dark enough to show on white")
      for j in palette.indices where j > i {
        let b = lab(palette[j])
        let distance = ((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1) + (a.2 - b.2) * (a.2 - b.2)).squareRoot()
        XCTAssertGreaterThan(distance, 20, "colours \(i) and \(j) are too alike (Delta E \(distance))")
      }
    }
    // Beyond ten series the colours come back with another dash pattern: 40 distinct styles.
    let styles = SeriesStyle.styles(count: 40)
    XCTAssertEqual(Set(styles.map { "\($0.color.hexString) \($0.dash)" }).count, 40)
    XCTAssertEqual(styles[0].dash, [])
    XCTAssertEqual(styles[10].color, styles[0].color)
    XCTAssertNotEqual(styles[10].dash, styles[0].dash)
  }

  func testOneSeedHasNoBandAndNoBandSwatch() {
    let plot = LearningCurvePlot(title: "one seed", runs: [flat("only", at: 5)])
    let figure = plot.figure()
    let polygons = figure.items.filter { if case .polygon = $0 { return true } else { return false } }
    XCTAssertTrue(polygons.isEmpty, "no band")
    // The legend has a frame and a line swatch, but no translucent band rectangle.
    let translucent = figure.items.filter { item in
      if case .rectangle(_, let fill?, _, _) = item { return fill.alpha < 200 && fill != Color.white.withOpacity(0.9) }
      return false
    }
    XCTAssertTrue(translucent.isEmpty)
    XCTAssertTrue(plot.resolvedCaption.hasPrefix("one seed (no band)"))
    let two = LearningCurvePlot(title: "two", runs: [flat("pair", at: 5, seeds: 2)])
    XCTAssertTrue(two.resolvedCaption.contains("band: 95% bootstrap CI of the mean"))
    XCTAssertFalse(two.figure().items.filter { if case .polygon = $0 { return true } else { return false } }.isEmpty)
  }

  func testPerSeedLinesAreDrawnWhenAsked() {
    var plot = LearningCurvePlot(title: "seeds", runs: [flat("three", at: 5, seeds: 3)])
    let polylines = { (figure: Figure) in
      figure.items.filter { if case .polyline = $0 { return true } else { return false } }.count
    }
    XCTAssertEqual(polylines(plot.figure()), 1)
    plot.showsSeeds = true
    XCTAssertEqual(polylines(plot.figure()), 4)
    XCTAssertTrue(plot.resolvedCaption.contains("thin lines: single seeds"))
  }
}
