import Foundation

// MARK: - Records

/// One row of training statistics: a step and named scalar values.
///
/// Keys follow Stable-Baselines3's groups, `group/name`: `rollout/ep_rew_mean`, `train/approx_kl`, `time/fps`.
public struct ScalarRecord: Equatable, Sendable {
  /// The x value of the record, usually the number of environment steps so far.
  public var step: Int
  /// Seconds since 1970 when the record was made.
  public var wallTime: Double
  /// The values, in the order they were added.
  public var values: [(key: String, value: Double)]

  /// Creates a record; `wallTime` defaults to now.
  public init(step: Int, values: [(key: String, value: Double)], wallTime: Double = Date().timeIntervalSince1970) {
    self.step = step
    self.values = values
    self.wallTime = wallTime
  }

  /// The value of `key`, or nil.
  public subscript(key: String) -> Double? {
    values.first { $0.key == key }?.value
  }

  public static func == (lhs: ScalarRecord, rhs: ScalarRecord) -> Bool {
    lhs.step == rhs.step && lhs.wallTime == rhs.wallTime && lhs.values.map(\.key) == rhs.values.map(\.key)
      && zip(lhs.values, rhs.values).allSatisfy { $0.value == $1.value || ($0.value.isNaN && $1.value.isNaN) }
  }
}

// MARK: - Logger protocol

/// A destination for scalar records: the console, a CSV file, JSON lines, TensorBoard, or several at once.
///
/// Implementations write each record through to the operating system before returning, so a killed run loses
/// nothing it logged. Errors are typed (``LoggerError``) and say which file failed.
public protocol ScalarLogger: AnyObject {
  /// Writes one record.
  func log(_ record: ScalarRecord) throws
  /// Finishes writing; the logger is not used afterwards.
  func close() throws
}

extension ScalarLogger {
  /// Writes one record made of `values` at `step`.
  public func log(step: Int, _ values: KeyValuePairs<String, Double>) throws {
    try log(ScalarRecord(step: step, values: values.map { (key: $0.key, value: $0.value) }))
  }
}

/// Why a log could not be written or resumed.
public enum LoggerError: Error, CustomStringConvertible, Equatable {
  /// A log file could not be created, read or written.
  case fileError(path: String, reason: String)
  /// An existing log file has content that cannot be resumed from.
  case malformedLog(path: String, reason: String)

  public var description: String {
    switch self {
    case .fileError(let path, let reason):
      "cannot write log \(path): \(reason); check that the folder exists and is writable"
    case .malformedLog(let path, let reason):
      "cannot resume log \(path): \(reason); move the file away to start a fresh log"
    }
  }
}

// MARK: - Fan-out and memory

/// Sends every record to several loggers.
public final class LoggerGroup: ScalarLogger {
  /// The loggers records go to, in order.
  public private(set) var loggers: [any ScalarLogger]

  /// Creates a group.
  public init(_ loggers: [any ScalarLogger]) {
    self.loggers = loggers
  }

  public func log(_ record: ScalarRecord) throws {
    for logger in loggers { try logger.log(record) }
  }

  public func close() throws {
    for logger in loggers { try logger.close() }
  }
}

/// Keeps records in memory (for tests, and for plotting at the end of a run).
public final class MemoryLogger: ScalarLogger {
  /// Every record logged so far.
  public private(set) var records: [ScalarRecord] = []

  /// Creates an empty logger.
  public init() {}

  public func log(_ record: ScalarRecord) throws { records.append(record) }

  public func close() throws {}

  /// The (step, value) series of `key`, skipping records without it.
  public func series(_ key: String) -> [(x: Double, y: Double)] {
    records.compactMap { record in record[key].map { (Double(record.step), $0) } }
  }
}

// MARK: - Append-only file

/// A file opened for appending, written through with one `write` call per record.
final class AppendFile {
  let path: String
  private let handle: FileHandle

  init(path: String, truncate: Bool) throws {
    self.path = path
    let manager = FileManager.default
    if truncate || !manager.fileExists(atPath: path) {
      guard manager.createFile(atPath: path, contents: nil) else {
        throw LoggerError.fileError(path: path, reason: "cannot create the file")
      }
    }
    do {
      handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
      try handle.seekToEnd()
    } catch {
      throw LoggerError.fileError(path: path, reason: error.localizedDescription)
    }
  }

  func append(_ text: String) throws {
    try append(Array(text.utf8))
  }

  func append(_ bytes: [UInt8]) throws {
    do {
      try handle.write(contentsOf: Data(bytes))
    } catch {
      throw LoggerError.fileError(path: path, reason: error.localizedDescription)
    }
  }

  func close() throws {
    do {
      try handle.synchronize()
      try handle.close()
    } catch {
      throw LoggerError.fileError(path: path, reason: error.localizedDescription)
    }
  }
}
