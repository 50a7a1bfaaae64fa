import Experiments
import Foundation
import XCTest

func makeTemporaryFolder(_ test: XCTestCase) throws -> String {
  let path = NSTemporaryDirectory() + "rein-experiments-tests-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
  return path
}

final class ConsoleTableLoggerTests: XCTestCase {
  func testTableGroupsKeysLikeStableBaselines() throws {
    var output = ""
    let logger = ConsoleTableLogger { output += $0 }
    try logger.log(
      ScalarRecord(
        step: 2048,
        values: [
          ("time/fps", 2815), ("rollout/ep_rew_mean", -151.234), ("rollout/ep_len_mean", 98.25),
          ("time/total_timesteps", 2048), ("train/approx_kl", 0.0123456),
        ]))
    let expected = """
      -------------------------------
      | rollout/           |        |
      |    ep_len_mean     | 98.2   |
      |    ep_rew_mean     | -151   |
      | time/              |        |
      |    fps             | 2815   |
      |    total_timesteps | 2048   |
      | train/             |        |
      |    approx_kl       | 0.0123 |
      -------------------------------

      """
    XCTAssertEqual(output, expected)
  }
}

final class CSVLoggerTests: XCTestCase {
  func testRowsColumnsAndNewKeys() throws {
    let path = try makeTemporaryFolder(self) + "/progress.csv"
    let logger = try CSVLogger(path: path)
    try logger.log(ScalarRecord(step: 1, values: [("a", 1.5), ("b", .nan)], wallTime: 10))
    // Written through before close: a killed run keeps it.
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "step,wall_time,a,b\n1,10,1.5,nan\n")
    try logger.log(ScalarRecord(step: 2, values: [("c,d", 3), ("a", 0.1)], wallTime: 11.25))
    try logger.close()
    XCTAssertEqual(
      try String(contentsOfFile: path, encoding: .utf8),
      "step,wall_time,a,b,\"c,d\"\n1,10,1.5,nan,\n2,11.25,0.1,,3\n")
    let table = try CSVLogger.readTable(path: path)
    XCTAssertEqual(table.columns, ["step", "wall_time", "a", "b", "c,d"])
    XCTAssertEqual(table.series(y: "a").map(\.y), [1.5, 0.1])
    XCTAssertEqual(table.series(y: "b").count, 0, "NaN and empty cells are skipped")
    XCTAssertEqual(table.series(y: "c,d").map(\.x), [2])
  }

  func testResumeDropsRowsAfterTheCheckpointStep() throws {
    let path = try makeTemporaryFolder(self) + "/progress.csv"
    let logger = try CSVLogger(path: path)
    for step in 1...10 { try logger.log(ScalarRecord(step: step * 100, values: [("r", Double(step))], wallTime: 0)) }
    // Simulate a crash: no close. Resume from the checkpoint at step 600.
    let resumed = try CSVLogger(path: path, resumeAfterStep: 600)
    try resumed.log(ScalarRecord(step: 700, values: [("r", 70)], wallTime: 0))
    try resumed.close()
    let table = try CSVLogger.readTable(path: path)
    XCTAssertEqual(table.series(y: "r").map(\.x), [100, 200, 300, 400, 500, 600, 700])
    XCTAssertEqual(table.series(y: "r").last?.y, 70)
  }

  func testResumeToleratesATornLastLine() throws {
    let path = try makeTemporaryFolder(self) + "/progress.csv"
    try "step,wall_time,r\n1,0,1\n2,0,2\n3,0".write(toFile: path, atomically: true, encoding: .utf8)
    let resumed = try CSVLogger(path: path, resumeAfterStep: 2)
    try resumed.close()
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "step,wall_time,r\n1,0,1\n2,0,2\n")
  }

  func testMissingFolderIsATypedError() {
    XCTAssertThrowsError(try CSVLogger(path: "/nonexistent-folder/progress.csv")) { error in
      guard case .fileError = error as? LoggerError else { return XCTFail("\(error)") }
    }
  }
}

final class JSONLinesLoggerTests: XCTestCase {
  func testLinesAndResume() throws {
    let path = try makeTemporaryFolder(self) + "/progress.jsonl"
    let logger = try JSONLinesLogger(path: path)
    try logger.log(ScalarRecord(step: 5, values: [("train/loss", 0.25), ("bad", .infinity)], wallTime: 1.5))
    try logger.log(ScalarRecord(step: 9, values: [("train/loss", 0.125)], wallTime: 2))
    XCTAssertEqual(
      try String(contentsOfFile: path, encoding: .utf8),
      "{\"step\":5,\"wall_time\":1.5,\"train/loss\":0.25,\"bad\":null}\n{\"step\":9,\"wall_time\":2,\"train/loss\":0.125}\n"
    )
    let resumed = try JSONLinesLogger(path: path, resumeAfterStep: 5)
    try resumed.log(ScalarRecord(step: 6, values: [("train/loss", 1)], wallTime: 3))
    try resumed.close()
    let records = try JSONLinesLogger.readRecords(path: path)
    XCTAssertEqual(records.map { $0["step"] }, [5, 6])
  }
}

