import Foundation
import Gym
import PolicyGradient

// MARK: - Periodic checkpoints and evaluations of one seed
//
// Semantics (all counted in environment steps of the seed, summed over its vectorised environments):
// - `checkpoint_every: N` writes the seed's full state (AgentCheckpoint plus the agent's loop state plus the
//   runner's own counters) to `seed-S/latest_checkpoint.safetensors` at the first update boundary at or after
//   every multiple of N; the file is replaced atomically, so it always holds the latest complete checkpoint, and the
//   one it replaces is kept as `previous_checkpoint.safetensors`, which `--resume` falls back to when the latest
//   is damaged.
//   Update boundaries: after each episode's update (REINFORCE), each iteration (PPO), each update (A2C), each
//   step (one-step actor-critic).
// - `eval_every: N` runs `eval_episodes` evaluation episodes at the first update boundary at or after every
//   multiple of N, on an environment of its own (reset with seed + 1000 each time, so every evaluation sees the
//   same start states; actions are the distribution's mode unless `eval_deterministic: false`, sampled with a
//   generator seeded seed + 1_000_003 each time), logs `eval/mean_reward` and `eval/std_reward` at that step, and
//   writes `best_checkpoint.safetensors` whenever the mean is a new best. When both are due at one event, the
//   evaluation runs first, so the checkpoint holds its outcome.
// - `stop_at_eval_return` and `stop_after_no_improvement` watch those evaluations (StopOnRewardThreshold and
//   StopOnNoImprovement).
//   Where the environments cannot save their state (Box2D), the periodic checkpoint is a snapshot: the model,
//   optimizer state, normalisation statistics and counters without the environments, its metadata saying
//   `exact_resume: false` and why; `--resume` continues from it with fresh episodes (reset with seed + steps), so
//   the result differs from an uninterrupted run.
// - `save_every: N` writes such a snapshot (the model alone, whatever the environment) to the numbered file
//   `seed-S/models/model-<steps, 8 digits>-steps.safetensors` at the first update at or after every multiple of N;
//   `keep_last: K` then deletes all but the newest K of them. Any of them continues with `rein train --continue`.
// A seed that ends (budget or stop rule) writes `checkpoint.safetensors` and `seed_summary.json`; the latter marks
// it finished for `--resume`.

/// The checkpoints and evaluations of one seed during training.
final class SeedCheckpoints {
  /// What the runner itself keeps across a resume.
  struct RunnerState {
    var episodes: [EpisodeRecord]
    var updates: Int
    var wallSeconds: Double
    var bestEvaluationMean: Double
    var evaluations: Int
    var evaluationsWithoutImprovement: Int
  }

  let agent: any Agent
  let plan: ExperimentPlan
  let configuration: RunConfiguration
  let seed: UInt64
  let folder: RunFolder.SeedFolder
  let registry: EnvironmentRegistry
  let monitor: TrainingMonitor
  /// The callbacks to add to the seed's monitor.
  private(set) var callbacks: [any TrainingCallback] = []
  /// The first error of a periodic checkpoint or evaluation (training was stopped then).
  private(set) var failure: (any Error)?

  private var evaluationEnvironment: (any Environment)?
  private var bestMean = -Double.infinity
  private var noImprovement: StopOnNoImprovement?
  private let startSeconds = MonotonicClock.seconds()
  private let previousWallSeconds: Double

