import Foundation
import Rein
import XCTest

@testable import Experiments

/// The settings table: defaults from the typed configurations, every preset readable, range checks (issue 17 items
/// 1, 2, 6, 8 and 10), "did you mean", and the README's list made from the table.
final class SettingsTableTests: XCTestCase {
  private func plan(
    _ algorithm: String, _ overrides: [String] = [], env: String = "CartPole-v1"
  ) throws
    -> ExperimentPlan
  {
    var c = RunConfiguration()
    c.set("algorithm", .string(algorithm))
    c.set("env", .string(env))
    c.set("steps", .int(10_000))
    try c.apply(overrides: overrides)
    return try ExperimentPlan(c)
  }

  /// The message of the error `body` throws (fails when it throws none).
  private func message(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> String {
    do {
      try body()
      XCTFail("no error", file: file, line: line)
      return ""
    } catch {
      return "\(error)"
    }
  }

  // MARK: - Defaults and reading

  func testAbsentKeysKeepTheTypedConfigurationsDefaults() throws {
    XCTAssertEqual(try plan("ppo").algorithm.typed(PPOConfiguration.self), PPOConfiguration())
    XCTAssertEqual(try plan("a2c").algorithm.typed(A2CConfiguration.self), A2CConfiguration())
    XCTAssertEqual(
      try plan("actor-critic").algorithm.typed(ActorCriticConfiguration.self), ActorCriticConfiguration())
    XCTAssertEqual(
      try plan("reinforce").algorithm.typed(REINFORCEConfiguration.self), REINFORCEConfiguration())
    let p = try plan("ppo")
    XCTAssertEqual(p.plotX, "step")
    XCTAssertEqual(p.plotTitle, "PPO on CartPole-v1")
    XCTAssertEqual(try plan("reinforce").plotX, "episode")
    XCTAssertEqual(p.seeds, [1])
    XCTAssertEqual(p.evaluationEpisodes, 10)
  }

  func testValuesReachTheirFields() throws {
    let p = try plan(
      "ppo",
      [
        "learning_rate=linear(1e-3, 0)", "n_steps=128", "batch_size=32", "clip_range_vf=0.2", "target_kl=0.01",
        "policy.hidden=[32]", "policy.log_std_init=-0.5", "policy.activation=relu", "n_envs=2",
      ])
    let c = try XCTUnwrap(p.algorithm.typed(PPOConfiguration.self))
    XCTAssertEqual(c.learningRate, .linear(start: 1e-3, end: 0))
    XCTAssertEqual(c.stepsPerEnvironment, 128)
    XCTAssertEqual(c.batchSize, 32)
    XCTAssertEqual(c.valueClipRange, 0.2)
    XCTAssertEqual(c.targetKL, 0.01)
    XCTAssertEqual(c.policy.hiddenCounts, [32])
    XCTAssertEqual(c.policy.logStdInit, -0.5)
    XCTAssertEqual(c.policy.activation, .relu)
    XCTAssertEqual(p.environmentCount, 2)
    // Defaults that follow other settings.
    let r = try XCTUnwrap(
      try plan("reinforce", ["optimizer=adamw", "baseline=true"]).algorithm
        .typed(REINFORCEConfiguration.self))
    XCTAssertEqual(r.weightDecay, 0.01)
    XCTAssertTrue(r.policy.includesValue)
    XCTAssertEqual(
      try plan("a2c", ["optimizer=adam"]).algorithm.typed(A2CConfiguration.self)?
        .optimizerEpsilon, 1e-8)
  }

  func testEveryPresetReads() throws {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../presets")
      .standardized.path
    let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }
    XCTAssertGreaterThanOrEqual(names.count, 15)
    for name in names {
      let configuration = try RunConfiguration(contentsOfFile: directory + "/" + name)
      XCTAssertNoThrow(try ExperimentPlan(configuration), name)
      for setting in try ParameterGrid(configuration.gridOptions()).settings {
        var c = configuration
        try c.apply(overrides: setting.overrides)
        XCTAssertNoThrow(try ExperimentPlan(c), "\(name) \(setting.label)")
      }
    }
  }

