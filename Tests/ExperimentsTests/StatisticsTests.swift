import Experiments
import PolicyGradient
import XCTest

final class StatisticsTests: XCTestCase {
  func testMeanStandardDeviationAndStandardError() {
    let values = [2.0, 4, 4, 4, 5, 5, 7, 9]
    XCTAssertEqual(Statistics.mean(values), 5)
    // numpy: np.std(values, ddof=1) = 2.138089935299395
    XCTAssertEqual(Statistics.standardDeviation(values), 2.138089935299395, accuracy: 1e-14)
    XCTAssertEqual(Statistics.standardDeviation(values, deltaDegreesOfFreedom: 0), 2, accuracy: 1e-14)
    XCTAssertEqual(Statistics.standardError(values), 2.138089935299395 / 8.0.squareRoot(), accuracy: 1e-14)
    XCTAssertTrue(Statistics.mean([]).isNaN)
    XCTAssertTrue(Statistics.standardDeviation([3]).isNaN)
  }

  func testMeanIsAccurateWithLargeOffset() {
    let values = [1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.3]
    XCTAssertEqual(Statistics.mean(values), 1e9 + 0.2, accuracy: 1e-6)
  }

  func testStudentTQuantilesMatchTables() {
    // scipy.stats.t.ppf(0.975, df)
    let expected: [(Double, Double)] = [
      (1, 12.706204736174698), (2, 4.302652729749464), (4, 2.7764451051977934), (9, 2.2621571628540993),
      (30, 2.0422724563012373), (1000, 1.9623390808264078),
    ]
    for (degrees, quantile) in expected {
      XCTAssertEqual(StudentT.quantile(0.975, degreesOfFreedom: degrees), quantile, accuracy: 1e-9 * quantile)
    }
    XCTAssertEqual(StudentT.quantile(0.025, degreesOfFreedom: 4), -2.7764451051977934, accuracy: 1e-9)
    XCTAssertEqual(StudentT.quantile(0.5, degreesOfFreedom: 3), 0)
    XCTAssertEqual(StudentT.cumulativeProbability(0, degreesOfFreedom: 7), 0.5, accuracy: 1e-15)
    // Closed form for 3 degrees of freedom: 1/2 + (r / (1 + t^2 / 3) + atan(r)) / pi with r = t / sqrt(3).
    XCTAssertEqual(StudentT.cumulativeProbability(1.5, degreesOfFreedom: 3), 0.8847080673775884, accuracy: 1e-12)
    XCTAssertTrue(StudentT.quantile(0.975, degreesOfFreedom: 0).isNaN)
  }

  func testConfidenceInterval() {
    let summary = SampleSummary([10, 12, 14, 16, 18])
    XCTAssertEqual(summary.count, 5)
    XCTAssertEqual(summary.mean, 14)
    // std = sqrt(10), se = sqrt(2), t(0.975, 4) = 2.7764451051977934
    XCTAssertEqual(summary.confidenceHalfWidth, 2.7764451051977934 * 2.0.squareRoot(), accuracy: 1e-9)
    XCTAssertEqual(summary.lowerBound, 14 - summary.confidenceHalfWidth)
    XCTAssertTrue(SampleSummary([3]).confidenceHalfWidth.isNaN)
    XCTAssertEqual(SampleSummary([1, 1, 1]).confidenceHalfWidth, 0)
  }
}

final class BootstrapTests: XCTestCase {
  func testSmallSamplesAreEnumeratedExactly() throws {
    // 27 resamples of (1, 3, 5): sums of three draws of (0, 1, 2) scaled; the 2.5% quantile is 0.65 of the way
    // from the smallest mean (1) to the next (5/3).
    let interval = try XCTUnwrap(Bootstrap.meanInterval([1, 3, 5]))
    XCTAssertEqual(interval.lower, 1 + 0.65 * 2 / 3, accuracy: 1e-12)
    XCTAssertEqual(interval.upper, 5 - 0.65 * 2 / 3, accuracy: 1e-12)
    XCTAssertNil(Bootstrap.meanInterval([3]), "one seed: no interval")
    XCTAssertNil(Bootstrap.meanInterval([]))
    let constant = try XCTUnwrap(Bootstrap.meanInterval([2, 2, 2, 2]))
    XCTAssertEqual(constant.lower, 2)
    XCTAssertEqual(constant.upper, 2)
  }

