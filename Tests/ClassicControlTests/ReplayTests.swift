import ClassicControl
import Foundation
import XCTest

@testable import Gym

/// `rein replay`'s output contract, checked byte for byte against the output Python's `json.dumps` gives for the
/// golden trajectories (`Fixtures/replay/make_replay_fixtures.py`).
final class ReplayTests: XCTestCase {
  func replayOutput(_ id: String, seed: UInt64) throws -> (actual: String, expected: String) {
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    let folder = "Fixtures/replay"
    let actionsURL = try XCTUnwrap(
      Bundle.module.url(forResource: "\(id)-seed\(seed).actions", withExtension: "json", subdirectory: folder))
    let expectedURL = try XCTUnwrap(
      Bundle.module.url(forResource: "\(id)-seed\(seed).expected", withExtension: "jsonl", subdirectory: folder))
    let actions = try EnvironmentReplay.parseActions(String(contentsOf: actionsURL, encoding: .utf8))
    var output = ""
    try EnvironmentReplay.run(registry.make(id), seed: seed, actions: actions) { output += $0 + "\n" }
    return (output, try String(contentsOf: expectedURL, encoding: .utf8))
  }

  func testReplayPrintsExactlyWhatGymnasiumRecorded() throws {
    for (id, seed) in [("CartPole-v1", UInt64(0)), ("Pendulum-v1", 1), ("MountainCarContinuous-v0", 42)] {
      let (actual, expected) = try replayOutput(id, seed: seed)
      let actualLines = actual.split(separator: "\n")
      let expectedLines = expected.split(separator: "\n")
      XCTAssertEqual(actualLines.count, expectedLines.count, id)
      for (index, (a, e)) in zip(actualLines, expectedLines).enumerated() where a != e {
        XCTFail("\(id) line \(index):\n  \(a)\n  \(e)")
        break
      }
    }
  }

  func testNumbersUsePythonsShortestRoundTripForm() {
    let cases: [(Double, String)] = [
      (1, "1.0"), (-0.0, "-0.0"), (0.1, "0.1"), (1e-5, "1e-05"), (1e16, "1e+16"), (1e15, "1000000000000000.0"),
      (0.013696168549358845, "0.013696168549358845"), (.nan, "NaN"), (.infinity, "Infinity"),
      (-.infinity, "-Infinity"), (123.456, "123.456"), (Double.leastNonzeroMagnitude, "5e-324"),
    ]
    for (value, text) in cases { XCTAssertEqual(EnvironmentReplay.json(value), text) }
  }

  func testBadActionFilesAreTypedErrors() {
    XCTAssertThrowsError(try EnvironmentReplay.parseActions("{\"a\": 1}"))
    XCTAssertThrowsError(try EnvironmentReplay.parseActions("[1, \"left\"]"))
    XCTAssertThrowsError(try EnvironmentReplay.parseActions("[1, 2"))
    XCTAssertEqual(try EnvironmentReplay.parseActions("[1, [0.5, -0.25], 0]"), [[1], [0.5, -0.25], [0]])
  }

  /// Issue 17 item 5: 7000 nested brackets overflowed the old reader's stack (SIGSEGV), 1000 gave a 23 KB message,
  /// and `[[NaN]]` was accepted. Nesting is capped at 256 with a short message; non-finite numbers are refused.
  func testHostileActionFilesGetShortErrors() {
    for depth in [300, 7000, 100_000] {
      let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
      XCTAssertThrowsError(try EnvironmentReplay.parseActions(text)) { error in
        let message = "\(error)"
        XCTAssertTrue(message.contains("nested more than 256 levels"), message)
        XCTAssertLessThan(message.utf8.count, 200, "depth \(depth)")
      }
    }
    for text in ["[[NaN]]", "[NaN]", "[Infinity]", "[[1, -Infinity]]", "[1e999]", "[[0.5, -1e400]]"] {
      XCTAssertThrowsError(try EnvironmentReplay.parseActions(text), text) { error in
        XCTAssertLessThan("\(error)".utf8.count, 200, text)
      }
    }
    let long = "[" + String(repeating: "[1, \"x\"], ", count: 2000) + "0]"
    XCTAssertThrowsError(try EnvironmentReplay.parseActions(long)) { error in
      XCTAssertLessThan("\(error)".utf8.count, 200)
    }
    // Nesting just under the cap is still an ordinary (wrong-shape) action error, not a depth error.
    let deep = "[" + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "]"
    XCTAssertThrowsError(try EnvironmentReplay.parseActions(deep)) { error in
      XCTAssertTrue("\(error)".contains("action 0"), "\(error)")
    }
  }
}
