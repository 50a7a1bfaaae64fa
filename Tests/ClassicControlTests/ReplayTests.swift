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
}
