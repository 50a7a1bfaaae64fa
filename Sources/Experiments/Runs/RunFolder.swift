import Foundation
import Gym

// MARK: - Errors

/// Why a run folder could not be created, read or plotted.
public enum RunFolderError: Error, CustomStringConvertible, Equatable {
  /// A folder or file could not be created or written.
  case unwritable(path: String, reason: String)
  /// The path is not a run folder (no `seed-N` folders with progress files).
  case notARunFolder(path: String)
  /// `summary.json` does not have the expected content.
  case malformedSummary(reason: String)
  /// The requested metric or x column is not in the progress files.
  case missingColumn(path: String, column: String, available: [String])
  /// Another process is writing into the run folder (``RunFolderLock``); `holder` says which.
  case locked(path: String, holder: String)
  /// The folder already holds files, and the run would mix with or replace them.
  case notEmpty(path: String, entries: [String], holdsRun: Bool)
  /// A run name that is not a single folder name.
  case invalidName(String)
  /// `config.yaml` was edited since the run's checkpoints were written (``ConfigurationChange`` per key).
  case configurationEdited(path: String, changes: [String])

  public var description: String {
    switch self {
    case .unwritable(let path, let reason):
      "cannot write \(path): \(reason); check that the location is writable"
    case .notARunFolder(let path):
      "\(path) is not a run folder (it has no seed-N folders with \(RunFolder.progressFileName)); "
        + "pass a folder written by `rein run` or `rein train`"
    case .malformedSummary(let reason):
      "summary.json is malformed: \(reason)"
    case .missingColumn(let path, let column, let available):
      "\(path) has no column '\(column)'; available: \(available.joined(separator: ", "))"
    case .locked(let path, let holder):
      "\(path) is being written by another run (\(holder)); wait for it to finish, or choose another --out"
    case .notEmpty(let path, let entries, let holdsRun):
      "\(path) already holds "
        + (entries.count > 5 ? entries.prefix(5).joined(separator: ", ") + ", ..." : entries.joined(separator: ", "))
        + (holdsRun
          ? "; continue that run with --resume \(path), replace it with --overwrite, or choose another --out"
          : ", which is not a run folder; choose another --out (an empty or new folder)")
    case .invalidName(let name):
      "the run name '\(name)' is not a single folder name (it is empty, '.', '..', or has '/' or a NUL); "
        + "set name to a plain name such as ppo-cartpole"
    case .configurationEdited(let path, let changes):
      "\(path)/\(RunFolder.configurationFileName) was edited after the run started "
        + "(\(changes.joined(separator: "; "))); "
        + "undo the edit to continue the run as it was, or pass --accept-config-changes to resume with the edit"
    }
  }
}

// MARK: - Run folder

/// The folder one experiment writes: its resolved configuration, per-seed logs and checkpoints, the summary, the
/// results table and the learning-curve plots.
///
///     RUN/
///       config.yaml                 resolved configuration (preset + overrides)
///       summary.json                per seed: seed, env_steps, episodes, wall_s, ... (see RunSummary)
///       results.md, results.csv     settings ranked by final return, bootstrap 95% CIs, sensitivity (sweeps)
///       learning_curve.svg/.png     mean return with a 95% bootstrap confidence band across seeds
///       grid.svg/.png               sweeps: small multiples, one panel per setting
///       sensitivity.svg/.png        sweeps over 2+ keys: return against each key's values
///       seed-1/                     (sweeps: SETTING/seed-1/)
///         progress.csv              one row per log record
///         progress.jsonl            the same as JSON lines
///         tensorboard/events.out.tfevents.*
///         checkpoint.safetensors    final checkpoint
public struct RunFolder: Sendable {
  /// The progress CSV file name inside a seed folder.
  public static let progressFileName = "progress.csv"
  /// The JSON lines progress file name inside a seed folder.
  public static let jsonLinesFileName = "progress.jsonl"
  /// The TensorBoard folder name inside a seed folder.
  public static let tensorBoardFolderName = "tensorboard"
  /// The final checkpoint's file name inside a seed folder.
  public static let checkpointFileName = "checkpoint.safetensors"
  /// The resolved configuration's file name.
  public static let configurationFileName = "config.yaml"
  /// The summary's file name.
  public static let summaryFileName = "summary.json"
  /// The plots' file name without extension.
  public static let plotBaseName = "learning_curve"

  /// The folder.
  public let path: String

