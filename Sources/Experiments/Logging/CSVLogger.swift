import Foundation
import Gym

// MARK: - CSV logger

/// Writes records as CSV rows: `step`, `wall_time`, then one column per key in the order keys first appeared.
///
/// Each row is written through immediately. When a record brings a new key, the file is rewritten (atomically)
/// with the wider header and empty cells in earlier rows, so every row always matches the header. NaN values are
/// written as `nan`, missing ones as empty cells (pandas reads both as NaN).
///
/// To resume an interrupted run, open the logger with `resumeAfterStep`: rows after that step (logged after the
/// checkpoint the run resumes from) are dropped, and new rows are appended.
public final class CSVLogger: ScalarLogger {
  /// The file written.
  public let path: String
  /// The columns, `step` and `wall_time` first.
  public private(set) var columns: [String] = ["step", "wall_time"]
  private var rows: [[String]] = []
  private var file: AppendFile

  /// Creates (or, with `resumeAfterStep`, continues) the CSV log at `path`.
  ///
  /// - Parameters:
  ///   - path: The CSV file; created (or emptied) unless resuming.
  ///   - resumeAfterStep: When given and the file exists, its rows with a step at or below this one are kept (the file
  ///     rewritten atomically) and logging continues after them; nil starts a new file.
  /// - Throws: ``LoggerError/fileError(path:reason:)`` when the file cannot be read or written,
  ///   ``LoggerError/malformedLog(path:reason:)`` when an existing log to continue cannot be parsed.
  public init(path: String, resumeAfterStep: Int? = nil) throws {
    self.path = path
    if let step = resumeAfterStep, FileManager.default.fileExists(atPath: path) {
      let table = try CSVLogger.readTable(path: path)
      guard let stepColumn = table.columns.firstIndex(of: "step") else {
        throw LoggerError.malformedLog(path: path, reason: "there is no 'step' column")
      }
      columns = table.columns
      rows = table.rows.filter { row in stepColumn < row.count && (Int(row[stepColumn]) ?? Int.max) <= step }
      try CSVLogger.rewrite(path: path, columns: columns, rows: rows)
      file = try AppendFile(path: path, truncate: false)
    } else {
      file = try AppendFile(path: path, truncate: true)
      try file.append(columns.map(csvField).joined(separator: ",") + "\n")
    }
  }

  public func log(_ record: ScalarRecord) throws {
    let newKeys = record.values.map(\.key).filter { !columns.contains($0) }
    var uniqueNewKeys: [String] = []
    for key in newKeys where !uniqueNewKeys.contains(key) { uniqueNewKeys.append(key) }
    var row = [String](repeating: "", count: columns.count + uniqueNewKeys.count)
    let allColumns = columns + uniqueNewKeys
    row[0] = String(record.step)
    row[1] = JSONValue.formatNumber(record.wallTime)
    for (key, value) in record.values {
      row[allColumns.firstIndex(of: key)!] = value.isNaN ? "nan" : JSONValue.formatNumber(value)
    }
    rows.append(row)
    if uniqueNewKeys.isEmpty {
      try file.append(row.map(csvField).joined(separator: ",") + "\n")
    } else {
      columns = allColumns
      try file.close()
      try CSVLogger.rewrite(path: path, columns: columns, rows: rows)
      file = try AppendFile(path: path, truncate: false)
    }
  }

  public func close() throws {
    try file.close()
  }

  // MARK: - Reading

  /// A CSV file's header and rows (cells as text, short rows padded with empty cells).
  public struct Table: Sendable {
    /// The header cells.
    public var columns: [String]
    /// The data rows.
    public var rows: [[String]]

    /// The (x, y) points of column `y` against column `x`, skipping rows where either is missing or not a number.
    ///
    /// - Parameters:
    ///   - x: The column of horizontal values.
    ///   - y: The column of vertical values.
    /// - Returns: The points in row order; empty when a column is missing.
    public func series(x: String = "step", y: String) -> [(x: Double, y: Double)] {
      guard let xIndex = columns.firstIndex(of: x), let yIndex = columns.firstIndex(of: y) else { return [] }
      return rows.compactMap { row in
        guard xIndex < row.count, yIndex < row.count, let xValue = Double(row[xIndex]),
          let yValue = Double(row[yIndex]),
          xValue.isFinite, yValue.isFinite
        else { return nil }
        return (xValue, yValue)
      }
    }
  }

  /// Reads a CSV file written by this logger (or any RFC 4180 CSV with a header).
  ///
  /// - Parameter path: The CSV file, with a header row.
  /// - Throws: ``LoggerError/fileError(path:reason:)`` when the file cannot be read or written,
  ///   ``LoggerError/malformedLog(path:reason:)`` when an existing log to continue cannot be parsed.
  public static func readTable(path: String) throws -> Table {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw LoggerError.fileError(path: path, reason: error.localizedDescription)
    }
    let records = parseCSV(text)
    guard let header = records.first, !header.isEmpty else {
      throw LoggerError.malformedLog(path: path, reason: "the file has no header row")
    }
    let rows = records.dropFirst().filter { !($0.count == 1 && $0[0].isEmpty) }.map { row in
      row.count >= header.count ? row : row + [String](repeating: "", count: header.count - row.count)
    }
    return Table(columns: header, rows: Array(rows))
  }

  static func rewrite(path: String, columns: [String], rows: [[String]]) throws {
    var text = columns.map(csvField).joined(separator: ",") + "\n"
    for row in rows {
      let padded = row.count >= columns.count ? row : row + [String](repeating: "", count: columns.count - row.count)
      text += padded.map(csvField).joined(separator: ",") + "\n"
    }
    do {
      try AtomicFile.write(text, to: path)
    } catch let error as FileWriteError {
      throw LoggerError.fileError(path: path, reason: error.reason)
    }
  }
}

// MARK: - CSV parsing

/// Splits CSV text into records of fields (RFC 4180: quoted fields may hold commas, quotes and line breaks).
func parseCSV(_ text: String) -> [[String]] {
  var records: [[String]] = []
  var record: [String] = []
  var field = ""
  var inQuotes = false
  var iterator = text.makeIterator()
  var pending: Character? = nil
  while let character = pending ?? iterator.next() {
    pending = nil
    if inQuotes {
      if character == "\"" {
        if let next = iterator.next() {
          if next == "\"" {
            field.append("\"")
          } else {
            inQuotes = false
            pending = next
          }
        } else {
          inQuotes = false
        }
      } else {
        field.append(character)
      }
      continue
    }
    switch character {
    case "\"": inQuotes = true
    case ",":
      record.append(field)
      field = ""
    case "\n", "\r\n", "\r":
      record.append(field)
      records.append(record)
      record = []
      field = ""
    default: field.append(character)
    }
  }
  if !field.isEmpty || !record.isEmpty {
    record.append(field)
    records.append(record)
  }
  return records
}
