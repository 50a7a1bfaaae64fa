import Foundation
import Rein
import XCTest

@testable import Experiments

/// An algorithm registered from outside the library, in this one file: a random-action agent with one setting of its
/// own, run through the code `rein train` runs (plan, runner, run folder, progress, checkpoint, summary).
final class RandomAgentRegistryTests: XCTestCase {
  struct RandomConfiguration: AlgorithmConfiguration {
    /// Repeat each sampled action this many steps.
    var actionRepeat = 1
  }

  final class RandomAgent: Agent {
    static var algorithmName: String { "random-test" }
    let environment: any Environment
    let configuration: RandomConfiguration
    let policy: ActorCriticPolicy
    var generator: RandomGenerator
    var sampler: NumpyGenerator
    let seed: UInt64
    private(set) var steps = 0
    private var episodes: [EpisodeRecord] = []
    var optimizers: [(role: String, optimizer: Optimizer)] { [] }

    init(environment: any Environment, configuration: RandomConfiguration, seed: UInt64) throws {
      self.environment = environment
      self.configuration = configuration
      self.seed = seed
      generator = RandomGenerator(seed: seed)
      sampler = NumpyGenerator(seed: seed)
      policy = try ActorCriticPolicy(for: environment, generator: &generator)
    }

    func learn(_ budget: TrainingBudget, callback: (any TrainingCallback)?) throws -> TrainingSummary {
      var recent = RollingMean(window: 100, continuing: episodes.map(\.episodeReturn))
      _ = try environment.reset(seed: seed)
      var episodeReturn = 0.0
      var length = 0
      var action = environment.actionSpace.sample(using: &sampler)
      while steps < budget.steps ?? .max && episodes.count < budget.episodes ?? .max {
        if length % configuration.actionRepeat == 0 { action = environment.actionSpace.sample(using: &sampler) }
        let step = try environment.step(action)
        steps += 1
        length += 1
        episodeReturn += step.reward
        if step.done {
          let record = EpisodeRecord(
            episodeReturn: episodeReturn, length: length, step: steps, index: episodes.count,
            terminated: step.terminated)
          episodes.append(record)
          recent.add(episodeReturn)
          _ = callback?.onEpisodeEnd(
            EpisodeInfo(
              environmentSteps: steps, episodes: episodes.count, episodeReturn: episodeReturn, length: length,
              terminated: step.terminated, recentReturnMean: recent.mean!))
          _ = try environment.reset(seed: nil)
          episodeReturn = 0
          length = 0
        }
      }
      return TrainingSummary(steps: steps, episodes: episodes, wallSeconds: 0, stoppedEarly: nil)
    }

    func saveTrainingState() throws -> AgentTrainingState {
      var loop = LoopState()
      loop.steps = steps
      return AgentTrainingState(
        algorithm: Self.algorithmName, loop: loop, episodes: episodes, recentReturnSum: 0,
        recentReturnWindow: 100, environment: try environment.saveState())
    }

    func restoreTrainingState(_ state: AgentTrainingState) throws {
      steps = state.loop.steps
      episodes = state.episodes
      try environment.restoreState(state.environment)
    }

    func close() { environment.close() }
  }

  static let definition = AlgorithmDefinition(
    name: RandomAgent.algorithmName, configuration: RandomConfiguration.self, isVectorized: false,
    defaultBudget: .episodes(10),
    extraSettings: [
      Setting(
        "action_repeat", .algorithm, "repeat each random action", in: .atLeast(1),
        .on(\RandomConfiguration.actionRepeat))
    ]
  ) { configuration, context in
    try RandomAgent(environment: context.makeEnvironment(), configuration: configuration, seed: context.seed)
  }

  func testARegisteredAlgorithmTrainsThroughTheRunner() throws {
    let algorithms = AlgorithmRegistry.withBuiltIns()
    algorithms.register(Self.definition)
    let environments = EnvironmentRegistry()
    registerBuiltinEnvironments(in: environments)
    let root = NSTemporaryDirectory() + "rein-random-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    var configuration = try RunConfiguration(
      yaml: "algorithm: random-test\nenv: CartPole-v1\nepisodes: 7\nseeds: [3, 4]\neval_episodes: 2\n")
    try configuration.apply(overrides: ["action_repeat=2"])
    let plan = try ExperimentPlan(configuration, algorithms: algorithms)
    XCTAssertEqual(plan.algorithm.typed(RandomConfiguration.self)?.actionRepeat, 2)
    XCTAssertTrue(SettingsTable.listing(in: algorithms).contains("action_repeat"))
    XCTAssertFalse(SettingsTable.listing().contains("action_repeat"), "the shared registry is unchanged")

    let folder = try RunFolder(creatingAt: root, configuration: configuration)
    let summary = try ExperimentRunner(
      configuration: configuration, registry: environments, folder: folder, algorithms: algorithms, write: { _ in }
    ).run()
    XCTAssertEqual(summary.entries.map(\.seed.seed), [3, 4])
    XCTAssertEqual(summary.entries.map(\.seed.episodes), [7, 7])
    for seed in [3, 4] {
      let progress = try String(contentsOfFile: "\(root)/seed-\(seed)/progress.csv", encoding: .utf8)
      XCTAssertEqual(progress.split(separator: "\n").count, 1 + 7, "a header and one row per episode")
      let checkpoint = try Checkpoint(contentsOf: "\(root)/seed-\(seed)/checkpoint.safetensors")
      XCTAssertEqual(checkpoint.metadata["algorithm"]?.stringValue, "random-test")
    }
    XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/summary.json"))

    // Its own setting is checked against its range, and other algorithms do not take it.
    var bad = configuration
    try bad.apply(overrides: ["action_repeat=0"])
    XCTAssertThrowsError(try ExperimentPlan(bad, algorithms: algorithms))
    var ppo = RunConfiguration()
    ppo.set("algorithm", .string("ppo"))
    ppo.set("env", .string("CartPole-v1"))
    ppo.set("steps", .int(100))
    ppo.set("action_repeat", .int(2))
    XCTAssertThrowsError(try ExperimentPlan(ppo, algorithms: algorithms)) { error in
      XCTAssertEqual(
        error as? ConfigurationError,
        .unusedSetting(key: "action_repeat", algorithm: "ppo", usedBy: ["random-test"]))
    }
  }
}
