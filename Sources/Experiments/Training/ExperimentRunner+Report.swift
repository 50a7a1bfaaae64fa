import Foundation
import PolicyGradient
import Recording

// MARK: - Reporting
//
// What a run leaves for people once its seeds are done: summary.json, the results tables and plots of the run
// folder's report, the action distribution of continuous-action runs, and the lines printed about each seed.

extension ExperimentRunner {
  /// Writes summary.json and the report for `entries` and prints what they hold.
  func report(_ entries: [RunSummary.Entry]) throws -> RunSummary {
    let summary = RunSummary(
      entries: entries,
      fields: [
        "name": .string(plan.name), "algorithm": .string(plan.algorithm.name), "env": .string(plan.environmentID),
      ])
    try folder.writeSummary(summary)
    let report = try folder.writeReport(ReportSettings(plan: plan))
    for entry in entries {
      let s = entry.seed
      let evaluation =
        s.evaluationMean.map { String(format: ", evaluation %.1f ± %.1f", $0, s.evaluationStandardDeviation ?? 0) }
        ?? ""
      let prefix = entry.setting.isEmpty ? "" : "[\(entry.setting)] "
      say(
        prefix
          + String(
            format:
              "seed %d: %d steps, %d episodes, %.1f s (%.0f steps/s), mean return of the last 100 episodes %.1f%@",
            s.seed, s.environmentSteps, s.episodes, s.wallSeconds, s.stepsPerSecond, s.finalReturnMean, evaluation))
    }
    if let picture = try writeActionDistribution() { say("action distribution: \(picture)") }
    if let results = report.results { say("results: \(results)") }
    say("summary: \(folder.path)/\(RunFolder.summaryFileName)")
    say("plot: \(report.learningCurve)")
    if let grid = report.grid { say("small multiples: \(grid)") }
    if let sensitivity = report.sensitivity { say("sensitivity: \(sensitivity)") }
    let clips = folder.seedFolders().map { $0.path + "/" + Self.finalEpisodeFileName }.filter {
      FileManager.default.fileExists(atPath: $0)
    }
    if !clips.isEmpty { say("final episode\(clips.count == 1 ? "" : "s"): \(clips.joined(separator: ", "))") }
    return summary
  }

  /// The true parameter counts, by network and by part: for W3's separate networks
  /// "parameters: 34691 in all: policy network 17410 (trunk 17152, action head 258), value network 17281
  /// (trunk 17152, value head 129)"; a shared trunk is counted once, as such.
  static func parameterCounts(_ policy: ActorCriticPolicy) -> String {
    let trunk = policy.parameterCount(of: .trunk)
    let action = policy.parameterCount(of: .actionHead)
    let sigma = policy.parameterCount(of: .standardDeviation)
    let sigmaPart = sigma > 0 ? ", standard deviation \(sigma)" : ""
    let valueHead = policy.parameterCount(of: .valueHead)
    let total = "parameters: \(policy.parameterCount) in all: "
    if policy.hasSeparateCritic {
      let valueTrunk = policy.parameterCount(of: .criticTrunk)
      return total + "policy network \(trunk + action + sigma) (trunk \(trunk), action head \(action)\(sigmaPart)), "
        + "value network \(valueTrunk + valueHead) (trunk \(valueTrunk), value head \(valueHead))"
    }
    if policy.hasValueHead {
      return total + "shared trunk \(trunk), action head \(action)\(sigmaPart), value head \(valueHead)"
    }
    return total + "policy network (trunk \(trunk), action head \(action)\(sigmaPart))"
  }

  /// For continuous actions logged by A2C or PPO: `action_distribution.png/.svg`, the quantiles of the actions
  /// sent to the environment over training (mean across seeds), or nil when there are none.
  private func writeActionDistribution() throws -> String? {
    guard plan.algorithm.isVectorized, settings.count == 1 else { return nil }
    let quantiles = [("q05", "5%"), ("q25", "25%"), ("q50", "median"), ("q75", "75%"), ("q95", "95%")]
    var curves: [LearningCurve] = []
    for (key, label) in quantiles {
      guard let curve = try? folder.learningCurves(x: "step", y: "rollout/action_\(key)").first else { return nil }
      curves.append(LearningCurve(label: label, seeds: curve.seeds))
    }
    let plot = LearningCurvePlot(
      title: "Actions sent to \(plan.environmentID) over training", xLabel: "environment steps",
      yLabel: "action (quantiles of each rollout)", runs: curves)
    return try folder.writePlots(plot, baseName: "action_distribution").png
  }
}
