import Foundation
import XCTest

@testable import Gym

/// Checks ``NumpyGenerator`` against draws recorded from numpy itself (`Fixtures/make_numpy_vectors.py`).
final class NumpyGeneratorTests: XCTestCase {
  // MARK: - Fixture access

  struct Vectors {
    let seeds: [[String: Any]]
  }

  nonisolated(unsafe) static let vectors: Vectors = {
    let url = Bundle.module.url(forResource: "numpy_generator", withExtension: "json", subdirectory: "Fixtures")!
    let object = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    return Vectors(seeds: object["seeds"] as! [[String: Any]])
  }()

  func double(_ hex: Any?) -> Double { Double(bitPattern: UInt64(hex as! String, radix: 16)!) }
  func doubles(_ list: Any?) -> [Double] { (list as! [String]).map { double($0) } }

  func expectState(_ generator: NumpyGenerator, _ expected: Any?, _ message: String) {
    let expected = expected as! [String: Any]
    let state = generator.state
    let hex = { (h: UInt64, l: UInt64) in String(format: "%016lx%016lx", h, l) }
    XCTAssertEqual(hex(state.stateHigh, state.stateLow), expected["state"] as? String, message)
    XCTAssertEqual(hex(state.incrementHigh, state.incrementLow), expected["inc"] as? String, message)
    XCTAssertEqual(state.hasUInt32, expected["has_uint32"] as? Bool, message)
    XCTAssertEqual(Int(state.bufferedUInt32), expected["uinteger"] as? Int, message)
  }

  func forEachSeed(_ body: (UInt64, [String: Any]) throws -> Void) rethrows {
    for entry in Self.vectors.seeds {
      try body(UInt64(entry["seed"] as! String)!, entry)
    }
  }

  // MARK: - Seeding and raw bits

  func testSeedSequenceAndPCG64StateMatchNumpy() {
    forEachSeed { seed, entry in
      expectState(NumpyGenerator(seed: seed), entry["initial_state"], "seed \(seed)")
    }
  }

  func testRawUInt64AndRandomMatchNumpy() {
    forEachSeed { seed, entry in
      var generator = NumpyGenerator(seed: seed)
      let raw = (0..<6).map { _ in String(format: "%016lx", generator.nextUInt64()) }
      XCTAssertEqual(raw, entry["uint64"] as! [String], "seed \(seed)")
      generator = NumpyGenerator(seed: seed)
      XCTAssertEqual((0..<6).map { _ in generator.random() }, doubles(entry["random"]), "seed \(seed)")
    }
  }

  // MARK: - Interleaved calls

  func testInterleavedCallsMatchNumpyIncludingTheBufferedHalfWord() {
    forEachSeed { seed, entry in
      var generator = NumpyGenerator(seed: seed)
      for (index, op) in (entry["script"] as! [[String: Any]]).enumerated() {
        let name = op["op"] as! String
        let message = "seed \(seed), call \(index) (\(name))"
        switch name {
        case "uint32":
          XCTAssertEqual(String(generator.nextUInt32()), op["value"] as? String, message)
        case "integers":
          let low = Int(op["low"] as! String)!
          let high = Int(op["high"] as! String)!
          XCTAssertEqual(String(generator.integers(low: low, high: high)), op["value"] as? String, message)
        case "random":
          XCTAssertEqual(generator.random(), double(op["value"]), message)
        case "uniform":
          let value = generator.uniform(low: op["low"] as! Double, high: op["high"] as! Double)
          XCTAssertEqual(value, double(op["value"]), message)
        case "normal":
          let value = generator.normal(mean: op["low"] as! Double, std: op["high"] as! Double)
          XCTAssertEqual(value, double(op["value"]), message)
        case "standard_normal":
          XCTAssertEqual(generator.standardNormal(), double(op["value"]), message)
        default:
          XCTFail("unknown op \(name)")
        }
      }
      expectState(generator, entry["state_after_script"], "seed \(seed) after the script")
    }
  }

