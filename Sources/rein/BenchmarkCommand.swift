import ArgumentParser
import Foundation
import Rein

// MARK: - rein benchmark

/// `rein benchmark SUITE`: tasks x seeds x a preset as independent cells across the cores, resumable.
struct BenchmarkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "benchmark",
    abstract: "Run a benchmark suite (tasks x seeds x a preset) and write benchmark.md, benchmark.csv and plots.",
    discussion: """
      SUITE is a built-in suite (\(BenchmarkSuite.builtInNames.joined(separator: ", "))) or a YAML file:
        name: my-suite
        preset: ppo-pendulum
        tasks: [Pendulum-v1, MountainCarContinuous-v0@ppo-mountaincar-continuous]   # ENV or ENV@PRESET
        seeds: [1, 2, 3]
        steps: 100000
        set: ["n_steps=256"]

      Each task and seed is a cell, an ordinary one-seed run in OUT/cells/ENV-seedN, trained as it would be alone \
      (`rein run PRESET --set env=ENV --set seeds=[N] --set steps=STEPS`); cells run in parallel, one per core. \
      Running the same command again leaves finished cells alone and resumes interrupted ones from their latest \
      checkpoint (checkpoint_every). The report compares with the published scores in \
      presets/benchmark-references.csv (CleanRL's benchmark page, the RL Zoo's table).

      Examples:
        rein benchmark mujoco-1m-v4 --out runs/bench-v4
        rein benchmark mujoco-1m --set parallel_envs=false
        rein benchmark ./my-suite.yaml --out runs/my-suite --cells 0,1
        rein benchmark mujoco-1m-v4 --out runs/bench-v4 --report     (rewrite the report from the finished cells)
      """
  )

  @Argument(help: "A built-in suite or a suite YAML file.")
  var suite: String

  @Option(help: "The suite's folder (default: runs/SUITE).")
  var out: String?

  @Option(name: .customLong("set"), help: "Override a setting of every cell: --set key=value (repeatable).")
  var overrides: [String] = []

  @Option(help: "Run only these cells (comma-separated indices, as the listing prints them; for a scheduler).")
  var cells: String?

  @Option(help: "Cells trained at once (default: the number of cores).")
  var jobs: Int?

  @Flag(help: "List the cells and exit.")
  var list = false

  @Flag(help: "Only rewrite the report from the cells that finished.")
  var report = false

  func run() throws {
    try reportingErrors {
      registerBuiltinEnvironments()
      let suite = try Self.loadSuite(suite)
      let path = out ?? "runs/" + suite.name
      let runner = BenchmarkRunner(
        suite: suite, path: path, overrides: overrides, references: try Self.loadReferences(), registry: .shared,
        presetConfiguration: { try RunConfiguration(contentsOfFile: try PresetLibrary.locate($0)) })
      if let jobs {
        guard jobs > 0 else { throw ValidationError("--jobs must be at least 1") }
        runner.concurrency = jobs
      }
      if list {
        for cell in suite.cells {
          print("\(cell.index) \(cell.task.environmentID) seed \(cell.seed) \(cell.task.preset) -> \(cell.folderName)")
        }
        return
      }
      if report {
        try runner.writeReport()
        return
      }
      var indices: [Int]?
      if let cells {
        indices = try cells.split(separator: ",").map {
          guard let i = Int($0.trimmingCharacters(in: .whitespaces)), suite.cells.indices.contains(i) else {
            throw ValidationError("--cells takes indices 0...\(suite.cells.count - 1), got '\($0)'")
          }
          return i
        }
      }
      try runner.check()
      try runner.run(cells: indices)
    }
  }

  static func loadSuite(_ name: String) throws -> BenchmarkSuite {
    if let builtIn = BenchmarkSuite.builtIn(name) { return builtIn }
    guard FileManager.default.fileExists(atPath: name) else { throw BenchmarkError.unknownSuite(name: name) }
    return try BenchmarkSuite(contentsOfFile: name)
  }

  /// The reference file next to the built-in presets, or none.
  static func loadReferences() throws -> [BenchmarkReference] {
    for directory in PresetLibrary.searchDirectories() {
      let path = directory + "/benchmark-references.csv"
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
      return try BenchmarkReference.parse(text, path: path)
    }
    return []
  }
}
