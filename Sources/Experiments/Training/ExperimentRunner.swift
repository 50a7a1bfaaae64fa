import Foundation
import PolicyGradient
import Recording

// MARK: - Running an experiment
//
// One experiment = one algorithm on one environment, for several seeds, in one run folder. Seeds train in parallel
// (each on its own thread, with its own environments, generators and loggers), so a seed's results do not depend
// on how many run at once. Per seed: progress logs (CSV, JSON lines, TensorBoard), printed progress, a final
// deterministic evaluation and a checkpoint; for the run: summary.json and the learning-curve plot.
//
// The runner's jobs, one file each: expanding the plan into cells (ExperimentRunner+Cells.swift: settings x
// seeds), training one seed (ExperimentRunner+Seed.swift), reporting (ExperimentRunner+Report.swift: summary,
// tables, plots) and aggregating the seeds' progress (Progress/ProgressAggregator.swift); this file runs them.

/// Runs an experiment (one plan, or a sweep of settings) and writes its run folder.
public final class ExperimentRunner: @unchecked Sendable {
  /// The settings, each trained for every seed of its plan.
  public let settings: [Setting]
  public let registry: EnvironmentRegistry
  public let folder: RunFolder
  /// Where the run's lines and its progress bar go (standard output, or the `write` closure given).
  let output: StatusLineOutput
  /// The progress of every seed, while ``run()`` runs.
  var progress: ProgressAggregator?

  /// Continue an interrupted run in ``folder`` instead of starting afresh (`--resume`): seeds that finished are
  /// left alone, the others restore their latest checkpoint (their logs cut back to its step) and train on to the
  /// budget; seeds without a checkpoint start over.
  public var resumes = false
  /// Asked at every update (by cells: ``TerminationRequest``); when it answers true, each seed writes its latest
  /// checkpoint there and stops as interrupted (``ExperimentError/interrupted(folder:seeds:)``), to resume from it.
  public var stopRequested: (@Sendable () -> Bool)?
  /// Extra callbacks for each seed (called after the runner's own), e.g. to stop on a condition.
  public var additionalCallbacks: (@Sendable (_ seed: UInt64) -> [any TrainingCallback])?
  /// A stop with this reason counts as an interruption (as if the process were killed): the seed writes no final
  /// checkpoint, evaluation or summary, and ``run()`` throws ``ExperimentError/interrupted(folder:seeds:)``.
  public static let interruptionReason = "interrupted"

  /// The first setting's plan (the whole plan when there is no sweep).
  public var plan: ExperimentPlan { settings[0].plan }

  /// A runner for `configuration`, swept over `grid` (every setting's overrides apply on top of it), writing to
  /// `folder`; `write` receives every printed line (standard output by default). Every setting is read and
  /// checked here, before anything trains; `algorithms` resolves the algorithm's name.
  ///
  /// - Parameters:
  ///   - configuration: The experiment's configuration (preset and overrides).
  ///   - grid: The sweep: each of its settings' overrides is applied on top of `configuration`; nil runs the
  ///     configuration alone.
  ///   - registry: Where environments are made.
  ///   - folder: The run folder written to.
  ///   - defaultName: The experiment's name when the configuration gives none.
  ///   - algorithms: Where algorithm names are looked up.
  ///   - write: Receives every printed line; nil prints to standard output, unbuffered.
  /// - Throws: What reading a plan throws (``ExperimentPlan/init(_:defaultName:algorithms:)``), for any setting of the
  ///   sweep.
  public init(
    configuration: RunConfiguration, grid: ParameterGrid? = nil, registry: EnvironmentRegistry, folder: RunFolder,
    defaultName: String = "run", algorithms: AlgorithmRegistry = .shared, write: (@Sendable (String) -> Void)? = nil
  ) throws {
    settings = try Self.expand(configuration, grid: grid, defaultName: defaultName, algorithms: algorithms)
    self.registry = registry
    self.folder = folder
    // Unbuffered, so that progress shows line by line in files and CI logs too.
    output = write.map { StatusLineOutput(lines: $0) } ?? .standardOutput()
  }

  /// A runner for one plan.
  ///
  /// - Parameters:
  ///   - plan: The plan, already read.
  ///   - registry: Where environments are made.
  ///   - folder: The run folder written to.
  ///   - configuration: The configuration written as `config.yaml` and compared on resume; nil for an empty one.
  ///   - write: Receives every printed line; nil prints to standard output.
  /// - Throws: What checking the plan throws.
  public convenience init(
    plan: ExperimentPlan, registry: EnvironmentRegistry, folder: RunFolder, configuration: RunConfiguration? = nil,
    write: (@Sendable (String) -> Void)? = nil
  ) throws {
    try self.init(
      configuration: configuration ?? RunConfiguration(), registry: registry, folder: folder, write: write,
      preparedPlan: plan)
  }

  private init(
    configuration: RunConfiguration, registry: EnvironmentRegistry, folder: RunFolder,
    write: (@Sendable (String) -> Void)?, preparedPlan: ExperimentPlan
  ) throws {
    settings = [Setting(label: "", configuration: configuration, plan: preparedPlan)]
    self.registry = registry
    self.folder = folder
    output = write.map { StatusLineOutput(lines: $0) } ?? .standardOutput()
  }

