import Foundation
import Graphics
import XCTest

@testable import Experiments

#if canImport(FoundationXML)
  import FoundationXML
#endif

final class AggregationTests: XCTestCase {
  func testMeanAndBandOnSharedGrid() {
    let curve = LearningCurve(
      label: "a",
      seeds: [
        [CurvePoint(x: 0, y: 1), CurvePoint(x: 1, y: 2)],
        [CurvePoint(x: 0, y: 3), CurvePoint(x: 1, y: 4)],
        [CurvePoint(x: 0, y: 5), CurvePoint(x: 1, y: 9)],
      ])
    let result = curve.aggregated()
    XCTAssertEqual(result.x, [0, 1])
    XCTAssertEqual(result.mean, [3, 5])
    XCTAssertEqual(result.seedCount, [3, 3])
    // The band is the percentile bootstrap's, exact over the 27 equally likely resamples of three seeds: at x = 0
    // (seeds 1, 3, 5) the sorted resample means start 1, 5/3, ...; the 2.5% quantile lies 0.65 of the way between
    // them (position 0.025 * 26), and symmetrically at the top. At x = 1 (seeds 2, 4, 9): 2, 8/3 and 9, 22/3.
    XCTAssertEqual(result.lower[0], 1 + 0.65 * (2.0 / 3), accuracy: 1e-12)
    XCTAssertEqual(result.upper[0], 5 - 0.65 * (2.0 / 3), accuracy: 1e-12)
    XCTAssertEqual(result.lower[1], 2 + 0.65 * (2.0 / 3), accuracy: 1e-12)
    XCTAssertEqual(result.upper[1], 9 - 0.65 * (5.0 / 3), accuracy: 1e-12)
    XCTAssertEqual(result.minimum, [1, 2])
    XCTAssertEqual(result.maximum, [5, 9])
  }

  func testDifferentGridsAreInterpolatedWithoutExtrapolation() {
    let curve = LearningCurve(
      label: "a",
      seeds: [
        [CurvePoint(x: 0, y: 0), CurvePoint(x: 10, y: 10)],
        [CurvePoint(x: 0, y: 10), CurvePoint(x: 4, y: 10), CurvePoint(x: 5, y: 20)],
      ])
    let result = curve.aggregated(maximumGridPoints: 11)
    XCTAssertEqual(result.x, (0...10).map(Double.init))
    XCTAssertEqual(result.seedCount, [2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1])
    XCTAssertEqual(result.mean[2], (2 + 10) / 2)
    XCTAssertEqual(result.mean[5], (5 + 20) / 2)
    XCTAssertEqual(result.mean[8], 8)
    XCTAssertTrue(result.lower[8].isNaN, "one seed: no band")
    XCTAssertTrue(result.lower[3].isFinite)
  }

  func testSmoothingIsATrailingMean() {
    let curve = LearningCurve(
      label: "a", seeds: [[0, 10, 20, 30].enumerated().map { CurvePoint(x: Double($0), y: $1) }])
    XCTAssertEqual(curve.aggregated(smoothingWindow: 2).mean, [0, 5, 15, 25])
    XCTAssertEqual(curve.aggregated(smoothingWindow: 3).mean, [0, 5, 10, 20])
  }

  func testUnsortedAndNonFinitePointsAreHandled() {
    let curve = LearningCurve(
      label: "a", seeds: [[CurvePoint(x: 2, y: 4), CurvePoint(x: .nan, y: 1), CurvePoint(x: 1, y: 2)], []])
    let result = curve.aggregated()
    XCTAssertEqual(result.x, [1, 2])
    XCTAssertEqual(result.mean, [2, 4])
  }
}

