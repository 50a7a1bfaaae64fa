import Foundation
import Rein
import XCTest

@testable import Experiments

/// Observation and reward normalisation through the runner (issue 14): reported returns are the environment's own,
/// evaluation uses the statistics frozen (the final evaluation, a reloaded checkpoint and `rein eval` agree), and
/// the algorithms without a vector environment refuse the settings.
final class NormalizationRunTests: XCTestCase {
  private var registry: EnvironmentRegistry!
  private var root: String!

  override func setUpWithError() throws {
    registry = EnvironmentRegistry()
    registerBuiltinEnvironments(in: registry)
    root = NSTemporaryDirectory() + "rein-normalization-\(UUID().uuidString)"
  }

  override func tearDown() {
    try? FileManager.default.removeItem(atPath: root)
  }

  /// The training episodes a run reported: (return, length).
  private final class EpisodeLog: @unchecked Sendable {
    var episodes: [(Double, Int)] = []
  }

  private func run(_ yaml: String, log: EpisodeLog? = nil) throws -> RunSummary {
    let configuration = try RunConfiguration(yaml: yaml)
    let folder = try RunFolder(creatingAt: root + "/run", configuration: configuration)
    let runner = try ExperimentRunner(
      configuration: configuration, registry: registry, folder: folder, write: { _ in })
    runner.additionalCallbacks = { _ in
      guard let log else { return [] }
      return [
        ClosureCallback(onEpisodeEnd: { info in
          log.episodes.append((info.episodeReturn, info.length))
          return .proceed
        })
      ]
    }
    return try runner.run()
  }

  /// CartPole pays 1 per step, so an episode's raw return is its length; normalised rewards would not sum to it.
  func testReportedReturnsAreTheEnvironmentsOwn() throws {
    let log = EpisodeLog()
    let summary = try run(
      """
      algorithm: ppo
      env: CartPole-v1
      seeds: [1]
      n_envs: 2
      n_steps: 128
      steps: 2048
      eval_episodes: 2
      normalize_observation: true
      normalize_reward: true
      normalize.style: gymnasium
      progress: none
      """, log: log)
    let episodes = log.episodes
    XCTAssertGreaterThan(episodes.count, 20)
    for (episodeReturn, length) in episodes { XCTAssertEqual(episodeReturn, Double(length)) }
    let seed = try XCTUnwrap(summary.entries.first?.seed)
    let recent = episodes.suffix(100).map(\.0)
    XCTAssertEqual(seed.finalReturnMean, recent.reduce(0, +) / Double(recent.count), accuracy: 1e-9)
    let evaluation = try XCTUnwrap(seed.evaluationMean)
    XCTAssertGreaterThanOrEqual(
      evaluation, 8, "an evaluation return counts steps: at least CartPole's shortest episode")
    XCTAssertEqual(evaluation * 2, (evaluation * 2).rounded(), "two integer returns")
  }

  /// The final evaluation (frozen statistics of the trained agent) equals evaluating the reloaded checkpoint
  /// behind the statistics it saved; without them the same policy does differently.
  func testEvaluationUsesTheSavedStatisticsFrozen() throws {
    let summary = try run(
      """
      algorithm: ppo
      env: Pendulum-v1
      seeds: [2]
      n_steps: 256
      steps: 1024
      eval_episodes: 2
      test_episode_after_reload: true
      normalize_observation: true
      progress: none
      """)
    let seed = try XCTUnwrap(summary.entries.first?.seed)
    let checkpoint = try Checkpoint(contentsOf: root + "/run/seed-2/checkpoint.safetensors")
    let normalizer = try XCTUnwrap(AgentCheckpoint.observationNormalizer(of: checkpoint))
    // VecNormalize's style counts the first observation and each step's (the reset one after an episode's end).
    XCTAssertEqual(normalizer.statistics.count, 1e-4 + 1 + 1024, accuracy: 1e-9)
    XCTAssertEqual(normalizer.clip, 10)
    XCTAssertEqual(normalizer.epsilon, 1e-8)
    let environment = try registry.make("Pendulum-v1")
    let policy = try AgentCheckpoint.loadPolicy(checkpoint, for: environment)
    func evaluateReloaded(_ environment: any Environment) throws -> Double {
      var generator = RandomGenerator(seed: 2 &+ 1_000_003)
      return try evaluate(policy, on: environment, episodes: 2, seed: 2 &+ 1000, generator: &generator).mean
    }
    XCTAssertEqual(
      try evaluateReloaded(AgentCheckpoint.evaluationEnvironment(environment, for: checkpoint)), seed.evaluationMean)
    XCTAssertNotEqual(try evaluateReloaded(environment), seed.evaluationMean, "raw observations act differently")
    XCTAssertEqual(try AgentCheckpoint.observationNormalizer(of: checkpoint), normalizer, "evaluating left it alone")
    for format in ExportFormat.allCases {
      XCTAssertThrowsError(try format.export(checkpoint, policy: policy, environment: environment)) { error in
        XCTAssert("\(error)".contains("normalize_observation"), "an export without the statistics is refused: \(error)")
      }
    }
  }

  func testCheckpointsWithoutNormalisationHoldNoStatistics() throws {
    _ = try run(
      """
      algorithm: ppo
      env: CartPole-v1
      seeds: [1]
      n_steps: 64
      steps: 128
      eval_episodes: 1
      progress: none
      """)
    let checkpoint = try Checkpoint(contentsOf: root + "/run/seed-1/checkpoint.safetensors")
    XCTAssertNil(try AgentCheckpoint.observationNormalizer(of: checkpoint))
    XCTAssertFalse(checkpoint.tensors.keys.contains { $0.contains("normalization") })
  }

  func testAlgorithmsWithoutAVectorEnvironmentRefuseNormalisation() throws {
    for algorithm in ["reinforce", "actor-critic"] {
      XCTAssertThrowsError(
        try ExperimentPlan(RunConfiguration(yaml: "algorithm: \(algorithm)\nenv: CartPole-v1\nnormalize_reward: true"))
      ) { error in
        XCTAssert("\(error)".contains("normalize_reward"), "\(error)")
        XCTAssert("\(error)".contains("ppo"), "names the algorithms that use it: \(error)")
      }
    }
    XCTAssertThrowsError(
      try ExperimentPlan(RunConfiguration(yaml: "algorithm: ppo\nenv: CartPole-v1\nnormalize.style: cleanrl"))
    ) { error in XCTAssert("\(error)".contains("gymnasium"), "\(error)") }
    XCTAssertThrowsError(
      try ExperimentPlan(RunConfiguration(yaml: "algorithm: ppo\nenv: CartPole-v1\nnormalize.clip_reward: 0")))
  }
}
