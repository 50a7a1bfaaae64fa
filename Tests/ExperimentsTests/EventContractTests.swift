import Foundation
import PolicyGradient
import Rein
import XCTest

@testable import Experiments

/// The event contract (PolicyGradient/Callbacks.swift) as every algorithm keeps it, run as `rein train` runs it
/// (with periodic evaluation on): one start first and one end last, a step event per environment step whose
/// increments add up to the steps taken, an episode event per finished episode with its environment's index, a
/// rollout event before each update and an update event after it, logged updates with their metrics, and the
/// evaluations.
final class EventContractTests: XCTestCase {
  /// Records every event it sees, in order (one seed, so one thread).
  final class Recorder: TrainingCallback, @unchecked Sendable {
    var kinds: [String] = []
    var starts: [TrainingStartInfo] = []
    var steps: [StepInfo] = []
    var episodes: [EpisodeInfo] = []
    var rollouts: [RolloutInfo] = []
    var updates: [UpdateInfo] = []
    var evaluations: [EvaluationInfo] = []
    var ends: [TrainingEndInfo] = []

    func onTrainingStart(_ info: TrainingStartInfo) -> CallbackDecision {
      kinds.append("start")
      starts.append(info)
      return .proceed
    }
    func onStep(_ info: StepInfo) -> CallbackDecision {
      kinds.append("step")
      steps.append(info)
      return .proceed
    }
    func onEpisodeEnd(_ info: EpisodeInfo) -> CallbackDecision {
      kinds.append("episode")
      episodes.append(info)
      return .proceed
    }
    func onRolloutEnd(_ info: RolloutInfo) -> CallbackDecision {
      kinds.append("rollout")
      rollouts.append(info)
      return .proceed
    }
    func onUpdate(_ info: UpdateInfo) -> CallbackDecision {
      kinds.append("update")
      updates.append(info)
      return .proceed
    }
    func onEvaluation(_ info: EvaluationInfo) -> CallbackDecision {
      kinds.append("evaluation")
      evaluations.append(info)
      return .proceed
    }
    func onTrainingEnd(_ info: TrainingEndInfo) {
      kinds.append("end")
      ends.append(info)
    }
  }

