import Foundation
import Rein
import XCTest

@testable import Experiments

/// Continuing training (issue 16 items 6 and 7): `rein train --continue CHECKPOINT --steps N` into a new run folder,
/// the schedules extended or restarted, `--resume` of a finished run, snapshots of Box2D runs that resume with fresh
/// episodes, and the numbered model files of `save_every` / `keep_last`.
final class ContinueTrainingTests: RunFolderTestCase {
  override class var rootPrefix: String { "rein-continue" }

  /// `rein ARGUMENTS` in ``root``; fails the test unless it exits with `status`.
  @discardableResult
  private func rein(_ arguments: [String], status: Int32 = 0, line: UInt = #line) throws -> String {
    let outcome = try ReinExecutable.run(arguments, in: root, timeout: 240)
    XCTAssertEqual(outcome.status, status, "rein \(arguments.joined(separator: " ")):\n\(outcome.output)", line: line)
    XCTAssertFalse(outcome.crashed, outcome.output, line: line)
    return outcome.output
  }

  /// `progress.csv` of `run`'s seed 1 without the clock columns, from `afterStep` on.
  private func rows(_ run: String, after afterStep: Int = -1) throws -> [[String]] {
    let table = try CSVLogger.readTable(path: root + "/\(run)/seed-1/progress.csv")
    let kept = table.columns.indices.filter {
      !["wall_time", "time/fps", "time/time_elapsed"].contains(table.columns[$0])
    }
    let step = try XCTUnwrap(table.columns.firstIndex(of: "step"))
    return [kept.map { table.columns[$0] }]
      + table.rows.filter { (Int($0[step]) ?? 0) > afterStep }.map { row in kept.map { row[$0] } }
  }

  private func column(_ name: String, of run: String) throws -> [Double] {
    let table = try CSVLogger.readTable(path: root + "/\(run)/seed-1/progress.csv")
    let index = try XCTUnwrap(table.columns.firstIndex(of: name))
    return table.rows.map { Double($0[index]) ?? .nan }
  }

  private func assertEqual(_ a: [Double], _ b: [Double], line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(a) against \(b)", line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-15, "\(a) against \(b)", line: line) }
  }

  private func checkpoint(_ path: String) throws -> Checkpoint { try Checkpoint(contentsOf: root + "/" + path) }

  private func loop(_ checkpoint: Checkpoint) throws -> LoopState {
    try AgentCheckpoint.trainingState(of: checkpoint).loop
  }

  private static let quiet = ["--set", "progress=none", "--set", "eval_episodes=1"]

  // MARK: - rein train --continue

  /// With constant schedules (PPO's defaults: n_steps 2048, 10 epochs, batches of 64), 4096 steps and then
  /// `--continue` for 4096 more are one 8192-step run: CartPole's final checkpoint holds the environments' state, so
  /// everything carries on, and the rows logged after step 4096 and the final tensors (parameters, Adam's moments,
  /// generator) equal the uninterrupted run's to the bit. The counters carry on too: 4 iterations, 1280 minibatch
  /// steps (Adam's step count), 40 epochs.
  func testContinuingEqualsOneUninterruptedRunWithConstantSchedules() throws {
    try rein(["train", "ppo", "CartPole-v1", "--steps", "4096", "--out", "first"] + Self.quiet)
    let output = try rein(
      ["train", "--continue", "first/seed-1/checkpoint.safetensors", "--steps", "4096", "--out", "more"] + Self.quiet)
    try rein(["train", "ppo", "CartPole-v1", "--steps", "8192", "--out", "whole"] + Self.quiet)
    XCTAssertTrue(output.contains("for 4096 more steps, to 8192; schedules: extend (the default"), output)
    XCTAssertTrue(output.contains("and the environments' state"), output)

    XCTAssertEqual(try rows("more"), try rows("whole", after: 4096))
    XCTAssertEqual(try rows("more").count, 3, "two updates logged after the first 4096 steps")
    let continued = try checkpoint("more/seed-1/checkpoint.safetensors")
    let whole = try checkpoint("whole/seed-1/checkpoint.safetensors")
    XCTAssertEqual(continued.tensors, whole.tensors)
    XCTAssertEqual(continued.metadata["optimizers"], whole.metadata["optimizers"])
    XCTAssertEqual(continued.metadata["optimizers"]?["policy"]?["step"]?.doubleValue, 1280)
    let counters = try loop(continued)
    XCTAssertEqual([counters.steps, counters.iterations, counters.updates, counters.epochs], [8192, 4, 1280, 40])
    XCTAssertEqual(counters, try loop(whole))
    XCTAssertEqual(continued.metadata["episodes"], whole.metadata["episodes"])

    // The new folder's config.yaml continues from the checkpoint; the source folder is untouched.
    let configuration = try RunConfiguration(contentsOfFile: root + "/more/config.yaml")
    XCTAssertEqual(configuration.values["steps"], .int(8192))
    XCTAssertEqual(configuration.values["continue_schedule"], .string("extend"))
    XCTAssertEqual(
      configuration.values["continue_from"],
      .string(URL(fileURLWithPath: root + "/first/seed-1/checkpoint.safetensors").standardizedFileURL.path))
    XCTAssertEqual(try rows("first").count, 3, "the source run's log is as it was")
  }