  init(
    agent: any Agent, plan: ExperimentPlan, configuration: RunConfiguration, seed: UInt64,
    folder: RunFolder.SeedFolder, registry: EnvironmentRegistry, monitor: TrainingMonitor, resumed: RunnerState?,
    stopRequested: (@Sendable () -> Bool)? = nil
  ) throws {
    self.agent = agent
    self.plan = plan
    self.configuration = configuration
    self.seed = seed
    self.folder = folder
    self.registry = registry
    self.monitor = monitor
    previousWallSeconds = resumed?.wallSeconds ?? 0
    try AgentCheckpoint.copyModelFile(of: plan.environmentArguments, into: folder.path)
    let steps = agent.steps
    var evaluationSchedule =
      plan.evaluationEvery > 0 ? StepSchedule(interval: plan.evaluationEvery, startingAfter: steps) : nil
    var checkpointSchedule =
      plan.checkpointEvery > 0 ? StepSchedule(interval: plan.checkpointEvery, startingAfter: steps) : nil
    var modelSchedule = plan.saveEvery > 0 ? StepSchedule(interval: plan.saveEvery, startingAfter: steps) : nil
    if plan.evaluationEvery > 0 {
      evaluationEnvironment = try registry.make(plan.environmentID, arguments: plan.environmentArguments)
      if let threshold = plan.stopAtEvaluationReturn {
        callbacks.append(StopOnRewardThreshold(threshold: threshold, source: .evaluation))
      }
      if plan.stopAfterNoImprovement > 0 {
        let stop = StopOnNoImprovement(patience: plan.stopAfterNoImprovement)
        noImprovement = stop
        callbacks.append(stop)
      }
    }
    if let resumed {
      bestMean = resumed.bestEvaluationMean
      noImprovement?.restore(
        bestMeanReturn: resumed.bestEvaluationMean,
        evaluationsWithoutImprovement: resumed.evaluationsWithoutImprovement,
        evaluations: resumed.evaluations)
    }
    if let stopRequested { callbacks.append(stopOnRequest(stopRequested)) }
    guard evaluationSchedule != nil || checkpointSchedule != nil || modelSchedule != nil else { return }
    // Due at the first update at or after each multiple; the evaluation first, so that a checkpoint at the same
    // point holds its outcome.
    let atBoundary: (Int) -> CallbackDecision = { [unowned self] steps in
      var decision = CallbackDecision.proceed
      do {
        if evaluationSchedule?.isDue(at: steps) == true { decision = try evaluate(at: steps) }
        if checkpointSchedule?.isDue(at: steps) == true {
          try checkpoint(final: false, wallSeconds: wallSeconds, snapshotWhenUnsavable: true).write(
            to: folder.latestCheckpointPath, keepingPreviousAt: folder.previousCheckpointPath)
        }
        if modelSchedule?.isDue(at: steps) == true { try saveModel(at: steps) }
      } catch {
        failure = failure ?? error
        return .stop(reason: "\(error)")
      }
      return decision
    }
    callbacks.insert(ClosureCallback(onUpdate: { info in atBoundary(info.environmentSteps) }), at: 0)
  }

  deinit { evaluationEnvironment?.close() }

  /// What the stop on request left: where the checkpoint went, or why there is none.
  private(set) var interruptionNote: String?

  /// At the first update after `stopRequested()` turns true: writes the latest checkpoint (as `checkpoint_every`
  /// does, whatever the schedule) and stops as interrupted. An environment that cannot save its state (Box2D)
  /// leaves no checkpoint, so the seed starts over when it runs again; the note says so.
  private func stopOnRequest(_ stopRequested: @escaping @Sendable () -> Bool) -> any TrainingCallback {
    ClosureCallback(onUpdate: { [unowned self] info in
      guard stopRequested() else { return .proceed }
      do {
        try checkpoint(final: false, wallSeconds: wallSeconds).write(
          to: folder.latestCheckpointPath, keepingPreviousAt: folder.previousCheckpointPath)
        interruptionNote = "checkpoint at \(info.environmentSteps) steps in \(folder.latestCheckpointPath)"
      } catch let error as EnvironmentStateError {
        interruptionNote = "no checkpoint (\(error)), so the cell starts over when it runs again"
      } catch {
        failure = failure ?? error
        return .stop(reason: "\(error)")
      }
      return .stop(reason: ExperimentRunner.interruptionReason)
    })
  }

  /// Wall-clock seconds of training so far, earlier sessions included.
  var wallSeconds: Double { previousWallSeconds + MonotonicClock.seconds() - startSeconds }

  // MARK: - Evaluation

