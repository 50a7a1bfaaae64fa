import Foundation
import Rein
import XCTest

@testable import Experiments

/// Periodic checkpoints, `--resume` and seed parallelism: an interrupted and resumed run leaves the same learning
/// curve, episode returns, final weights and summary as an uninterrupted one, bit for bit (wall times aside).
final class ResumeTests: RunFolderTestCase {
  override class var rootPrefix: String { "rein-resume" }

  // MARK: - Helpers

  /// The progress CSV without the columns that depend on the clock.
  private func curve(_ name: String, seed: Int) throws -> [[String]] {
    let table = try CSVLogger.readTable(path: root + "/\(name)/seed-\(seed)/progress.csv")
    let kept = table.columns.indices.filter {
      !["wall_time", "time/fps", "time/time_elapsed"].contains(table.columns[$0])
    }
    return [kept.map { table.columns[$0] }] + table.rows.map { row in kept.map { $0 < row.count ? row[$0] : "" } }
  }

  /// The final checkpoint's tensors (policy, optimizer, generator, training state).
  private func finalTensors(_ name: String, seed: Int) throws -> [String: StoredTensor] {
    try Checkpoint(contentsOf: root + "/\(name)/seed-\(seed)/checkpoint.safetensors").tensors
  }

  /// summary.json's entries without wall time and speed.
  private func results(_ summary: RunSummary) -> [String] {
    summary.entries.map { entry in
      var json = entry.seed.json.objectValue ?? [:]
      json["wall_s"] = nil
      json["steps_per_s"] = nil
      return entry.setting + JSONValue.object(json).serialized()
    }
  }

  private func assertResumedEqualsUninterrupted(
    _ yaml: String, seeds: [Int], killSeed: UInt64, killAfter: Int, file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let uninterrupted = try run(yaml, in: "whole")
    XCTAssertThrowsError(try run(yaml, in: "killed", killSeed: killSeed, killAfter: killAfter), file: file, line: line)
    {
      error in
      guard case ExperimentError.interrupted(_, let interrupted)? = error as? ExperimentError else {
        return XCTFail("expected an interruption, got \(error)", file: file, line: line)
      }
      XCTAssertEqual(interrupted, [Int(killSeed)], file: file, line: line)
    }
    let killedFolder = root + "/killed/seed-\(killSeed)"
    XCTAssertTrue(FileManager.default.fileExists(atPath: killedFolder + "/latest_checkpoint.safetensors"))
    XCTAssertFalse(FileManager.default.fileExists(atPath: killedFolder + "/checkpoint.safetensors"))
    let partial = try curve("killed", seed: Int(killSeed))
    XCTAssertLessThan(partial.count, try curve("whole", seed: Int(killSeed)).count, "the kill came before the end")

    let resumed = try run(yaml, in: "killed", resuming: true)
    XCTAssertEqual(results(resumed), results(uninterrupted), file: file, line: line)
    for seed in seeds {
      XCTAssertEqual(
        try curve("killed", seed: seed), try curve("whole", seed: seed), "seed \(seed)", file: file, line: line)
      let a = try finalTensors("killed", seed: seed)
      let b = try finalTensors("whole", seed: seed)
      XCTAssertEqual(a.keys.sorted(), b.keys.sorted(), file: file, line: line)
      for key in a.keys {
        XCTAssertEqual(a[key], b[key], "seed \(seed) tensor \(key)", file: file, line: line)
      }
    }
  }

  // MARK: - Exact resume

  func testREINFORCEResumesBitIdenticallyAndLeavesFinishedSeedsAlone() throws {
    let yaml = """
      algorithm: reinforce
      env: CartPole-v1
      seeds: [1, 2]
      parallel_seeds: 1
      episodes: 40
      checkpoint_every: 300
      eval_every: 400
      eval_episodes: 2
      standardize_returns: true
      learning_rate: 0.01
      policy.hidden: [16]
      progress: none
      """
    try assertResumedEqualsUninterrupted(yaml, seeds: [1, 2], killSeed: 2, killAfter: 600)
    // Seed 1 finished before the interruption and was left alone; both runs logged evaluations.
    XCTAssertTrue(try curve("killed", seed: 2)[0].contains("eval/mean_reward"))
    XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/killed/seed-2/best_checkpoint.safetensors"))
  }