  // MARK: - Unknown and unused keys

  func testUnknownKeysSuggestTheClosest() {
    let text = message { _ = try self.plan("ppo", ["learning_rat=0.1"]) }
    XCTAssertTrue(text.contains("did you mean 'learning_rate'"), text)
    XCTAssertTrue(message { _ = try self.plan("ppo", ["policy.hiden=[8]"]) }.contains("'policy.hidden'"))
    for (override, suggestion) in [
      ("policy.activation=rellu", "'relu'"), ("optimizer=adamm", "'adam'"), ("progress=line", "'lines'"),
      ("policy.gaussian_head=softplus", "'softplus-std'"),
    ] {
      let text = message { _ = try self.plan("a2c", [override]) }
      XCTAssertTrue(text.contains("did you mean \(suggestion)"), text)
    }
    let algorithm = message { _ = try self.plan("ppp") }
    XCTAssertTrue(algorithm.contains("did you mean 'ppo'"), algorithm)
  }

  func testASettingOfAnotherAlgorithmIsRefused() {
    // Issue 17 item 10: `optimizer=foo` for PPO was accepted (PPO always uses Adam).
    XCTAssertThrowsError(try plan("ppo", ["optimizer=foo"])) { error in
      XCTAssertEqual(
        error as? ConfigurationError,
        .unusedSetting(key: "optimizer", algorithm: "ppo", usedBy: ["reinforce", "actor-critic", "a2c"]))
    }
    XCTAssertThrowsError(try plan("a2c", ["batch_size=8"]))
    XCTAssertThrowsError(try plan("reinforce", ["n_steps=8"]))
  }

  // MARK: - Ranges (issue 17 items 1, 2 and 10)

  func testNonFiniteAndNegativeLearningRatesAreRefusedForEveryAlgorithm() {
    for algorithm in ["reinforce", "actor-critic", "a2c", "ppo"] {
      for value in ["-1", "nan", ".nan", "inf", ".inf", "-.inf"] {
        let text = message { _ = try self.plan(algorithm, ["learning_rate=\(value)"]) }
        XCTAssertTrue(text.contains("'learning_rate'"), "\(algorithm) \(value): \(text)")
      }
    }
    // A schedule that goes negative, or is written with a non-finite number.
    for schedule in ["linear(1e-3,-1)", "cosine(1e-3, -0.5)", "linear(nan, 0)", "step(1e-3, -2, 100)"] {
      let text = message { _ = try self.plan("ppo", ["learning_rate=\(schedule)"]) }
      XCTAssertTrue(text.contains("'learning_rate'") && text.contains("at least 0"), "\(schedule): \(text)")
    }
    XCTAssertNoThrow(try plan("ppo", ["learning_rate=linear(3e-4, 0)"]))
    XCTAssertNoThrow(try plan("ppo", ["clip_range=step(0.2, 0.5, 1000)"]))
    XCTAssertThrowsError(try plan("ppo", ["ent_coef=linear(0.01, -0.01)"]))
  }

