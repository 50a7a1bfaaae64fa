import Foundation
import Graphics
import Gym

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Checkpoint

/// A checkpoint file: a JSON metadata document plus named tensors, in the safetensors layout.
///
/// Data only, no code: Python reads the tensors with `safetensors.numpy.load_file(path)`. The layout is
/// an 8-byte little-endian header length, a JSON header (padded with spaces to a multiple of 8 bytes) mapping each
/// tensor name to `dtype`, `shape` and `data_offsets`, and the tensor bytes (little-endian, row-major, in name
/// order). The header's `__metadata__` string map holds:
/// - `format`: ``formatName``; `format_version`: ``formatVersion`` (newer files are refused with a clear error);
/// - `metadata`: the caller's JSON document (algorithm, settings, counters, ...);
/// - `checksum_crc32`: CRC-32 of the whole file with these eight hex digits set to `0`, so any damage is detected.
///
/// Files are written atomically (see ``AtomicFile``) and validated on load: truncated, bit-flipped, foreign,
/// malformed and future-version files fail with a ``CheckpointError``, never a crash.
public struct Checkpoint: Equatable, Sendable {
  /// The `format` value of Rein checkpoints.
  public static let formatName = "rein.checkpoint"
  /// The newest format version this code reads and the version it writes.
  public static let formatVersion = 1
  /// Largest header accepted when reading, in bytes (a guard against damaged length fields).
  public static let maximumHeaderBytes = 100_000_000

  /// The caller's metadata document (format name and version are added by the file layer).
  public var metadata: JSONValue
  /// The tensors by name.
  public var tensors: [String: StoredTensor]

  /// Creates a checkpoint in memory.
  ///
  /// - Parameters:
  ///   - metadata: The caller's metadata document.
  ///   - tensors: The tensors by name.
  public init(metadata: JSONValue = [:], tensors: [String: StoredTensor] = [:]) {
    self.metadata = metadata
    self.tensors = tensors
  }

  // MARK: - Typed access

  /// The tensor `name`, checked to exist and (when given) to have `shape`.
  ///
  /// - Parameters:
  ///   - name: The tensor's name, such as `policy/action.weight`.
  ///   - shape: The shape it must have; nil accepts any.
  /// - Throws: ``CheckpointError/missingTensor(name:available:)`` or ``CheckpointError/shapeMismatch(name:expected:found:)``.
  public func tensor(_ name: String, shape: [Int]? = nil) throws -> StoredTensor {
    guard let tensor = tensors[name] else {
      throw CheckpointError.missingTensor(name: name, available: Array(tensors.keys))
    }
    if let shape, shape != tensor.shape {
      throw CheckpointError.shapeMismatch(name: name, expected: shape, found: tensor.shape)
    }
    return tensor
  }

  /// The elements of the `F32` tensor `name`, checked against `shape` when given.
  ///
  /// - Parameters:
  ///   - name: The tensor's name, such as `policy/action.weight`.
  ///   - shape: The shape it must have; nil accepts any.
  /// - Throws: As ``tensor(_:shape:)``, and ``CheckpointError/typeMismatch(name:expected:found:)`` for another dtype.
  public func floats(_ name: String, shape: [Int]? = nil) throws -> [Float] {
    try elements(name, shape: shape, "F32") { if case .float32(let values) = $0 { values } else { nil } }
  }

  /// The elements of the `F64` tensor `name`, checked against `shape` when given.
  ///
  /// - Parameters:
  ///   - name: The tensor's name, such as `policy/action.weight`.
  ///   - shape: The shape it must have; nil accepts any.
  /// - Throws: As ``tensor(_:shape:)``, and ``CheckpointError/typeMismatch(name:expected:found:)`` for another dtype.
  public func doubles(_ name: String, shape: [Int]? = nil) throws -> [Double] {
    try elements(name, shape: shape, "F64") { if case .float64(let values) = $0 { values } else { nil } }
  }

  /// The elements of the `I64` tensor `name`, checked against `shape` when given.
  ///
  /// - Parameters:
  ///   - name: The tensor's name, such as `policy/action.weight`.
  ///   - shape: The shape it must have; nil accepts any.
  /// - Throws: As ``tensor(_:shape:)``, and ``CheckpointError/typeMismatch(name:expected:found:)`` for another dtype.
  public func int64s(_ name: String, shape: [Int]? = nil) throws -> [Int64] {
    try elements(name, shape: shape, "I64") { if case .int64(let values) = $0 { values } else { nil } }
  }

