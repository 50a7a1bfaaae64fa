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
    guard evaluationSchedule != nil || checkpointSchedule != nil else { return }
    // Due at the first update at or after each multiple; the evaluation first, so that a checkpoint at the same
    // point holds its outcome.
    let atBoundary: (Int) -> CallbackDecision = { [unowned self] steps in
      var decision = CallbackDecision.proceed
      do {
        if evaluationSchedule?.isDue(at: steps) == true { decision = try evaluate(at: steps) }
        if checkpointSchedule?.isDue(at: steps) == true {
          try checkpoint(final: false, wallSeconds: wallSeconds).write(
            to: folder.latestCheckpointPath, keepingPreviousAt: folder.previousCheckpointPath)
        }
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
  /// `includeTrainingState`), the loop state and the runner's counters. A final checkpoint of an environment
  /// that cannot save its state (Box2D) simply leaves the loop state out; a periodic one throws.
  func checkpoint(final: Bool, wallSeconds: Double, includeTrainingState: Bool = true) throws -> Checkpoint {
    var checkpoint = try AgentCheckpoint.make(
      agent, environmentID: plan.environmentID, environmentArguments: plan.environmentArguments, seed: seed,
      episodes: monitor.episodeCount, configuration: configuration)
    guard includeTrainingState else { return checkpoint }
    let state: AgentTrainingState
    do {
      state = try agent.saveTrainingState()
    } catch let error as EnvironmentStateError {
      if final { return checkpoint }
      throw error
    }
    try AgentCheckpoint.add(state, to: &checkpoint)
    var metadata = checkpoint.metadata.objectValue ?? [:]
    metadata["runner"] = .object([
      "updates": .int(monitor.updateCount), "wall_s": .double(wallSeconds),
      "evaluations": .int(noImprovement?.evaluations ?? 0),
      "evaluations_without_improvement": .int(noImprovement?.evaluationsWithoutImprovement ?? 0),
    ])
    checkpoint.metadata = .object(metadata)
    checkpoint.tensors["runner/best_eval_mean"] = StoredTensor(shape: [1], doubles: [bestMean])
    return checkpoint
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

  /// Restores `agent` from `checkpoint` and returns the runner's own state.
  static func restore(_ agent: any Agent, from checkpoint: Checkpoint) throws -> RunnerState {
    try AgentCheckpoint.restore(agent, from: checkpoint)
    guard case .object(let runner)? = checkpoint.metadata["runner"], let updates = runner["updates"]?.intValue,
      let wall = runner["wall_s"]?.doubleValue, let evaluations = runner["evaluations"]?.intValue,
      let without = runner["evaluations_without_improvement"]?.intValue
    else {
      throw ExperimentError.incompatibleCheckpoint("it lacks the runner's counters (it is not a periodic checkpoint)")
    }
    let best = try checkpoint.doubles("runner/best_eval_mean", shape: [1])[0]
    let state = try AgentCheckpoint.trainingState(of: checkpoint)
    return RunnerState(
      episodes: state.episodes, updates: updates, wallSeconds: wall, bestEvaluationMean: best,
      evaluations: evaluations, evaluationsWithoutImprovement: without)
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
      folder.bestCheckpointPath, folder.seedSummaryPath,
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
}