  func testVectorUniformMatchesNumpy() {
    forEachSeed { seed, entry in
      var generator = NumpyGenerator(seed: seed)
      let values = generator.uniform(low: [-1, -Double.pi, 0], high: [1, Double.pi, 8])
      XCTAssertEqual(values, doubles(entry["uniform_vector"]), "seed \(seed)")
      XCTAssertEqual(generator.uniform(low: -0.1, high: 0.1, count: 4), doubles(entry["uniform_size"]), "seed \(seed)")
    }
  }

  // MARK: - Ziggurat

  func testStandardNormalMatchesNumpyThroughWedgesAndTail() {
    var tailDraws = 0
    forEachSeed { seed, entry in
      var generator = NumpyGenerator(seed: seed)
      XCTAssertEqual(generator.standardNormal(count: 64), doubles(entry["normals_first"]), "seed \(seed)")

      generator = NumpyGenerator(seed: seed)
      let count = entry["normals_count"] as! Int
      var extremes: [(Int, Double)] = []
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for index in 0..<count {
        let value = generator.standardNormal()
        hash = (hash ^ value.bitPattern) &* 0x100_0000_01b3
        if abs(value) > 3.5 { extremes.append((index, value)) }
        if abs(value) > Ziggurat.r { tailDraws += 1 }
      }
      let expected = (entry["normals_extreme"] as! [[Any]]).map { ($0[0] as! Int, double($0[1])) }
      XCTAssertEqual(extremes.map(\.0), expected.map(\.0), "seed \(seed)")
      XCTAssertEqual(extremes.map(\.1), expected.map(\.1), "seed \(seed)")
      XCTAssertEqual(String(format: "%016lx", hash), entry["normals_hash"] as? String, "seed \(seed)")
      expectState(generator, entry["state_after_normals"], "seed \(seed) after the normals")
    }
    XCTAssertGreaterThan(tailDraws, 100, "the draws should exercise the tail beyond r")
  }

  func testZigguratTablesAreConsistentWithTheNormalDensity() {
    // f_i = exp(-x_i^2 / 2) where x_i = w_i * 2^52; a typo in a table entry would break this.
    for i in 1..<256 {
      let x = Ziggurat.w[i] * 4_503_599_627_370_496
      XCTAssertEqual(Ziggurat.f[i], exp(-0.5 * x * x), accuracy: 1e-12, "level \(i)")
    }
    for i in 2..<256 {
      // k_i = floor(2^52 * x_{i-1} / x_i).
      let ratio = Ziggurat.w[i - 1] / Ziggurat.w[i]
      XCTAssertEqual(Double(Ziggurat.k[i]) / 4_503_599_627_370_496, ratio, accuracy: 1e-12, "level \(i)")
    }
  }

  // MARK: - State

  func testStateRestoresTheStreamExactlyIncludingTheBufferedHalfWord() throws {
    var generator = NumpyGenerator(seed: 99)
    _ = generator.nextUInt32()  // leaves the upper half buffered
    let saved = generator.state
    XCTAssertTrue(saved.hasUInt32)
    let data = try JSONEncoder().encode(saved)
    let decoded = try JSONDecoder().decode(NumpyGeneratorState.self, from: data)
    XCTAssertEqual(decoded, saved)
    let expected = (0..<5).map { _ in generator.nextUInt32() }
    var restored = NumpyGenerator(seed: 1)
    restored.state = decoded
    XCTAssertEqual((0..<5).map { _ in restored.nextUInt32() }, expected)
    XCTAssertEqual(restored, generator)
  }

  func testEntropyGeneratorsDiffer() {
    var a = NumpyGenerator.fromEntropy()
    var b = NumpyGenerator.fromEntropy()
    XCTAssertNotEqual(a.nextUInt64(), b.nextUInt64())
  }

  func testIntegersStayInRange() {
    var generator = NumpyGenerator(seed: 5)
    for _ in 0..<1000 {
      let v = generator.integers(low: -3, high: 4)
      XCTAssertTrue((-3..<4).contains(v))
    }
  }
}
