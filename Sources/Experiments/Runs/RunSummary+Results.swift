// MARK: - Results of a sweep

extension RunSummary {
  /// The setting's per-seed values of a metric (`final_return_mean`, `eval_mean`, ... as in summary.json).
  ///
  /// - Parameters:
  ///   - metric: One of `final_return_mean`, `eval_mean`, `eval_std`, `env_steps`, `episodes`, `wall_s`, `steps_per_s`;
  ///     any other gives none.
  ///   - setting: The setting's label (`""` for a run without a sweep).
  /// - Returns: One value per seed of that setting, in the order added (seeds without an evaluation have no `eval_*`
  ///   value).
  public func values(of metric: String, setting: String) -> [Double] {
    let seeds = entries.filter { $0.setting == setting }.map(\.seed)
    switch metric {
    case "final_return_mean": return seeds.map(\.finalReturnMean)
    case "eval_mean": return seeds.compactMap(\.evaluationMean)
    case "eval_std": return seeds.compactMap(\.evaluationStandardDeviation)
    case "env_steps": return seeds.map { Double($0.environmentSteps) }
    case "episodes": return seeds.map { Double($0.episodes) }
    case "wall_s": return seeds.map(\.wallSeconds)
    case "steps_per_s": return seeds.map(\.stepsPerSecond)
    default: return []
    }
  }

  /// The swept keys and values, when the settings are `key=value` lists.
  public var sweepAxes: SweepAxes? { SweepAxes(settings: settings) }

  /// The results table: one row per setting (a column per swept key when the labels name them), ranked by the
  /// final training return, best first; Markdown shows the final return, the evaluation return and steps/s,
  /// the CSV every metric. Intervals are bootstrap intervals of the mean over seeds.
  ///
  /// - Parameter settingName: The title of the setting column when the labels do not name swept keys.
  public func resultsTable(settingName: String = "setting") -> ResultsTable {
    let axes = sweepAxes
    var table = ResultsTable(
      settingNames: axes?.keys ?? [settingName],
      metricNames: ["final_return_mean", "eval_mean", "eval_std", "env_steps", "episodes", "wall_s", "steps_per_s"])
    table.rankingMetric = "final_return_mean"
    table.displayedMetrics = ["final_return_mean", "eval_mean", "steps_per_s"]
    table.metricTitles = [
      "final_return_mean": "final return", "eval_mean": "evaluation return", "steps_per_s": "steps/s",
    ]
    table.metricDigits = ["steps_per_s": 3]
    for (index, setting) in settings.enumerated() {
      let names = axes?.assignments[index] ?? [setting.isEmpty ? "(default)" : setting]
      var values: [String: [Double]] = [:]
      for metric in table.metricNames { values[metric] = self.values(of: metric, setting: setting) }
      table.addRow(settings: names, values: values)
    }
    return table
  }

  /// Per swept key, the sensitivity of `metric` (nil without `key=value` settings).
  ///
  /// - Parameter metric: A metric as ``values(of:setting:)`` names it.
  public func sensitivity(of metric: String) -> [Sensitivity]? {
    guard let axes = sweepAxes else { return nil }
    return Sensitivity.analyse(axes: axes, values: settings.map { values(of: metric, setting: $0) })
  }

  /// `results.md`: what the table holds, the ranked table, and with two or more swept keys per key its
  /// sensitivity (final and evaluation return against the key's values, averaged over the other keys and the
  /// seeds).
  public func resultsMarkdown() -> String {
    let table = resultsTable()
    let seedCounts = Set(settings.map { setting in entries.filter { $0.setting == setting }.count })
    let seedText = seedCounts.count == 1 ? "\(seedCounts.first!) seed\(seedCounts.first! == 1 ? "" : "s") each" : ""
    let name = fields["name"]?.stringValue ?? "run"
    var lines = ["# \(name): \(settings.count) settings\(seedText.isEmpty ? "" : ", " + seedText)", ""]
    lines.append(
      "Ranked by final return (mean return of each seed's last 100 training episodes), best first (★). "
        + "Evaluation return: the deterministic policy's mean over the final evaluation episodes. "
        + table.intervalDescription + " Every metric, with standard deviations, is in results.csv.")
    lines.append("")
    lines.append(table.markdown())
    if let final = sensitivity(of: "final_return_mean"), final.count >= 2 {
      let evaluation = sensitivity(of: "eval_mean")
      lines.append("## Sensitivity")
      lines.append("")
      lines.append(
        "Per swept key: the return at each of its values, averaged over the other keys' settings and the seeds "
          + "(the mean of the settings' means; interval: a stratified bootstrap, seeds resampled within each "
          + "setting). The spread between a key's values says how much it matters.")
      for (index, key) in final.enumerated() {
        lines.append("")
        lines.append("### \(key.key)")
        lines.append("")
        lines.append("| \(key.key) | final return | evaluation return | settings x seeds |")
        lines.append("| --- | --- | --- | --- |")
        for (levelIndex, level) in key.levels.enumerated() {
          let evaluationCell = evaluation.map { Sensitivity.format($0[index].levels[levelIndex]) } ?? ""
          lines.append(
            "| \(level.value) | \(Sensitivity.format(level)) | \(evaluationCell) | "
              + "\(level.settingCount) x \(level.settingCount > 0 ? level.seedCount / level.settingCount : 0) |")
        }
        let means = key.levels.map(\.mean).filter(\.isFinite)
        if let high = means.max(), let low = means.min() {
          lines.append("")
          lines.append("Range of the final return across \(key.key): \(formatSignificant(high - low)).")
        }
      }
      lines.append("")
    }
    return lines.joined(separator: "\n")
  }
}

extension Sensitivity {
  /// A level as `mean [low, high]`; empty when no setting had the metric.
  static func format(_ level: Level) -> String {
    guard level.settingCount > 0 else { return "" }
    return ResultsTable.format(
      ResultsTable.Cell(
        count: level.seedCount, mean: level.mean, standardDeviation: .nan, lowerBound: level.lowerBound,
        upperBound: level.upperBound))
  }
}
