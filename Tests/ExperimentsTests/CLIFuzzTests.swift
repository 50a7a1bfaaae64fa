import Foundation
import Rein
import XCTest

@testable import Experiments

/// Fuzzes what a user feeds the `rein` tool (issue 17, "Done when"): `--set` settings and `--seeds`, preset files,
/// `rein replay` action files and checkpoints (structure-aware, valid CRC) for `rein eval` and `rein record`. Every
/// case runs the built executable in a child process (with a 4 GB address-space limit and a timeout), so a trap, an
/// abort, a segmentation fault or a hang is counted instead of ending the tests; every other exit must be 0 or the
/// clean failure (1, or ArgumentParser's 64).
///
/// Crashes in areas whose fixes other branches own are reported, not failed, while those items are open (listed in
/// `openAreas`, each naming its issue items); remove an entry when its fix lands, and a crash there fails again.
final class CLIFuzzTests: XCTestCase {
  enum Area: String, CaseIterable {
    case settings, presets, actions, checkpoints
  }

  /// Areas with open crash items owned elsewhere (issue 17): their crashes are reported but do not fail.
  static let openAreas: [Area: String] = [:]

  private var root: String!

  override func setUpWithError() throws {
    _ = try ReinExecutable.required()
    root = NSTemporaryDirectory() + "rein-cli-fuzz-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  }

  override func tearDown() {
    try? FileManager.default.removeItem(atPath: root)
  }

  private struct Case {
    var area: Area
    var arguments: [String]
  }

  private var random = FuzzRandom(seed: 2026)

  // MARK: Case generators

  private static let hostileValues = [
    "-1", "0", "1e308", "-1e308", "nan", ".nan", "inf", "-.inf", "9223372036854775807", "-9223372036854775808",
    "99999999999999999999", "linear(1e-3,-1)", "linear(nan,0)", "[200000,200000]", "[0]", "[-4]", "[]", "foo", "''",
    "{a: 1}", "[1, [2]]", "true", "0.5", "3", "&a [*a, *a]", "\"\\u0000\"",
  ]

  private func settingsCase(_ index: Int) -> Case {
    let keys = SettingsTable.settings().map(\.key)
    let algorithm = random.pick(AlgorithmRegistry.shared.names)
    var arguments = [
      "train", algorithm, "CartPole-v1", "--steps", random.pick(["64", "1", "0", "-5", "9223372036854775807"]),
      "--out", "settings-\(index)", "--set", "progress=none",
    ]
    for _ in 0..<(1 + random.below(2)) {
      arguments += ["--set", random.pick(keys) + "=" + random.pick(Self.hostileValues)]
    }
    if random.below(4) == 0 { arguments += ["--seeds", random.pick(["1,1", "1,,2", "-1", "x", "", "1,2"])] }
    if random.below(6) == 0 { arguments += ["--envs", random.pick(["0", "-1", "3"])] }
    return Case(area: .settings, arguments: arguments)
  }

  private func presetCase(_ index: Int) throws -> Case {
    let names = try FileManager.default.contentsOfDirectory(atPath: ReinExecutable.presetsDirectory)
      .filter { $0.hasSuffix(".yaml") }.sorted()
    let source = try String(
      contentsOfFile: ReinExecutable.presetsDirectory + "/" + random.pick(names), encoding: .utf8)
    var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      .filter { !$0.hasPrefix("grid") && !$0.hasPrefix("  - ") }
      .map { line -> String in
        if line.hasPrefix("steps:") { return "steps: 64" }
        if line.hasPrefix("episodes:") { return "episodes: 2" }
        return line
      }
    for _ in 0..<(1 + random.below(3)) where !lines.isEmpty {
      let index = random.below(lines.count)
      switch random.below(6) {
      case 0: lines.remove(at: index)
      case 1: lines.insert(lines[index], at: index)  // a duplicate key
      case 2:
        if let colon = lines[index].firstIndex(of: ":") {
          lines[index] = String(lines[index][...colon]) + " " + random.pick(Self.hostileValues)
        }
      case 3: lines[index] = "\t" + lines[index]
      case 4: lines.append("a: &a [1, 2]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]")  // a small alias tree
      default: lines[index] = String(lines[index].reversed())
      }
    }
    let path = root + "/preset-\(index).yaml"
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return Case(
      area: .presets, arguments: ["run", path, "--seeds", "1", "--out", "preset-\(index)", "--set", "progress=none"])
  }

  private func actionsCase(_ index: Int) throws -> Case {
    let discrete = random.below(2) == 0
    let text: String
    switch random.below(8) {
    case 0:
      let depth = random.pick([2, 10, 255, 257, 1000])
      text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    case 1: text = random.pick(["[NaN]", "[[NaN]]", "[1e400]", "[[1e400]]", "[Infinity]", "[-0]"])
    case 2: text = random.pick(["", "[", "]", "{}", "null", "[\"a\"]", "[{}]", "[1,]", "[1 2]", "\u{FEFF}[0]"])
    case 3:
      text = "[" + (0..<50).map { _ in random.pick(["0", "1", "2", "-1", "7", "0.5"]) }.joined(separator: ",") + "]"
    case 4:
      let actions = (0..<50).map { _ in "[\(random.pick(["0.5", "-3", "1e30", "2", "-2"]))]" }
      text = "[" + actions.joined(separator: ",") + "]"
    case 5: text = "[9223372036854775807, -9223372036854775808, 18446744073709551616]"
    case 6: text = "[" + String(repeating: "0,", count: 3000) + "0]"
    default: text = "[[0.1, 0.2], [0.3]]"
    }
    let path = root + "/actions-\(index).json"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let environment = discrete ? "CartPole-v1" : "Pendulum-v1"
    return Case(
      area: .actions,
      arguments: ["replay", environment, "--seed", random.pick(["0", "18446744073709551615"]), "--actions", path])
  }

  private func checkpointCase(_ index: Int, fuzzer: inout CheckpointFuzzer) throws -> Case {
    let path = root + "/checkpoint-\(index).safetensors"
    try Data(fuzzer.nextCase()).write(to: URL(fileURLWithPath: path))
    let arguments =
      random.below(2) == 0
      ? ["eval", path, "--episodes", "1"]
      : ["record", path, "--out", root + "/frame-\(index).png", "--frame", "3"]
    return Case(area: .checkpoints, arguments: arguments)
  }

  // MARK: The fuzz

  func testFuzzingTheCommandLineInputsFindsNoCrash() throws {
    // A real checkpoint to mutate, written by the tool itself.
    let source = try ReinExecutable.run(
      [
        "train", "ppo", "CartPole-v1", "--steps", "128", "--out", "source", "--set", "n_steps=32", "--set",
        "batch_size=32", "--set", "n_epochs=1", "--set", "policy.hidden=[8]", "--set", "progress=none", "--set",
        "checkpoint_every=64", "--envs", "2",
      ], in: root)
    XCTAssertEqual(source.status, 0, source.output)
    var fuzzer = CheckpointFuzzer(
      source: try Checkpoint(contentsOf: root + "/source/seed-1/latest_checkpoint.safetensors"), seed: 11)

    var cases: [Case] = []
    for index in 0..<40 { cases.append(settingsCase(index)) }
    for index in 0..<20 { cases.append(try presetCase(index)) }
    for index in 0..<40 { cases.append(try actionsCase(index)) }
    for index in 0..<40 { cases.append(try checkpointCase(index, fuzzer: &fuzzer)) }

    var counts: [Area: (cases: Int, clean: Int, succeeded: Int, crashed: [String], longMessages: [String])] = [:]
    let start = Date()
    for item in cases {
      let outcome = try ReinExecutable.run(item.arguments, in: root, timeout: 30, addressSpaceLimit: true)
      var count = counts[item.area] ?? (0, 0, 0, [], [])
      let command = "rein " + item.arguments.joined(separator: " ")
      count.cases += 1
      if outcome.crashed {
        count.crashed.append(command + " -> status \(outcome.status): " + String(outcome.output.suffix(300)))
      } else if outcome.status == 0 {
        count.succeeded += 1
      } else {
        XCTAssertFalse(outcome.output.isEmpty, "a failure without a message: \(command)")
        // An error message is short (a message of kilobytes hides what went wrong).
        if outcome.output.utf8.count > 4096 {
          count.longMessages.append(command + " -> a message of \(outcome.output.utf8.count) bytes")
        }
        count.clean += 1
      }
      counts[item.area] = count
    }
    let seconds = Date().timeIntervalSince(start)
    var report = "CLI fuzz: \(cases.count) cases in \(String(format: "%.1f", seconds)) s"
    for area in Area.allCases {
      let c = counts[area] ?? (0, 0, 0, [], [])
      report +=
        "\n  \(area.rawValue): \(c.cases) cases, \(c.succeeded) ran, \(c.clean) clean errors, "
        + "\(c.crashed.count) crashes, \(c.longMessages.count) overlong messages"
      if let owner = Self.openAreas[area], !(c.crashed + c.longMessages).isEmpty { report += " (open: \(owner))" }
      for crash in c.crashed + c.longMessages {
        report += "\n    " + crash.replacingOccurrences(of: "\n", with: " | ")
      }
    }
    print(report)
    for area in Area.allCases where Self.openAreas[area] == nil {
      XCTAssertEqual(counts[area]?.crashed ?? [], [], "crashes in \(area.rawValue)")
      XCTAssertEqual(counts[area]?.longMessages ?? [], [], "overlong messages in \(area.rawValue)")
    }
  }
}