  func testPPOOnAVectorEnvironmentResumesBitIdentically() throws {
    let yaml = """
      algorithm: ppo
      env: CartPole-v1
      seeds: [3]
      n_envs: 2
      n_steps: 64
      batch_size: 32
      n_epochs: 2
      steps: 1024
      checkpoint_every: 256
      eval_episodes: 1
      learning_rate: linear(3e-4, 0)
      ent_coef: 0.01
      policy.hidden: [16]
      progress: none
      """
    try assertResumedEqualsUninterrupted(yaml, seeds: [3], killSeed: 3, killAfter: 512)
  }

  /// With observation and reward normalisation (issue 14): the statistics are part of every checkpoint's
  /// environment state, so the resumed run (periodic evaluations included, which use them frozen) is the same.
  func testPPOWithGymnasiumStyleNormalisationResumesBitIdentically() throws {
    let yaml = """
      algorithm: ppo
      env: Pendulum-v1
      seeds: [6]
      n_envs: 2
      n_steps: 64
      batch_size: 32
      n_epochs: 2
      steps: 1024
      checkpoint_every: 256
      eval_every: 256
      eval_episodes: 1
      normalize_observation: true
      normalize_reward: true
      normalize.style: gymnasium
      policy.hidden: [16]
      progress: none
      """
    try assertResumedEqualsUninterrupted(yaml, seeds: [6], killSeed: 6, killAfter: 512)
    let checkpoint = try Checkpoint(contentsOf: root + "/killed/seed-6/checkpoint.safetensors")
    XCTAssertNotNil(checkpoint.tensors["normalization/obs_mean"], "the statistics are saved for evaluation")
    XCTAssertNotNil(checkpoint.tensors["environment/f64/normalization.obs_rms1.var"], "per environment")
  }

  func testA2CWithVecNormalizeStyleNormalisationResumesBitIdentically() throws {
    let yaml = """
      algorithm: a2c
      env: Pendulum-v1
      seeds: [7]
      n_envs: 2
      n_steps: 5
      steps: 2000
      checkpoint_every: 500
      eval_episodes: 1
      normalize_observation: true
      normalize_reward: true
      normalize.clip_observation: 5
      policy.hidden: [16]
      progress: none
      """
    try assertResumedEqualsUninterrupted(yaml, seeds: [7], killSeed: 7, killAfter: 1000)
    let checkpoint = try Checkpoint(contentsOf: root + "/killed/seed-7/checkpoint.safetensors")
    XCTAssertNotNil(checkpoint.tensors["environment/f64/normalization.obs_rms0.var"], "shared")
    XCTAssertNil(checkpoint.tensors["environment/f64/normalization.obs_rms1.var"], "shared")
  }

  func testOneStepActorCriticResumesMidEpisodeBitIdentically() throws {
    let yaml = """
      algorithm: actor-critic
      env: CartPole-v1
      seeds: [4]
      steps: 600
      log_interval: 50
      checkpoint_every: 100
      eval_episodes: 1
      policy.hidden: [16]
      progress: none
      """
    try assertResumedEqualsUninterrupted(yaml, seeds: [4], killSeed: 4, killAfter: 333)
  }

  func testA2CResumesBitIdentically() throws {
    let yaml = """
      algorithm: a2c
      env: Pendulum-v1
      seeds: [5]
      n_envs: 2
      n_steps: 5
      steps: 3000
      checkpoint_every: 500
      eval_episodes: 1
      policy.hidden: [16]
      progress: none
      """
    try assertResumedEqualsUninterrupted(yaml, seeds: [5], killSeed: 5, killAfter: 1500)
  }

  func testREINFORCEOnMuJoCoResumesBitIdentically() throws {
    guard MuJoCo.isAvailable else { throw XCTSkip("MuJoCo is not installed") }
    let yaml = """
      algorithm: reinforce
      env: InvertedPendulum-v4
      seeds: [8]
      episodes: 60
      checkpoint_every: 100
      eval_episodes: 1
      optimizer: adamw
      learning_rate: 0.001
      policy.hidden: [16]
      policy.gaussian_head: softplus-std
      policy.epsilon: 1e-6
      progress: none
      """
    try assertResumedEqualsUninterrupted(yaml, seeds: [8], killSeed: 8, killAfter: 300)
  }

  // MARK: - Seed parallelism

