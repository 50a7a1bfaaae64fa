import Foundation

// MARK: - Console table

/// Prints each record as a Stable-Baselines3-style table, grouped by the part of the key before `/`:
///
///     ------------------------------------
///     | rollout/           |             |
///     |    ep_len_mean     | 98.2        |
///     |    ep_rew_mean     | -151        |
///     | time/              |             |
///     |    fps             | 2815        |
///     |    total_timesteps | 8192        |
///     ------------------------------------
public final class ConsoleTableLogger: ScalarLogger {
  private let write: (String) -> Void

  /// Creates a logger printing to standard output, or to `write` when given (e.g. to capture the text).
  ///
  /// - Parameter write: Receives each table's text; nil writes to standard output.
  public init(write: ((String) -> Void)? = nil) {
    self.write =
      write ?? { text in
        FileHandle.standardOutput.write(Data(text.utf8))
      }
  }

  public func log(_ record: ScalarRecord) throws {
    write(ConsoleTableLogger.table(for: record))
  }

  public func close() throws {}

  /// The table text for a record (ending with a newline).
  ///
  /// - Parameter record: The record shown: its values grouped by the part of their key before `/`, sorted by key.
  public static func table(for record: ScalarRecord) -> String {
    var groups: [(name: String, rows: [(String, String)])] = []
    for (key, value) in record.values.sorted(by: { $0.key < $1.key }) {
      let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
      let (group, name) = parts.count == 2 ? (parts[0], parts[1]) : ("", key)
      if groups.last?.name != group { groups.append((group, [])) }
      groups[groups.count - 1].rows.append((name, formatValue(value)))
    }
    var lines: [(String, String)] = []
    for group in groups {
      if !group.name.isEmpty { lines.append((group.name + "/", "")) }
      for (name, value) in group.rows { lines.append(((group.name.isEmpty ? "" : "   ") + name, value)) }
    }
    let keyWidth = lines.map(\.0.count).max() ?? 0
    let valueWidth = lines.map(\.1.count).max() ?? 0
    let dashes = String(repeating: "-", count: keyWidth + valueWidth + 7)
    var text = dashes + "\n"
    for (key, value) in lines {
      text +=
        "| " + key.padding(toLength: keyWidth, withPad: " ", startingAt: 0) + " | "
        + value.padding(toLength: valueWidth, withPad: " ", startingAt: 0) + " |\n"
    }
    return text + dashes + "\n"
  }

  /// Integers in full, other numbers with three significant digits like SB3's `%.3g`.
  static func formatValue(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    return String(format: "%.3g", value)
  }
}
