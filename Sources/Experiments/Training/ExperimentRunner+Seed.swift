import Foundation
import PolicyGradient
import Recording

// MARK: - One seed's training
//
// A cell's seed from start (or resume) to its summary: the agent, its monitor with loggers and printing, periodic
// checkpoints and evaluations (SeedCheckpoints), training, the final evaluation and checkpoint, the reload check.

extension ExperimentRunner {
  func trainSeed(_ setting: Setting, seedIndex: Int, job: Int) throws -> SeedSummary {
    let plan = setting.plan
    let seed = plan.seeds[seedIndex]
    let seedFolder = try folder.seedFolder(seed: Int(seed), setting: setting.label)
    let prefix = setting.label.isEmpty ? "" : "[\(setting.label)] "
    if resumes, let finished = try SeedCheckpoints.finishedSummary(in: seedFolder) {
      say("\(prefix)seed \(seed): finished before, left alone")
      progress?.start(job, at: plan.budget.steps ?? plan.budget.episodes ?? 0, recent: finished.finalReturnMean)
      return finished
    }
    let agent = try makeAgent(plan, seed: seed)
    defer { agent.close() }
    var resumed: SeedCheckpoints.RunnerState?
    var logsResumeAfter: Int?
    if resumes, let latest = try SeedCheckpoints.latest(in: seedFolder) {
      if let note = latest.note { say("\(prefix)seed \(seed): \(note)") }
      if AgentCheckpoint.isExact(latest.checkpoint) {
        resumed = try SeedCheckpoints.restore(agent, from: latest.checkpoint).state
        say("\(prefix)seed \(seed): resuming at \(agent.steps) steps from \(latest.path)")
      } else {
        let resetSeed = Self.restartSeed(
          seed, steps: try AgentCheckpoint.trainingState(of: latest.checkpoint).loop.steps)
        let restored = try SeedCheckpoints.restore(agent, from: latest.checkpoint, restartSeed: resetSeed)
        resumed = restored.state
        say(
          "\(prefix)seed \(seed): resuming at \(agent.steps) steps from \(latest.path), a snapshot that cannot resume "
            + "the trajectory bit for bit (exact_resume: false): the environments restart from fresh episodes (reset "
            + "with seed \(resetSeed)), so the results will differ from an uninterrupted run"
            + restored.notes.map { "; " + $0 }.joined())
      }
      logsResumeAfter = agent.steps
    } else {
      if resumes && FileManager.default.fileExists(atPath: seedFolder.progressPath) {
        say("\(prefix)seed \(seed): no checkpoint to resume from, starting over")
      }
      SeedCheckpoints.removeStale(in: seedFolder)
      if let source = plan.continueFrom {
        resumed = try continueTraining(agent, from: source, plan: plan, seed: seed, prefix: prefix)
      }
    }
    if let resumed { progress?.start(job, at: plan.budget.steps == nil ? resumed.episodes.count : agent.steps) }
    if job == 0 { say(Self.parameterCounts(agent.policy)) }
    let monitor = TrainingMonitor(
      logger: try seedFolder.makeLoggers(resumeAfterStep: logsResumeAfter),
      logsEpisodes: !plan.algorithm.isVectorized || plan.plotX == "episode")
    if let resumed {
      monitor.resume(episodes: resumed.episodes, updates: resumed.updates, environmentSteps: agent.steps)
    }
    var printWindow = RollingMean(
      window: plan.printing.window, continuing: (resumed?.episodes ?? []).map(\.episodeReturn))
    let console = ConsoleTableLogger { [self] text in say(text) }
    // The table is printed at the first logged update once another `print_every_updates` updates have passed: every
    // such update for PPO (it logs each one), the logged ones among them for A2C (it logs about one in 100).
    var printedBlock = plan.printing.everyUpdates > 0 ? monitor.updateCount / plan.printing.everyUpdates : 0
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
          progress?.report(
            job, completed: countsEpisodes ? info.episodes : info.environmentSteps, recent: info.recentReturnMean)
          return .proceed
        },
        onUpdate: { [self, unowned monitor] info in
          guard let metrics = info.metrics else { return .proceed }
          if plan.printing.everyUpdates > 0 && monitor.updateCount / plan.printing.everyUpdates > printedBlock {
            printedBlock = monitor.updateCount / plan.printing.everyUpdates
            say("\(prefix)seed \(seed)")
            try? console.log(ScalarRecord(step: info.environmentSteps, values: metrics))
          }
          if !countsEpisodes { progress?.report(job, completed: info.environmentSteps, recent: nil) }
          return .proceed
        }))
    let periodic = try SeedCheckpoints(
      agent: agent, plan: plan, configuration: setting.configuration, seed: seed, folder: seedFolder,
      registry: registry, monitor: monitor, resumed: resumed, stopRequested: stopRequested)
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
      say(
        "\(prefix)seed \(seed): interrupted at \(agent.steps) steps\(periodic.interruptionNote.map { ": " + $0 } ?? "")"
      )
      throw ExperimentError.interrupted(folder: folder.path, seeds: [Int(seed)])
    }
    try monitor.finish(summary)
    if let reason = summary.stoppedEarly { say("\(prefix)seed \(seed): stopped early: \(reason)") }

    var evaluation: EvaluationResult?
    if plan.evaluationEpisodes > 0 {
      var environment = try agent.evaluationEnvironment(
        registry.make(plan.environmentID, arguments: plan.environmentArguments))
      defer { environment.close() }
      if plan.recordFinal { environment = try finalEpisodeRecorder(environment, folder: seedFolder.path, seed: seed) }
      var generator = RandomGenerator(seed: seed &+ 1_000_003)
      evaluation = try evaluate(
        agent.policy, on: environment, episodes: plan.evaluationEpisodes, deterministic: plan.evaluationDeterministic,
        seed: seed &+ 1000, generator: &generator)
    }
    try periodic.checkpoint(final: true, wallSeconds: summary.wallSeconds).write(to: seedFolder.checkpointPath)
    if plan.testEpisodeAfterReload {
      try playTestEpisode(from: seedFolder.checkpointPath, plan: plan, seed: seed, prefix: prefix)
    }
    let seedSummary = TrainingMonitor.seedSummary(
      seed: Int(seed), training: summary, evaluationReturns: evaluation?.returns)
    try SeedCheckpoints.markFinished(seedFolder, summary: seedSummary)
    return seedSummary
  }

  /// Why `environment` cannot save its state (so that periodic checkpoints are snapshots that do not resume
  /// exactly), or nil when it can.
  func unsavableStateReason(_ environment: any Environment) throws -> String? {
    do {
      _ = try environment.reset(seed: 0)
      _ = try environment.saveState()
      return nil
    } catch let error as EnvironmentStateError {
      return "\(error)"
    }
  }

  /// The seed of the first reset of environments that restart from fresh episodes at `steps` (a resumed snapshot,
  /// a continued model without its environments): the run's seed plus the steps, so that it is deterministic and
  /// differs from the run's first reset.
  static func restartSeed(_ seed: UInt64, steps: Int) -> UInt64 { seed &+ UInt64(steps) }

  /// Starts `agent` from the checkpoint at `path` (`continue_from`): exactly, environments included, when it holds
  /// their state, else with fresh episodes; `continue_schedule: restart` starts the schedules again at its step.
  /// Prints what carries on and what does not.
  private func continueTraining(
    _ agent: any Agent, from path: String, plan: ExperimentPlan, seed: UInt64, prefix: String
  ) throws -> SeedCheckpoints.RunnerState {
    let checkpoint: Checkpoint
    do {
      checkpoint = try Checkpoint(contentsOf: path)
    } catch {
      throw ExperimentError.continueSourceUnreadable(path: path, reason: "\(error)")
    }
    let id = try AgentCheckpoint.environmentID(of: checkpoint)
    guard id == plan.environmentID else {
      throw ExperimentError.incompatibleCheckpoint("it was trained on \(id), this run trains on \(plan.environmentID)")
    }
    let sourceSteps = checkpoint.metadata["env_steps"]?.intValue ?? 0
    if let budget = plan.budget.steps, budget <= sourceSteps {
      throw ExperimentError.invalidSetting(
        key: "steps", value: "\(budget)",
        expected: "more than the \(sourceSteps) steps \(path) was trained for (the budget counts them too; "
          + "`rein train --continue` adds --steps N to them)")
    }
    let restartSchedules = plan.continueSchedule == "restart"
    var restored: (state: SeedCheckpoints.RunnerState, notes: [String])
    // Exactly only with everything the trajectory depends on; without optimizer state the restart says so.
    var exact = AgentCheckpoint.isExact(checkpoint) && checkpoint.metadata["optimizers"] != nil
    if exact {
      do {
        restored = try SeedCheckpoints.restore(agent, from: checkpoint, restartingSchedules: restartSchedules)
      } catch let error as EnvironmentStateError {
        exact = false
        restored = try SeedCheckpoints.restore(
          agent, from: checkpoint, restartSeed: Self.restartSeed(seed, steps: sourceSteps),
          restartingSchedules: restartSchedules)
        restored.notes.insert("its environments' state does not fit this run's (\(error))", at: 0)
      }
    } else {
      restored = try SeedCheckpoints.restore(
        agent, from: checkpoint, restartSeed: Self.restartSeed(seed, steps: sourceSteps),
        restartingSchedules: restartSchedules)
    }
    let steps = agent.steps
    let more = plan.budget.steps.map { " for \($0 - steps) more steps, to \($0)" } ?? ""
    let carried =
      "weights, optimizer state, generator, normalisation statistics, counters (\(steps) steps, "
      + "\(restored.state.updates) updates, \(restored.state.episodes.count) episodes)"
      + (exact ? " and the environments' state" : "")
    say("\(prefix)seed \(seed): continuing from \(path) at \(steps) steps\(more); carried on: \(carried)")
    if !exact {
      let reason = AgentCheckpoint.inexactReason(of: checkpoint).map { " (\($0))" } ?? ""
      say(
        "\(prefix)seed \(seed): the environments start fresh episodes (reset with seed "
          + "\(Self.restartSeed(seed, steps: sourceSteps)))\(reason)" + restored.notes.map { "; " + $0 }.joined())
    }
    if let total = plan.budget.steps {
      let origin = (try? AgentCheckpoint.trainingState(of: checkpoint).loop.scheduleOrigin) ?? 0
      say(
        "\(prefix)seed \(seed): schedules: "
          + (restartSchedules
            ? "restart (they start again at step \(steps) over the \(total - steps) new steps)"
            : String(
              format: "extend (their horizon is %d steps, progress goes on from %.3f)", total,
              Double(steps - origin) / Double(total - origin))))
    }
    return restored.state
  }

  /// Loads the saved checkpoint into a fresh policy and plays one deterministic episode with it (W8's check
  /// that the model saved is the model trained).
  private func playTestEpisode(from path: String, plan: ExperimentPlan, seed: UInt64, prefix: String) throws {
    let checkpoint = try Checkpoint(contentsOf: path)
    let environment = try registry.make(plan.environmentID, arguments: plan.environmentArguments)
    defer { environment.close() }
    let policy = try AgentCheckpoint.loadPolicy(checkpoint, for: environment)
    var generator = RandomGenerator(seed: seed)
    let normalized = try AgentCheckpoint.evaluationEnvironment(environment, for: checkpoint)
    let result = try evaluate(policy, on: normalized, episodes: 1, seed: seed &+ 2000, generator: &generator)
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
}