final class AxisTicksTests: XCTestCase {
  func testNiceSteps() {
    XCTAssertEqual(AxisTicks(low: 0, high: 300_000).values, [0, 50_000, 100_000, 150_000, 200_000, 250_000, 300_000])
    XCTAssertEqual(AxisTicks(low: 0, high: 300_000).labels(), ["0", "50k", "100k", "150k", "200k", "250k", "300k"])
    XCTAssertEqual(AxisTicks(low: -230, high: 260, extendToTicks: true).values, [-300, -200, -100, 0, 100, 200, 300])
    XCTAssertEqual(AxisTicks(low: 0, high: 1).labels(), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    XCTAssertEqual(AxisTicks(low: 0, high: 2_000_000).labels().last, "2.0M")
    XCTAssertEqual(AxisTicks(low: 0.1, high: 0.3).values, [0.1, 0.15, 0.2, 0.25, 0.3])
    XCTAssertEqual(AxisTicks(low: 5, high: 5).values.count > 1, true, "a flat range still gets ticks")
  }

  /// The y axis of a learning curve stays near the data: InvertedPendulum's returns (0 to 1000) once gave an axis
  /// from -200 to 1200, below the smallest possible return. Padded by 4%, not across zero, and widened to a tick
  /// only within half a step.
  func testTheYAxisStaysNearTheData() {
    typealias Ranges = (x: ClosedRange<Double>, y: ClosedRange<Double>, xTicks: AxisTicks, yTicks: AxisTicks)
    func visible(_ ranges: Ranges) -> [Double] { ranges.yTicks.values.filter { ranges.y.contains($0) } }

    let pendulum = PlotAxes.ranges(xs: [0, 5000], ys: [4, 1000, 640])
    XCTAssertEqual(pendulum.y.lowerBound, 0, "returns at or above zero keep zero as the bottom")
    XCTAssertEqual(pendulum.y.upperBound, 1039.84, accuracy: 1e-9, "4% above; 1200 is more than half a step away")
    XCTAssertEqual(visible(pendulum), [0, 200, 400, 600, 800, 1000])

    let lander = PlotAxes.ranges(xs: [0, 1], ys: [-230, 260])
    XCTAssertEqual(lander.y.lowerBound, -249.6, accuracy: 1e-9, "-300 is more than half a step below -249.6")
    XCTAssertEqual(lander.y.upperBound, 300, "300 is within half a step of 279.6")
    XCTAssertEqual(visible(lander), [-200, -100, 0, 100, 200, 300])

    let negative = PlotAxes.ranges(xs: [0, 1], ys: [-1500, -10])
    XCTAssertLessThanOrEqual(negative.y.upperBound, 0, "returns at or below zero keep zero as the top")
    XCTAssertLessThanOrEqual(negative.y.lowerBound, -1500)

    let flat = PlotAxes.ranges(xs: [0, 1], ys: [500, 500])
    XCTAssertLessThan(flat.y.lowerBound, 500)
    XCTAssertGreaterThan(flat.y.upperBound, 500)
  }
}

final class LearningCurvePlotTests: XCTestCase {
  func makePlot() -> LearningCurvePlot {
    // Two runs: a flat line at 10 with seeds at 5, 10, 15 and a flat line at 50 with no spread.
    let spread = LearningCurve(
      label: "spread",
      seeds: [5.0, 10, 15].map { y in (0...10).map { CurvePoint(x: Double($0) * 100, y: y) } },
      color: Color(hex: 0x1f77b4))
    let flat = LearningCurve(
      label: "flat & <sharp>", seeds: [(0...10).map { CurvePoint(x: Double($0) * 100, y: 50) }],
      color: Color(hex: 0xd62728))
    return LearningCurvePlot(title: "Test plot", xLabel: "steps", yLabel: "return", runs: [spread, flat])
  }

