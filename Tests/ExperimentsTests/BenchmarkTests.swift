import Foundation
import Rein
import XCTest

@testable import Experiments

/// `rein benchmark` (issue 14 part 3) on a 2-task x 2-seed suite of 320 steps: the report files are written with a
/// row per task and every seed, an interrupted cell resumes while finished ones are left alone, and a cell's result
/// is the same whether it ran alone or in the suite.
final class BenchmarkTests: XCTestCase {
  private static let preset = """
    algorithm: ppo
    n_steps: 64
    batch_size: 32
    n_epochs: 2
    eval_episodes: 2
    checkpoint_every: 64
    """

  private func makeRunner(
    _ path: String, lines: LinesBox = LinesBox(), suite: BenchmarkSuite = BenchmarkTests.suite
  ) -> BenchmarkRunner {
    let registry = EnvironmentRegistry()
    registerBuiltinEnvironments(in: registry)
    let references = [
      BenchmarkReference(
        environmentID: "CartPole-v0", name: "a made-up reference", mean: 150, standardDeviation: 5,
        metric: "training", source: "https://example.org/ref")
    ]
    let runner = BenchmarkRunner(
      suite: suite, path: path, references: references, registry: registry,
      presetConfiguration: { name in
        XCTAssertEqual(name, "tiny-ppo")
        return try RunConfiguration(yaml: Self.preset)
      }, write: { lines.append($0) })
    runner.concurrency = 2
    return runner
  }

  private static let suite = BenchmarkSuite(
    name: "tiny", tasks: ["Pendulum-v1", "CartPole-v1"].map { .init(environmentID: $0, preset: "tiny-ppo") },
    seeds: [1, 2], steps: 320)