  func testASeedsResultsDoNotDependOnSeedParallelism() throws {
    let yaml = """
      algorithm: ppo
      env: CartPole-v1
      seeds: [1, 2, 3]
      n_envs: 2
      n_steps: 32
      batch_size: 32
      n_epochs: 2
      steps: 256
      eval_episodes: 2
      policy.hidden: [16]
      progress: none
      """
    let one = try run(yaml + "\nparallel_seeds: 1", in: "one")
    let two = try run(yaml + "\nparallel_seeds: 2", in: "two")
    XCTAssertEqual(results(one), results(two))
    XCTAssertEqual(one.entries.map(\.seed.seed), [1, 2, 3])
    for seed in [1, 2, 3] {
      XCTAssertEqual(try curve("one", seed: seed), try curve("two", seed: seed), "seed \(seed)")
    }
  }

  // MARK: - Periodic evaluation and stop rules

  func testStopRulesWatchThePeriodicEvaluations() throws {
    let base = """
      algorithm: reinforce
      env: CartPole-v1
      seeds: [1]
      episodes: 200
      eval_every: 200
      eval_episodes: 2
      policy.hidden: [8]
      progress: none
      """
    let threshold = try run(base + "\nstop_at_eval_return: 1", in: "threshold")
    XCTAssertLessThan(threshold.entries[0].seed.episodes, 200, "stopped at the first evaluation")
    let patience = try run(base + "\nstop_after_no_improvement: 1\nlearning_rate: 0", in: "patience")
    XCTAssertLessThan(patience.entries[0].seed.episodes, 200, "a policy that cannot learn does not improve")
    let log = try curve("patience", seed: 1)
    XCTAssertTrue(log[0].contains("eval/std_reward"))
    XCTAssertThrowsError(
      try ExperimentPlan(
        try RunConfiguration(yaml: "algorithm: ppo\nenv: CartPole-v1\nsteps: 10\nstop_at_eval_return: 5")))
  }

  // MARK: - What cannot resume, and checkpoints that do not fit

  /// Without checkpoint_every, an interrupted Box2D seed starts over on `--resume` and gives the same results, only
  /// later (with checkpoint_every, its snapshots resume with fresh episodes: ContinueTrainingTests).
  func testBox2DRunsWithoutCheckpointsResumeByRestartingUnfinishedSeeds() throws {
    let yaml =
      "algorithm: ppo\nenv: LunarLander-v3\nsteps: 128\nn_steps: 32\nbatch_size: 32\nn_epochs: 1\n"
      + "seeds: [1, 2]\nparallel_seeds: 1\neval_episodes: 1\npolicy.hidden: [8]\nprogress: none"
    let whole = try run(yaml, in: "whole")
    XCTAssertFalse(
      AgentCheckpoint.isResumable(try Checkpoint(contentsOf: root + "/whole/seed-1/checkpoint.safetensors")),
      "a Box2D checkpoint holds the model but no training state")
    XCTAssertThrowsError(try run(yaml, in: "killed", killSeed: 2, killAfter: 64))
    let resumed = try run(yaml, in: "killed", resuming: true)
    XCTAssertEqual(results(resumed), results(whole))
    XCTAssertEqual(try curve("killed", seed: 2), try curve("whole", seed: 2))
  }