  /// Evaluates, logs, keeps the best model, and asks the callbacks whether to stop.
  private func evaluate(at steps: Int) throws -> CallbackDecision {
    guard let environment = evaluationEnvironment else { return .proceed }
    var generator = RandomGenerator(seed: seed &+ 1_000_003)
    let result = try PolicyGradient.evaluate(
      agent.policy, on: agent.evaluationEnvironment(environment), episodes: plan.evaluationEpisodes,
      deterministic: plan.evaluationDeterministic,
      seed: seed &+ 1000, generator: &generator)
    try monitor.logger?.log(
      ScalarRecord(
        step: steps, values: [("eval/mean_reward", result.mean), ("eval/std_reward", result.standardDeviation)]))
    if result.mean > bestMean {
      bestMean = result.mean
      try checkpoint(final: false, wallSeconds: wallSeconds, includeTrainingState: false)
        .write(to: folder.bestCheckpointPath)
    }
    return monitor.callbacks.onEvaluation(
      EvaluationInfo(
        environmentSteps: steps, returns: result.returns, lengths: result.lengths,
        deterministic: plan.evaluationDeterministic))
  }

  // MARK: - Writing

  /// The seed's checkpoint now: policy, optimizers, generator and, when the environment can save its state (and
  /// `includeTrainingState`), the loop state and the runner's counters. Where the environment cannot save its
  /// state (Box2D), a final checkpoint leaves the loop state out (its metadata keeps the counters), a periodic one
  /// is a snapshot without the environments (``snapshot(wallSeconds:reason:)``) when `snapshotWhenUnsavable`, and
  /// throws otherwise.
  func checkpoint(
    final: Bool, wallSeconds: Double, includeTrainingState: Bool = true, snapshotWhenUnsavable: Bool = false
  ) throws -> Checkpoint {
    var checkpoint = try AgentCheckpoint.make(
      agent, environmentID: plan.environmentID, environmentArguments: plan.environmentArguments, seed: seed,
      episodes: monitor.episodeCount, configuration: configuration)
    guard includeTrainingState else { return checkpoint }
    let state: AgentTrainingState
    do {
      state = try agent.saveTrainingState()
    } catch let error as EnvironmentStateError {
      if snapshotWhenUnsavable && !final { return try snapshot(wallSeconds: wallSeconds, reason: "\(error)") }
      guard final else { throw error }
      // The counters in the metadata only (the file's tensors stay what they were), for `--continue`.
      if let counters = try? agent.saveTrainingStateWithoutEnvironments() {
        var metadata = checkpoint.metadata.objectValue ?? [:]
        metadata["loop"] = try JSONValue(parsing: JSONEncoder().encode(counters.loop))
        metadata["runner"] = runnerMetadata(wallSeconds: wallSeconds)
        checkpoint.metadata = .object(metadata)
      }
      return checkpoint
    }
    try AgentCheckpoint.add(state, to: &checkpoint)
    addRunnerState(to: &checkpoint, wallSeconds: wallSeconds)
    return checkpoint
  }

  /// The model without the environments: policy, optimizers, generator, counters, finished episodes, the
  /// normalisation statistics and the runner's counters, marked `exact_resume: false` with `reason` (what
  /// `--resume` and `--continue` from it print). Training continues from it with fresh episodes.
  func snapshot(wallSeconds: Double, reason: String) throws -> Checkpoint {
    var checkpoint = try AgentCheckpoint.make(
      agent, environmentID: plan.environmentID, environmentArguments: plan.environmentArguments, seed: seed,
      episodes: monitor.episodeCount, configuration: configuration)
    try AgentCheckpoint.add(agent.saveTrainingStateWithoutEnvironments(), to: &checkpoint)
    AgentCheckpoint.markInexact(&checkpoint, reason: reason)
    addRunnerState(to: &checkpoint, wallSeconds: wallSeconds)
    return checkpoint
  }

  private func runnerMetadata(wallSeconds: Double) -> JSONValue {
    .object([
      "updates": .int(monitor.updateCount), "wall_s": .double(wallSeconds),
      "evaluations": .int(noImprovement?.evaluations ?? 0),
      "evaluations_without_improvement": .int(noImprovement?.evaluationsWithoutImprovement ?? 0),
    ])
  }