  func testStaysWithinTheDataWhereStudentsTDoesNot() throws {
    // Three seeds of a bounded return (InvertedPendulum: 0...1000): the t-interval runs past both ends.
    let returns = [1000.0, 1000, 90]
    let t = SampleSummary(returns)
    XCTAssertGreaterThan(t.upperBound, 1000)
    XCTAssertLessThan(t.lowerBound, 0)
    let interval = try XCTUnwrap(Bootstrap.meanInterval(returns))
    XCTAssertGreaterThanOrEqual(interval.lower, 90)
    XCTAssertLessThanOrEqual(interval.upper, 1000)
    XCTAssertLessThan(interval.lower, Statistics.mean(returns))
  }

  func testLargeSamplesAreResampledDeterministically() throws {
    // 40 values: Monte Carlo with the fixed generator seed; the same input gives the same interval, and for a
    // roughly symmetric sample it is close to the normal-theory one (mean +- 1.96 se).
    let values = (0..<40).map { Double(($0 * 37) % 41) }
    let first = try XCTUnwrap(Bootstrap.meanInterval(values))
    let second = try XCTUnwrap(Bootstrap.meanInterval(values))
    XCTAssertEqual(first.lower, second.lower)
    XCTAssertEqual(first.upper, second.upper)
    let mean = Statistics.mean(values)
    let halfWidth = 1.96 * Statistics.standardError(values)
    XCTAssertEqual(first.lower, mean - halfWidth, accuracy: 0.15 * halfWidth)
    XCTAssertEqual(first.upper, mean + halfWidth, accuracy: 0.15 * halfWidth)
  }

  func testStratifiedIntervalResamplesWithinGroups() throws {
    // Two settings whose seeds agree exactly: no uncertainty, whatever the difference between the settings.
    let exact = try XCTUnwrap(Bootstrap.meanOfGroupMeansInterval([[0, 0], [100, 100]]))
    XCTAssertEqual(exact.lower, 50)
    XCTAssertEqual(exact.upper, 50)
    // One setting with spread: 2^2 resamples of (0, 10): means 0, 5, 5, 10, then averaged with 100.
    let spread = try XCTUnwrap(Bootstrap.meanOfGroupMeansInterval([[0, 10], [100]]))
    XCTAssertEqual(spread.lower, (0 + 0.075 * 5 + 100) / 2, accuracy: 1e-12)
    XCTAssertEqual(spread.upper, (10 - 0.075 * 5 + 100) / 2, accuracy: 1e-12)
    XCTAssertNil(Bootstrap.meanOfGroupMeansInterval([[1], [2]]), "no setting with two seeds")
  }
}

final class ResultsTableTests: XCTestCase {
  func makeTable() -> ResultsTable {
    var table = ResultsTable(settingNames: ["clip", "epochs"], metricNames: ["eval_mean", "wall_s"])
    table.addRow(settings: ["0.1", "3"], values: ["eval_mean": [10, 12, 14, 16, 18], "wall_s": [1.5]])
    table.addRow(settings: ["0.2", "10, fast"], values: ["eval_mean": [200, 210]])
    return table
  }

  func testMarkdownInInsertionOrder() {
    let lines = makeTable().markdown().split(separator: "\n")
    XCTAssertEqual(lines.count, 4)
    XCTAssertEqual(lines[0], "| clip | epochs | eval_mean | wall_s |")
    XCTAssertEqual(lines[1], "| --- | --- | --- | --- |")
    // Five seeds: 3125 resamples; two seeds: (200, 205, 205, 210), the 2.5% quantile 0.075 of the way to 205.
    let five = Bootstrap.meanInterval([10, 12, 14, 16, 18])!
    XCTAssertEqual(
      lines[2], "| 0.1 | 3 | 14 [\(formatSignificant(five.lower)), \(formatSignificant(five.upper))] | 1.5 (1 seed) |")
    XCTAssertEqual(lines[3], "| 0.2 | 10, fast | 205 [200.4, 209.6] |  |")
  }