final class TensorBoardLoggerTests: XCTestCase {
  func testMaskedCRCMatchesTensorFlow() {
    // tensorflow.core.lib.hash.crc32c: masked CRC of an empty buffer and of the bytes of "a".
    XCTAssertEqual(TFRecord.maskedCRC([]), 0xA282_EAD8)
    let crc = CRC32Reference.castagnoli(Array("a".utf8))
    XCTAssertEqual(TFRecord.maskedCRC(Array("a".utf8)), ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
  }

  func testEventFileParsesBackWithValidChecksums() throws {
    let folder = try makeTemporaryFolder(self)
    let logger = try TensorBoardLogger(directory: folder + "/tb", date: Date(timeIntervalSince1970: 1_700_000_000))
    XCTAssertTrue(logger.path.hasPrefix(folder + "/tb/events.out.tfevents.1700000000."))
    try logger.log(
      ScalarRecord(
        step: 2048, values: [("rollout/ep_rew_mean", -151.5), ("time/fps", 2815)], wallTime: 1_700_000_001.25))
    try logger.log(ScalarRecord(step: 4096, values: [("rollout/ep_rew_mean", -120.0)], wallTime: 1_700_000_002))
    try logger.close()
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: logger.path)))
    let records = try TFRecord.records(in: bytes)
    XCTAssertEqual(records.count, 3)
    let first = try ProtobufReader.fields(records[0])
    XCTAssertEqual(first[1]?.first?.double, 1_700_000_000)
    XCTAssertEqual(first[3]?.first?.string, "brain.Event:2")
    let second = try ProtobufReader.fields(records[1])
    XCTAssertEqual(second[1]?.first?.double, 1_700_000_001.25)
    XCTAssertEqual(second[2]?.first?.varint, 2048)
    let values = try ProtobufReader.fields(second[5]!.first!.bytes!)[1]!.map { try ProtobufReader.fields($0.bytes!) }
    XCTAssertEqual(values.map { $0[1]?.first?.string }, ["rollout/ep_rew_mean", "time/fps"])
    XCTAssertEqual(values.map { $0[2]?.first?.float }, [-151.5, 2815])
    // Damage is detected.
    var damaged = bytes
    damaged[damaged.count - 10] ^= 1
    XCTAssertThrowsError(try TFRecord.records(in: damaged))
    XCTAssertThrowsError(try TFRecord.records(in: Array(bytes.dropLast(3)))) { error in
      XCTAssertEqual(error as? TFRecordError, .truncated(offset: records[0].count + records[1].count + 32))
    }
  }

  func testResumeWritesSessionStart() throws {
    let folder = try makeTemporaryFolder(self)
    let first = try TensorBoardLogger(directory: folder, date: Date(timeIntervalSince1970: 100))
    try first.close()
    let resumed = try TensorBoardLogger(directory: folder, resumeAfterStep: 500, date: Date(timeIntervalSince1970: 100))
    try resumed.close()
    XCTAssertNotEqual(first.path, resumed.path, "a second file in the same second gets its own name")
    let records = try TFRecord.records(in: [UInt8](try Data(contentsOf: URL(fileURLWithPath: resumed.path))))
    let start = try ProtobufReader.fields(records[1])
    XCTAssertEqual(start[2]?.first?.varint, 501)
    XCTAssertEqual(try ProtobufReader.fields(start[7]!.first!.bytes!)[1]?.first?.varint, 1)
  }
}

// MARK: - Test helpers

/// Bitwise CRC-32C, independent of the table-driven implementation.
enum CRC32Reference {
  static func castagnoli(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
  }
}

/// Decodes protocol buffer fields by number (wire types 0, 1, 2, 5).
enum ProtobufReader {
  struct Field {
    var varint: UInt64? = nil
    var fixed64: UInt64? = nil
    var fixed32: UInt32? = nil
    var bytes: [UInt8]? = nil
    var double: Double? { fixed64.map(Double.init(bitPattern:)) }
    var float: Float? { fixed32.map(Float.init(bitPattern:)) }
    var string: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
  }

  struct Malformed: Error {}

  static func fields(_ bytes: [UInt8]) throws -> [Int: [Field]] {
    var result: [Int: [Field]] = [:]
    var offset = 0
    func varint() throws -> UInt64 {
      var value: UInt64 = 0
      var shift: UInt64 = 0
      while true {
        guard offset < bytes.count, shift < 64 else { throw Malformed() }
        let byte = bytes[offset]
        offset += 1
        value |= UInt64(byte & 0x7F) << shift
        if byte < 0x80 { return value }
        shift += 7
      }
    }
    func fixed(_ count: Int) throws -> UInt64 {
      guard offset + count <= bytes.count else { throw Malformed() }
      var value: UInt64 = 0
      for index in 0..<count { value |= UInt64(bytes[offset + index]) << (8 * index) }
      offset += count
      return value
    }
    while offset < bytes.count {
      let key = try varint()
      var field = Field()
      switch key & 7 {
      case 0: field.varint = try varint()
      case 1: field.fixed64 = try fixed(8)
      case 5: field.fixed32 = UInt32(try fixed(4))
      case 2:
        let length = Int(try varint())
        guard offset + length <= bytes.count else { throw Malformed() }
        field.bytes = Array(bytes[offset..<(offset + length)])
        offset += length
      default: throw Malformed()
      }
      result[Int(key >> 3), default: []].append(field)
    }
    return result
  }
}
