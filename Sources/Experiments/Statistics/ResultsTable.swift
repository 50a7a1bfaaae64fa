import Foundation

// MARK: - Results table

/// A table of settings (rows) by metrics (columns), each cell the mean and 95% confidence interval over seeds:
/// the summary of a sweep.
///
///     var table = ResultsTable(settingNames: ["clip", "epochs"], metricNames: ["eval_mean"])
///     table.addRow(settings: ["0.1", "3"], values: ["eval_mean": [180.5, 201.2, 190.0]])
///     print(table.markdown())
public struct ResultsTable: Sendable {
  /// One setting of the sweep and its per-seed metric values.
  public struct Row: Sendable {
    /// The setting's value for each of ``ResultsTable/settingNames``, as text.
    public var settings: [String]
    /// Per metric name, one value per seed.
    public var values: [String: [Double]]
  }

  /// Names of the columns that identify a setting (the swept keys).
  public var settingNames: [String]
  /// Names of the metrics, in column order.
  public var metricNames: [String]
  /// The rows, in insertion order.
  public private(set) var rows: [Row] = []
  /// Confidence level of the intervals.
  public var confidenceLevel: Double

  /// Creates an empty table.
  public init(settingNames: [String], metricNames: [String], confidenceLevel: Double = 0.95) {
    self.settingNames = settingNames
    self.metricNames = metricNames
    self.confidenceLevel = confidenceLevel
  }

  /// Adds a setting with its per-seed values (missing metrics show as empty cells).
  public mutating func addRow(settings: [String], values: [String: [Double]]) {
    rows.append(Row(settings: settings, values: values))
  }

  /// The summary of one cell, or nil when the metric has no values for that row.
  public func summary(row: Int, metric: String) -> SampleSummary? {
    guard let values = rows[row].values[metric], !values.isEmpty else { return nil }
    return SampleSummary(values, confidenceLevel: confidenceLevel)
  }

  // MARK: - Output

  /// A Markdown table: one column per setting name, then per metric `mean ± half width (n)`.
  public func markdown(significantDigits: Int = 4) -> String {
    let percent = JSONValue.formatNumber(confidenceLevel * 100)
    let header = settingNames + metricNames.map { "\($0) (mean ± \(percent)% CI)" }
    var lines = ["| " + header.joined(separator: " | ") + " |"]
    lines.append("|" + header.map { _ in " --- |" }.joined())
    for (index, row) in rows.enumerated() {
      let cells = metricNames.map { metric -> String in
        guard let summary = summary(row: index, metric: metric) else { return "" }
        let mean = formatSignificant(summary.mean, digits: significantDigits)
        guard summary.count >= 2 else { return "\(mean) (n=1)" }
        return
          "\(mean) ± \(formatSignificant(summary.confidenceHalfWidth, digits: significantDigits)) (n=\(summary.count))"
      }
      lines.append("| " + (row.settings + cells).joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// CSV with a header row: setting columns, then per metric `_mean`, `_ci_low`, `_ci_high`, `_std`, `_n`.
  /// Numbers are in shortest round-trip form; undefined values (one seed) are empty.
  public func csv() -> String {
    var header = settingNames.map(csvField)
    for metric in metricNames {
      header += ["mean", "ci_low", "ci_high", "std", "n"].map { csvField("\(metric)_\($0)") }
    }
    var lines = [header.joined(separator: ",")]
    for (index, row) in rows.enumerated() {
      var fields = row.settings.map(csvField)
      for metric in metricNames {
        if let summary = summary(row: index, metric: metric) {
          fields += [
            csvNumber(summary.mean), csvNumber(summary.lowerBound), csvNumber(summary.upperBound),
            csvNumber(summary.standardDeviation), String(summary.count),
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
