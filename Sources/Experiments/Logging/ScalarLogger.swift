import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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
  ///
  /// - Parameters:
  ///   - step: The x value, usually environment steps so far.
  ///   - values: The named values, in the order they are written.
  ///   - wallTime: Seconds since 1970; now by default.
  public init(step: Int, values: [(key: String, value: Double)], wallTime: Double = Date().timeIntervalSince1970) {
    self.step = step
    self.values = values
    self.wallTime = wallTime
  }

  /// The value of `key`, or nil.
  ///
  /// - Parameter key: A value's name, such as `rollout/ep_rew_mean`; the first value of that name is returned.
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
  ///
  /// - Parameter record: The step, wall time and values to write.
  /// - Throws: ``LoggerError`` naming the file that could not be written.
  func log(_ record: ScalarRecord) throws
  /// Finishes writing; the logger is not used afterwards.
  func close() throws
}

extension ScalarLogger {
  /// Writes one record made of `values` at `step`.
  ///
  /// - Parameters:
  ///   - step: The record's step.
  ///   - values: The named values, in order; the wall time is now.
  /// - Throws: What ``log(_:)`` throws.
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
  ///
  /// - Parameter loggers: The loggers every record goes to, in this order; a logger that throws stops the others after
  ///   it from seeing that record.
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
  ///
  /// - Parameter key: A value's name.
  /// - Returns: (step, value) for each record holding `key`, in logging order.
  public func series(_ key: String) -> [(x: Double, y: Double)] {
    records.compactMap { record in record[key].map { (Double(record.step), $0) } }
  }
}

// MARK: - Append-only file

/// A file opened for appending, written through with one `write` call per record. A record is written whole or not
/// at all: when a write fails part way (disk full, a file size limit), the file is cut back to its size before the
/// record, so it never ends in a partial line.
final class AppendFile {
  let path: String
  private var descriptor: Int32
  private var size: off_t

  init(path: String, truncate: Bool) throws {
    self.path = path
    descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0o644)
    guard descriptor >= 0 else {
      throw LoggerError.fileError(path: path, reason: "cannot open the file: \(String(cString: strerror(errno)))")
    }
    size = lseek(descriptor, 0, SEEK_END)
    guard size >= 0 else {
      let reason = String(cString: strerror(errno))
      _ = closeDescriptor(descriptor)
      throw LoggerError.fileError(path: path, reason: "cannot seek to its end: \(reason)")
    }
  }

  deinit { if descriptor >= 0 { _ = closeDescriptor(descriptor) } }

  func append(_ text: String) throws {
    try append(Array(text.utf8))
  }

  func append(_ bytes: [UInt8]) throws {
    guard descriptor >= 0 else { throw LoggerError.fileError(path: path, reason: "the file was closed") }
    guard writeFully(descriptor, bytes) else {
      let reason = String(cString: strerror(errno))
      // Cut back to the last whole record (if even that fails, readers ignore a cut-off last line).
      if ftruncate(descriptor, size) == 0 { _ = lseek(descriptor, size, SEEK_SET) }
      throw LoggerError.fileError(path: path, reason: "write: \(reason); the record was not logged")
    }
    size += off_t(bytes.count)
  }

  func close() throws {
    guard descriptor >= 0 else { return }
    let synced = fsync(descriptor) == 0 || errno == EINVAL
    let reason = String(cString: strerror(errno))
    let closed = closeDescriptor(descriptor) == 0
    descriptor = -1
    guard synced, closed else { throw LoggerError.fileError(path: path, reason: "close: \(reason)") }
  }
}

/// The POSIX `close`, under a name that does not clash with the `close()` methods.
@inline(__always)
private func closeDescriptor(_ descriptor: Int32) -> Int32 {
  #if canImport(Glibc)
    return Glibc.close(descriptor)
  #else
    return Darwin.close(descriptor)
  #endif
}
