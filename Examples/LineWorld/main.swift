import Foundation
import Rein

// W9.5: a custom environment, validated by the environment checker, trained with PPO through the same runner
// `rein run` uses (so it gets a run folder with logs, plot, checkpoints and summary), and evaluated.
//
//     swift run -c release line-world-example [OUT-FOLDER]

/// Prints a line at once (in order with the runner's output).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let registry = EnvironmentRegistry.shared
try registry.register(EnvironmentSpec(id: "LineWorld-v0", maxEpisodeSteps: 60, rewardThreshold: 0.8)) { arguments in
  try LineWorld(size: try arguments.int("size", default: 10))
}

// 1. The checker.
let report = try EnvironmentChecker().check(id: "LineWorld-v0", registry: registry)
say("checker: \(report.checks.count) checks, \(report.findings.isEmpty ? "no findings" : "findings:")")
for finding in report.findings { say("  \(finding)") }
guard report.passed else { exit(1) }

// 2. Training: the settings a preset would hold.
var configuration = RunConfiguration()
for (key, value): (String, ConfigValue) in [
  ("name", .string("line-world")), ("algorithm", .string("ppo")), ("env", .string("LineWorld-v0")),
  ("seeds", .list([.int(1), .int(2), .int(3)])), ("steps", .int(100_000)), ("n_envs", .int(4)),
  ("n_steps", .int(256)), ("learning_rate", .double(1e-3)), ("gamma", .double(0.98)), ("eval_episodes", .int(50)),
  ("plot.title", .string("PPO on a user's LineWorld-v0")),
] { configuration.set(key, value) }
let out = CommandLine.arguments.dropFirst().first ?? "runs/line-world"
let runner = try ExperimentRunner(
  configuration: configuration, registry: registry, folder: RunFolder(creatingAt: out, configuration: configuration),
  defaultName: "line-world")
let summary = try runner.run()

// 3. Evaluation: every seed's deterministic policy reaches the goal (return 1 - 0.01 per step before it).
for entry in summary.entries {
  let mean = entry.seed.evaluationMean ?? .nan
  say(
    String(
      format: "seed %d: evaluation mean return %.3f (%@)", entry.seed.seed, mean, mean > 0.8 ? "solved" : "not solved"))
}
