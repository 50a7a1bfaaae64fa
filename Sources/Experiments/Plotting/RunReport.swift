import Foundation

// MARK: - Reporting a finished run

/// What the report of a run folder draws: the plot settings of its configuration (`plot.*`).
public struct ReportSettings: Sendable {
  /// The learning-curve plot's title.
  public var title: String
  /// `episode` (per-episode returns) or `step` (the rollout mean return against environment steps).
  public var x: String
  /// Trailing moving-average window per seed.
  public var smoothingWindow: Int
  /// Thin per-seed lines under each mean (`plot.seeds`).
  public var showsSeeds: Bool

  /// Creates report settings.
  ///
  /// - Parameters:
  ///   - title: The learning-curve plot's title.
  ///   - x: `episode` for per-episode returns against the episode index; anything else plots the rollout mean return
  ///     against environment steps.
  ///   - smoothingWindow: The points of each seed's trailing moving average; 1 smooths nothing.
  ///   - showsSeeds: True to draw each seed as a thin line under its mean.
  public init(title: String, x: String = "step", smoothingWindow: Int = 1, showsSeeds: Bool = false) {
    self.title = title
    self.x = x
    self.smoothingWindow = smoothingWindow
    self.showsSeeds = showsSeeds
  }

  /// The settings of an experiment plan.
  ///
  /// - Parameter plan: The plan whose `plot.*` settings are taken.
  public init(plan: ExperimentPlan) {
    self.init(
      title: plan.plotTitle, x: plan.plotX, smoothingWindow: plan.plotSmoothing, showsSeeds: plan.plotSeeds)
  }

  /// The progress columns plotted, and the axis labels.
  var columns: (x: String, y: String, xLabel: String, yLabel: String) {
    x == "episode"
      ? ("episode/index", "episode/return", "episode", "return")
      : ("step", "rollout/ep_rew_mean", "environment steps", "mean episode return")
  }
}

/// The files a report wrote.
public struct ReportFiles: Sendable {
  /// `learning_curve.png`.
  public var learningCurve: String
  /// `grid.png` (sweeps whose settings name their keys).
  public var grid: String?
  /// `sensitivity.png` (sweeps with two or more swept keys).
  public var sensitivity: String?
  /// `results.md` (sweeps).
  public var results: String?
}

extension RunFolder {
  /// The name of the experiment (summary.json's `name`, the preset's), else the folder's name.
  public var experimentName: String {
    (try? readSummary())?.fields["name"]?.stringValue ?? name
  }

  /// Writes everything a finished run shows from its files alone, without training: for a sweep `results.md` and
  /// `results.csv` (from summary.json), and from the seeds' progress files `learning_curve`, and for a sweep
  /// `grid` (small multiples) and, with two or more swept keys, `sensitivity` (each as .svg and .png).
  ///
  /// - Parameter settings: What to draw: title, x axis, smoothing, seed lines.
  /// - Returns: The paths of the files written (nil for those a run of its kind does not have).
  /// - Throws: What reading the progress files or writing a file throws; a missing or unreadable summary.json only
  ///   leaves the sweep files out.
  @discardableResult
  public func writeReport(_ settings: ReportSettings) throws -> ReportFiles {
    let summary = try? readSummary()
    let columns = settings.columns
    var files = ReportFiles(learningCurve: "")
    if let summary, summary.settings.count > 1 {
      try RunFolder.write(summary.resultsMarkdown(), to: path + "/results.md")
      try RunFolder.write(summary.resultsTable().csv(), to: path + "/results.csv")
      files.results = path + "/results.md"
    }
    var curves = try learningCurves(x: columns.x, y: columns.y)
    // A sweep's curves in the order of its settings (the grid's), not the folders' alphabetical order.
    if let order = summary?.settings, order.count > 1 {
      curves.sort { (order.firstIndex(of: $0.label) ?? order.count) < (order.firstIndex(of: $1.label) ?? order.count) }
    }
    var plot = LearningCurvePlot(title: settings.title, xLabel: columns.xLabel, yLabel: columns.yLabel, runs: curves)
    plot.smoothingWindow = settings.smoothingWindow
    plot.showsSeeds = settings.showsSeeds
    files.learningCurve = try writePlots(plot).png

    // Sweeps: the settings as the summary lists them (grid order), their curves matched by label.
    let settingLabels = summary?.settings ?? curves.map(\.label)
    guard settingLabels.count > 1, let axes = SweepAxes(settings: settingLabels) else { return files }
    let byLabel = Dictionary(curves.map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
    let ordered = settingLabels.map { byLabel[$0] ?? LearningCurve(label: $0, seeds: []) }
    var grid = SmallMultiplesPlot(
      title: settings.title, axes: axes, curves: ordered, xLabel: columns.xLabel, yLabel: columns.yLabel)
    grid.smoothingWindow = settings.smoothingWindow
    try grid.write(to: path + "/grid")
    files.grid = path + "/grid.png"
    if axes.keys.count >= 2, let summary, let final = summary.sensitivity(of: "final_return_mean") {
      var series = [SensitivityPlot.Series(label: "final training return (last 100 episodes)", keys: final)]
      if let evaluation = summary.sensitivity(of: "eval_mean"),
        evaluation.contains(where: { $0.levels.contains { $0.settingCount > 0 } })
      {
        series.append(SensitivityPlot.Series(label: "evaluation return (deterministic policy)", keys: evaluation))
      }
      let plot = SensitivityPlot(title: "Sensitivity: " + settings.title, series: series)
      try plot.write(to: path + "/sensitivity")
      files.sensitivity = path + "/sensitivity.png"
    }
    return files
  }
}
