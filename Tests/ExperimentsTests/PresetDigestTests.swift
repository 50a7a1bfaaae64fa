import Foundation
import Rein
import TestSupport
import XCTest

@testable import Experiments

/// The invariant of the training layer's redesign: every preset in `presets/`, run at a small budget for two seeds
/// through the code `rein run PRESET --seeds 1,2 --set ...` runs, leaves the same bytes it left before. For each
/// seed the test hashes (SHA-256) `progress.csv` without its clock columns (`wall_time`, `time/fps`,
/// `time/time_elapsed`) and the final checkpoint's tensors (parameters, optimizer state, generator; the metadata
/// holds the wall time), and for the run `summary.json` without its timings (`wall_s`, `steps_per_s`). The digests
/// were recorded on main before the redesign (`Fixtures/preset-digests.txt`); a mismatch names the preset and the
/// file.
///
/// To record the fixture again (only for an intended change of behaviour, in the commit that makes it and says
/// why): `REIN_RECORD_DIGESTS=1 swift test -c release -Xswiftc -enable-testing --skip-build --filter
/// PresetDigestTests`, which rewrites the fixture in the source tree.
final class PresetDigestTests: XCTestCase {
  /// Each case: a preset, and the `--set` overrides that shrink it to a few thousand steps or a few dozen
  /// episodes (fewer, shorter environments and evaluations; everything else as the preset says). The `+...` cases
  /// run a preset again with periodic evaluation and checkpoints switched on, so those paths are pinned too.
  static let cases: [(name: String, preset: String, overrides: [String])] = [
    ("a2c-cartpole", "a2c-cartpole", ["episodes=20", "eval_episodes=3"]),
    (
      "a2c-cartpole+periodic", "a2c-cartpole",
      ["episodes=20", "eval_episodes=2", "eval_every=100", "checkpoint_every=100"]
    ),
    ("actor-critic-cartpole", "actor-critic-cartpole", ["episodes=20", "eval_episodes=3"]),
    (
      "actor-critic-cartpole+periodic", "actor-critic-cartpole",
      ["episodes=20", "eval_episodes=2", "eval_every=100", "checkpoint_every=100"]
    ),
    ("compare-baseline", "compare-baseline", ["episodes=15", "eval_episodes=2"]),
    ("entropy-annealing", "entropy-annealing", ["steps=512", "n_envs=2", "n_steps=128", "eval_episodes=1"]),
    ("parallel-vs-single", "parallel-vs-single", ["steps=512", "n_steps=64", "eval_episodes=3"]),
    ("ppo-cartpole-fast", "ppo-cartpole-fast", ["steps=512", "eval_episodes=3"]),
    ("ppo-cartpole", "ppo-cartpole", ["steps=512", "n_steps=256", "eval_episodes=3"]),
    (
      "ppo-cartpole+periodic", "ppo-cartpole",
      ["steps=768", "n_steps=128", "eval_episodes=2", "eval_every=256", "checkpoint_every=256"]
    ),
    ("ppo-lunarlander-tuned", "ppo-lunarlander-tuned", ["steps=512", "n_envs=2", "n_steps=128", "eval_episodes=1"]),
    ("ppo-lunarlander", "ppo-lunarlander", ["steps=512", "n_envs=2", "n_steps=128", "eval_episodes=1"]),
    ("ppo-pendulum-squashed", "ppo-pendulum-squashed", ["steps=1024", "n_steps=128", "eval_episodes=1"]),
    ("ppo-pendulum", "ppo-pendulum", ["steps=1024", "n_steps=128", "eval_episodes=1"]),
    ("reinforce-baseline-cartpole", "reinforce-baseline-cartpole", ["episodes=20", "eval_episodes=2"]),
    ("reinforce-cartpole", "reinforce-cartpole", ["episodes=25", "eval_episodes=2"]),
    (
      "reinforce-cartpole+periodic", "reinforce-cartpole",
      ["episodes=20", "eval_episodes=2", "eval_every=100", "checkpoint_every=100"]
    ),
    ("reinforce-invertedpendulum", "reinforce-invertedpendulum", ["episodes=30", "eval_episodes=2"]),
    ("sweep-ppo-lunarlander", "sweep-ppo-lunarlander", ["steps=384", "n_envs=1", "n_steps=128", "eval_episodes=1"]),
    // Issue 14's MuJoCo recipes (1M and 10M steps as shipped), a few hundred steps each (enough for an episode to
    // end where none terminates: HalfCheetah, Swimmer's 4 environments).
    ("ppo-mujoco-cleanrl", "ppo-mujoco-cleanrl", ["steps=1280", "n_steps=256", "eval_episodes=1"]),
    ("ppo-zoo-ant", "ppo-zoo-ant", ["steps=512", "n_steps=256", "eval_episodes=1"]),
    ("ppo-zoo-halfcheetah", "ppo-zoo-halfcheetah", ["steps=1280", "n_steps=256", "eval_episodes=1"]),
    ("ppo-zoo-hopper", "ppo-zoo-hopper", ["steps=512", "n_steps=256", "eval_episodes=1"]),
    ("ppo-zoo-humanoid", "ppo-zoo-humanoid", ["steps=512", "n_steps=256", "eval_episodes=1"]),
    ("ppo-zoo-swimmer", "ppo-zoo-swimmer", ["steps=4096", "n_steps=256", "eval_episodes=1"]),
    ("ppo-zoo-walker2d", "ppo-zoo-walker2d", ["steps=512", "n_steps=256", "eval_episodes=1"]),
  ]