  /// The elements of the `U64` tensor `name`, checked against `shape` when given.
  ///
  /// - Parameters:
  ///   - name: The tensor's name, such as `policy/action.weight`.
  ///   - shape: The shape it must have; nil accepts any.
  /// - Throws: As ``tensor(_:shape:)``, and ``CheckpointError/typeMismatch(name:expected:found:)`` for another dtype.
  public func uint64s(_ name: String, shape: [Int]? = nil) throws -> [UInt64] {
    try elements(name, shape: shape, "U64") { if case .uint64(let values) = $0 { values } else { nil } }
  }

  /// The elements of the tensor `name` that `extract` takes out of its data, which must be of type `dtype`.
  private func elements<Element>(
    _ name: String, shape: [Int]?, _ dtype: String, _ extract: (TensorData) -> [Element]?
  ) throws -> [Element] {
    let stored = try tensor(name, shape: shape)
    guard let values = extract(stored.data) else {
      throw CheckpointError.typeMismatch(name: name, expected: dtype, found: stored.data.dtype)
    }
    return values
  }

  // MARK: - Files

  /// Writes the checkpoint atomically to `path`; with `previousPath`, the checkpoint it replaces is kept there.
  ///
  /// - Parameters:
  ///   - path: The file written, replaced atomically.
  ///   - previousPath: Where the file replaced is kept; nil discards it.
  /// - Throws: ``CheckpointError/unwritable(path:reason:)`` when it cannot be written, and
  ///   ``CheckpointError/invalidTensor(name:reason:)`` for a reserved name or elements that do not fill a
  ///   shape.
  public func write(to path: String, keepingPreviousAt previousPath: String? = nil) throws {
    let bytes = try encoded()
    do {
      try AtomicFile.write(bytes, to: path, keepingPreviousAt: previousPath)
    } catch let error as FileWriteError {
      throw CheckpointError.unwritable(path: path, reason: error.reason)
    }
  }

