import Foundation
import PolicyGradient
import Recording

// MARK: - Running an experiment
//
// One experiment = one algorithm on one environment, for several seeds, in one run folder. Seeds train in parallel
// (each on its own thread, with its own environments, generators and loggers), so a seed's results do not depend
// on how many run at once. Per seed: progress logs (CSV, JSON lines, TensorBoard), printed progress, a final
// deterministic evaluation and a checkpoint; for the run: summary.json and the learning-curve plot.

/// Runs an experiment (one plan, or a sweep of settings) and writes its run folder.
public final class ExperimentRunner: @unchecked Sendable {
  /// One point of a sweep (or the only one): its label ("" without a sweep), configuration and plan.
  public struct Setting: Sendable {
    public var label: String
    public var configuration: RunConfiguration
    public var plan: ExperimentPlan
  }

  /// The settings, each trained for every seed of its plan.
  public let settings: [Setting]
  public let registry: EnvironmentRegistry
  public let folder: RunFolder
  private let printLock = NSLock()
  private let write: @Sendable (String) -> Void
  private var progress: ProgressDisplay?
  private var progressCounts: [Int] = []
  private var progressReturns: [Double?] = []

  /// Continue an interrupted run in ``folder`` instead of starting afresh (`--resume`): seeds that finished are
  /// left alone, the others restore their latest checkpoint (their logs cut back to its step) and train on to the
  /// budget; seeds without a checkpoint start over.
  public var resumes = false
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
  public init(
    configuration: RunConfiguration, grid: ParameterGrid? = nil, registry: EnvironmentRegistry, folder: RunFolder,
    defaultName: String = "run", algorithms: AlgorithmRegistry = .shared, write: (@Sendable (String) -> Void)? = nil
  ) throws {
    var settings: [Setting] = []
    for gridSetting in (grid ?? ParameterGrid.none).settings {
      var c = configuration
      try c.apply(overrides: gridSetting.overrides)
      let plan = try ExperimentPlan(c, defaultName: defaultName, algorithms: algorithms)
      settings.append(Setting(label: gridSetting.label, configuration: c, plan: plan))
    }
    self.settings = settings
    self.registry = registry
    self.folder = folder
    // Unbuffered, so that progress shows line by line in files and CI logs too.
    self.write = write ?? { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
  }

  /// A runner for one plan.
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
    self.write = write ?? { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
  }

  /// Trains every seed of every setting and writes summary.json (and results tables for sweeps) and the plots.
  @discardableResult
  public func run() throws -> RunSummary {
    // Fail early, in the caller's thread, on an unknown environment or one the algorithm cannot act in.
    for setting in settings {
      let probe = try registry.make(setting.plan.environmentID, arguments: setting.plan.environmentArguments)
      defer { probe.close() }
      _ = try ActionKind(probe.actionSpace)
      if setting.plan.checkpointEvery > 0 { try requireSavableState(probe, plan: setting.plan) }
    }
    let jobs = settings.indices.flatMap { s in settings[s].plan.seeds.indices.map { (setting: s, seed: $0) } }
    progressCounts = Array(repeating: 0, count: jobs.count)
    progressReturns = Array(repeating: nil, count: jobs.count)
    setUpProgress(jobs: jobs.count)
    let seedList = plan.seeds.map(String.init).joined(separator: ", ")
    let sweep = settings.count > 1 ? ", \(settings.count) settings" : ""
    say("\(plan.name): \(plan.algorithm.name) on \(plan.environmentID), seeds \(seedList)\(sweep) -> \(folder.path)")
    if settings.count > 1 { for s in settings { say("  setting \(s.label)") } }

    let concurrency = plan.parallelSeeds > 0 ? plan.parallelSeeds : ProcessInfo.processInfo.activeProcessorCount
    let results = ParallelMap.map(Array(jobs.enumerated()), maximumConcurrency: concurrency) { [self] job in
      try trainSeed(settings[job.element.setting], seedIndex: job.element.seed, job: job.offset)
    }
    progress?.finish(completed: progressCounts.reduce(0, +), recentReturn: meanOfRecentReturns())

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
    let summary = RunSummary(
      entries: entries,
      fields: [
        "name": .string(plan.name), "algorithm": .string(plan.algorithm.name), "env": .string(plan.environmentID),
      ])
    try folder.writeSummary(summary)
    let report = try folder.writeReport(ReportSettings(plan: plan))
    for entry in entries {
      let s = entry.seed
      let evaluation =
        s.evaluationMean.map { String(format: ", evaluation %.1f ± %.1f", $0, s.evaluationStandardDeviation ?? 0) }
        ?? ""
      let prefix = entry.setting.isEmpty ? "" : "[\(entry.setting)] "
      say(
        prefix
          + String(
            format: "seed %d: %d steps, %d episodes, %.1f s (%.0f steps/s), mean return of the last 100 episodes %.1f%@",
            s.seed, s.environmentSteps, s.episodes, s.wallSeconds, s.stepsPerSecond, s.finalReturnMean, evaluation))
    }
    if let picture = try writeActionDistribution() { say("action distribution: \(picture)") }
    if let results = report.results { say("results: \(results)") }
    say("summary: \(folder.path)/\(RunFolder.summaryFileName)")
    say("plot: \(report.learningCurve)")
    if let grid = report.grid { say("small multiples: \(grid)") }
    if let sensitivity = report.sensitivity { say("sensitivity: \(sensitivity)") }
    let clips = folder.seedFolders().map { $0.path + "/" + Self.finalEpisodeFileName }.filter {
      FileManager.default.fileExists(atPath: $0)
    }
    if !clips.isEmpty { say("final episode\(clips.count == 1 ? "" : "s"): \(clips.joined(separator: ", "))") }
    return summary
  }

  // MARK: One seed

  private func trainSeed(_ setting: Setting, seedIndex: Int, job: Int) throws -> SeedSummary {
    let plan = setting.plan
    let seed = plan.seeds[seedIndex]
    let seedFolder = try folder.seedFolder(seed: Int(seed), setting: setting.label)
    let prefix = setting.label.isEmpty ? "" : "[\(setting.label)] "
    if resumes, let finished = try SeedCheckpoints.finishedSummary(in: seedFolder) {
      say("\(prefix)seed \(seed): finished before, left alone")
      reportProgress(job, completed: plan.budget.steps ?? plan.budget.episodes ?? 0, recent: finished.finalReturnMean)
      return finished
    }
    let agent = try makeAgent(plan, seed: seed)
    defer { agent.close() }
    var resumed: SeedCheckpoints.RunnerState?
    if resumes, let latest = try SeedCheckpoints.latest(in: seedFolder) {
      resumed = try SeedCheckpoints.restore(agent, from: latest)
      say("\(prefix)seed \(seed): resuming at \(agent.steps) steps from \(seedFolder.latestCheckpointPath)")
    } else {
      if resumes { say("\(prefix)seed \(seed): no checkpoint to resume from, starting over") }
      SeedCheckpoints.removeStale(in: seedFolder)
    }
    if job == 0 { say(Self.parameterCounts(agent.policy)) }
    let monitor = TrainingMonitor(
      logger: try seedFolder.makeLoggers(resumeAfterStep: resumed.map { _ in agent.steps }),
      logsEpisodes: !plan.algorithm.isVectorized || plan.plotX == "episode")
    if let resumed {
      monitor.resume(episodes: resumed.episodes, updates: resumed.updates, environmentSteps: agent.steps)
    }
    var printWindow = RollingMean(
      window: plan.printing.window, continuing: (resumed?.episodes ?? []).map(\.episodeReturn))
    let console = ConsoleTableLogger { [self] text in say(text) }
    let countsEpisodes = plan.budget.steps == nil
    monitor.callbacks.append(
      ClosureCallback(
        onEpisodeEnd: { [self] info in
          printWindow.add(info.episodeReturn)
          if plan.printing.everyEpisodes > 0 && info.episodes % plan.printing.everyEpisodes == 0 {
            say(
              prefix
                + String(
                  format: "seed %llu | episode %d | steps %d | mean return of the last %d episodes: %.2f", seed,
                  info.episodes, info.environmentSteps, printWindow.count, printWindow.mean ?? .nan))
          }
          reportProgress(
            job, completed: countsEpisodes ? info.episodes : info.environmentSteps, recent: info.recentReturnMean)
          return .proceed
        },
        onUpdate: { [self, unowned monitor] info in
          guard let metrics = info.metrics else { return .proceed }
          if plan.printing.everyUpdates > 0 && monitor.updateCount % plan.printing.everyUpdates == 0 {
            say("\(prefix)seed \(seed)")
            try? console.log(ScalarRecord(step: info.environmentSteps, values: metrics))
          }
          if !countsEpisodes { reportProgress(job, completed: info.environmentSteps, recent: nil) }
          return .proceed
        }))
    let periodic = try SeedCheckpoints(
      agent: agent, plan: plan, configuration: setting.configuration, seed: seed, folder: seedFolder,
      registry: registry, monitor: monitor, resumed: resumed)
    for callback in periodic.callbacks { monitor.callbacks.append(callback) }
    for callback in additionalCallbacks?(seed) ?? [] { monitor.callbacks.append(callback) }

    var summary = try agent.learn(plan.budget, callback: monitor)
    summary.wallSeconds = periodic.wallSeconds
    if let failure = periodic.failure {
      try? monitor.logger?.close()
      throw failure
    }
    if summary.stoppedEarly == Self.interruptionReason {
      try monitor.logger?.close()
      say("\(prefix)seed \(seed): interrupted at \(agent.steps) steps")
      throw ExperimentError.interrupted(folder: folder.path, seeds: [Int(seed)])
    }
    try monitor.finish(summary)
    if let reason = summary.stoppedEarly { say("\(prefix)seed \(seed): stopped early: \(reason)") }

    var evaluation: EvaluationResult?
    if plan.evaluationEpisodes > 0 {
      var environment = try registry.make(plan.environmentID, arguments: plan.environmentArguments)
      defer { environment.close() }
      if plan.recordFinal { environment = try finalEpisodeRecorder(environment, folder: seedFolder.path, seed: seed) }
      var generator = RandomGenerator(seed: seed &+ 1_000_003)
      evaluation = try evaluate(
        agent.policy, on: environment, episodes: plan.evaluationEpisodes, deterministic: plan.evaluationDeterministic,
        seed: seed &+ 1000, generator: &generator)
    }
    try periodic.checkpoint(final: true, wallSeconds: summary.wallSeconds).write(to: seedFolder.checkpointPath)
    if plan.testEpisodeAfterReload { try playTestEpisode(from: seedFolder.checkpointPath, plan: plan, seed: seed, prefix: prefix) }
    let seedSummary = TrainingMonitor.seedSummary(
      seed: Int(seed), training: summary, evaluationReturns: evaluation?.returns)
    try SeedCheckpoints.markFinished(seedFolder, summary: seedSummary)
    return seedSummary
  }

  /// Throws unless the environment can save its state (needed for checkpoints that resume exactly).
  private func requireSavableState(_ environment: any Environment, plan: ExperimentPlan) throws {
    do {
      _ = try environment.reset(seed: 0)
      _ = try environment.saveState()
    } catch let error as EnvironmentStateError {
      throw ExperimentError.invalidSetting(
        key: "checkpoint_every", value: "\(plan.checkpointEvery)", expected: "0 for \(plan.environmentID): \(error)")
    }
  }

  /// For continuous actions logged by A2C or PPO: `action_distribution.png/.svg`, the quantiles of the actions
  /// sent to the environment over training (mean across seeds), or nil when there are none.
  private func writeActionDistribution() throws -> String? {
    guard plan.algorithm.isVectorized, settings.count == 1 else { return nil }
    let quantiles = [("q05", "5%"), ("q25", "25%"), ("q50", "median"), ("q75", "75%"), ("q95", "95%")]
    var curves: [LearningCurve] = []
    for (key, label) in quantiles {
      guard let curve = try? folder.learningCurves(x: "step", y: "rollout/action_\(key)").first else { return nil }
      curves.append(LearningCurve(label: label, seeds: curve.seeds))
    }
    let plot = LearningCurvePlot(
      title: "Actions sent to \(plan.environmentID) over training", xLabel: "environment steps",
      yLabel: "action (quantiles of each rollout)", runs: curves)
    return try folder.writePlots(plot, baseName: "action_distribution").png
  }

  /// Loads the saved checkpoint into a fresh policy and plays one deterministic episode with it (W8's check
  /// that the model saved is the model trained).
  private func playTestEpisode(from path: String, plan: ExperimentPlan, seed: UInt64, prefix: String) throws {
    let checkpoint = try Checkpoint(contentsOf: path)
    let environment = try registry.make(plan.environmentID, arguments: plan.environmentArguments)
    defer { environment.close() }
    let policy = try AgentCheckpoint.loadPolicy(checkpoint, for: environment)
    var generator = RandomGenerator(seed: seed)
    let result = try evaluate(policy, on: environment, episodes: 1, seed: seed &+ 2000, generator: &generator)
    say(
      prefix
        + String(
          format: "seed %llu: reloaded %@ and played one test episode: return %.2f in %d steps", seed, path,
          result.returns[0], result.lengths[0]))
  }

  /// The agent for `seed`, with its environments (built by the algorithm's registered definition).
  func makeAgent(_ plan: ExperimentPlan, seed: UInt64) throws -> any Agent {
    try plan.algorithm.makeAgent(AgentContext(plan: plan, seed: seed, environments: registry))
  }

  // MARK: Output

  /// The true parameter counts, by network and by part: for W3's separate networks
  /// "parameters: 34691 in all: policy network 17410 (trunk 17152, action head 258), value network 17281
  /// (trunk 17152, value head 129)"; a shared trunk is counted once, as such.
  static func parameterCounts(_ policy: ActorCriticPolicy) -> String {
    let trunk = policy.parameterCount(of: .trunk)
    let action = policy.parameterCount(of: .actionHead)
    let sigma = policy.parameterCount(of: .standardDeviation)
    let sigmaPart = sigma > 0 ? ", standard deviation \(sigma)" : ""
    let valueHead = policy.parameterCount(of: .valueHead)
    let total = "parameters: \(policy.parameterCount) in all: "
    if policy.hasSeparateCritic {
      let valueTrunk = policy.parameterCount(of: .criticTrunk)
      return total + "policy network \(trunk + action + sigma) (trunk \(trunk), action head \(action)\(sigmaPart)), "
        + "value network \(valueTrunk + valueHead) (trunk \(valueTrunk), value head \(valueHead))"
    }
    if policy.hasValueHead {
      return total + "shared trunk \(trunk), action head \(action)\(sigmaPart), value head \(valueHead)"
    }
    return total + "policy network (trunk \(trunk), action head \(action)\(sigmaPart))"
  }

  /// Prints a line (serialised across seeds).
  /// The file in each seed's folder that `record_final: true` writes.
  static let finalEpisodeFileName = "final-episode.gif"

  /// Wraps the evaluation environment so that its last episode is recorded to `final-episode.gif` in `folder`; an
  /// environment that cannot render is left unrecorded, with a note.
  func finalEpisodeRecorder(_ environment: any Environment, folder: String, seed: UInt64) throws -> any Environment {
    guard environment.canRender else {
      say("seed \(seed): record_final: \(RenderError.notSupported(environment: environment.unwrapped.name))")
      return environment
    }
    let last = plan.evaluationEpisodes - 1
    return try RecordVideo(
      environment, folder: folder, episodeTrigger: { $0 == last }, fileName: { _ in Self.finalEpisodeFileName })
  }

  func say(_ line: String) {
    printLock.withLock { write(line) }
  }

  private var progressUnit: String { plan.budget.steps != nil ? "steps" : "episodes" }

  private func setUpProgress(jobs: Int) {
    let style: ProgressDisplay.Style
    switch plan.printing.progress {
    case "bar": style = .bar
    case "lines": style = .lines
    case "none": style = .silent
    default: style = .automatic
    }
    let perSeed = plan.budget.steps ?? plan.budget.episodes ?? 1
    progress = ProgressDisplay(
      totalSteps: perSeed * jobs, unit: progressUnit, style: style,
      write: { [self] text in printLock.withLock { write(text) } })
  }

  private func reportProgress(_ index: Int, completed: Int, recent: Double?) {
    printLock.withLock {
      progressCounts[index] = completed
      if let recent { progressReturns[index] = recent }
    }
    progress?.update(completed: printLock.withLock { progressCounts.reduce(0, +) }, recentReturn: meanOfRecentReturns())
  }

  private func meanOfRecentReturns() -> Double? {
    printLock.withLock {
      let known = progressReturns.compactMap { $0 }
      return known.isEmpty ? nil : known.reduce(0, +) / Double(known.count)
    }
  }
}
