import Experiments
import Foundation
import Graphics
import Gym
import XCTest

final class CheckpointTests: XCTestCase {
  func makeCheckpoint() -> Checkpoint {
    Checkpoint(
      metadata: ["algorithm": "ppo", "env_steps": 123_456, "learning_rate": 3e-4, "seeds": [1, 2]],
      tensors: [
        "policy.layer0.weight": StoredTensor(shape: [3, 2], floats: [1, -2, 3.5, .pi, -0.0, 1e-30]),
        "policy.layer0.bias": StoredTensor(shape: [2], floats: [0.25, -0.75]),
        "normaliser.mean": StoredTensor(shape: [4], doubles: [1.0 / 3, 2, 3, 4]),
        "counters": StoredTensor(shape: [], int64s: [-42]),
        "generator.state": StoredTensor(shape: [2, 2], uint64s: [0, 1, .max, 0x1234_5678_9ABC_DEF0]),
        "empty": StoredTensor(shape: [0, 3], floats: []),
      ])
  }

  func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "rein-checkpoint-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
  }

  func testRoundTripThroughFile() throws {
    let folder = try temporaryFolder()
    let path = folder + "/model.safetensors"
    let checkpoint = makeCheckpoint()
    try checkpoint.write(to: path)
    let loaded = try Checkpoint(contentsOf: path)
    XCTAssertEqual(loaded, checkpoint)
    XCTAssertEqual(try loaded.floats("policy.layer0.weight", shape: [3, 2])[3], .pi)
    XCTAssertEqual(try loaded.uint64s("generator.state")[2], .max)
    XCTAssertEqual(loaded.metadata["env_steps"], 123_456)
    // Only the final file is left behind by the atomic write.
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["model.safetensors"])
    // Overwriting works too.
    var changed = checkpoint
    changed.metadata = ["env_steps": 1]
    try changed.write(to: path)
    XCTAssertEqual(try Checkpoint(contentsOf: path).metadata, ["env_steps": 1])
  }

  func testLayoutIsSafetensors() throws {
    let bytes = try makeCheckpoint().encoded()
    var headerLength = 0
    for index in 0..<8 { headerLength |= Int(bytes[index]) << (8 * index) }
    XCTAssertEqual((8 + headerLength) % 8, 0, "data starts 8-byte aligned")
    let header = try JSONValue(parsing: Array(bytes[8..<(8 + headerLength)]))
    XCTAssertEqual(header["__metadata__"]?["format"], "rein.checkpoint")
    XCTAssertEqual(header["__metadata__"]?["format_version"], "1")
    for (_, value) in header["__metadata__"]!.objectValue! { XCTAssertNotNil(value.stringValue) }
    XCTAssertEqual(header["policy.layer0.bias"]?["dtype"], "F32")
    XCTAssertEqual(header["policy.layer0.bias"]?["shape"], [2])
    // Offsets are contiguous in name order and cover the data exactly, as safetensors requires.
    let names = header.objectValue!.keys.filter { $0 != "__metadata__" }.sorted()
    var expectedStart = 0
    for name in names {
      let offsets = header[name]!["data_offsets"]!.arrayValue!.map { $0.intValue! }
      XCTAssertEqual(offsets[0], expectedStart)
      expectedStart = offsets[1]
    }
    XCTAssertEqual(8 + headerLength + expectedStart, bytes.count)
    // The bias 0.25 as little-endian F32 bits 0x3E800000.
    let biasStart = 8 + headerLength + header["policy.layer0.bias"]!["data_offsets"]!.arrayValue![0].intValue!
    XCTAssertEqual(Array(bytes[biasStart..<(biasStart + 4)]), [0x00, 0x00, 0x80, 0x3E])
  }

  func testTypedAccessErrors() throws {
    let checkpoint = makeCheckpoint()
    XCTAssertThrowsError(try checkpoint.floats("policy.layer0.weight", shape: [2, 3])) { error in
      XCTAssertEqual(
        error as? CheckpointError, .shapeMismatch(name: "policy.layer0.weight", expected: [2, 3], found: [3, 2]))
    }
    XCTAssertThrowsError(try checkpoint.doubles("policy.layer0.bias")) { error in
      XCTAssertEqual(
        error as? CheckpointError, .typeMismatch(name: "policy.layer0.bias", expected: "F64", found: "F32"))
    }
    XCTAssertThrowsError(try checkpoint.floats("value.weight")) { error in
      guard case .missingTensor(let name, let available) = error as? CheckpointError else { return XCTFail() }
      XCTAssertEqual(name, "value.weight")
      XCTAssertEqual(available.count, 6)
      XCTAssertTrue("\(error)".contains("policy.layer0.bias"))
    }
    var bad = Checkpoint()
    bad.tensors["w"] = StoredTensor(shape: [2, 2], floats: [1, 2, 3])
    XCTAssertThrowsError(try bad.encoded()) { error in
      guard case .invalidTensor(name: "w", _) = error as? CheckpointError else { return XCTFail("\(error)") }
    }
  }

  func testUnwritableAndUnreadablePaths() {
    XCTAssertThrowsError(try makeCheckpoint().write(to: "/nonexistent-folder/x.safetensors")) { error in
      guard case .unwritable = error as? CheckpointError else { return XCTFail("\(error)") }
    }
    XCTAssertThrowsError(try Checkpoint(contentsOf: "/nonexistent-folder/x.safetensors")) { error in
      guard case .unreadable = error as? CheckpointError else { return XCTFail("\(error)") }
    }
  }

  // MARK: - Mutated files

  func testEveryTruncationFailsWithTruncatedOrMalformed() throws {
    let bytes = try makeCheckpoint().encoded()
    for length in 0..<bytes.count {
      XCTAssertThrowsError(try Checkpoint(decoding: Array(bytes.prefix(length))), "length \(length)") { error in
        switch error as? CheckpointError {
        case .truncated(let expected, let actual):
          XCTAssertEqual(actual, length)
          XCTAssertGreaterThan(expected, length)
        case .malformedHeader: break  // the header itself was cut
        default: XCTFail("length \(length): unexpected \(error)")
        }
      }
    }
  }

  func testEverySingleBitFlipIsDetected() throws {
    let bytes = try makeCheckpoint().encoded()
    var outcomes: [String: Int] = [:]
    for index in 0..<bytes.count {
      for bit in 0..<8 {
        var mutated = bytes
        mutated[index] ^= 1 << bit
        do {
          _ = try Checkpoint(decoding: mutated)
          XCTFail("flip of bit \(bit) in byte \(index) was not detected")
        } catch let error as CheckpointError {
          let kind = String("\(error)".prefix(22))
          outcomes[kind, default: 0] += 1
          XCTAssertFalse("\(error)".isEmpty)
        } catch {
          XCTFail("untyped error \(error)")
        }
      }
    }
    XCTAssertGreaterThan(outcomes.count, 2, "\(outcomes)")
  }

  func testTrailingGarbageAndAppendedBytes() throws {
    let bytes = try makeCheckpoint().encoded()
    XCTAssertThrowsError(try Checkpoint(decoding: bytes + [0])) { error in
      XCTAssertNotNil(error as? CheckpointError)
    }
  }

  func testGarbageHeaders() throws {
    func file(header: String, data: [UInt8] = []) -> [UInt8] {
      let headerBytes = Array(header.utf8)
      let bytes: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: headerBytes.count >> (8 * $0)) }
      return bytes + headerBytes + data
    }
    let cases: [(String, [UInt8], (CheckpointError) -> Bool)] = [
      ("not json at all", [], { if case .malformedHeader = $0 { true } else { false } }),
      ("[1,2,3]", [], { if case .malformedHeader = $0 { true } else { false } }),
      ("{}", [], { $0 == .notACheckpoint(formatName: nil) }),
      (#"{"__metadata__":{"format":"pt"}}"#, [], { $0 == .notACheckpoint(formatName: "pt") }),
      (
        #"{"__metadata__":{"format":"rein.checkpoint","format_version":"x"}}"#, [],
        { if case .malformedHeader = $0 { true } else { false } }
      ),
      (
        #"{"__metadata__":{"format":"rein.checkpoint","format_version":"1"}}"#, [],
        { if case .malformedHeader = $0 { true } else { false } }
      ),
      (
        #"{"__metadata__":{"format":"rein.checkpoint","format_version":"1","checksum_crc32":"00000000","metadata":"{}"},"w":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}"#,
        [0, 0], { if case .malformedHeader = $0 { true } else { false } }
      ),
      (
        #"{"__metadata__":{"format":"rein.checkpoint","format_version":"1","checksum_crc32":"00000000","metadata":"{}"},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}}"#,
        [UInt8](repeating: 0, count: 8), { if case .malformedHeader = $0 { true } else { false } }
      ),
      (
        #"{"__metadata__":{"format":"rein.checkpoint","format_version":"1","checksum_crc32":"00000000","metadata":"{}"},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#,
        [UInt8](repeating: 0, count: 8), { if case .truncated = $0 { true } else { false } }
      ),
      (
        #"{"__metadata__":{"format":"rein.checkpoint","format_version":"1","checksum_crc32":"00000000","metadata":"{}"},"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#,
        [], { if case .malformedHeader = $0 { true } else { false } }
      ),
      (
        #"{"__metadata__":{"format":"rein.checkpoint","format_version":"1","checksum_crc32":"00000000","metadata":"{}"},"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#,
        [], { if case .malformedHeader = $0 { true } else { false } }
      ),
    ]
    for (header, data, matches) in cases {
      XCTAssertThrowsError(try Checkpoint(decoding: file(header: header, data: data)), header) { error in
        guard let error = error as? CheckpointError else { return XCTFail("untyped \(error)") }
        XCTAssertTrue(matches(error), "\(header): \(error)")
      }
    }
    // A huge length field.
    var huge = try makeCheckpoint().encoded()
    huge[7] = 0x40
    XCTAssertThrowsError(try Checkpoint(decoding: huge)) { error in
      guard case .malformedHeader = error as? CheckpointError else { return XCTFail("\(error)") }
    }
    // Random garbage of many lengths.
    var state: UInt64 = 99
    for length in [0, 1, 7, 8, 9, 16, 100, 1000] {
      let garbage = (0..<length).map { _ -> UInt8 in
        state = state &* 6_364_136_223_846_793_005 &+ 1
        return UInt8(truncatingIfNeeded: state >> 56)
      }
      XCTAssertThrowsError(try Checkpoint(decoding: garbage)) { error in XCTAssertTrue(error is CheckpointError) }
    }
  }

  func testFutureVersionIsRefusedWithUpgradeAdvice() throws {
    // Rewrite the version field and recompute the checksum as a newer writer would.
    var bytes = try makeCheckpoint().encoded()
    let offset = find(#""format_version":"1""#, in: bytes) + #""format_version":""#.utf8.count
    bytes[offset] = UInt8(ascii: "2")
    XCTAssertThrowsError(try Checkpoint(decoding: bytes)) { error in
      XCTAssertEqual(error as? CheckpointError, .unsupportedFormatVersion(found: 2, supported: 1))
      XCTAssertTrue("\(error)".contains("upgrade Rein"))
    }
  }

  func testMalformedMetadataDocument() throws {
    // A checkpoint whose metadata string is not JSON but whose checksum is valid: encode, then patch and re-sum.
    let checkpoint = Checkpoint(metadata: ["k": "abcdef"])
    var bytes = try checkpoint.encoded()
    let offset = find("abcdef", in: bytes)
    bytes[offset - 3] = UInt8(ascii: "{")  // {\"k\":\"abcdef\"} -> {\"k\"{\"abcdef\"}
    let crcOffset = find(#""checksum_crc32":""#, in: bytes) + #""checksum_crc32":""#.utf8.count
    for index in crcOffset..<(crcOffset + 8) { bytes[index] = UInt8(ascii: "0") }
    let crc = CRC32Helper.checksum(bytes)
    for (index, digit) in crc.utf8.enumerated() { bytes[crcOffset + index] = digit }
    XCTAssertThrowsError(try Checkpoint(decoding: bytes)) { error in
      guard case .malformedHeader(let reason) = error as? CheckpointError else { return XCTFail("\(error)") }
      XCTAssertTrue(reason.contains("metadata document is not JSON"), reason)
    }
  }
}

/// The byte offset of the first occurrence of `text` in `bytes` (the test fails when there is none).
func find(_ text: String, in bytes: [UInt8]) -> Int {
  let pattern = Array(text.utf8)
  for start in 0...(bytes.count - pattern.count) where Array(bytes[start..<(start + pattern.count)]) == pattern {
    return start
  }
  XCTFail("\(text) not found")
  return 0
}

enum CRC32Helper {
  static func checksum(_ bytes: [UInt8]) -> String {
    let digits = String(CRC32.ieee.checksum(bytes), radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
  }
}