  private func addRunnerState(to checkpoint: inout Checkpoint, wallSeconds: Double) {
    var metadata = checkpoint.metadata.objectValue ?? [:]
    metadata["runner"] = runnerMetadata(wallSeconds: wallSeconds)
    checkpoint.metadata = .object(metadata)
    checkpoint.tensors["runner/best_eval_mean"] = StoredTensor(shape: [1], doubles: [bestMean])
  }

  /// Writes the numbered model file of `save_every` at `steps` and deletes the oldest beyond `keep_last`.
  private func saveModel(at steps: Int) throws {
    try FileManager.default.createDirectory(atPath: folder.modelsPath, withIntermediateDirectories: true)
    try snapshot(wallSeconds: wallSeconds, reason: Self.modelFileReason)
      .write(to: folder.modelPath(steps: steps))
    guard plan.keepLast > 0 else { return }
    let files = Self.modelFiles(in: folder)
    for file in files.dropLast(plan.keepLast) {
      try FileManager.default.removeItem(atPath: folder.modelsPath + "/" + file)
    }
  }

  /// Why a model file of `save_every` does not resume exactly.
  static let modelFileReason =
    "a model file of save_every holds the model, optimizer, normalisation statistics and counters but not the "
    + "environments' state"

  /// The numbered model files of `save_every` in `folder`, oldest first.
  static func modelFiles(in folder: RunFolder.SeedFolder) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.modelsPath)) ?? []
    return names.filter { $0.hasPrefix("model-") && $0.hasSuffix("-steps.safetensors") }
      .sorted { (Int($0.dropFirst(6).dropLast(18)) ?? 0) < (Int($1.dropFirst(6).dropLast(18)) ?? 0) }
  }

  // MARK: - Reading

  /// The checkpoint a resumed seed continues from: the latest, or, when that is damaged or missing, the one before
  /// it (`note` then says so, and the damaged file is moved aside to `damaged_checkpoint.safetensors`); nil when the
  /// seed has neither. Stale temporaries of interrupted writes are removed first.
  static func latest(
    in folder: RunFolder.SeedFolder
  ) throws -> (checkpoint: Checkpoint, path: String, note: String?)? {
    AtomicFile.removeStaleTemporaries(in: folder.path)
    let manager = FileManager.default
    let latestPath = folder.latestCheckpointPath
    let previousPath = folder.previousCheckpointPath
    var problem: (any Error)?
    if manager.fileExists(atPath: latestPath) {
      do {
        return (try Checkpoint(contentsOf: latestPath), latestPath, nil)
      } catch let error as CheckpointError {
        guard manager.fileExists(atPath: previousPath) else { throw error }
        problem = error
      }
    }
    guard manager.fileExists(atPath: previousPath) else { return nil }
    let previous = try Checkpoint(contentsOf: previousPath)
    var note = "\(latestPath) is missing (a write was interrupted)"
    if let problem {
      try? manager.removeItem(atPath: folder.damagedCheckpointPath)
      try? manager.moveItem(atPath: latestPath, toPath: folder.damagedCheckpointPath)
      note = "\(latestPath) is damaged (\(problem)); it was moved to \(folder.damagedCheckpointPath)"
    }
    return (previous, previousPath, note + ", so the checkpoint before it is used")
  }

  /// Restores `agent` from `checkpoint` and returns the runner's own state: exactly (environments included) when
  /// `restartSeed` is nil, else with fresh episodes reset with `restartSeed` (``AgentCheckpoint/restart(_:from:resetSeed:)``),
  /// `notes` then saying what did not carry on.
  /// `restartingSchedules` starts the schedules again at the checkpoint's step (`continue_schedule: restart`).
  static func restore(
    _ agent: any Agent, from checkpoint: Checkpoint, restartSeed: UInt64? = nil, restartingSchedules: Bool = false
  ) throws -> (state: RunnerState, notes: [String]) {
    var notes: [String] = []
    let adjust: ((inout AgentTrainingState) -> Void)? =
      restartingSchedules ? { $0.loop.scheduleOrigin = $0.loop.steps } : nil
    if let restartSeed {
      notes = try AgentCheckpoint.restart(agent, from: checkpoint, resetSeed: restartSeed, adjusting: adjust)
    } else {
      try AgentCheckpoint.restore(agent, from: checkpoint, adjusting: adjust)
    }
    let episodes =
      AgentCheckpoint.isResumable(checkpoint) ? try AgentCheckpoint.trainingState(of: checkpoint).episodes : []
    guard case .object(let runner)? = checkpoint.metadata["runner"], let updates = runner["updates"]?.intValue,
      let wall = runner["wall_s"]?.doubleValue, let evaluations = runner["evaluations"]?.intValue,
      let without = runner["evaluations_without_improvement"]?.intValue
    else {
      guard restartSeed != nil else {
        throw ExperimentError.incompatibleCheckpoint(
          "it lacks the runner's counters (it is not a periodic checkpoint)")
      }
      notes.append("it holds no runner counters: the count of update events starts at 0")
      return (
        RunnerState(
          episodes: episodes, updates: 0, wallSeconds: 0, bestEvaluationMean: -.infinity, evaluations: 0,
          evaluationsWithoutImprovement: 0), notes
      )
    }
    let best = (try? checkpoint.doubles("runner/best_eval_mean", shape: [1])[0]) ?? -.infinity
    return (
      RunnerState(
        episodes: episodes, updates: updates, wallSeconds: wall, bestEvaluationMean: best,
        evaluations: evaluations, evaluationsWithoutImprovement: without), notes
    )
  }

  // MARK: - Finished seeds

  /// The summary of a seed that finished, or nil.
  static func finishedSummary(in folder: RunFolder.SeedFolder) throws -> SeedSummary? {
    guard let data = FileManager.default.contents(atPath: folder.seedSummaryPath) else { return nil }
    do {
      return try SeedSummary(json: try JSONValue(parsing: data))
    } catch {
      throw RunFolderError.malformedSummary(reason: "\(folder.seedSummaryPath): \(error)")
    }
  }

  /// Marks a seed finished by writing its summary.
  static func markFinished(_ folder: RunFolder.SeedFolder, summary: SeedSummary) throws {
    try RunFolder.write(summary.json.serialized(pretty: true) + "\n", to: folder.seedSummaryPath)
  }

  /// Removes what an earlier run left in a seed folder that starts afresh.
  static func removeStale(in folder: RunFolder.SeedFolder) {
    AtomicFile.removeStaleTemporaries(in: folder.path)
    for path in [
      folder.latestCheckpointPath, folder.previousCheckpointPath, folder.damagedCheckpointPath,
      folder.bestCheckpointPath, folder.seedSummaryPath, folder.modelsPath,
    ] {
      try? FileManager.default.removeItem(atPath: path)
    }
  }
}

