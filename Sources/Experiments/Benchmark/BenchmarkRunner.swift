import Foundation
import Gym
import PolicyGradient

// MARK: - Running a suite
//
// Every cell is an ordinary one-seed experiment in SUITE-FOLDER/cells/ENV-seedN: a finished cell (it has its
// summary.json) is read back, an interrupted one (config.yaml but no summary) resumes from its latest checkpoint,
// a new one starts. Cells run in parallel, as many at once as there are cores; each trains exactly as it would
// alone. The report (benchmark.md, benchmark.csv, plots/ENV.svg/.png) is made from the cells' folders.

/// A published score to compare with.
public struct BenchmarkReference: Sendable, Equatable {
  /// The task the score was published for (e.g. `HalfCheetah-v3` for a v5 task when only that was published).
  public var environmentID: String
  /// Who published it (e.g. `CleanRL ppo_continuous_action`).
  public var name: String
  /// The published mean.
  public var mean: Double
  /// The published standard deviation over seeds, when given.
  public var standardDeviation: Double?
  /// What it measures: `training` (mean episodic training return at the end) or `evaluation` (deterministic).
  public var metric: String
  /// Where it was published (a URL).
  public var source: String

  /// Reads the reference file: CSV with the header `env_id,reference,mean,std,metric,source`; `#` lines are comments.
  ///
  /// - Parameters:
  ///   - text: The file's contents.
  ///   - path: The file's path, for messages.
  /// - Returns: The references in file order.
  /// - Throws: ``BenchmarkError/invalidReferences(path:reason:)`` for a malformed line.
  public static func parse(_ text: String, path: String) throws -> [BenchmarkReference] {
    let lines = text.split(separator: "\n").map { String($0) }.filter { !$0.hasPrefix("#") && !$0.isEmpty }
    guard lines.first == "env_id,reference,mean,std,metric,source" else {
      throw BenchmarkError.invalidReferences(
        path: path, reason: "the header must be env_id,reference,mean,std,metric,source")
    }
    return try lines.dropFirst().map { line in
      let fields = line.split(separator: ",", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 6, let mean = Double(fields[2]), fields[3].isEmpty || Double(fields[3]) != nil else {
        throw BenchmarkError.invalidReferences(path: path, reason: "malformed line '\(line)'")
      }
      return BenchmarkReference(
        environmentID: fields[0], name: fields[1], mean: mean, standardDeviation: Double(fields[3]),
        metric: fields[4], source: fields[5])
    }
  }

  /// The references for `environmentID`: those for it exactly, else those for another version of the same task.
  ///
  /// - Parameters:
  ///   - references: All references.
  ///   - environmentID: The task.
  /// - Returns: The matching references.
  public static func matching(_ references: [BenchmarkReference], _ environmentID: String) -> [BenchmarkReference] {
    let exact = references.filter { $0.environmentID == environmentID }
    if !exact.isEmpty { return exact }
    func family(_ id: String) -> Substring { id.split(separator: "-v").first ?? Substring(id) }
    return references.filter { family($0.environmentID) == family(environmentID) }
  }
}

/// One task's row of the benchmark table.
public struct BenchmarkRow: Sendable, Equatable {
  /// The task.
  public var task: BenchmarkSuite.Task
  /// The finished seeds' summaries.
  public var seeds: [SeedSummary]
  /// The references compared with.
  public var references: [BenchmarkReference]
}

/// Runs a ``BenchmarkSuite``'s cells in a folder and writes its report.
public final class BenchmarkRunner: @unchecked Sendable {
  /// The suite.
  public let suite: BenchmarkSuite
  /// The suite's folder (cells in `cells/`, the report at the top).
  public let path: String
  /// Where environments are made.
  public let registry: EnvironmentRegistry
  /// Settings on top of the suite's (the command line's `--set`).
  public let overrides: [String]
  /// The published scores.
  public let references: [BenchmarkReference]
  /// Cells trained at once.
  public var concurrency = ProcessInfo.processInfo.activeProcessorCount
  /// Extra callbacks for a cell's seed (after the runner's own), as ``ExperimentRunner/additionalCallbacks``.
  public var additionalCallbacks: (@Sendable (BenchmarkSuite.Cell) -> [any TrainingCallback])?
  private let presetConfiguration: @Sendable (String) throws -> RunConfiguration
  private let write: @Sendable (String) -> Void
  private let printLock = NSLock()