  func testOutOfRangeValuesNameTheSettingTheRangeAndTheValue() {
    let cases: [(String, String, String)] = [
      ("ppo", "clip_range=-1", "at least 0"), ("ppo", "max_grad_norm=-1", "positive"),
      ("a2c", "max_grad_norm=0", "positive"), ("actor-critic", "max_grad_norm=-1", "positive"),
      ("ppo", "vf_coef=-1", "at least 0"), ("ppo", "target_kl=-1", "positive"), ("ppo", "gamma=1.5", "[0, 1]"),
      ("a2c", "gae_lambda=-0.1", "[0, 1]"), ("ppo", "n_epochs=0", "[1, "), ("ppo", "parallel_seeds=0", "[1, "),
      ("ppo", "n_envs=0", "[1, "), ("ppo", "eval_every=-5", "at least 0"), ("ppo", "clip_range_vf=0", "positive"),
      ("reinforce", "policy.hidden=[64, 0]", "[1, "), ("ppo", "progress=fancy", "auto, bar, lines, none"),
      ("ppo", "plot.x=time", "episode, step"), ("ppo", "policy.activation=gelu", "tanh"),
    ]
    for (algorithm, override, range) in cases {
      let text = message { _ = try self.plan(algorithm, [override]) }
      let key = String(override.split(separator: "=")[0])
      let value = String(override.split(separator: "=")[1])
      XCTAssertTrue(text.contains("'\(key)'") && text.contains(range), "\(override): \(text)")
      XCTAssertTrue(text.contains(value.replacingOccurrences(of: " ", with: "")) || text.contains(value), text)
    }
  }

  func testHugeBudgetsAreRefusedBeforeAnythingRuns() {
    // Issue 17 item 1: `--steps 9223372036854775807` overflowed PPO's and A2C's rollout arithmetic (exit 132).
    for algorithm in ["ppo", "a2c"] {
      let text = message { _ = try self.plan(algorithm, ["steps=9223372036854775807", "n_envs=8"]) }
      XCTAssertTrue(text.contains("'steps'") && text.contains("1e15"), text)
    }
    XCTAssertThrowsError(try plan("reinforce", ["episodes=9223372036854775807"]))
    XCTAssertThrowsError(try plan("ppo", ["n_steps=9223372036854775807"]))
    XCTAssertNoThrow(try plan("ppo", ["steps=1000000000000"]))
  }

  func testTheLibraryRefusesHugeBudgetsToo() throws {
    registerBuiltinEnvironments()
    for steps in [Int.max, Int.max - 6, TrainingBudget.maximum + 1] {
      let agent = try PPO(
        environments: SyncVectorEnvironment(id: "CartPole-v1", count: 8, autoresetMode: .sameStep),
        configuration: {
          var c = PPOConfiguration(); c.stepsPerEnvironment = 64; return c
        }(), seed: 1)
      XCTAssertThrowsError(try agent.learn(TrainingBudget(steps: steps))) { error in
        guard case .invalidBudget = error as? TrainingError else { return XCTFail("\(error)") }
      }
      agent.close()
      let a2c = try A2C(
        environments: SyncVectorEnvironment(id: "CartPole-v1", count: 8, autoresetMode: .sameStep),
        configuration: A2CConfiguration(), seed: 1)
      XCTAssertThrowsError(try a2c.learn(TrainingBudget(steps: steps)))
      a2c.close()
    }
    XCTAssertThrowsError(try TrainingBudget(episodes: Int.max).validate())
  }

  func testNonFiniteEnvironmentArgumentsAreRefused() {
    for value in [".nan", ".inf", "[1.0, .nan]"] {
      let text = message { _ = try self.plan("ppo", ["env_kwargs.gravity=\(value)"]) }
      XCTAssertTrue(text.contains("'env_kwargs.gravity'") && text.contains("finite"), text)
    }
  }

  func testABatchLargerThanTheRolloutIsRefused() {
    let text = message { _ = try self.plan("ppo", ["n_steps=64", "n_envs=2", "batch_size=256"]) }
    XCTAssertTrue(text.contains("'batch_size'") && text.contains("128"), text)
    XCTAssertNoThrow(try plan("ppo", ["n_steps=64", "n_envs=2", "batch_size=128"]))
  }

  // MARK: - Seeds and grids (issue 17 item 8)