  func testCSV() {
    let lines = makeTable().csv().split(separator: "\n", omittingEmptySubsequences: false)
    XCTAssertEqual(
      lines[0],
      "clip,epochs,eval_mean_mean,eval_mean_ci_low,eval_mean_ci_high,eval_mean_std,eval_mean_n,"
        + "wall_s_mean,wall_s_ci_low,wall_s_ci_high,wall_s_std,wall_s_n")
    let fields = lines[1].split(separator: ",", omittingEmptySubsequences: false)
    XCTAssertEqual(fields[0], "0.1")
    XCTAssertEqual(fields[2], "14")
    XCTAssertEqual(Double(fields[3])!, Bootstrap.meanInterval([10, 12, 14, 16, 18])!.lower)
    XCTAssertEqual(Double(fields[5])!, 10.0.squareRoot(), accuracy: 1e-12)
    XCTAssertEqual(fields[6], "5")
    XCTAssertEqual(Array(fields[7...]), ["1.5", "", "", "", "1"])
    XCTAssertTrue(lines[2].hasPrefix("0.2,\"10, fast\",205,200.375,209.625,"))
    XCTAssertTrue(lines[2].hasSuffix(",,,,,0"))
  }

  /// A hand-made sweep summary: 2 x 2 settings, three seeds each (one setting with one seed, one without
  /// evaluation); the table is ranked by final return with bootstrap intervals.
  func makeSummary() -> RunSummary {
    let finals: [(String, [Double])] = [
      ("clip=0.1,epochs=3", [100, 110, 120]), ("clip=0.1,epochs=10", [200, 260, 230]),
      ("clip=0.2,epochs=3", [-50, -40, -60]), ("clip=0.2,epochs=10", [150]),
    ]
    var summary = RunSummary(fields: ["name": "toy-sweep"])
    for (setting, returns) in finals {
      for (index, value) in returns.enumerated() {
        summary.entries.append(
          RunSummary.Entry(
            setting: setting,
            seed: SeedSummary(
              seed: index + 1, environmentSteps: 1000, episodes: 10, wallSeconds: 2, stepsPerSecond: 500,
              finalReturnMean: value, evaluationMean: setting == "clip=0.2,epochs=3" ? nil : value + 5)))
      }
    }
    return summary
  }

  func testRankedTableOnAHandMadeSummary() throws {
    let table = makeSummary().resultsTable()
    XCTAssertEqual(table.settingNames, ["clip", "epochs"])
    XCTAssertEqual(table.rankedRowIndices(), [1, 3, 0, 2], "230, 150, 110, -50: best first")
    let lines = table.markdown().split(separator: "\n")
    XCTAssertEqual(lines[0], "| rank | clip | epochs | final return | evaluation return | steps/s |")
    // (200, 260, 230): 27 resamples; sorted means begin 200, 210 and end 250, 260 (steps of a third of the spacing).
    XCTAssertEqual(lines[2], "| 1 ★ | 0.1 | 10 | 230 [206.5, 253.5] | 235 [211.5, 258.5] | 500 [500, 500] |")
    XCTAssertEqual(lines[3], "| 2 | 0.2 | 10 | 150 (1 seed) | 155 (1 seed) | 500 (1 seed) |")
    XCTAssertEqual(lines[4], "| 3 | 0.1 | 3 | 110 [102.2, 117.8] | 115 [107.2, 122.8] | 500 [500, 500] |")
    XCTAssertEqual(lines[5], "| 4 | 0.2 | 3 | -50 [-57.83, -42.17] |  | 500 [500, 500] |")
    // Every interval lies within its seeds' values and around their mean.
    for row in table.rows.indices {
      for metric in table.metricNames {
        guard let cell = table.summary(row: row, metric: metric), cell.count > 1 else { continue }
        let values = table.rows[row].values[metric]!
        XCTAssertGreaterThanOrEqual(cell.lowerBound, values.min()!)
        XCTAssertLessThanOrEqual(cell.upperBound, values.max()!)
        XCTAssertLessThanOrEqual(cell.lowerBound, cell.mean)
        XCTAssertGreaterThanOrEqual(cell.upperBound, cell.mean)
      }
    }
  }