  func testRestoringMutatedTrainingStatesThrowsOrSucceedsButNeverCrashes() throws {
    let yaml = Self.periodicPPOYAML(steps: 128)
    try run(yaml, in: "source")
    let checkpoint = try Checkpoint(contentsOf: root + "/source/seed-1/latest_checkpoint.safetensors")
    let runner = try ExperimentRunner(
      configuration: RunConfiguration(yaml: yaml), registry: registry, folder: RunFolder(creatingAt: root + "/probe"),
      write: { _ in })
    let plan = try ExperimentPlan(RunConfiguration(yaml: yaml))
    var variants: [Checkpoint] = []
    for (name, tensor) in checkpoint.tensors
    where name.hasPrefix("environment/") || name.hasPrefix("training/") || name.hasPrefix("runner/") {
      let count = tensor.data.count
      var replacements: [TensorData]
      switch tensor.data {
      case .uint64:
        replacements = [.uint64(Array(repeating: .max, count: count)), .uint64(Array(repeating: 2, count: count))]
      case .int64:
        replacements = [.int64(Array(repeating: -1, count: count)), .int64(Array(repeating: .max, count: count))]
      case .float64:
        replacements = [
          .float64(Array(repeating: .nan, count: count)), .float64(Array(repeating: -1e308, count: count)),
        ]
      case .float32: replacements = [.float32(Array(repeating: .nan, count: count))]
      }
      for data in replacements {
        var mutated = checkpoint
        mutated.tensors[name] = StoredTensor(shape: tensor.shape, data: data)
        variants.append(mutated)
      }
      var shorter = checkpoint
      if count > 0, case .float64(let values) = tensor.data {
        shorter.tensors[name] = StoredTensor(shape: [count - 1], doubles: Array(values.dropLast()))
        variants.append(shorter)
      }
      var dropped = checkpoint
      dropped.tensors[name] = nil
      variants.append(dropped)
    }
    for counter in ["steps", "updates", "iterations", "epochs", "started", "episodesStarted", "lastReport"] {
      var metadata = checkpoint.metadata.objectValue ?? [:]
      var training = metadata["training"]?.objectValue ?? [:]
      var counters = training["loop"]?.objectValue ?? [:]
      XCTAssertNotNil(counters[counter], "the loop state saves \(counter)")
      counters[counter] = .int(-5)
      training["loop"] = .object(counters)
      metadata["training"] = .object(training)
      var mutated = checkpoint
      mutated.metadata = .object(metadata)
      variants.append(mutated)
    }
    XCTAssertGreaterThan(variants.count, 50)
    var refused = 0
    for variant in variants {
      do {
        try AgentCheckpoint.restore(try runner.makeAgent(plan, seed: 1), from: variant)
      } catch {
        refused += 1
        XCTAssertFalse("\(error)".isEmpty)
      }
    }
    XCTAssertGreaterThan(refused, variants.count / 2, "most damage is caught on load")
  }

  func testLoadingACheckpointIntoAnotherAgentFailsWithTypedErrors() throws {
    let yaml = """
      algorithm: reinforce
      env: CartPole-v1
      seeds: [1]
      episodes: 5
      eval_episodes: 1
      policy.hidden: [8]
      progress: none
      """
    try run(yaml, in: "source")
    let checkpoint = try Checkpoint(contentsOf: root + "/source/seed-1/checkpoint.safetensors")
    XCTAssertTrue(AgentCheckpoint.isResumable(checkpoint))
    let runner = try ExperimentRunner(
      configuration: RunConfiguration(yaml: yaml), registry: registry, folder: RunFolder(creatingAt: root + "/probe"),
      write: { _ in })
    func agent(_ algorithm: String, hidden: Int = 8) throws -> any Agent {
      let plan = try ExperimentPlan(
        RunConfiguration(yaml: "algorithm: \(algorithm)\nenv: CartPole-v1\nsteps: 10\npolicy.hidden: [\(hidden)]"))
      return try runner.makeAgent(plan, seed: 1)
    }
    func assertIncompatible(_ body: @autoclosure () throws -> Void, _ needle: String) {
      XCTAssertThrowsError(try body()) { error in
        guard case ExperimentError.incompatibleCheckpoint(let message)? = error as? ExperimentError else {
          return XCTFail("unexpected \(error)")
        }
        XCTAssertTrue(message.contains(needle), message)
      }
    }
    // The right agent takes it, and continues from its counters.
    let good = try agent("reinforce")
    try AgentCheckpoint.restore(good, from: checkpoint)
    XCTAssertEqual(good.steps, checkpoint.metadata["env_steps"]?.intValue)
    assertIncompatible(try AgentCheckpoint.restore(try agent("ppo"), from: checkpoint), "reinforce")
    assertIncompatible(try AgentCheckpoint.restore(try agent("reinforce", hidden: 9), from: checkpoint), "architecture")
    var missing = checkpoint
    missing.tensors["policy/\(good.policy.namedParameters()[0].name)"] = nil
    assertIncompatible(try AgentCheckpoint.restore(try agent("reinforce"), from: missing), "policy/")
    var noState = checkpoint
    noState.metadata = .object((checkpoint.metadata.objectValue ?? [:]).filter { $0.key != "training" })
    assertIncompatible(try AgentCheckpoint.restore(try agent("reinforce"), from: noState), "training state")
    var badEnvironment = checkpoint
    badEnvironment.tensors = checkpoint.tensors.filter { !$0.key.hasSuffix("np_random") }
    XCTAssertThrowsError(try AgentCheckpoint.restore(try agent("reinforce"), from: badEnvironment)) { error in
      guard case EnvironmentStateError.missingField(_, "np_random")? = error as? EnvironmentStateError else {
        return XCTFail("unexpected \(error)")
      }
    }
  }
}