  static let seeds = [1, 2]

  private var root: String!

  override func setUpWithError() throws {
    root = NSTemporaryDirectory() + "rein-digests-\(UUID().uuidString)"
  }

  override func tearDown() {
    try? FileManager.default.removeItem(atPath: root)
  }

  // MARK: - SHA-256

  func testSHA256MatchesTheStandardsVectors() {
    XCTAssertEqual(SHA256.hex(Array("".utf8)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(
      SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    XCTAssertEqual(
      SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)),
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  func testTimingsAreTheOnlyPartOfTheSummaryLeftOut() {
    let text = """
      {"runs": [{"seed": 1, "wall_s": 0.25, "steps_per_s": 2048.5, "episodes": 3}],
      "aggregate": {"": {"steps_per_s": {"mean": 1.5, "n": 2}, "eval_mean": {"mean": 9.5}}}}
      """
    XCTAssertEqual(
      Self.withoutTimings(text),
      """
      {"runs": [{"seed": 1, "wall_s": T, "steps_per_s": T, "episodes": 3}],
      "aggregate": {"": {"steps_per_s": T, "eval_mean": {"mean": 9.5}}}}
      """)
  }

  // MARK: - The invariant

  func testEveryPresetHasACase() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.presetsDirectory).filter {
      $0.hasSuffix(".yaml")
    }
    let presets = Set(files.map { String($0.dropLast(".yaml".count)) })
    XCTAssertEqual(presets, Set(Self.cases.map(\.preset)), "every preset in presets/ needs a case here")
  }

  func testEveryPresetLeavesTheRecordedBytes() throws {
    let digests = try Self.cases.flatMap { try run($0.name, preset: $0.preset, overrides: $0.overrides) }
    let text = digests.map { "\($0.key) \($0.digest)" }.joined(separator: "\n") + "\n"
    if ProcessInfo.processInfo.environment["REIN_RECORD_DIGESTS"] != nil {
      try text.write(toFile: Self.fixtureSourcePath, atomically: true, encoding: .utf8)
      print("recorded \(digests.count) digests in \(Self.fixtureSourcePath)")
      return
    }
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: "preset-digests", withExtension: "txt", subdirectory: "Fixtures"))
    var recorded: [String: String] = [:]
    for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
      let parts = line.split(separator: " ")
      if parts.count == 2 { recorded[String(parts[0])] = String(parts[1]) }
    }
    var differing: [String] = []
    for (key, digest) in digests where recorded[key] != digest {
      differing.append("\(key): \(recorded[key] ?? "not recorded") before, \(digest) now")
    }
    let produced = Set(digests.map(\.key))
    for key in recorded.keys.sorted() where !produced.contains(key) { differing.append("\(key): no longer produced") }
    XCTAssertEqual(
      recorded.count, digests.count, "the fixture holds \(recorded.count) digests, the run \(digests.count)")
    XCTAssert(differing.isEmpty, "outputs changed:\n" + differing.joined(separator: "\n"))
  }

  // MARK: - Running a preset as `rein run` does

  /// Runs `preset` with `--seeds 1,2 --set overrides` as `rein run` does (TrainingCommands.swift: read the preset,
  /// apply the options, name the run after the file, make the folder with the resolved configuration, run the
  /// sweep) and returns the digests of what it wrote, keyed `case/seed-N/file` or `case/summary.json`.
  private func run(_ name: String, preset: String, overrides: [String]) throws -> [(key: String, digest: String)] {
    let registry = EnvironmentRegistry()
    registerBuiltinEnvironments(in: registry)
    let presetPath = Self.presetsDirectory + "/" + preset + ".yaml"
    var configuration = try RunConfiguration(contentsOfFile: presetPath)
    configuration.set("seeds", .list(Self.seeds.map { .int($0) }))
    try configuration.apply(overrides: overrides)
    if configuration.values["name"] == nil { configuration.set("name", .string(preset)) }
    let grid = try configuration.gridOptions()
    var resolved = configuration
    resolved.set("grid", .list(grid.map { .string($0) }))
    let path = root + "/" + name
    let folder = try RunFolder(creatingAt: path, configuration: grid.isEmpty ? configuration : resolved)
    try ExperimentRunner(
      configuration: configuration, grid: ParameterGrid(grid), registry: registry, folder: folder,
      defaultName: preset, write: { _ in }
    ).run()

    var digests: [(key: String, digest: String)] = []
    for seedFolder in folder.seedFolders().sorted(by: { $0.path < $1.path }) {
      let relative = String(seedFolder.path.dropFirst(path.count + 1))
      digests.append(("\(name)/\(relative)/progress.csv", try Self.progressDigest(seedFolder.progressPath)))
      digests.append(("\(name)/\(relative)/checkpoint", try Self.tensorDigest(seedFolder.checkpointPath)))
    }
    XCTAssertFalse(digests.isEmpty, "\(name) left no seed folders")
    digests.append(("\(name)/summary.json", try Self.summaryDigest(path + "/" + RunFolder.summaryFileName)))
    return digests
  }

  // MARK: - What is hashed

  /// `progress.csv` as written, without the columns that depend on the clock.
  static func progressDigest(_ path: String) throws -> String {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(
      separator: "\n", omittingEmptySubsequences: false)
    let header = lines.first.map { $0.split(separator: ",", omittingEmptySubsequences: false) } ?? []
    let clock = Set(
      header.indices.filter { ["wall_time", "time/fps", "time/time_elapsed"].contains(String(header[$0])) })
    var hash = SHA256()
    for line in lines {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      hash.update(fields.indices.filter { !clock.contains($0) }.map { String(fields[$0]) }.joined(separator: ","))
      hash.update("\n")
    }
    return hash.hexDigest()
  }

  /// The checkpoint's tensors in name order: name, dtype, shape and the raw little-endian bytes.
  static func tensorDigest(_ path: String) throws -> String {
    let checkpoint = try Checkpoint(contentsOf: path)
    var hash = SHA256()
    for name in checkpoint.tensors.keys.sorted() {
      let tensor = checkpoint.tensors[name]!
      hash.update("\(name) \(tensor.data.dtype) \(tensor.shape)\n")
      switch tensor.data {
      case .float32(let v): for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { hash.update($0) } }
      case .float64(let v): for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { hash.update($0) } }
      case .int64(let v): for x in v { withUnsafeBytes(of: x.littleEndian) { hash.update($0) } }
      case .uint64(let v): for x in v { withUnsafeBytes(of: x.littleEndian) { hash.update($0) } }
      }
    }
    return hash.hexDigest()
  }

  /// `summary.json` as written, with the number after every `"wall_s"` and `"steps_per_s"` key (or the object of
  /// statistics such a key holds) replaced by `T`.
  static func summaryDigest(_ path: String) throws -> String {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return SHA256.hex(Array(withoutTimings(text).utf8))
  }

  static func withoutTimings(_ text: String) -> String {
    var output = ""
    var rest = Substring(text)
    let keys = ["\"wall_s\"", "\"steps_per_s\""]
    while let range = keys.compactMap({ rest.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
      output += rest[..<range.upperBound]
      rest = rest[range.upperBound...]
      // Skip `: ` and the value: a number, or a balanced object.
      var index = rest.startIndex
      while index < rest.endIndex, rest[index] == ":" || rest[index] == " " { index = rest.index(after: index) }
      if index < rest.endIndex, rest[index] == "{" {
        var depth = 0
        repeat {
          if rest[index] == "{" { depth += 1 }
          if rest[index] == "}" { depth -= 1 }
          index = rest.index(after: index)
        } while depth > 0 && index < rest.endIndex
      } else {
        while index < rest.endIndex, !",}\n]".contains(rest[index]) { index = rest.index(after: index) }
      }
      output += ": T"
      rest = rest[index...]
    }
    return output + rest
  }

  // MARK: - Paths

  static let presetsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("presets").path

  static let fixtureSourcePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/preset-digests.txt").path
}