  func testPNGHasLinesBandsAndText() throws {
    let plot = makePlot()
    let canvas = plot.canvas()
    XCTAssertEqual(canvas.width, 960)
    // Find the column in the middle of the plot, and scan it for the two runs' colours.
    let column = 480
    var redRows: [Int] = []
    var blueRows: [Int] = []
    var bandRows: [Int] = []
    for row in 0..<canvas.height {
      let pixel = canvas.pixel(x: column, y: row)
      if pixel == Color(hex: 0xd62728) { redRows.append(row) }
      if pixel == Color(hex: 0x1f77b4) { blueRows.append(row) }
      // Band: 20% blue over white.
      if abs(Int(pixel.red) - 210) <= 3 && abs(Int(pixel.green) - 228) <= 3 && abs(Int(pixel.blue) - 240) <= 3 {
        bandRows.append(row)
      }
    }
    XCTAssertFalse(redRows.isEmpty, "the flat run's line")
    XCTAssertFalse(blueRows.isEmpty, "the spread run's mean line")
    XCTAssertLessThan(redRows.max()!, blueRows.min()!, "50 is drawn above 10")
    XCTAssertGreaterThan(bandRows.count, 10, "the confidence band around the blue line")
    XCTAssertTrue(bandRows.contains { $0 < blueRows.min()! } && bandRows.contains { $0 > blueRows.max()! })
    // Title text is dark pixels near the top centre.
    let titleDark = (20..<50).contains { row in (400..<560).contains { canvas.pixel(x: $0, y: row).red < 100 } }
    XCTAssertTrue(titleDark)
    // PNG encodes.
    XCTAssertGreaterThan(try PNGEncoder.encode(canvas).count, 1000)
  }

  func testSVGIsWellFormedAndEscaped() throws {
    let svg = makePlot().svg()
    XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    XCTAssertTrue(svg.contains("flat &amp; &lt;sharp&gt;"))
    XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
    XCTAssertEqual(svg.components(separatedBy: "<polygon").count - 1, 1, "only the run with spread has a band")
    XCTAssertTrue(svg.contains(">Test plot</text>"))
    XCTAssertTrue(svg.hasSuffix("</svg>\n"))
    // Well-formed XML, with the SVG root element.
    final class RootCollector: NSObject, XMLParserDelegate {
      var elements: [String] = []
      func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
      ) { elements.append(name) }
    }
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = RootCollector()
    parser.delegate = collector
    XCTAssertTrue(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    XCTAssertEqual(collector.elements.first, "svg")
    XCTAssertEqual(collector.elements.filter { $0 == "polyline" }.count, 2)
  }

  func testFilesAreWritten() throws {
    let folder = try makeTemporaryFolder(self)
    let plot = makePlot()
    try plot.writePNG(to: folder + "/curve.png")
    try plot.writeSVG(to: folder + "/curve.svg")
    let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/curve.png")))
    XCTAssertEqual(Array(png.prefix(8)), PNGEncoder.signature)
    XCTAssertThrowsError(try plot.writePNG(to: "/nonexistent-folder/curve.png"))
  }

  func testVerticalRangeFollowsTheSeedsNotAWideBand() throws {
    // Two seeds at 0 and 100: a 95% t-interval would span about -585...685; the bootstrap band stays within the
    // seeds (0.075 of the way from 0 to 50 at the bottom), and so does the axis.
    let curve = LearningCurve(
      label: "two", seeds: [0.0, 100].map { y in (0...10).map { CurvePoint(x: Double($0), y: y) } })
    let plot = LearningCurvePlot(title: "two seeds", runs: [curve])
    XCTAssertEqual(curve.aggregated().lower[0], 3.75, accuracy: 1e-12)
    XCTAssertEqual(curve.aggregated().upper[0], 96.25, accuracy: 1e-12)
    let svg = plot.svg()
    XCTAssertTrue(svg.contains(">100</text>") || svg.contains(">120</text>"), svg)
    XCTAssertFalse(svg.contains(">-400</text>"))
    XCTAssertFalse(svg.contains(">600</text>"))
  }

  func testLongTitleIsScaledDownToFit() {
    let plot = LearningCurvePlot(title: String(repeating: "long title ", count: 12), runs: [])
    let canvas = plot.canvas()
    // Nothing of the title is drawn in the outermost columns.
    for row in 0..<60 {
      XCTAssertEqual(canvas.pixel(x: 2, y: row), .white)
      XCTAssertEqual(canvas.pixel(x: canvas.width - 3, y: row), .white)
    }
  }

  func testEmptyAndSinglePointPlotsDoNotCrash() throws {
    var plot = LearningCurvePlot(title: "empty")
    _ = plot.canvas()
    _ = plot.svg()
    plot.runs = [LearningCurve(label: "one", seeds: [[CurvePoint(x: 5, y: 5)]])]
    _ = plot.canvas()
    XCTAssertTrue(plot.svg().contains("<circle"))
  }
}
