import Foundation
import Rein
import XCTest

@testable import Experiments

/// Rein's PPO and A2C log every metric Stable-Baselines3 logs, under SB3's names and with SB3's meaning of
/// `train/n_updates` (issue 16 item 4). The fixture `Fixtures/sb3-tensorboard-tags.json` holds what SB3 2.x wrote
/// for PPO on CartPole-v1 and Pendulum-v1 and A2C on CartPole-v1 (its TensorBoard tags, its progress.csv columns
/// and each row's `time/iterations` and `train/n_updates`); `Benchmarks/peers/sb3_tensorboard_tags.py` made it.
/// Each case trains Rein with the same settings and budget through the runner, as `rein train` does, and reads back
/// the TensorBoard event file and progress.csv Rein wrote.
final class TensorBoardNamesTests: RunFolderTestCase {
  override class var rootPrefix: String { "rein-tb-names" }

  /// One SB3 run of the fixture.
  struct SB3Run: Decodable {
    var algorithm: String
    var environment: String
    var settings: [String: Int]
    var total_timesteps: Int
    var tensorboard_tags: [String]
    var csv_columns: [String]
    var rows: [[String: Int]]
  }

  static func fixture() throws -> [String: SB3Run] {
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: "sb3-tensorboard-tags", withExtension: "json", subdirectory: "Fixtures"))
    return try JSONDecoder().decode([String: SB3Run].self, from: Data(contentsOf: url))
  }

  /// The scalar tags of every event file in `directory`.
  static func tensorBoardTags(in directory: String) throws -> Set<String> {
    var tags: Set<String> = []
    let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
      $0.hasPrefix("events.out.tfevents.")
    }
    XCTAssertFalse(files.isEmpty, "no event file in \(directory)")
    for file in files {
      let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file)))
      for record in try TFRecord.records(in: bytes) {
        // Event field 5 is the Summary; its field 1 the values, whose field 1 is the tag.
        guard let summary = try ProtobufReader.fields(record)[5]?.first?.bytes else { continue }
        for value in try ProtobufReader.fields(summary)[1] ?? [] {
          if let tag = try ProtobufReader.fields(value.bytes ?? [])[1]?.first?.string { tags.insert(tag) }
        }
      }
    }
    return tags
  }

  /// Trains Rein as SB3 was trained in `sb3` (same algorithm, environment, settings, budget; one environment)
  /// and returns the seed folder.
  private func trainLikeSB3(_ name: String, _ sb3: SB3Run) throws -> RunFolder.SeedFolder {
    var yaml = """
      algorithm: \(sb3.algorithm.lowercased())
      env: \(sb3.environment)
      seeds: [1]
      n_envs: 1
      steps: \(sb3.total_timesteps)
      eval_episodes: 0
      progress: none

      """
    for (key, value) in sb3.settings.sorted(by: { $0.key < $1.key }) { yaml += "\(key): \(value)\n" }
    try run(yaml, in: name)
    return RunFolder.SeedFolder(seed: 1, setting: "", path: root + "/\(name)/seed-1")
  }

  private func assertMatchesSB3(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let sb3 = try XCTUnwrap(try Self.fixture()[name], "the fixture has no \(name)", file: file, line: line)
    let seed = try trainLikeSB3(name, sb3)

    let tags = try Self.tensorBoardTags(in: seed.tensorBoardDirectory)
    let missingTags = Set(sb3.tensorboard_tags).subtracting(tags).sorted()
    XCTAssertEqual(missingTags, [], "\(name): SB3's TensorBoard tags Rein does not write", file: file, line: line)
    let table = try CSVLogger.readTable(path: seed.progressPath)
    let missingColumns = Set(sb3.csv_columns).subtracting(table.columns).sorted()
    XCTAssertEqual(missingColumns, [], "\(name): SB3's progress.csv columns Rein lacks", file: file, line: line)

    // SB3's count per update: its rows (dumped before an iteration's update) hold n_updates after iterations - 1
    // updates, always the same multiple of them: n_epochs for PPO, 1 for A2C.
    let sb3Rows = sb3.rows.compactMap { row in
      row["train/n_updates"].flatMap { n in row["time/iterations"].map { (n, $0) } }
    }
    XCTAssertFalse(sb3Rows.isEmpty, "\(name): the fixture has no n_updates", file: file, line: line)
    let perUpdate = sb3Rows[0].0 / (sb3Rows[0].1 - 1)
    XCTAssertEqual(perUpdate, sb3.algorithm == "PPO" ? sb3.settings["n_epochs"]! : 1, file: file, line: line)
    for (n, iterations) in sb3Rows { XCTAssertEqual(n, (iterations - 1) * perUpdate, file: file, line: line) }

    // Rein's rows come after their update: n_updates is iterations times the same multiple.
    let nUpdates = try XCTUnwrap(table.columns.firstIndex(of: "train/n_updates"), file: file, line: line)
    let iterations = try XCTUnwrap(table.columns.firstIndex(of: "time/iterations"), file: file, line: line)
    var reinRows: [(Int, Int)] = []
    for row in table.rows where nUpdates < row.count && !row[nUpdates].isEmpty {
      reinRows.append((Int(Double(row[nUpdates])!), Int(Double(row[iterations])!)))
    }
    XCTAssertFalse(reinRows.isEmpty, "\(name): Rein logged no n_updates", file: file, line: line)
    for (n, iterations) in reinRows {
      XCTAssertEqual(n, iterations * perUpdate, "\(name): n_updates at iteration \(iterations)", file: file, line: line)
    }
    // The last row has trained on the whole budget.
    let iterationsPerBudget = sb3.total_timesteps / sb3.settings["n_steps"]!
    XCTAssertEqual(reinRows.last?.1, iterationsPerBudget, file: file, line: line)
  }

  func testPPODiscreteWritesSB3sTags() throws {
    try assertMatchesSB3("ppo-cartpole")
  }

  func testPPOContinuousWritesSB3sTags() throws {
    try assertMatchesSB3("ppo-pendulum")
  }

  func testA2CWritesSB3sTags() throws {
    try assertMatchesSB3("a2c-cartpole")
  }

  /// The fixture is SB3's naming: PPO's clipped surrogate is `train/policy_gradient_loss`, A2C's policy loss
  /// `train/policy_loss`, and continuous PPO logs `train/std`.
  func testTheFixtureHoldsSB3sLossNames() throws {
    let fixture = try Self.fixture()
    XCTAssert(try XCTUnwrap(fixture["ppo-cartpole"]).tensorboard_tags.contains("train/policy_gradient_loss"))
    XCTAssert(try XCTUnwrap(fixture["a2c-cartpole"]).tensorboard_tags.contains("train/policy_loss"))
    XCTAssert(try XCTUnwrap(fixture["ppo-pendulum"]).tensorboard_tags.contains("train/std"))
  }

  /// `print_every_updates=100` counts A2C's updates (one per 5 steps here), not its logged ones (one per 100
  /// updates): 5000 steps are 1000 updates and 10 tables, the first at update 100.
  func testA2CPrintEveryUpdatesCountsUpdates() throws {
    let lines = LockedLines()
    try run(
      """
      algorithm: a2c
      env: CartPole-v1
      seeds: [1]
      n_envs: 1
      n_steps: 5
      steps: 5000
      eval_episodes: 0
      print_every_updates: 100
      progress: none
      """, in: "a2c-print", write: { lines.append($0) })
    let text = lines.all.joined(separator: "\n")
    let tables = lines.all.filter { $0 == "seed 1" }
    XCTAssertEqual(tables.count, 10, text)
    let first = try XCTUnwrap(text.firstMatch(of: #/\|\s+n_updates\s+\|\s+(\S+)\s+\|/#), text)
    XCTAssertEqual(first.1, "100")
  }
}

/// Lines written from the runner's threads.
final class LockedLines: @unchecked Sendable {
  private let lock = NSLock()
  private var lines: [String] = []

  func append(_ line: String) { lock.withLock { lines.append(line) } }

  var all: [String] { lock.withLock { lines } }
}