  /// Reads and validates the checkpoint at `path`.
  ///
  /// - Parameter path: A checkpoint file; it must be a regular file.
  /// - Throws: ``CheckpointError/unreadable(path:reason:)`` for a path that is not a readable regular file, and what
  ///   ``init(decoding:)`` throws.
  public init(contentsOf path: String) throws {
    if let problem = Checkpoint.notARegularFile(path) {
      throw CheckpointError.unreadable(path: path, reason: problem)
    }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw CheckpointError.unreadable(path: path, reason: (error as NSError).localizedDescription)
    }
    try self.init(decoding: [UInt8](data))
  }

  // MARK: - Encoding

  static let checksumKey = "checksum_crc32"
  static let checksumPlaceholder = "00000000"

  /// The file bytes.
  public func encoded() throws -> [UInt8] {
    let names = tensors.keys.sorted()
    var entries: [String] = []
    var data: [UInt8] = []
    for name in names {
      let tensor = tensors[name]!
      guard name != "__metadata__", !name.isEmpty else {
        throw CheckpointError.invalidTensor(name: name, reason: "the name is empty or reserved; choose another name")
      }
      guard let count = StoredTensor.elementCount(of: tensor.shape), count == tensor.data.count else {
        throw CheckpointError.invalidTensor(
          name: name,
          reason: "shape \(tensor.shape) does not hold \(tensor.data.count) elements; pass a matching shape")
      }
      let start = data.count
      data += tensor.data.littleEndianBytes()
      let shape = tensor.shape.map(String.init).joined(separator: ",")
      entries.append(
        JSONValue.quoted(name) + ":{\"dtype\":\"\(tensor.data.dtype)\",\"shape\":[\(shape)],"
          + "\"data_offsets\":[\(start),\(data.count)]}")
    }
    let metadataFields = [
      (Checkpoint.checksumKey, Checkpoint.checksumPlaceholder), ("format", Checkpoint.formatName),
      ("format_version", String(Checkpoint.formatVersion)), ("metadata", metadata.serialized()),
    ]
    let metadataJSON = metadataFields.map { JSONValue.quoted($0.0) + ":" + JSONValue.quoted($0.1) }
      .joined(separator: ",")
    var header = Array(("{\"__metadata__\":{\(metadataJSON)}" + entries.map { "," + $0 }.joined() + "}").utf8)
    while (8 + header.count) % 8 != 0 { header.append(0x20) }

    var file: [UInt8] = []
    file.reserveCapacity(8 + header.count + data.count)
    let headerLength = UInt64(header.count)
    for byte in 0..<8 { file.append(UInt8(truncatingIfNeeded: headerLength >> (8 * byte))) }
    file += header
    file += data
    guard let range = Checkpoint.checksumRange(in: file, headerEnd: 8 + header.count) else {
      throw CheckpointError.malformedHeader(reason: "internal error: checksum field not found")
    }
    let checksum = Array(Checkpoint.hex(CRC32.ieee.checksum(file)).utf8)
    file.replaceSubrange(range, with: checksum)
    return file
  }

  // MARK: - Decoding

  /// Decodes and validates checkpoint file bytes.
  ///
  /// - Parameter bytes: A whole checkpoint file: header length, JSON header, tensor data and CRC.
  /// - Throws: ``CheckpointError`` for bytes that are truncated, malformed, or fail the CRC.
  public init(decoding bytes: [UInt8]) throws {
    guard bytes.count >= 8 else { throw CheckpointError.truncated(expectedBytes: 8, actualBytes: bytes.count) }
    var headerLength: UInt64 = 0
    for byte in 0..<8 { headerLength |= UInt64(bytes[byte]) << (8 * byte) }
    guard headerLength <= UInt64(Checkpoint.maximumHeaderBytes) else {
      throw CheckpointError.malformedHeader(
        reason: "the length field says the header has \(headerLength) bytes, more than any checkpoint header")
    }
    let headerEnd = 8 + Int(headerLength)
    guard headerEnd <= bytes.count else {
      throw CheckpointError.truncated(expectedBytes: headerEnd, actualBytes: bytes.count)
    }
    let header: JSONValue
    do {
      header = try JSONValue(parsing: Array(bytes[8..<headerEnd]))
    } catch let error as JSONValueError {
      throw CheckpointError.malformedHeader(reason: "header is not JSON: \(error)")
    }
    guard let members = header.objectValue else {
      throw CheckpointError.malformedHeader(reason: "header is not a JSON object")
    }
    guard let fileMetadata = members["__metadata__"]?.objectValue else {
      throw CheckpointError.notACheckpoint(formatName: nil)
    }
    guard let format = fileMetadata["format"]?.stringValue else {
      throw CheckpointError.notACheckpoint(formatName: nil)
    }
    guard format == Checkpoint.formatName else { throw CheckpointError.notACheckpoint(formatName: format) }
    guard let versionText = fileMetadata["format_version"]?.stringValue, let version = Int(versionText), version >= 1
    else { throw CheckpointError.malformedHeader(reason: "format_version is missing or not a positive integer") }
    let isFuture = version > Checkpoint.formatVersion

    // The tensor table, checked for consistency before any data is touched.
    struct Entry {
      var name: String
      var dtype: String
      var shape: [Int]
      var start: Int
      var end: Int
      var count: Int
    }
    var entries: [Entry] = []
    var dataLength = 0
    for (name, value) in members where name != "__metadata__" {
      do {
        guard let fields = value.objectValue else { throw HeaderProblem("entry is not an object") }
        guard let dtype = fields["dtype"]?.stringValue else { throw HeaderProblem("dtype is missing") }
        guard let width = TensorData.byteWidth(of: dtype) else {
          throw HeaderProblem("dtype \(dtype) is not one of F32, F64, I64, U64")
        }
        guard let shapeValues = fields["shape"]?.arrayValue else { throw HeaderProblem("shape is missing") }
        let shape = try shapeValues.map { value -> Int in
          guard let dimension = value.intValue, dimension >= 0 else { throw HeaderProblem("shape has a bad dimension") }
          return dimension
        }
        guard let offsets = fields["data_offsets"]?.arrayValue, offsets.count == 2,
          let start = offsets[0].intValue, let end = offsets[1].intValue, start >= 0, end >= start
        else { throw HeaderProblem("data_offsets is not a pair of increasing offsets") }
        guard let count = StoredTensor.elementCount(of: shape),
          count.multipliedReportingOverflow(by: width).overflow
            == false, count * width == end - start
        else { throw HeaderProblem("shape \(shape) of \(dtype) does not match data_offsets [\(start), \(end)]") }
        entries.append(Entry(name: name, dtype: dtype, shape: shape, start: start, end: end, count: count))
        dataLength = max(dataLength, end)
      } catch let problem as HeaderProblem {
        if isFuture {
          throw CheckpointError.unsupportedFormatVersion(found: version, supported: Checkpoint.formatVersion)
        }
        throw CheckpointError.malformedHeader(reason: "tensor '\(name)': \(problem.reason)")
      }
    }
    // The tensors tile the data section, as safetensors requires: no overlaps, no holes.
    entries.sort { ($0.start, $0.end, $0.name) < ($1.start, $1.end, $1.name) }
    var covered = 0
    var previous: Entry?
    for entry in entries {
      guard entry.start == covered else {
        if isFuture {
          throw CheckpointError.unsupportedFormatVersion(found: version, supported: Checkpoint.formatVersion)
        }
        let other = previous.map { "tensor '\($0.name)'" } ?? "the start"
        throw CheckpointError.malformedHeader(
          reason: entry.start < covered
            ? "the data of tensor '\(entry.name)' (from byte \(entry.start)) overlaps \(other) (up to \(covered))"
            : "bytes \(covered)..<\(entry.start) of the data, after \(other), belong to no tensor")
      }
      covered = entry.end
      previous = entry
    }
    let (expectedSize, overflow) = headerEnd.addingReportingOverflow(dataLength)
    guard !overflow else {
      throw CheckpointError.malformedHeader(reason: "data_offsets reach byte \(dataLength), beyond any file")
    }
    guard bytes.count >= expectedSize else {
      throw CheckpointError.truncated(expectedBytes: expectedSize, actualBytes: bytes.count)
    }

    // The checksum covers every byte, with its own digits read as zeros.
    guard let range = Checkpoint.checksumRange(in: bytes, headerEnd: headerEnd),
      let stored = fileMetadata[Checkpoint.checksumKey]?.stringValue,
      stored == String(decoding: bytes[range], as: UTF8.self)
    else {
      if isFuture {
        throw CheckpointError.unsupportedFormatVersion(found: version, supported: Checkpoint.formatVersion)
      }
      throw CheckpointError.malformedHeader(reason: "the \(Checkpoint.checksumKey) field is missing or unreadable")
    }
    var crc = CRC32.ieee.checksum(bytes[..<range.lowerBound])
    crc = CRC32.ieee.update(crc, with: Array(Checkpoint.checksumPlaceholder.utf8))
    crc = CRC32.ieee.update(crc, with: bytes[range.upperBound...])
    let computed = Checkpoint.hex(crc)
    guard computed == stored else {
      if isFuture {
        throw CheckpointError.unsupportedFormatVersion(found: version, supported: Checkpoint.formatVersion)
      }
      throw CheckpointError.checksumMismatch(stored: stored, computed: computed)
    }
    if isFuture { throw CheckpointError.unsupportedFormatVersion(found: version, supported: Checkpoint.formatVersion) }
    guard bytes.count == expectedSize else {
      throw CheckpointError.malformedHeader(reason: "\(bytes.count - expectedSize) bytes follow the tensor data")
    }

    guard let metadataText = fileMetadata["metadata"]?.stringValue else {
      throw CheckpointError.malformedHeader(reason: "the metadata document is missing")
    }
    do {
      metadata = try JSONValue(parsing: metadataText)
    } catch {
      throw CheckpointError.malformedHeader(reason: "the metadata document is not JSON: \(error)")
    }
    tensors = [:]
    for entry in entries {
      guard
        let data = TensorData.decode(
          dtype: entry.dtype, bytes: bytes, offset: headerEnd + entry.start, count: entry.count)
      else { throw CheckpointError.malformedHeader(reason: "tensor '\(entry.name)' has an unknown dtype") }
      tensors[entry.name] = StoredTensor(shape: entry.shape, data: data)
    }
  }

  // MARK: - Helpers

  private struct HeaderProblem: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
  }

  /// Why `path` cannot be a checkpoint file (a folder, a device such as /dev/null, a FIFO, which would block, or a
  /// socket), or nil for a regular file or one that does not exist (reading it says so).
  static func notARegularFile(_ path: String) -> String? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    let kind: String
    switch info.st_mode & S_IFMT {
    case S_IFREG: return nil
    case S_IFDIR: kind = "a folder"
    case S_IFCHR, S_IFBLK: kind = "a device"
    case S_IFIFO: kind = "a FIFO (named pipe)"
    case S_IFSOCK: kind = "a socket"
    default: kind = "not a regular file"
    }
    return "it is \(kind), but a checkpoint is a file (such as RUN/seed-1/checkpoint.safetensors)"
  }

  /// The byte range of the checksum's eight hex digits inside the header.
  static func checksumRange(in bytes: [UInt8], headerEnd: Int) -> Range<Int>? {
    let pattern = Array("\"\(checksumKey)\":\"".utf8)
    guard headerEnd - 8 >= pattern.count + 8 else { return nil }
    var index = 8
    while index + pattern.count + 8 <= headerEnd {
      if bytes[index] == pattern[0], Array(bytes[index..<(index + pattern.count)]) == pattern {
        let start = index + pattern.count
        return start..<(start + 8)
      }
      index += 1
    }
    return nil
  }

  static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
  }
}