  final class LinesBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func append(_ line: String) { lock.withLock { storage.append(line) } }
    var lines: [String] { lock.withLock { storage } }
  }

  func testCellsHaveStableIndicesTasksOutermost() {
    let cells = Self.suite.cells
    XCTAssertEqual(cells.map(\.index), [0, 1, 2, 3])
    XCTAssertEqual(cells.map(\.task.environmentID), ["Pendulum-v1", "Pendulum-v1", "CartPole-v1", "CartPole-v1"])
    XCTAssertEqual(cells.map(\.seed), [1, 2, 1, 2])
    XCTAssertEqual(cells[2].folderName, "cells/CartPole-v1-seed1")
    XCTAssertEqual(BenchmarkSuite.builtIn("mujoco-1m")?.cells.count, 33)
    XCTAssertEqual(BenchmarkSuite.builtIn("mujoco-1m-v4")?.cells.count, 15)
  }

  func testSuiteWritesReportResumesAndMatchesACellAlone() throws {
    let root = NSTemporaryDirectory() + "rein-benchmark-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }

    // First run: cell 1 (Pendulum seed 2) is interrupted after 128 steps, as if the process were killed.
    let first = makeRunner(root)
    first.additionalCallbacks = { cell in
      guard cell.index == 1 else { return [] }
      return [
        ClosureCallback(onUpdate: { info in
          info.environmentSteps >= 128 ? .stop(reason: ExperimentRunner.interruptionReason) : .proceed
        })
      ]
    }
    XCTAssertThrowsError(try first.run()) { error in
      guard case ExperimentError.interrupted = error else { return XCTFail("\(error)") }
    }
    let interrupted = root + "/cells/Pendulum-v1-seed2"
    XCTAssertTrue(FileManager.default.fileExists(atPath: interrupted + "/" + RunFolder.configurationFileName))
    XCTAssertFalse(FileManager.default.fileExists(atPath: interrupted + "/" + RunFolder.summaryFileName))
    for cell in ["Pendulum-v1-seed1", "CartPole-v1-seed1", "CartPole-v1-seed2"] {
      XCTAssertTrue(FileManager.default.fileExists(atPath: "\(root)/cells/\(cell)/\(RunFolder.summaryFileName)"), cell)
    }

    // Second run: the finished cells are left alone, the interrupted one resumes and the report is written.
    let lines = LinesBox()
    let rows = try makeRunner(root, lines: lines).run()
    XCTAssertEqual(lines.lines.filter { $0.contains("finished before, left alone") }.count, 3, "\(lines.lines)")
    XCTAssert(lines.lines.contains { $0.contains("Pendulum-v1 seed 2") && $0.contains("resuming at 128 steps") })
    XCTAssertEqual(rows.map(\.task.environmentID), ["Pendulum-v1", "CartPole-v1"])
    XCTAssertEqual(rows.map(\.seeds.count), [2, 2])
    for row in rows { XCTAssert(row.seeds.allSatisfy { $0.environmentSteps == 320 }) }
    XCTAssertEqual(rows[1].references.map(\.environmentID), ["CartPole-v0"], "another version's reference is used")
    XCTAssertEqual(rows[0].references, [])

    let csv = try String(contentsOfFile: root + "/benchmark.csv", encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(csv.count, 3)
    XCTAssert(csv[0].hasPrefix("env_id,preset,seeds,return_mean,return_std,eval_mean,eval_std,wall_s_per_seed,"))
    XCTAssert(csv[2].hasPrefix("CartPole-v1,tiny-ppo,2,"))
    XCTAssert(csv[2].hasSuffix("a made-up reference,CartPole-v0,150.0,5.0,training,https://example.org/ref"))
    let returns = rows[1].seeds.map(\.finalReturnMean)
    let mean = (returns[0] + returns[1]) / 2
    XCTAssertEqual(Double(csv[2].split(separator: ",")[3]), mean)
    let markdown = try String(contentsOfFile: root + "/benchmark.md", encoding: .utf8)
    XCTAssert(markdown.contains("| Pendulum-v1 | tiny-ppo | 2/2 |"), markdown)
    XCTAssert(markdown.contains("none published"))
    XCTAssert(markdown.contains("a made-up reference on CartPole-v0: 150.0 ± 5.0 (training) [1]"), markdown)
    XCTAssert(markdown.contains("1. https://example.org/ref"))
    for task in ["Pendulum-v1", "CartPole-v1"] {
      for ext in ["svg", "png"] {
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(root)/plots/\(task).\(ext)"), "\(task).\(ext)")
      }
      let svg = try String(contentsOfFile: "\(root)/plots/\(task).svg", encoding: .utf8)
      XCTAssert(svg.contains("2 seeds"), task)
    }

    // The resumed cell, and a finished one, equal the same cells run alone in another folder.
    let alone = root + "-alone"
    defer { try? FileManager.default.removeItem(atPath: alone) }
    try makeRunner(alone).run(cells: [1, 2])
    for cell in [1, 2] {
      let inSuite = try RunFolder(at: root + "/" + Self.suite.cells[cell].folderName).readSummary().entries[0].seed
      let byItself = try RunFolder(at: alone + "/" + Self.suite.cells[cell].folderName).readSummary().entries[0].seed
      XCTAssertEqual(inSuite.finalReturnMean, byItself.finalReturnMean, "cell \(cell)")
      XCTAssertEqual(inSuite.evaluationMean, byItself.evaluationMean, "cell \(cell)")
      XCTAssertEqual(inSuite.episodes, byItself.episodes, "cell \(cell)")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: alone + "/cells/Pendulum-v1-seed1"), "only cells 1, 2 ran")
  }

  func testSuiteFilesAreReadAndBadOnesRefused() throws {
    let path = NSTemporaryDirectory() + "rein-suite-\(UUID().uuidString).yaml"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try "preset: tiny-ppo\ntasks: [Pendulum-v1, CartPole-v1@other]\nseeds: [3, 4]\nsteps: 500\nset: [\"n_steps=32\"]\n"
      .write(toFile: path, atomically: true, encoding: .utf8)
    let suite = try BenchmarkSuite(contentsOfFile: path)
    XCTAssertEqual(suite.tasks.map(\.preset), ["tiny-ppo", "other"])
    XCTAssertEqual(suite.seeds, [3, 4])
    XCTAssertEqual(suite.steps, 500)
    XCTAssertEqual(suite.overrides, ["n_steps=32"])
    for (text, expected) in [
      ("tasks: [Pendulum-v1]\nsteps: 10\n", "has no preset"),
      ("preset: p\ntasks: [Pendulum-v1]\n", "steps"),
      ("preset: p\ntasks: [Pendulum-v1]\nsteps: 10\nseed: [1]\n", "unknown key 'seed'"),
      ("preset: p\ntasks: []\nsteps: 10\n", "at least one"),
    ] {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      XCTAssertThrowsError(try BenchmarkSuite(contentsOfFile: path)) { error in
        XCTAssert("\(error)".contains(expected), "\(text): \(error)")
      }
    }
  }
}
