import Foundation
import Gym

// MARK: - Results table

/// A table of settings (rows) by metrics (columns), each cell the mean over seeds with a percentile-bootstrap 95%
/// confidence interval of that mean: the summary of a sweep.
///
/// The Markdown rendering is for reading: ranked by one metric (best first, the best marked), with only the
/// columns a reader needs; the CSV rendering keeps every metric, with its standard deviation and seed count.
///
///     var table = ResultsTable(settingNames: ["clip", "epochs"], metricNames: ["eval_mean"])
///     table.addRow(settings: ["0.1", "3"], values: ["eval_mean": [180.5, 201.2, 190.0]])
///     table.rankingMetric = "eval_mean"
///     print(table.markdown())
public struct ResultsTable: Sendable {
  /// One setting of the sweep and its per-seed metric values.
  public struct Row: Sendable {
    /// The setting's value for each of ``ResultsTable/settingNames``, as text.
    public var settings: [String]
    /// Per metric name, one value per seed.
    public var values: [String: [Double]]
  }

  /// One cell: the mean over seeds and its interval.
  public struct Cell: Equatable, Sendable {
    /// Number of seeds.
    public var count: Int
    /// Mean over the seeds.
    public var mean: Double
    /// Sample standard deviation (n - 1); NaN for one seed.
    public var standardDeviation: Double
    /// Lower end of the bootstrap interval of the mean; NaN for one seed.
    public var lowerBound: Double
    /// Upper end of the bootstrap interval of the mean; NaN for one seed.
    public var upperBound: Double
  }

  /// Names of the columns that identify a setting (the swept keys).
  public var settingNames: [String]
  /// Names of the metrics, in column order.
  public var metricNames: [String]
  /// The rows, in insertion order.
  public private(set) var rows: [Row] = []
  /// Confidence level of the intervals.
  public var confidenceLevel: Double
  /// The metric the Markdown rows are ranked by, highest mean first; nil keeps insertion order.
  public var rankingMetric: String?
  /// The metrics the Markdown table shows (nil: all of ``metricNames``); the CSV always has all.
  public var displayedMetrics: [String]?
  /// Column titles of the Markdown table by metric name (default: the name itself).
  public var metricTitles: [String: String] = [:]
  /// Significant digits per metric in the Markdown table (default 4).
  public var metricDigits: [String: Int] = [:]

  /// Creates an empty table.
  ///
  /// - Parameters:
  ///   - settingNames: The titles of the columns that name a row's setting (e.g. the swept keys).
  ///   - metricNames: The metrics, in column order; the CSV has all of them.
  ///   - confidenceLevel: The level of the bootstrap intervals, strictly between 0 and 1.
  public init(settingNames: [String], metricNames: [String], confidenceLevel: Double = 0.95) {
    self.settingNames = settingNames
    self.metricNames = metricNames
    self.confidenceLevel = confidenceLevel
  }

  /// Adds a setting with its per-seed values (missing metrics show as empty cells).
  ///
  /// - Parameters:
  ///   - settings: The row's value of each setting column, in the order of ``settingNames``.
  ///   - values: Per metric name, its value for each seed.
  public mutating func addRow(settings: [String], values: [String: [Double]]) {
    rows.append(Row(settings: settings, values: values))
  }

  /// The summary of one cell, or nil when the metric has no values for that row.
  ///
  /// - Parameters:
  ///   - row: The row's index in insertion order; must be valid.
  ///   - metric: A metric name.
  public func summary(row: Int, metric: String) -> Cell? {
    guard let values = rows[row].values[metric], !values.isEmpty else { return nil }
    let interval = Bootstrap.meanInterval(values, level: confidenceLevel)
    return Cell(
      count: values.count, mean: Statistics.mean(values), standardDeviation: Statistics.standardDeviation(values),
      lowerBound: interval?.lower ?? .nan, upperBound: interval?.upper ?? .nan)
  }

  /// Row indices in Markdown order: by ``rankingMetric`` descending (rows without it last, ties in insertion
  /// order), or insertion order.
  public func rankedRowIndices() -> [Int] {
    guard let metric = rankingMetric else { return Array(rows.indices) }
    let keys = rows.indices.map { summary(row: $0, metric: metric)?.mean ?? -.infinity }
    return rows.indices.sorted { a, b in
      let (ka, kb) = (keys[a].isNaN ? -.infinity : keys[a], keys[b].isNaN ? -.infinity : keys[b])
      return ka != kb ? ka > kb : a < b
    }
  }

