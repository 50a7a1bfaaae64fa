import Foundation
import Graphics

// MARK: - TensorBoard logger

/// Writes records as TensorBoard event files, readable by TensorBoard itself (`tensorboard --logdir DIR`).
///
/// The file `events.out.tfevents.<seconds>.<host>` is a sequence of TFRecords (see ``TFRecord``), each an `Event`
/// protocol buffer encoded by hand (``TensorBoardEvent``): first `file_version: "brain.Event:2"`, then per record
/// one event with `wall_time`, `step` and a `summary` holding one `simple_value` per key. Every record is
/// written through immediately.
///
/// When a run resumes from a checkpoint at step `s`, pass `resumeAfterStep: s`: a new event file starts with a
/// `SessionLog.START` event at step `s + 1`, which tells TensorBoard to drop points logged after `s` by the
/// interrupted run, so the curve shows no duplicates.
public final class TensorBoardLogger: ScalarLogger {
  /// The event file written.
  public let path: String
  private let file: AppendFile

  /// Creates a new event file in `directory` (created when missing).
  ///
  /// - Parameters:
  ///   - directory: The folder of the event file, created when missing; the file is named after `date` and the host,
  ///     with a suffix when that name is taken.
  ///   - resumeAfterStep: When given, a session-start event at the next step is written first, so that TensorBoard
  ///     drops the earlier file's points after this step; nil for a new run.
  ///   - date: The time in the file's name and of its first events.
  /// - Throws: ``LoggerError/fileError(path:reason:)`` when the folder or file cannot be created or written.
  public init(directory: String, resumeAfterStep: Int? = nil, date: Date = Date()) throws {
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw LoggerError.fileError(path: directory, reason: error.localizedDescription)
    }
    let host = ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName
    var candidate = directory + "/events.out.tfevents.\(Int(date.timeIntervalSince1970)).\(host)"
    var suffix = 1
    while FileManager.default.fileExists(atPath: candidate) {
      candidate = directory + "/events.out.tfevents.\(Int(date.timeIntervalSince1970)).\(host).\(suffix)"
      suffix += 1
    }
    path = candidate
    file = try AppendFile(path: path, truncate: true)
    let wallTime = date.timeIntervalSince1970
    try file.append(TFRecord.frame(TensorBoardEvent.fileVersion(wallTime: wallTime)))
    if let step = resumeAfterStep {
      try file.append(TFRecord.frame(TensorBoardEvent.sessionStart(wallTime: wallTime, step: step + 1)))
    }
  }

  public func log(_ record: ScalarRecord) throws {
    let values = record.values.map { (tag: $0.key, value: Float($0.value)) }
    try file.append(
      TFRecord.frame(TensorBoardEvent.scalars(wallTime: record.wallTime, step: record.step, values: values)))
  }

  public func close() throws {
    try file.close()
  }
}

// MARK: - TFRecord framing

/// TFRecord framing: `uint64 length`, `uint32 masked_crc32c(length)`, `data`, `uint32 masked_crc32c(data)`, all
/// little-endian; the mask is `((crc >> 15) | (crc << 17)) + 0xa282ead8`.
public enum TFRecord {
  /// The masked CRC-32C TFRecord stores.
  ///
  /// - Parameter bytes: The bytes checksummed.
  public static func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
    let crc = CRC32.castagnoli.checksum(bytes)
    return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
  }

  /// One framed record.
  ///
  /// - Parameter data: The record's payload, an encoded event.
  public static func frame(_ data: [UInt8]) -> [UInt8] {
    var length: [UInt8] = []
    appendLittleEndian(UInt64(data.count), to: &length)
    var output = length
    appendLittleEndian(maskedCRC(length), to: &output)
    output += data
    appendLittleEndian(maskedCRC(data), to: &output)
    return output
  }

  /// Splits a file into record payloads, checking both CRCs of each; throws at the first damaged record.
  ///
  /// - Parameter bytes: A whole TFRecord file.
  /// - Throws: ``TFRecordError`` for a truncated record or a checksum that does not match, with its offset.
  public static func records(in bytes: [UInt8]) throws -> [[UInt8]] {
    var records: [[UInt8]] = []
    var offset = 0
    while offset < bytes.count {
      guard offset + 12 <= bytes.count else { throw TFRecordError.truncated(offset: offset) }
      let lengthBytes = Array(bytes[offset..<(offset + 8)])
      guard readLittleEndian32(bytes, offset + 8) == maskedCRC(lengthBytes) else {
        throw TFRecordError.badLengthChecksum(offset: offset)
      }
      var length: UInt64 = 0
      for index in 0..<8 { length |= UInt64(lengthBytes[index]) << (8 * index) }
      guard length <= UInt64(bytes.count - offset - 16) else { throw TFRecordError.truncated(offset: offset) }
      let start = offset + 12
      let data = Array(bytes[start..<(start + Int(length))])
      guard readLittleEndian32(bytes, start + Int(length)) == maskedCRC(data) else {
        throw TFRecordError.badDataChecksum(offset: offset)
      }
      records.append(data)
      offset = start + Int(length) + 4
    }
    return records
  }

  static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    for index in 0..<MemoryLayout<T>.size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
  }

  static func readLittleEndian32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
  }
}