  /// Creates the folder (and parents) and, when given, writes the resolved configuration.
  ///
  /// - Parameters:
  ///   - path: The folder; it and its missing parents are created.
  ///   - configuration: Written as `config.yaml` when given; nil writes nothing.
  /// - Throws: ``RunFolderError/unwritable(path:reason:)`` when a folder or file cannot be written.
  public init(creatingAt path: String, configuration: RunConfiguration? = nil) throws {
    self.path = path
    try RunFolder.createDirectory(path)
    if let configuration {
      try RunFolder.write(configuration.yaml(), to: path + "/" + RunFolder.configurationFileName)
    }
  }

  /// The run folder at `path`, not touched until something is written into it (see ``claim(_:reuse:)``).
  ///
  /// - Parameter path: The folder, which need not exist yet.
  public init(at path: String) {
    self.path = path
  }

  /// Throws unless `name` can be a run folder's name: one path component, not `.` or `..`.
  ///
  /// - Parameter name: The proposed folder name.
  /// - Throws: ``RunFolderError/invalidName(_:)`` for an empty name, `.`, `..`, or one holding `/` or a NUL.
  public static func checkName(_ name: String) throws {
    guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\0") else {
      throw RunFolderError.invalidName(name)
    }
  }

  /// Writes the resolved configuration (`config.yaml`).
  ///
  /// - Parameter configuration: The resolved configuration, written atomically.
  /// - Throws: ``RunFolderError/unwritable(path:reason:)`` when a folder or file cannot be written.
  public func writeConfiguration(_ configuration: RunConfiguration) throws {
    try RunFolder.write(configuration.yaml(), to: path + "/" + RunFolder.configurationFileName)
  }

  /// Opens an existing run folder; it must hold at least one seed folder with a progress file.
  ///
  /// - Parameter path: The run folder to open.
  /// - Throws: ``RunFolderError/notARunFolder(path:)`` when no seed folder with a progress file is found.
  public init(existingAt path: String) throws {
    self.path = path
    guard !seedFolders().isEmpty else { throw RunFolderError.notARunFolder(path: path) }
  }

  /// The folder name (used as the label of its curve when there is no sweep setting).
  public var name: String { URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent }

  // MARK: - Seed folders

  /// One seed's folder and its file paths.
  public struct SeedFolder: Sendable, Equatable {
    /// The seed.
    public var seed: Int
    /// The sweep setting (the sub-folder between the run folder and `seed-N`), or `""`.
    public var setting: String
    /// The folder.
    public var path: String
    /// Path of the progress CSV.
    public var progressPath: String { path + "/" + RunFolder.progressFileName }
    /// Path of the JSON lines progress file.
    public var jsonLinesPath: String { path + "/" + RunFolder.jsonLinesFileName }
    /// Folder of the TensorBoard event files.
    public var tensorBoardDirectory: String { path + "/" + RunFolder.tensorBoardFolderName }
    /// Path of the final checkpoint.
    public var checkpointPath: String { path + "/" + RunFolder.checkpointFileName }
  }

  /// Creates (if needed) and returns the folder of `seed`, under `setting` for sweeps.
  ///
  /// - Parameters:
  ///   - seed: The seed; the folder is `seed-SEED`.
  ///   - setting: The sweep setting's label (its `/` and spaces become `_` in the folder name); empty for a run without
  ///     a sweep.
  /// - Throws: ``RunFolderError/unwritable(path:reason:)`` when a folder or file cannot be written.
  public func seedFolder(seed: Int, setting: String = "") throws -> SeedFolder {
    let parent = setting.isEmpty ? path : path + "/" + RunFolder.folderName(forSetting: setting)
    let folder = SeedFolder(seed: seed, setting: setting, path: parent + "/seed-\(seed)")
    try RunFolder.createDirectory(folder.path)
    return folder
  }

  /// The seed folders holding a progress file, sorted by setting then seed.
  public func seedFolders() -> [SeedFolder] {
    var found: [SeedFolder] = []
    func scan(_ folder: String, setting: String, depth: Int) {
      guard depth <= 1, let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
      for name in names.sorted() {
        let child = folder + "/" + name
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: child, isDirectory: &isDirectory), isDirectory.boolValue else {
          continue
        }
        if name.hasPrefix("seed-"), let seed = Int(name.dropFirst(5)),
          FileManager.default.fileExists(atPath: child + "/" + RunFolder.progressFileName)
        {
          found.append(SeedFolder(seed: seed, setting: setting, path: child))
        } else if !name.hasPrefix("seed-") {
          scan(child, setting: setting.isEmpty ? name : setting + "/" + name, depth: depth + 1)
        }
      }
    }
    scan(path, setting: "", depth: 0)
    return found.sorted { ($0.setting, $0.seed) < ($1.setting, $1.seed) }
  }

  // MARK: - Outputs

  /// Writes `summary.json` (and, when there are several settings, `results.md` and `results.csv`).
  ///
  /// - Parameter summary: The run's summary, written as pretty JSON.
  /// - Throws: ``RunFolderError/unwritable(path:reason:)`` when a folder or file cannot be written.
  public func writeSummary(_ summary: RunSummary) throws {
    try RunFolder.write(summary.json.serialized(pretty: true) + "\n", to: path + "/" + RunFolder.summaryFileName)
    if summary.settings.count > 1 {
      try RunFolder.write(summary.resultsMarkdown(), to: path + "/results.md")
      try RunFolder.write(summary.resultsTable().csv(), to: path + "/results.csv")
    }
  }

  /// Reads `summary.json`.
  public func readSummary() throws -> RunSummary {
    let file = path + "/" + RunFolder.summaryFileName
    guard let data = FileManager.default.contents(atPath: file) else {
      throw RunFolderError.malformedSummary(reason: "\(file) cannot be read")
    }
    do {
      return try RunSummary(json: try JSONValue(parsing: data))
    } catch let error as JSONValueError {
      throw RunFolderError.malformedSummary(reason: "\(error)")
    }
  }

  /// Writes `results.md` and `results.csv`.
  ///
  /// - Parameter table: The table written as Markdown and as CSV.
  /// - Throws: ``RunFolderError/unwritable(path:reason:)`` when a folder or file cannot be written.
  public func writeResultsTable(_ table: ResultsTable) throws {
    try RunFolder.write(table.markdown(), to: path + "/results.md")
    try RunFolder.write(table.csv(), to: path + "/results.csv")
  }

  /// Writes the plot as `learning_curve.svg` and `.png` (or `baseName`); returns both paths.
  ///
  /// - Parameters:
  ///   - plot: The plot drawn.
  ///   - baseName: The file name without extension, inside the folder.
  /// - Returns: The paths of the SVG and the PNG.
  /// - Throws: ``ImageEncodingError/writeFailed(path:reason:)`` when a file cannot be written.
  @discardableResult
  public func writePlots(
    _ plot: LearningCurvePlot, baseName: String = RunFolder.plotBaseName
  ) throws -> (
    svg: String, png: String
  ) {
    let base = path + "/" + baseName
    try plot.writeSVG(to: base + ".svg")
    try plot.writePNG(to: base + ".png")
    return (base + ".svg", base + ".png")
  }

  // MARK: - Curves from progress files

  /// One learning curve per setting, read from the seeds' progress CSVs (`y` against `x`).
  ///
  /// - Parameters:
  ///   - x: The progress column on the horizontal axis (`step`, `episode/index`, ...).
  ///   - y: The progress column on the vertical axis.
  /// - Returns: One curve per setting in sorted setting order, one series per seed, labelled with the setting (or the
  ///   experiment's name).
  /// - Throws: ``RunFolderError/notARunFolder(path:)`` without seed folders,
  ///   ``RunFolderError/missingColumn(path:column:available:)`` when a progress file lacks a column, and what
  ///   reading a file throws.
  public func learningCurves(x: String = "step", y: String = "rollout/ep_rew_mean") throws -> [LearningCurve] {
    let folders = seedFolders()
    guard !folders.isEmpty else { throw RunFolderError.notARunFolder(path: path) }
    var curves: [LearningCurve] = []
    var settings: [String] = []
    for folder in folders where !settings.contains(folder.setting) { settings.append(folder.setting) }
    for setting in settings {
      var seeds: [[CurvePoint]] = []
      for folder in folders where folder.setting == setting {
        let table = try CSVLogger.readTable(path: folder.progressPath)
        for column in [x, y] where !table.columns.contains(column) {
          throw RunFolderError.missingColumn(path: folder.progressPath, column: column, available: table.columns)
        }
        seeds.append(table.series(x: x, y: y).map { CurvePoint(x: $0.x, y: $0.y) })
      }
      curves.append(LearningCurve(label: setting.isEmpty ? experimentName : setting, seeds: seeds))
    }
    return curves
  }

  /// A plot overlaying the curves of several run folders.
  ///
  /// - Parameters:
  ///   - runs: The run folders; with several, each curve's label starts with its run's name where a run has several
  ///     curves.
  ///   - x: The progress column on the horizontal axis.
  ///   - y: The progress column on the vertical axis.
  ///   - title: The title; nil takes the run's name (or "Comparison") and the seed count when all curves have the same.
  ///   - smoothingWindow: The points of each seed's trailing moving average; 1 smooths nothing.
  /// - Throws: What ``learningCurves(x:y:)`` throws.
  public static func comparisonPlot(
    of runs: [RunFolder], x: String = "step", y: String = "rollout/ep_rew_mean", title: String? = nil,
    smoothingWindow: Int = 1
  ) throws -> LearningCurvePlot {
    var curves: [LearningCurve] = []
    for run in runs {
      let runCurves = try run.learningCurves(x: x, y: y)
      curves += runCurves.map { curve in
        var labelled = curve
        if runs.count > 1 && runCurves.count > 1 { labelled.label = run.experimentName + " " + curve.label }
        return labelled
      }
    }
    let seedCounts = Set(curves.map(\.seeds.count))
    let seedNote = seedCounts.count == 1 ? " (\(seedCounts.first!) seed\(seedCounts.first! == 1 ? "" : "s"))" : ""
    var plot = LearningCurvePlot(
      title: title ?? (runs.count == 1 ? runs[0].experimentName : "Comparison") + seedNote, xLabel: axisLabel(x),
      yLabel: axisLabel(y), runs: curves)
    plot.smoothingWindow = smoothingWindow
    return plot
  }

  /// A readable axis label for a log key: `rollout/ep_rew_mean` becomes "mean episode return".
  static func axisLabel(_ key: String) -> String {
    let known = [
      "step": "environment steps", "time/total_timesteps": "environment steps",
      "rollout/ep_rew_mean": "mean episode return",
      "rollout/ep_len_mean": "mean episode length", "episode": "episode", "eval/mean_reward": "mean evaluation return",
      "episode_return": "episode return", "episode/return": "episode return", "episode/index": "episode",
    ]
    return known[key] ?? key
  }

  // MARK: - File helpers

  static func folderName(forSetting setting: String) -> String {
    String(setting.map { $0 == "/" || $0 == " " ? "_" : $0 })
  }

  static func createDirectory(_ path: String) throws {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw RunFolderError.unwritable(path: path, reason: (error as NSError).localizedDescription)
    }
  }

  static func write(_ text: String, to path: String) throws {
    do {
      try AtomicFile.write(text, to: path)
    } catch let error as FileWriteError {
      throw RunFolderError.unwritable(path: path, reason: error.reason)
    }
  }
}