  func testRepeatedOrEmptySeedsAreRefused() throws {
    XCTAssertTrue(message { _ = try self.plan("ppo", ["seeds=[1, 1]"]) }.contains("repeat"))
    XCTAssertThrowsError(try plan("ppo", ["seeds=[]"]))
    XCTAssertThrowsError(try ExperimentPlan.seedList(parsing: "1,,2"))
    XCTAssertThrowsError(try ExperimentPlan.seedList(parsing: "1,2,"))
    XCTAssertThrowsError(try ExperimentPlan.seedList(parsing: ""))
    XCTAssertEqual(try ExperimentPlan.seedList(parsing: "1, 2,3"), [1, 2, 3])
  }

  func testRepeatedGridValuesAreRefused() {
    XCTAssertThrowsError(try ParameterGrid(["clip_range=0.1,0.1"]))
    XCTAssertThrowsError(try ParameterGrid(["clip_range=0.1,,0.2"]))
    XCTAssertNoThrow(try ParameterGrid(["clip_range=0.1,0.2"]))
  }

  // MARK: - YAML (issue 17 items 6 and 10)

  func testDuplicateYAMLKeysAreRefused() {
    XCTAssertThrowsError(try RunConfiguration(yaml: "gamma: 0.9\ngamma: 0.99\n")) { error in
      XCTAssertTrue("\(error)".contains("'gamma'") && "\(error)".contains("twice"), "\(error)")
    }
    XCTAssertThrowsError(try RunConfiguration(yaml: "policy:\n  hidden: [8]\npolicy.hidden: [16]\n"))
  }

  func testAnAliasBombIsRefusedBeforeItExpands() throws {
    // Ten levels of ten aliases each: 10^10 values once expanded.
    var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for level in 1...10 {
      let previous = "*a\(level - 1)"
      yaml += "a\(level): &a\(level) [" + Array(repeating: previous, count: 10).joined(separator: ", ") + "]\n"
    }
    let start = Date()
    XCTAssertThrowsError(try RunConfiguration(yaml: yaml)) { error in
      XCTAssertTrue("\(error)".contains("expands to more than"), "\(error)")
    }
    XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    // The same under a nested key.
    XCTAssertThrowsError(try RunConfiguration(yaml: yaml.replacingOccurrences(of: "\na", with: "\n  a") + ""))
  }

  // MARK: - rein keys and the README

  func testTheListingNamesEveryKeyInFullGrouped() {
    let listing = SettingsTable.listing()
    for setting in SettingsTable.rows { XCTAssertTrue(listing.contains("  \(setting.key) "), setting.key) }
    for group in SettingGroup.allCases {
      let heading = group.rawValue + "\n"
      XCTAssertTrue(listing.hasPrefix(heading) || listing.contains("\n" + heading), group.rawValue)
    }
    XCTAssertTrue(listing.contains("used by a2c, ppo"))
    let ppoOnly = SettingsTable.listing(algorithm: "ppo")
    XCTAssertFalse(ppoOnly.contains("standardize_returns"))
    XCTAssertTrue(ppoOnly.contains("target_kl"))
    // Defaults come from the typed configurations.
    let learningRate = SettingsTable.descriptions().first { $0.key == "learning_rate" }
    XCTAssertEqual(
      learningRate?.defaultValue, "reinforce 0.01, actor-critic 0.002, a2c 0.0007, ppo 0.0003")
  }

  func testTheREADMEListsTheSettingsOfTheTable() throws {
    let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md")
    let text = try String(contentsOf: readme, encoding: .utf8)
    let begin = "<!-- settings:begin (made by `rein keys --markdown`; SettingsTableTests checks it) -->\n"
    let end = "<!-- settings:end -->"
    let start = try XCTUnwrap(text.range(of: begin), "the README has no settings list")
    let stop = try XCTUnwrap(text.range(of: end, range: start.upperBound..<text.endIndex))
    XCTAssertEqual(
      String(text[start.upperBound..<stop.lowerBound]), SettingsTable.markdown(),
      "README's settings list is stale: replace it with the output of `rein keys --markdown`")
  }
}