extension RunFolder.SeedFolder {
  /// Path of the latest periodic checkpoint (`checkpoint_every`), which `--resume` continues from.
  public var latestCheckpointPath: String { path + "/latest_checkpoint.safetensors" }
  /// Path of the periodic checkpoint before the latest, which `--resume` falls back to when the latest is damaged.
  public var previousCheckpointPath: String { path + "/previous_checkpoint.safetensors" }
  /// Where `--resume` moves a damaged latest checkpoint when it falls back to the previous one.
  public var damagedCheckpointPath: String { path + "/damaged_checkpoint.safetensors" }
  /// Path of the checkpoint of the best periodic evaluation (`eval_every`).
  public var bestCheckpointPath: String { path + "/best_checkpoint.safetensors" }
  /// Path of the seed's summary, written when the seed finished (what `--resume` skips).
  public var seedSummaryPath: String { path + "/seed_summary.json" }
  /// The folder of the numbered model files of `save_every`.
  public var modelsPath: String { path + "/models" }
  /// Path of the model file of `save_every` at `steps` (zero-padded to 8 digits, so that names sort by step).
  ///
  /// - Parameter steps: The environment steps at which it is written.
  public func modelPath(steps: Int) -> String {
    modelsPath + "/" + String(format: "model-%08d-steps.safetensors", steps)
  }
}