  /// A runner of `suite` in `path`.
  ///
  /// - Parameters:
  ///   - suite: The suite.
  ///   - path: The suite's folder.
  ///   - overrides: `key=value` settings applied after the suite's own, to every cell.
  ///   - references: The published scores.
  ///   - registry: Where environments are made.
  ///   - presetConfiguration: Reads a preset by name or path.
  ///   - write: Receives every printed line; nil prints to standard output.
  public init(
    suite: BenchmarkSuite, path: String, overrides: [String] = [], references: [BenchmarkReference] = [],
    registry: EnvironmentRegistry, presetConfiguration: @escaping @Sendable (String) throws -> RunConfiguration,
    write: (@Sendable (String) -> Void)? = nil
  ) {
    self.suite = suite
    self.path = path
    self.overrides = overrides
    self.references = references
    self.registry = registry
    self.presetConfiguration = presetConfiguration
    self.write = write ?? { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
  }

  /// The configuration of `cell`: its task's preset with env, seeds, steps, one seed at a time and a name, then the
  /// suite's settings and ``overrides``. The same as `rein run PRESET` with these as `--set`.
  ///
  /// - Parameter cell: A cell of the suite.
  /// - Returns: The configuration.
  /// - Throws: What reading the preset or applying a setting throws.
  public func configuration(of cell: BenchmarkSuite.Cell) throws -> RunConfiguration {
    var c = try presetConfiguration(cell.task.preset)
    c.set("name", .string("\(cell.task.environmentID)-seed\(cell.seed)"))
    c.set("env", .string(cell.task.environmentID))
    c.set("seeds", .list([.int(cell.seed)]))
    c.set("steps", .int(suite.steps))
    c.set("parallel_seeds", .int(1))
    try c.apply(overrides: suite.overrides + overrides)
    return c
  }

  /// Checks every cell's configuration and environment before anything is written.
  ///
  /// - Throws: What reading a cell's plan or checking its environment throws.
  public func check() throws {
    for cell in suite.cells {
      let runner = try ExperimentRunner(
        configuration: try configuration(of: cell), registry: registry, folder: RunFolder(at: cellPath(cell)))
      try runner.checkEnvironments()
    }
  }

  /// The run folder of `cell`.
  ///
  /// - Parameter cell: A cell of the suite.
  /// - Returns: Its path.
  public func cellPath(_ cell: BenchmarkSuite.Cell) -> String { path + "/" + cell.folderName }

  /// Trains one cell (or reads it back when it finished before, or resumes it when it was interrupted).
  ///
  /// - Parameter cell: A cell of the suite.
  /// - Returns: Its seed's summary.
  /// - Throws: What training throws; ``RunFolderError/configurationEdited(path:changes:)`` when an interrupted
  ///   cell's settings differ from today's.
  @discardableResult
  public func runCell(_ cell: BenchmarkSuite.Cell) throws -> SeedSummary {
    let cellPath = cellPath(cell)
    let folder = RunFolder(at: cellPath)
    let tag = "[\(cell.index + 1)/\(suite.cells.count) \(cell.task.environmentID) seed \(cell.seed)]"
    if FileManager.default.fileExists(atPath: cellPath + "/" + RunFolder.summaryFileName),
      let finished = try folder.readSummary().entries.first?.seed
    {
      say("\(tag) finished before, left alone")
      return finished
    }
    let configuration = try configuration(of: cell)
    let resuming = FileManager.default.fileExists(atPath: cellPath + "/" + RunFolder.configurationFileName)
    let runner = try ExperimentRunner(
      configuration: configuration, registry: registry, folder: folder,
      write: { [self] line in say("\(tag) \(line)") })
    if let extra = additionalCallbacks {
      runner.additionalCallbacks = { @Sendable (_: UInt64) -> [any TrainingCallback] in extra(cell) }
    }
    try runner.checkEnvironments()
    let lock = try RunFolder.claim(cellPath, reuse: resuming ? .resume : .refuse)
    return try withExtendedLifetime(lock) {
      if resuming {
        let changes = runner.configurationChanges()
        guard changes.isEmpty else {
          throw RunFolderError.configurationEdited(path: cellPath, changes: changes.map(\.description))
        }
        runner.resumes = true
      } else {
        try folder.writeConfiguration(configuration)
      }
      let summary = try runner.run()
      guard let seed = summary.entries.first?.seed else {
        throw RunFolderError.malformedSummary(reason: "\(cellPath) finished without a seed")
      }
      return seed
    }
  }

  /// Trains the cells (all, or those at `indices`), as many at once as ``concurrency``, then writes the report.
  ///
  /// - Parameter indices: Cell indices to run; nil runs every cell.
  /// - Returns: The table's rows.
  /// - Throws: The first cell's error (after every cell ran), or what writing the report throws.
  @discardableResult
  public func run(cells indices: [Int]? = nil) throws -> [BenchmarkRow] {
    let all = suite.cells
    let chosen = indices.map { wanted in all.filter { wanted.contains($0.index) } } ?? all
    say("\(suite.name): \(suite.tasks.count) tasks x \(suite.seeds.count) seeds, \(suite.steps) steps -> \(path)")
    let results = ParallelMap.map(chosen, maximumConcurrency: concurrency) { [self] cell in try runCell(cell) }
    for result in results { _ = try result.get() }
    return try writeReport()
  }

  /// The rows from the cells that have finished.
  ///
  /// - Returns: One row per task, in suite order.
  /// - Throws: What reading a summary throws.
  public func rows() throws -> [BenchmarkRow] {
    try suite.tasks.map { task in
      let seeds = try suite.cells.filter { $0.task == task }.compactMap { cell -> SeedSummary? in
        let folder = RunFolder(at: cellPath(cell))
        guard FileManager.default.fileExists(atPath: folder.path + "/" + RunFolder.summaryFileName) else { return nil }
        return try folder.readSummary().entries.first?.seed
      }
      return BenchmarkRow(
        task: task, seeds: seeds, references: BenchmarkReference.matching(references, task.environmentID))
    }
  }

  /// Writes benchmark.md, benchmark.csv and one plot per task (every seed's curve, the references as lines).
  ///
  /// - Returns: The rows written.
  /// - Throws: What reading the cells or writing a file throws.
  @discardableResult
  public func writeReport() throws -> [BenchmarkRow] {
    let rows = try rows()
    try AtomicFile.write(Self.csv(rows), to: path + "/benchmark.csv")
    try AtomicFile.write(markdown(rows), to: path + "/benchmark.md")
    let plots = path + "/plots"
    try RunFolder.createDirectory(plots)
    for row in rows where !row.seeds.isEmpty {
      try plot(row).writeSVG(to: "\(plots)/\(row.task.environmentID).svg")
      try plot(row).writePNG(to: "\(plots)/\(row.task.environmentID).png")
    }
    say("\(suite.name): wrote \(path)/benchmark.md, benchmark.csv and plots/")
    return rows
  }

  /// Mean and sample standard deviation (0 for one value).
  static func meanAndDeviation(_ x: [Double]) -> (mean: Double, std: Double)? {
    guard !x.isEmpty else { return nil }
    let mean = x.reduce(0, +) / Double(x.count)
    let squares = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
    return (mean, x.count > 1 ? (squares / Double(x.count - 1)).squareRoot() : 0)
  }

  static func format(_ x: Double) -> String { String(format: "%.1f", x) }

  static func csv(_ rows: [BenchmarkRow]) -> String {
    var lines = [
      "env_id,preset,seeds,return_mean,return_std,eval_mean,eval_std,wall_s_per_seed,steps_per_s,reference,"
        + "reference_env_id,reference_mean,reference_std,reference_metric,reference_source"
    ]
    for row in rows {
      let r = meanAndDeviation(row.seeds.map(\.finalReturnMean))
      let e = meanAndDeviation(row.seeds.compactMap(\.evaluationMean))
      let wall = meanAndDeviation(row.seeds.map(\.wallSeconds))
      let rate = meanAndDeviation(row.seeds.map(\.stepsPerSecond))
      func text(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
      let ours: [String] = [
        row.task.environmentID, row.task.preset, String(row.seeds.count), text(r?.mean), text(r?.std),
        text(e?.mean), text(e?.std), text(wall?.mean), text(rate?.mean),
      ]
      let references = row.references.isEmpty ? [nil] : row.references.map { Optional($0) }
      for reference in references {
        let theirs: [String] =
          reference.map {
            [$0.name, $0.environmentID, "\($0.mean)", text($0.standardDeviation), $0.metric, $0.source]
          } ?? ["", "", "", "", "", ""]
        lines.append((ours + theirs).map(csvField).joined(separator: ","))
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  func markdown(_ rows: [BenchmarkRow]) -> String {
    func pm(_ v: (mean: Double, std: Double)?) -> String {
      v.map { "\(Self.format($0.mean)) ± \(Self.format($0.std))" } ?? "–"
    }
    var text = """
      # Benchmark \(suite.name)

      \(suite.tasks.count) tasks x seeds \(suite.seeds.map(String.init).joined(separator: ", ")), \
      \(suite.steps) steps per seed. Rein: mean ± std over seeds of the mean training return of the last episodes at \
      the end (`final_return_mean`), and of the deterministic evaluation after training. Settings on top of the \
      presets: \(suite.overrides + overrides).

      | task | preset | seeds | Rein return | Rein deterministic eval | reference | wall time per seed (s) | steps/s |
      |---|---|---|---|---|---|---|---|

      """
    var sources: [String] = []
    for row in rows {
      var parts: [String] = []
      for ref in row.references {
        if !sources.contains(ref.source) { sources.append(ref.source) }
        let std: String = ref.standardDeviation.map { " ± " + Self.format($0) } ?? ""
        let task: String = ref.environmentID == row.task.environmentID ? "" : " on " + ref.environmentID
        let number = (sources.firstIndex(of: ref.source) ?? 0) + 1
        let value: String = Self.format(ref.mean) + std
        parts.append(ref.name + task + ": " + value + " (" + ref.metric + ") [" + String(number) + "]")
      }
      let reference = parts.joined(separator: "; ")
      let wall = Self.meanAndDeviation(row.seeds.map(\.wallSeconds)).map { Self.format($0.mean) } ?? "–"
      let rate = Self.meanAndDeviation(row.seeds.map(\.stepsPerSecond)).map { String(format: "%.0f", $0.mean) } ?? "–"
      text += "| \(row.task.environmentID) | \(row.task.preset) | \(row.seeds.count)/\(suite.seeds.count) | "
      text += "\(pm(Self.meanAndDeviation(row.seeds.map(\.finalReturnMean)))) | "
      text += "\(pm(Self.meanAndDeviation(row.seeds.compactMap(\.evaluationMean)))) | "
      text += "\(reference.isEmpty ? "none published" : reference) | \(wall) | \(rate) |\n"
    }
    if !sources.isEmpty {
      text += "\nSources:\n"
      for (i, source) in sources.enumerated() { text += "\(i + 1). \(source)\n" }
    }
    return text
  }

  func plot(_ row: BenchmarkRow) throws -> LearningCurvePlot {
    var seeds: [[CurvePoint]] = []
    for cell in suite.cells where cell.task == row.task {
      let folder = RunFolder(at: cellPath(cell))
      guard FileManager.default.fileExists(atPath: folder.path + "/" + RunFolder.summaryFileName) else { continue }
      seeds += try folder.learningCurves().flatMap(\.seeds)
    }
    var runs = [LearningCurve(label: "Rein \(row.task.preset)", seeds: seeds)]
    for reference in row.references {
      let line = [CurvePoint(x: 0, y: reference.mean), CurvePoint(x: Double(suite.steps), y: reference.mean)]
      runs.append(
        LearningCurve(label: "\(reference.name) (\(reference.environmentID), \(reference.metric))", seeds: [line]))
    }
    var plot = LearningCurvePlot(title: "\(row.task.environmentID): \(seeds.count) seeds", runs: runs)
    plot.showsSeeds = true
    return plot
  }

  private func say(_ line: String) { printLock.withLock { write(line) } }
}