  // MARK: - Output

  /// The sentence that says what the cells hold, for the text above the table.
  public var intervalDescription: String {
    "Each cell: the mean over seeds [\(Bootstrap.methodDescription(level: confidenceLevel)), percentile method, "
      + "resampling seeds with a fixed generator seed]; one seed has no interval."
  }

  /// A Markdown table: with a ranking, a `rank` column first (the best row marked ★); then one column per setting
  /// name and per displayed metric `mean [low, high]`.
  public func markdown() -> String {
    let metrics = displayedMetrics ?? metricNames
    var header = settingNames + metrics.map { metricTitles[$0] ?? $0 }
    if rankingMetric != nil { header.insert("rank", at: 0) }
    var lines = ["| " + header.joined(separator: " | ") + " |"]
    lines.append("|" + header.map { _ in " --- |" }.joined())
    for (position, index) in rankedRowIndices().enumerated() {
      var cells = rows[index].settings
      for metric in metrics {
        guard let cell = summary(row: index, metric: metric) else {
          cells.append("")
          continue
        }
        cells.append(ResultsTable.format(cell, digits: metricDigits[metric] ?? 4))
      }
      if let metric = rankingMetric {
        let ranked = summary(row: index, metric: metric) != nil
        cells.insert(ranked ? (position == 0 ? "1 ★" : "\(position + 1)") : "", at: 0)
      }
      lines.append("| " + cells.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A cell as `mean [low, high]`, or `mean (1 seed)`.
  ///
  /// - Parameters:
  ///   - cell: The cell's summary.
  ///   - digits: The most significant digits of each number.
  public static func format(_ cell: Cell, digits: Int = 4) -> String {
    let mean = formatSignificant(cell.mean, digits: digits)
    guard cell.lowerBound.isFinite && cell.upperBound.isFinite else {
      return cell.count == 1 ? "\(mean) (1 seed)" : mean
    }
    return
      "\(mean) [\(formatSignificant(cell.lowerBound, digits: digits)), "
      + "\(formatSignificant(cell.upperBound, digits: digits))]"
  }

  /// CSV with a header row: setting columns, then per metric `_mean`, `_ci_low`, `_ci_high`, `_std`, `_n` (the
  /// interval is the bootstrap one); rows in Markdown order. Numbers are in shortest round-trip form; undefined
  /// values (one seed) are empty.
  public func csv() -> String {
    var header = settingNames.map(csvField)
    for metric in metricNames {
      header += ["mean", "ci_low", "ci_high", "std", "n"].map { csvField("\(metric)_\($0)") }
    }
    var lines = [header.joined(separator: ",")]
    for index in rankedRowIndices() {
      var fields = rows[index].settings.map(csvField)
      for metric in metricNames {
        if let cell = summary(row: index, metric: metric) {
          fields += [
            csvNumber(cell.mean), csvNumber(cell.lowerBound), csvNumber(cell.upperBound),
            csvNumber(cell.standardDeviation), String(cell.count),
          ]
        } else {
          fields += ["", "", "", "", "0"]
        }
      }
      lines.append(fields.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

// MARK: - Formatting helpers

/// A number with at most `digits` significant digits, without trailing zeros (`0.1235`, `1.235e+06`).
///
/// - Parameters:
///   - value: The number; NaN and infinities are written `nan`, `inf`, `-inf`.
///   - digits: The most significant digits, at least 1.
public func formatSignificant(_ value: Double, digits: Int = 4) -> String {
  guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
  if value == 0 { return "0" }
  let magnitude = abs(value)
  if magnitude >= 1e-4 && magnitude < 1e7 {
    let decimals = max(digits - 1 - Int((log10(magnitude)).rounded(.down)), 0)
    var text = String(format: "%.\(decimals)f", value)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }
  return String(format: "%.\(max(digits - 1, 0))e", value)
}

func csvNumber(_ value: Double) -> String {
  value.isFinite ? JSONValue.formatNumber(value) : ""
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
func csvField(_ text: String) -> String {
  guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
  return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