// MARK: - Conveniences for training code

extension RunFolder.SeedFolder {
  /// The standard loggers of a seed: CSV and JSON lines progress files, TensorBoard, and optionally the console
  /// table; with `resumeAfterStep`, the files are cut back to that step and continued.
  ///
  /// - Parameters:
  ///   - console: True to print the console table too.
  ///   - resumeAfterStep: The step a resumed run continues after: the files keep what was logged up to it; nil starts
  ///     them anew.
  /// - Throws: ``LoggerError`` when a log cannot be opened or continued.
  public func makeLoggers(console: Bool = false, resumeAfterStep: Int? = nil) throws -> LoggerGroup {
    var loggers: [any ScalarLogger] = [
      try CSVLogger(path: progressPath, resumeAfterStep: resumeAfterStep),
      try JSONLinesLogger(path: jsonLinesPath, resumeAfterStep: resumeAfterStep),
      try TensorBoardLogger(directory: tensorBoardDirectory, resumeAfterStep: resumeAfterStep),
    ]
    if console { loggers.append(ConsoleTableLogger()) }
    return LoggerGroup(loggers)
  }
}

extension RunFolder {
  /// Reads the seeds' progress files and writes `learning_curve.svg` and `.png`: one curve per setting, the
  /// mean of `y` against `x` with a 95% bootstrap confidence band across seeds. Returns the PNG's path.
  ///
  /// - Parameters:
  ///   - title: The plot's title.
  ///   - x: The progress column on the horizontal axis.
  ///   - y: The progress column on the vertical axis.
  ///   - xLabel: The horizontal axis' label; nil makes one from `x`.
  ///   - yLabel: The vertical axis' label; nil makes one from `y`.
  ///   - smoothingWindow: The points of each seed's trailing moving average; 1 smooths nothing.
  /// - Throws: What ``learningCurves(x:y:)`` and ``writePlots(_:baseName:)`` throw.
  @discardableResult
  public func writeLearningCurves(
    title: String, x: String = "step", y: String = "rollout/ep_rew_mean", xLabel: String? = nil,
    yLabel: String? = nil, smoothingWindow: Int = 1
  ) throws -> String {
    var plot = LearningCurvePlot(
      title: title, xLabel: xLabel ?? RunFolder.axisLabel(x), yLabel: yLabel ?? RunFolder.axisLabel(y),
      runs: try learningCurves(x: x, y: y))
    plot.smoothingWindow = smoothingWindow
    return try writePlots(plot).png
  }
}