  /// Throws on an unknown environment, one the algorithm cannot act in, or one that cannot save its state for
  /// `checkpoint_every`; ``run()`` checks this first, and a caller can before it writes anything.
  public func checkEnvironments() throws {
    for setting in settings {
      let probe = try registry.make(setting.plan.environmentID, arguments: setting.plan.environmentArguments)
      defer { probe.close() }
      let actionKind = try ActionKind(probe.actionSpace)
      if setting.plan.checkpointEvery > 0, let reason = try unsavableStateReason(probe) {
        snapshotNotes[setting.plan.environmentID] = reason
      }
      try checkMemory(
        setting.plan, observationCount: probe.observationSpace.flatCount, actionKind: actionKind,
        maxEpisodeSteps: registry.specs.first { $0.id == setting.plan.environmentID }?.maxEpisodeSteps)
    }
  }

  /// Throws ``ExperimentError/insufficientMemory(needed:available:)`` when `plan`'s seeds, as many at once as
  /// ``run()`` trains, need more memory than the process may use (``MemoryEstimate``, ``MemoryAllowance``).
  func checkMemory(_ plan: ExperimentPlan, observationCount: Int, actionKind: ActionKind, maxEpisodeSteps: Int?) throws
  {
    let estimate = MemoryEstimate(
      plan: plan, observationCount: observationCount, actionKind: actionKind, maxEpisodeSteps: maxEpisodeSteps,
      concurrentSeeds: min(concurrency, cells.count))
    let allowance = MemoryAllowance.current()
    guard estimate.bytes > allowance.bytes else { return }
    throw ExperimentError.insufficientMemory(
      needed: estimate.summary, available: "the \(MemoryEstimate.bytes(allowance.bytes)) \(allowance.source) allows")
  }

  /// Why periodic checkpoints are snapshots that cannot resume exactly, by environment id (filled by
  /// ``checkEnvironments()``).
  private var snapshotNotes: [String: String] = [:]

  /// Seeds trained at the same time.
  var concurrency: Int { plan.parallelSeeds > 0 ? plan.parallelSeeds : ProcessInfo.processInfo.activeProcessorCount }

  /// Trains every seed of every setting and writes summary.json (and results tables for sweeps) and the plots.
  @discardableResult
  public func run() throws -> RunSummary {
    try checkEnvironments()
    if resumes, let finished = try finishedRun() { return finished }
    let jobs = cells
    let progress = ProgressAggregator(plan: plan, seeds: jobs.count, output: output)
    self.progress = progress
    let seedList = plan.seeds.map(String.init).joined(separator: ", ")
    let sweep = settings.count > 1 ? ", \(settings.count) settings" : ""
    say("\(plan.name): \(plan.algorithm.name) on \(plan.environmentID), seeds \(seedList)\(sweep) -> \(folder.path)")
    if settings.count > 1 { for s in settings { say("  setting \(s.label)") } }
    for (id, reason) in snapshotNotes.sorted(by: { $0.key < $1.key }) {
      say(
        "checkpoint_every on \(id): \(reason). Its periodic checkpoints are snapshots of the model (weights, "
          + "optimizer state, normalisation statistics, counters) without the environments, marked exact_resume: "
          + "false; --resume from one continues with fresh episodes, and the results differ from an uninterrupted run")
    }

    let results = ParallelMap.map(Array(jobs.enumerated()), maximumConcurrency: concurrency) { [self] job in
      try trainSeed(settings[job.element.setting], seedIndex: job.element.seedIndex, job: job.offset)
    }
    progress.finish()

    var entries: [RunSummary.Entry] = []
    var interrupted: [Int] = []
    for (job, result) in zip(jobs, results) {
      do {
        entries.append(RunSummary.Entry(setting: settings[job.setting].label, seed: try result.get()))
      } catch ExperimentError.interrupted(_, let seeds) {
        interrupted += seeds
      }
    }
    if !interrupted.isEmpty { throw ExperimentError.interrupted(folder: folder.path, seeds: interrupted) }
    return try report(entries)
  }

  /// When every cell of a resumed run has finished: says so, pointing to `--continue`, and returns the run's
  /// summary without training or writing anything; nil otherwise.
  private func finishedRun() throws -> RunSummary? {
    var entries: [RunSummary.Entry] = []
    for cell in cells {
      guard let finished = try SeedCheckpoints.finishedSummary(in: cellFolder(cell)) else { return nil }
      entries.append(RunSummary.Entry(setting: settings[cell.setting].label, seed: finished))
    }
    let budget = plan.budget.steps.map { "\($0) steps" } ?? plan.budget.episodes.map { "\($0) episodes" } ?? "budget"
    let example = cellFolder(cells[0]).checkpointPath
    say(
      "\(folder.path) has finished: all \(cells.count) seed(s) trained to their budget (\(budget) each), so there is "
        + "nothing to resume and nothing was changed. To train a finished model further, into a new run folder: "
        + "rein train --continue \(example) --steps N")
    if let data = FileManager.default.contents(atPath: folder.path + "/" + RunFolder.summaryFileName),
      let summary = try? RunSummary(json: JSONValue(parsing: data))
    {
      return summary
    }
    return RunSummary(entries: entries)
  }

  /// Prints a line (serialised across seeds) above the progress bar.
  func say(_ line: String) {
    output.line(line)
  }
}