  /// A linear learning rate 1e-3 -> 0 over 4096 steps ends at 0. Continued by 4096 steps, `extend` reads it over the
  /// whole 8192 steps (2.5e-4 at the update at 6144 steps, progress 0.75), `restart` again from the start over the
  /// new steps (5e-4 there, progress 0.5); both end at 0. Restart keeps where the schedules start in the loop state,
  /// so a resume of the continued run reads them alike.
  func testExtendAndRestartSchedules() throws {
    try rein(
      ["train", "ppo", "CartPole-v1", "--steps", "4096", "--out", "first", "--set", "learning_rate=linear(1e-3,0)"]
        + Self.quiet)
    assertEqual(try column("train/learning_rate", of: "first"), [5e-4, 0])
    let extend = try rein(
      ["train", "--continue", "first/seed-1/checkpoint.safetensors", "--steps", "4096", "--out", "extend"] + Self.quiet)
    XCTAssertTrue(
      extend.contains("schedules: extend (their horizon is 8192 steps, progress goes on from 0.500)"), extend)
    let restart = try rein(
      [
        "train", "--continue", "first/seed-1/checkpoint.safetensors", "--steps", "4096", "--schedule", "restart",
        "--out", "restart",
      ] + Self.quiet)
    XCTAssertTrue(
      restart.contains("schedules: restart (they start again at step 4096 over the 4096 new steps)"), restart)
    assertEqual(try column("train/learning_rate", of: "extend"), [2.5e-4, 0])
    assertEqual(try column("train/learning_rate", of: "restart"), [5e-4, 0])
    XCTAssertEqual(try loop(checkpoint("extend/seed-1/checkpoint.safetensors")).scheduleOrigin, 0)
    XCTAssertEqual(try loop(checkpoint("restart/seed-1/checkpoint.safetensors")).scheduleOrigin, 4096)
    try rein(
      ["train", "--continue", "first/seed-1/checkpoint.safetensors", "--steps", "1", "--schedule", "again"], status: 64)
  }