/// Why a TFRecord file could not be read.
public enum TFRecordError: Error, Equatable, CustomStringConvertible {
  /// The file ends inside the record starting at `offset`.
  case truncated(offset: Int)
  /// The length field of the record at `offset` does not match its checksum.
  case badLengthChecksum(offset: Int)
  /// The payload of the record at `offset` does not match its checksum.
  case badDataChecksum(offset: Int)

  public var description: String {
    switch self {
    case .truncated(let offset): "event file ends inside the record at byte \(offset) (the run was interrupted)"
    case .badLengthChecksum(let offset): "record at byte \(offset) has a damaged length field"
    case .badDataChecksum(let offset): "record at byte \(offset) has damaged contents"
    }
  }
}

// MARK: - Event protocol buffers

/// Hand-encoded `tensorflow.Event` messages (tensorflow/core/util/event.proto, summary.proto).
///
/// Event: `wall_time` = 1 (double), `step` = 2 (int64), `file_version` = 3 (string), `summary` = 5,
/// `session_log` = 7. Summary: repeated `value` = 1. Summary.Value: `tag` = 1 (string), `simple_value` = 2 (float).
/// SessionLog: `status` = 1 (enum, START = 1).
public enum TensorBoardEvent {
  /// The first event of every file.
  ///
  /// - Parameter wallTime: Seconds since 1970.
  public static func fileVersion(wallTime: Double) -> [UInt8] {
    var event = Protobuf()
    event.double(field: 1, wallTime)
    event.bytes(field: 3, Array("brain.Event:2".utf8))
    return event.output
  }

  /// An event with one scalar summary value per tag.
  ///
  /// - Parameters:
  ///   - wallTime: Seconds since 1970.
  ///   - step: The event's step.
  ///   - values: The tags and values, in order.
  public static func scalars(wallTime: Double, step: Int, values: [(tag: String, value: Float)]) -> [UInt8] {
    var summary = Protobuf()
    for (tag, value) in values {
      var entry = Protobuf()
      entry.bytes(field: 1, Array(tag.utf8))
      entry.float(field: 2, value)
      summary.bytes(field: 1, entry.output)
    }
    var event = Protobuf()
    event.double(field: 1, wallTime)
    event.varint(field: 2, UInt64(bitPattern: Int64(step)))
    event.bytes(field: 5, summary.output)
    return event.output
  }

  /// A `SessionLog.START` event: TensorBoard discards earlier points with steps >= `step`.
  ///
  /// - Parameters:
  ///   - wallTime: Seconds since 1970.
  ///   - step: The first step of the resumed run; earlier points at or after it are discarded.
  public static func sessionStart(wallTime: Double, step: Int) -> [UInt8] {
    var sessionLog = Protobuf()
    sessionLog.varint(field: 1, 1)
    var event = Protobuf()
    event.double(field: 1, wallTime)
    event.varint(field: 2, UInt64(bitPattern: Int64(step)))
    event.bytes(field: 7, sessionLog.output)
    return event.output
  }
}

/// A minimal protocol buffer writer (wire types 0, 1, 2 and 5).
struct Protobuf {
  var output: [UInt8] = []

  mutating func key(_ field: Int, _ wireType: Int) { rawVarint(UInt64(field << 3 | wireType)) }

  mutating func rawVarint(_ value: UInt64) {
    var value = value
    while value >= 0x80 {
      output.append(UInt8(value & 0x7F) | 0x80)
      value >>= 7
    }
    output.append(UInt8(value))
  }

  mutating func varint(field: Int, _ value: UInt64) {
    key(field, 0)
    rawVarint(value)
  }

  mutating func double(field: Int, _ value: Double) {
    key(field, 1)
    TFRecord.appendLittleEndian(value.bitPattern, to: &output)
  }

  mutating func float(field: Int, _ value: Float) {
    key(field, 5)
    TFRecord.appendLittleEndian(value.bitPattern, to: &output)
  }

  mutating func bytes(field: Int, _ value: [UInt8]) {
    key(field, 2)
    rawVarint(UInt64(value.count))
    output += value
  }
}
