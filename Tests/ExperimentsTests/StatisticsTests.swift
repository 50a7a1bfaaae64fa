import Experiments
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

final class ResultsTableTests: XCTestCase {
  func makeTable() -> ResultsTable {
    var table = ResultsTable(settingNames: ["clip", "epochs"], metricNames: ["eval_mean", "wall_s"])
    table.addRow(settings: ["0.1", "3"], values: ["eval_mean": [10, 12, 14, 16, 18], "wall_s": [1.5]])
    table.addRow(settings: ["0.2", "10, fast"], values: ["eval_mean": [200, 210]])
    return table
  }

  func testMarkdown() {
    let lines = makeTable().markdown().split(separator: "\n")
    XCTAssertEqual(lines.count, 4)
    XCTAssertEqual(lines[0], "| clip | epochs | eval_mean (mean ± 95% CI) | wall_s (mean ± 95% CI) |")
    XCTAssertEqual(lines[1], "| --- | --- | --- | --- |")
    XCTAssertEqual(lines[2], "| 0.1 | 3 | 14 ± 3.926 (n=5) | 1.5 (n=1) |")
    // t(0.975, 1) * std / sqrt(2) = 12.7062 * 7.0711 / 1.4142 = 63.53
    XCTAssertEqual(lines[3], "| 0.2 | 10, fast | 205 ± 63.53 (n=2) |  |")
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
    XCTAssertEqual(Double(fields[3])!, 14 - 2.7764451051977934 * 2.0.squareRoot(), accuracy: 1e-9)
    XCTAssertEqual(fields[6], "5")
    XCTAssertEqual(Array(fields[7...]), ["1.5", "", "", "", "1"])
    XCTAssertTrue(lines[2].hasPrefix("0.2,\"10, fast\",205,"))
    XCTAssertTrue(lines[2].hasSuffix(",,,,,0"))
  }

  func testSignificantFormatting() {
    XCTAssertEqual(formatSignificant(3.14159), "3.142")
    XCTAssertEqual(formatSignificant(-200), "-200")
    XCTAssertEqual(formatSignificant(0.000123456), "0.0001235")
    XCTAssertEqual(formatSignificant(12_345_678), "1.235e+07")
    XCTAssertEqual(formatSignificant(.nan), "nan")
  }
}

final class RollingWindowTests: XCTestCase {
  func testKeepsTheLastValues() {
    var window = RollingWindow(capacity: 3)
    XCTAssertTrue(window.mean.isNaN)
    for value in [1.0, 2, 3, 4] { window.append(value) }
    XCTAssertEqual(window.values, [2, 3, 4])
    XCTAssertEqual(window.mean, 3)
    XCTAssertTrue(window.isFull)
  }
}