  func testEveryEventFiresForEveryAlgorithmWithItsPayload() throws {
    let registry = EnvironmentRegistry()
    registerBuiltinEnvironments(in: registry)
    let cases: [(algorithm: String, environments: Int, extra: String)] = [
      ("reinforce", 1, ""), ("actor-critic", 1, "log_interval: 100"), ("a2c", 2, "n_steps: 8"),
      ("ppo", 2, "n_steps: 32\nbatch_size: 32\nn_epochs: 1"),
    ]
    for (algorithm, n, extra) in cases {
      let root = NSTemporaryDirectory() + "rein-events-\(UUID().uuidString)"
      defer { try? FileManager.default.removeItem(atPath: root) }
      let configuration = try RunConfiguration(
        yaml: """
          algorithm: \(algorithm)
          env: CartPole-v1
          seeds: [1]
          steps: 640
          \(n > 1 ? "n_envs: \(n)" : "")
          eval_every: 256
          eval_episodes: 2
          policy.hidden: [8]
          progress: none
          \(extra)
          """)
      let runner = try ExperimentRunner(
        configuration: configuration, registry: registry,
        folder: try RunFolder(creatingAt: root, configuration: configuration), write: { _ in })
      let recorder = Recorder()
      runner.additionalCallbacks = { _ in [recorder] }
      let summary = try runner.run().entries[0].seed
      let total = summary.environmentSteps
      let name = algorithm

      // Start and end: once each, first and last.
      XCTAssertEqual(recorder.kinds.first, "start", name)
      XCTAssertEqual(recorder.kinds.last, "end", name)
      XCTAssertEqual(recorder.starts.count, 1, name)
      XCTAssertEqual(recorder.starts.first?.algorithm, algorithm)
      XCTAssertEqual(recorder.starts.first?.seed, 1, name)
      XCTAssertEqual(recorder.starts.first?.environmentSteps, 0, name)
      XCTAssertEqual(recorder.starts.first?.budget.steps, 640, name)
      XCTAssertEqual(recorder.ends.count, 1, name)
      XCTAssertEqual(recorder.ends.first?.environmentSteps, total, name)
      XCTAssertEqual(recorder.ends.first?.episodes, summary.episodes, name)
      XCTAssertNil(recorder.ends.first?.stopReason ?? nil, name)

      // Steps: one event per (vector) step, the increments adding up.
      // REINFORCE plays its last episode to the end; the others stop at the budget.
      if algorithm == "reinforce" { XCTAssertGreaterThanOrEqual(total, 640) } else { XCTAssertEqual(total, 640, name) }
      XCTAssertEqual(recorder.steps.count, total / n, name)
      var count = 0
      for step in recorder.steps {
        XCTAssertEqual(step.stepIncrement, n, name)
        count += step.stepIncrement
        XCTAssertEqual(step.environmentSteps, count, name)
      }

      // Episodes: every finished one, in order, with its environment and the mean of the last 100 returns.
      XCTAssertEqual(recorder.episodes.count, summary.episodes, name)
      XCTAssertGreaterThan(summary.episodes, 3, name)
      var returns = RollingMean(window: 100)
      for (index, episode) in recorder.episodes.enumerated() {
        XCTAssertEqual(episode.episodes, index + 1, name)
        XCTAssertTrue((0..<n).contains(episode.environmentIndex), name)
        XCTAssertGreaterThan(episode.length, 0, name)
        XCTAssertEqual(episode.episodeReturn, Double(episode.length), "CartPole pays 1 a step (\(name))")
        returns.add(episode.episodeReturn)
        XCTAssertEqual(episode.recentReturnMean, returns.mean, name)
      }
      if n > 1 {
        XCTAssertEqual(Set(recorder.episodes.map(\.environmentIndex)), Set(0..<n), "\(name): every environment")
      }

      // Rollouts and updates alternate, each update at its rollout's step; the rollouts hold every step.
      let rolloutsAndUpdates = recorder.kinds.filter { $0 == "rollout" || $0 == "update" }
      XCTAssertEqual(
        rolloutsAndUpdates, Array(repeating: ["rollout", "update"], count: recorder.rollouts.count).flatMap { $0 },
        name)
      XCTAssertEqual(recorder.rollouts.reduce(0) { $0 + $1.rolloutSteps }, total, name)
      XCTAssertEqual(recorder.rollouts.map(\.environmentSteps), recorder.updates.map(\.environmentSteps), name)
      let logged = recorder.updates.compactMap(\.metrics)
      XCTAssertFalse(logged.isEmpty, name)
      for metrics in logged {
        let keys = metrics.map(\.key)
        XCTAssertEqual(keys, keys.filter { $0 != "time/episodes" }.sorted() + ["time/episodes"], name)
        XCTAssertTrue(metrics.contains { $0.key.hasPrefix("train/") }, name)
      }
      // Actor-critic logs every `log_interval` steps (640 is none), the others their last update too.
      if algorithm != "actor-critic" { XCTAssertNotNil(recorder.updates.last?.metrics, "\(name): the last is logged") }
      XCTAssertEqual(
        logged.count, algorithm == "actor-critic" ? 6 : algorithm == "a2c" ? 1 : recorder.updates.count, name)

      // Evaluations: at the first update at or after 256 and 512 steps, two episodes each.
      XCTAssertEqual(recorder.evaluations.count, 2, name)
      for (evaluation, due) in zip(recorder.evaluations, [256, 512]) {
        XCTAssertGreaterThanOrEqual(evaluation.environmentSteps, due, name)
        XCTAssertTrue(recorder.updates.contains { $0.environmentSteps == evaluation.environmentSteps }, name)
        XCTAssertEqual(evaluation.returns.count, 2, name)
        XCTAssertEqual(evaluation.lengths.map(Double.init), evaluation.returns, name)
      }
    }
  }
}
