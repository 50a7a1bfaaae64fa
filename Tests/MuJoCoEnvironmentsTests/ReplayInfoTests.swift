import Gym
import MuJoCoEnvironments
import XCTest

/// `rein replay`'s `"info": {...}` on the v5 tasks: replaying a golden seed prints, on every reset and step line, the
/// numeric info Gymnasium reported, to the bit (numbers and the humanoids' tendon lists).
final class ReplayInfoTests: XCTestCase {
  func testReplayPrintsGymnasiumsInfo() throws {
    let registry = EnvironmentRegistry()
    try registerMuJoCoEnvironments(in: registry)
    for id in ["Hopper-v5", "Humanoid-v5", "InvertedPendulum-v5", "Reacher-v5"] {
      let run = try XCTUnwrap(loadGolden(id).first, id)
      let actions = run.episodes.flatMap { $0.steps.map(\.action) }
      var lines: [JSONValue] = []
      try EnvironmentReplay.run(registry.make(id), seed: run.seed, actions: actions) {
        lines.append(try JSONValue(parsing: $0))
      }
      // The golden records, in the order the replay prints them.
      var expected: [(info: [String: GoldenInfoValue]?, isReset: Bool)] = []
      for episode in run.episodes {
        expected.append((episode.reset_info ?? [:], true))
        expected += episode.steps.map { ($0.info, false) }
      }
      XCTAssertEqual(lines.count, expected.count, id)
      for (index, (line, record)) in zip(lines, expected).enumerated() {
        XCTAssertEqual(line["reset_obs"] != nil, record.isReset, "\(id) line \(index)")
        guard let info = record.info else { continue }  // a step the trimmed fixture does not compare
        guard info.isEmpty == (line["info"] == nil) else {
          return XCTFail("\(id) line \(index): info is \(String(describing: line["info"])), expected \(info)")
        }
        guard case .object(let printed)? = line["info"] else { continue }
        XCTAssertEqual(Set(printed.keys), Set(info.keys), "\(id) line \(index)")
        for (key, value) in info {
          let got = printed[key]?.doublesValue ?? []
          let want = value.values
          XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), "\(id) line \(index) \(key): \(got) \(want)")
        }
      }
    }
  }

  func testInfoHoldsOnlyNumbersWithSortedKeys() {
    let info: Info = [
      "b": .double(0.1), "a": .int(3), "c": .doubles([1, -0.0]), "s": .string("x"),
      MuJoCoWarning.infoKey: .info(["bad_qacc": .int(1)]),
    ]
    XCTAssertEqual(EnvironmentReplay.json(numericInfo: info), #"{"a": 3, "b": 0.1, "c": [1.0, -0.0]}"#)
    XCTAssertNil(EnvironmentReplay.json(numericInfo: ["s": .string("x")]))
    XCTAssertEqual(EnvironmentReplay.json(numericInfo: ["q\"\u{e9}": .int(1)]), #"{"q\"\u00e9": 1}"#)
  }
}
