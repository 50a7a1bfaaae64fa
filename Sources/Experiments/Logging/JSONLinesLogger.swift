import Foundation
import Gym

// MARK: - JSON lines logger

/// Writes one JSON object per record and line: `{"step": 2048, "wall_time": ..., "rollout/ep_rew_mean": 21.5}`.
///
/// Non-finite values are written as `null`. With `resumeAfterStep`, lines after that step are dropped first.
public final class JSONLinesLogger: ScalarLogger {
  /// The file written.
  public let path: String
  private let file: AppendFile

  /// Creates (or, with `resumeAfterStep`, continues) the log at `path`.
  ///
  /// - Parameters:
  ///   - path: The JSON lines file; created (or emptied) unless resuming.
  ///   - resumeAfterStep: When given and the file exists, its records with a step at or below this one are kept (the
  ///     file rewritten atomically) and logging continues after them; nil starts a new file.
  /// - Throws: ``LoggerError/fileError(path:reason:)`` when the file cannot be read or written,
  ///   ``LoggerError/malformedLog(path:reason:)`` when an existing log to continue cannot be parsed.
  public init(path: String, resumeAfterStep: Int? = nil) throws {
    self.path = path
    if let step = resumeAfterStep, FileManager.default.fileExists(atPath: path) {
      let kept = try JSONLinesLogger.readRecords(path: path).filter { $0["step"]?.intValue ?? Int.max <= step }
      let text = kept.map { $0.serialized() + "\n" }.joined()
      do {
        try AtomicFile.write(text, to: path)
      } catch let error as FileWriteError {
        throw LoggerError.fileError(path: path, reason: error.reason)
      }
      file = try AppendFile(path: path, truncate: false)
    } else {
      file = try AppendFile(path: path, truncate: true)
    }
  }

  public func log(_ record: ScalarRecord) throws {
    // Keys in the record's order after step and wall_time, so lines read naturally.
    var line = "{\"step\":\(record.step),\"wall_time\":\(JSONValue.formatNumber(record.wallTime))"
    for (key, value) in record.values where key != "step" && key != "wall_time" {
      line += "," + JSONValue.quoted(key) + ":" + JSONValue.formatNumber(value)
    }
    try file.append(line + "}\n")
  }

  public func close() throws {
    try file.close()
  }

  /// The objects of a JSON lines file; a last line cut short by a crash is ignored.
  ///
  /// - Parameter path: The JSON lines file, one object a line.
  /// - Throws: ``LoggerError/fileError(path:reason:)`` when the file cannot be read or written,
  ///   ``LoggerError/malformedLog(path:reason:)`` when an existing log to continue cannot be parsed.
  public static func readRecords(path: String) throws -> [JSONValue] {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw LoggerError.fileError(path: path, reason: error.localizedDescription)
    }
    let lines = text.split(separator: "\n")
    var records: [JSONValue] = []
    for (index, line) in lines.enumerated() {
      do {
        records.append(try JSONValue(parsing: String(line)))
      } catch {
        if index == lines.count - 1 && !text.hasSuffix("\n") { break }
        throw LoggerError.malformedLog(path: path, reason: "line \(index + 1) is not JSON")
      }
    }
    return records
  }
}
