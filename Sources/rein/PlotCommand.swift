import ArgumentParser
import Foundation
import Rein

/// `rein plot RUN...`: learning curves of one or more run folders, overlaid, as SVG and PNG.
struct PlotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plot",
    abstract: "Plot the learning curves of run folders (mean and 95% bootstrap band across seeds), overlaid.",
    discussion: """
      Reads each seed's progress.csv. One run folder gives RUN/learning_curve.svg and .png; several give \
      comparison.svg and .png in the current folder.

      Examples:
        rein plot runs/ppo-cartpole
        rein plot runs/a runs/b --metric rollout/ep_rew_mean --smooth 5 --out figures/a-vs-b
      """
  )

  @Argument(help: "Run folders written by `rein run` or `rein train`.")
  var runs: [String]

  @Option(help: "The column to plot (y axis).")
  var metric: String = "rollout/ep_rew_mean"

  @Option(help: "The column for the x axis.")
  var x: String = "step"

  @Option(help: "Trailing moving-average window in log rows, applied per seed before averaging.")
  var smooth: Int = 1

  @Option(help: "The plot title (default: the run folder's name and seed count).")
  var title: String?

  @Option(help: "Output path without extension (default: RUN/learning_curve, or ./comparison for several runs).")
  var out: String?

  @Option(help: "Image width in pixels.")
  var width: Int = 960

  @Option(help: "Image height in pixels.")
  var height: Int = 600

  func validate() throws {
    guard smooth >= 1 else { throw ValidationError("--smooth must be at least 1") }
    guard (200...8000).contains(width), (150...8000).contains(height) else {
      throw ValidationError("--width must be 200...8000 and --height 150...8000 pixels")
    }
  }

  func run() throws {
    let folders = try runs.map { try RunFolder(existingAt: $0) }
    var plot = try RunFolder.comparisonPlot(of: folders, x: x, y: metric, title: title, smoothingWindow: smooth)
    plot.width = width
    plot.height = height
    let base = out ?? (folders.count == 1 ? folders[0].path + "/" + RunFolder.plotBaseName : "comparison")
    let folder = URL(fileURLWithPath: base).deletingLastPathComponent().path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try plot.writeSVG(to: base + ".svg")
    try plot.writePNG(to: base + ".png")
    let seedCount = plot.runs.map(\.seeds.count).reduce(0, +)
    print(
      "plot: \(plot.runs.count) curve\(plot.runs.count == 1 ? "" : "s"), \(seedCount) seed\(seedCount == 1 ? "" : "s")")
    print("wrote \(base).png")
    print("wrote \(base).svg")
  }
}

/// `rein report RUN`: redraws a finished run's results and pictures from its files, without training.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Rewrite a finished run's results table and plots from its files, without training.",
    discussion: """
      Reads RUN/config.yaml (the plot.* settings), RUN/summary.json and each seed's progress.csv, and writes \
      learning_curve.svg/.png; for a sweep also results.md/.csv (ranked by final return), grid.svg/.png (one panel \
      per setting) and, with two or more swept keys, sensitivity.svg/.png.

      Examples:
        rein report runs/sweep-ppo-lunarlander
        rein report runs/compare-baseline --smooth 50 --seeds
      """
  )

  @Argument(help: "A run folder written by `rein run` or `rein train`.")
  var folder: String

  @Option(help: "The plot title (default: the run's plot.title).")
  var title: String?

  @Option(help: "Trailing moving-average window in log rows (default: the run's plot.smoothing).")
  var smooth: Int?

  @Flag(help: "Draw each seed as a thin line under the mean (as plot.seeds: true).")
  var seeds = false

  func validate() throws {
    if let smooth, smooth < 1 { throw ValidationError("--smooth must be at least 1") }
  }

  func run() throws {
    registerBuiltinEnvironments()
    let run = try RunFolder(existingAt: folder)
    let file = folder + "/" + RunFolder.configurationFileName
    guard FileManager.default.fileExists(atPath: file) else {
      throw ValidationError(
        "\(folder) has no \(RunFolder.configurationFileName); `rein plot \(folder)` draws its curves")
    }
    var settings = ReportSettings(plan: try ExperimentPlan(try RunConfiguration(contentsOfFile: file)))
    if let title { settings.title = title }
    if let smooth { settings.smoothingWindow = smooth }
    if seeds { settings.showsSeeds = true }
    let files = try run.writeReport(settings)
    for path in [files.results, files.learningCurve, files.grid, files.sensitivity].compactMap({ $0 }) {
      print("wrote \(path)")
    }
  }
}