  /// What `--continue` refuses, each with what to do: a missing or damaged file, no or a non-positive --steps, an
  /// ALGO or --seeds beside it, and a run folder that is or holds the source's. A checkpoint without optimizer state
  /// continues with a fresh optimizer, and says so.
  func testContinueRefusesBadInputWithClearErrors() throws {
    try rein(["train", "ppo", "CartPole-v1", "--steps", "512", "--out", "first", "--set", "n_steps=256"] + Self.quiet)
    let source = "first/seed-1/checkpoint.safetensors"
    var output = try rein(["train", "--continue", "nowhere.safetensors", "--steps", "10"], status: 1)
    XCTAssertTrue(output.contains("cannot continue from nowhere.safetensors: there is no such file"), output)
    try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: root + "/bad.safetensors"))
    output = try rein(["train", "--continue", "bad.safetensors", "--steps", "10"], status: 1)
    XCTAssertTrue(output.contains("cannot continue from bad.safetensors: "), output)
    output = try rein(["train", "--continue", source], status: 64)
    XCTAssertTrue(output.contains("--continue needs --steps N"), output)
    output = try rein(["train", "--continue", source, "--steps", "0"], status: 64)
    XCTAssertTrue(output.contains("must be positive"), output)
    output = try rein(["train", "ppo", "--continue", source, "--steps", "10", "--seeds", "2"], status: 64)
    XCTAssertTrue(output.contains("drop --seeds, ALGO"), output)
    for out in ["first", "first/seed-1", "first/more", "."] {
      output = try rein(["train", "--continue", source, "--steps", "10", "--out", out, "--overwrite"], status: 64)
      XCTAssertTrue(output.contains("a continued run writes only to a new folder"), "\(out): \(output)")
    }
    XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/" + source))

    var stripped = try checkpoint(source)
    stripped.tensors = stripped.tensors.filter { !$0.key.hasPrefix("optimizer/") }
    var metadata = try XCTUnwrap(stripped.metadata.objectValue)
    metadata["optimizers"] = nil
    stripped.metadata = .object(metadata)
    try stripped.write(to: root + "/no-optimizer.safetensors")
    output = try rein(
      ["train", "--continue", "no-optimizer.safetensors", "--steps", "256", "--out", "fresh-optimizer"] + Self.quiet)
    XCTAssertTrue(output.contains("it holds no optimizer state: the optimizer starts afresh"), output)
    XCTAssertTrue(output.contains("the environments start fresh episodes"), output)
    XCTAssertEqual(
      try checkpoint("fresh-optimizer/seed-1/checkpoint.safetensors").metadata["optimizers"]?["policy"]?["step"]?
        .doubleValue, 40, "one update of 10 epochs x 4 minibatches, counted from 0")
  }

  // MARK: - --resume of a finished run

  /// Resuming a run whose seeds all finished says so and points to --continue, trains nothing and changes nothing
  /// (before, it drew a progress line of '512/1024 steps ... 10670719 steps/s').
  func testResumingAFinishedRunSaysSoAndPointsToContinue() throws {
    try rein(
      ["train", "ppo", "CartPole-v1", "--steps", "512", "--seeds", "1,2", "--out", "done", "--set", "n_steps=256"]
        + Self.quiet)
    let summary = try Data(contentsOf: URL(fileURLWithPath: root + "/done/summary.json"))
    let output = try rein(["train", "--resume", "done"])
    XCTAssertTrue(
      output.contains(
        "done has finished: all 2 seed(s) trained to their budget (512 steps each), so there is nothing to resume"),
      output)
    XCTAssertTrue(output.contains("rein train --continue done/seed-1/checkpoint.safetensors --steps N"), output)
    XCTAssertFalse(output.contains("steps/s"), output)
    XCTAssertFalse(output.contains("progress"), output)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: root + "/done/summary.json")), summary)
  }

  // MARK: - Snapshots of Box2D runs

  /// On LunarLander, checkpoint_every writes snapshots without the Box2D world, marked exact_resume: false with the
  /// reason, and says so at the start; `--resume` continues from one with fresh episodes and says that the results
  /// differ. Steps, episodes and updates carry on, and the seed trains to its budget.
  func testBox2DSnapshotsResumeWithFreshEpisodesAndSaySo() throws {
    let yaml =
      "algorithm: ppo\nenv: LunarLander-v3\nsteps: 256\nn_steps: 32\nbatch_size: 32\nn_epochs: 1\nn_envs: 2\n"
      + "seeds: [1]\neval_episodes: 1\npolicy.hidden: [8]\nprogress: none\ncheckpoint_every: 64"
    let lines = LineCollector()
    XCTAssertThrowsError(try run(yaml, in: "killed", killAfter: 128, write: lines.add))
    XCTAssertTrue(
      lines.text.contains("checkpoint_every on LunarLander-v3: LunarLander cannot save or restore its state exactly")
        && lines.text.contains("marked exact_resume: false"), lines.text)
    let snapshot = try checkpoint("killed/seed-1/latest_checkpoint.safetensors")
    XCTAssertFalse(AgentCheckpoint.isExact(snapshot))
    XCTAssertEqual(snapshot.metadata["exact_resume"], .bool(false))
    XCTAssertTrue(AgentCheckpoint.inexactReason(of: snapshot)?.contains("Box2D's contact solver") == true)
    XCTAssertFalse(snapshot.tensors.keys.contains { $0.hasPrefix("environment/") })
    XCTAssertNotNil(
      snapshot.tensors["optimizer/policy/exp_avg/action.weight"]
        ?? snapshot.tensors.first {
          $0.key.hasPrefix("optimizer/")
        }?.value)
    let saved = try loop(snapshot)
    XCTAssertEqual([saved.steps, saved.iterations], [128, 2])
    XCTAssertThrowsError(try AgentCheckpoint.restore(makeAgent(yaml), from: snapshot)) { error in
      XCTAssertTrue("\(error)".contains("cannot resume exactly"), "\(error)")
    }

    let resumed = LineCollector()
    let summary = try run(yaml, in: "killed", resuming: true, write: resumed.add)
    XCTAssertTrue(
      resumed.text.contains(
        "seed 1: resuming at 128 steps from \(root!)/killed/seed-1/latest_checkpoint.safetensors, a snapshot that "
          + "cannot resume the trajectory bit for bit (exact_resume: false): the environments restart from fresh "
          + "episodes (reset with seed 129), so the results will differ from an uninterrupted run"), resumed.text)
    XCTAssertEqual(summary.entries.first?.seed.environmentSteps, 256)
    let final = try loop(checkpoint("killed/seed-1/latest_checkpoint.safetensors"))
    XCTAssertEqual([final.steps, final.iterations], [256, 4], "the counters went on from the snapshot's")
    XCTAssertEqual(try column("time/iterations", of: "killed"), [1, 2, 3, 4], "the log cut back and went on")
  }

  // MARK: - save_every and keep_last

  /// save_every writes numbered model files at the first update at or after each multiple (every 64 steps here:
  /// 64, 128, 192, 256); keep_last 2 leaves the newest two. Each is a snapshot (the model, optimizer, normalisation,
  /// counters, exact_resume: false) that `--continue` trains on from. keep_last without save_every is refused.
  func testSaveEveryWritesNumberedModelFilesAndKeepLastDeletesOlderOnes() throws {
    let yaml = Self.periodicPPOYAML(steps: 256) + "\nsave_every: 64\nkeep_last: 2"
    try run(yaml, in: "models")
    let models = root + "/models/seed-1/models"
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: models).sorted(),
      ["model-00000192-steps.safetensors", "model-00000256-steps.safetensors"])
    let model = try Checkpoint(contentsOf: models + "/model-00000192-steps.safetensors")
    XCTAssertFalse(AgentCheckpoint.isExact(model))
    XCTAssertEqual(try loop(model).steps, 192)
    try run(Self.periodicPPOYAML(steps: 256) + "\nsave_every: 100", in: "all")
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: root + "/all/seed-1/models").sorted(),
      ["model-00000128-steps.safetensors", "model-00000256-steps.safetensors"], "at the updates after 100 and 200")
    XCTAssertThrowsError(try run(Self.periodicPPOYAML(steps: 64) + "\nkeep_last: 2", in: "refused")) { error in
      XCTAssertTrue("\(error)".contains("used together with save_every"), "\(error)")
    }
    let output = try rein(
      ["train", "--continue", "models/seed-1/models/model-00000192-steps.safetensors", "--steps", "64", "--out", "on"])
    XCTAssertTrue(output.contains("at 192 steps for 64 more steps, to 256"), output)
    XCTAssertTrue(output.contains("the environments start fresh episodes (reset with seed 193)"), output)
    XCTAssertEqual(try loop(checkpoint("on/seed-1/checkpoint.safetensors")).steps, 256)
  }

  private func makeAgent(_ yaml: String) throws -> any Agent {
    let plan = try ExperimentPlan(RunConfiguration(yaml: yaml))
    return try plan.algorithm.makeAgent(AgentContext(plan: plan, seed: 1, environments: registry))
  }
}

/// Collects the lines a runner prints, from any thread.
private final class LineCollector: @unchecked Sendable {
  private let lock = NSLock()
  private var lines: [String] = []
  var add: @Sendable (String) -> Void { { [self] line in lock.withLock { lines.append(line) } } }
  var text: String { lock.withLock { lines.joined(separator: "\n") } }
}