  func testResultsMarkdownHasTheSensitivityOfEachKey() throws {
    let summary = makeSummary()
    let sensitivity = try XCTUnwrap(summary.sensitivity(of: "final_return_mean"))
    XCTAssertEqual(sensitivity.map(\.key), ["clip", "epochs"])
    // clip=0.1: settings' means 110 and 230 -> 170; clip=0.2: -50 and 150 -> 50.
    XCTAssertEqual(sensitivity[0].levels.map(\.value), ["0.1", "0.2"])
    XCTAssertEqual(sensitivity[0].levels[0].mean, 170, accuracy: 1e-12)
    XCTAssertEqual(sensitivity[0].levels[1].mean, 50, accuracy: 1e-12)
    XCTAssertEqual(sensitivity[1].levels[0].mean, 30, accuracy: 1e-12)
    XCTAssertEqual(sensitivity[1].levels[1].seedCount, 4)
    for level in sensitivity.flatMap(\.levels) {
      XCTAssertLessThan(level.lowerBound, level.mean)
      XCTAssertGreaterThan(level.upperBound, level.mean)
    }
    let markdown = summary.resultsMarkdown()
    XCTAssertTrue(markdown.hasPrefix("# toy-sweep: 4 settings\n"))
    XCTAssertTrue(markdown.contains("95% bootstrap CI of the mean"))
    XCTAssertTrue(markdown.contains("### clip\n\n| clip | final return | evaluation return | settings x seeds |"))
    XCTAssertTrue(markdown.contains("Range of the final return across clip: 120."))
  }

  func testSignificantFormatting() {
    XCTAssertEqual(formatSignificant(3.14159), "3.142")
    XCTAssertEqual(formatSignificant(-200), "-200")
    XCTAssertEqual(formatSignificant(0.000123456), "0.0001235")
    XCTAssertEqual(formatSignificant(12_345_678), "1.235e+07")
    XCTAssertEqual(formatSignificant(.nan), "nan")
  }
}

final class RollingMeanTests: XCTestCase {
  func testKeepsTheLastValues() {
    var window = RollingMean(window: 3)
    XCTAssertNil(window.mean)
    for value in [1.0, 2, 3, 4] { window.add(value) }
    XCTAssertEqual(window.count, 3)
    XCTAssertEqual(window.mean, 3)
    XCTAssertTrue(window.isFull)
  }

  /// The running sum adds the new value, then subtracts the leaving one (the order the saved sums were built in),
  /// and a mean continued from a saved sum goes on bit for bit.
  func testRunningSumOrderAndContinuation() {
    let values = [0.1, 0.7, 1e16, 0.3, -1e16, 0.2, 0.9]
    var window = RollingMean(window: 2)
    var expected = 0.0
    for (i, value) in values.enumerated() {
      window.add(value)
      expected += value
      if i >= 2 { expected -= values[i - 2] }
      XCTAssertEqual(window.sum.bitPattern, expected.bitPattern, "after \(i + 1) values")
    }
    var continued = RollingMean(
      window: 2, continuing: values.prefix(4),
      sum: {
        var w = RollingMean(window: 2)
        for v in values.prefix(4) { w.add(v) }
        return w.sum
      }())
    for value in values.dropFirst(4) { continued.add(value) }
    XCTAssertEqual(continued.sum.bitPattern, window.sum.bitPattern)
    XCTAssertEqual(RollingMean(window: 5, continuing: [1.0, 2, 3]).mean, 2)
  }
}
