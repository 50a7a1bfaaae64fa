import Foundation
import PolicyGradient
import Recording

// MARK: - Plan expansion
//
// An experiment expands into cells: every setting of its sweep (the only one without a sweep) times every seed of
// that setting's plan. Cells are independent and deterministic; the runner trains them in order of their index.

extension ExperimentRunner {
  /// One point of a sweep (or the only one): its label ("" without a sweep), configuration and plan.
  public struct Setting: Sendable {
    public var label: String
    public var configuration: RunConfiguration
    public var plan: ExperimentPlan
  }

  /// One cell: a setting and one of its seeds.
  public struct Cell: Sendable, Equatable {
    /// The index of the setting in ``ExperimentRunner/settings``.
    public var setting: Int
    /// The index of the seed in that setting's plan.
    public var seedIndex: Int
  }

  /// The settings of `configuration` swept over `grid` (every setting's overrides applied on top of it), each read
  /// and checked.
  static func expand(
    _ configuration: RunConfiguration, grid: ParameterGrid?, defaultName: String, algorithms: AlgorithmRegistry
  ) throws -> [Setting] {
    var settings: [Setting] = []
    for gridSetting in (grid ?? ParameterGrid.none).settings {
      var c = configuration
      try c.apply(overrides: gridSetting.overrides)
      let plan = try ExperimentPlan(c, defaultName: defaultName, algorithms: algorithms)
      settings.append(Setting(label: gridSetting.label, configuration: c, plan: plan))
    }
    return settings
  }

  /// Every cell, settings outermost, then seeds.
  public var cells: [Cell] {
    settings.indices.flatMap { s in settings[s].plan.seeds.indices.map { Cell(setting: s, seedIndex: $0) } }
  }
}

// MARK: - Running cells one by one
//
// A cluster runs each cell as its own process (`rein run PRESET --cell I --out RUN`), all into one run folder: a
// cell holds the run folder's lock shared (so no whole run writes there meanwhile) and its own folder's exclusively,
// writes only inside its own folder (SETTING/seed-N), and always resumes: a finished cell is left alone, one with a
// checkpoint continues from it, any other starts afresh. `rein collect RUN` then reports what finished.

extension ExperimentRunner {
  /// What a cell's folder says about it.
  public enum CellState: Equatable, Sendable, CustomStringConvertible {
    /// Finished: its `seed_summary.json` is there.
    case done
    /// A process holds its folder's lock (the holder's record).
    case running(String)
    /// Its last attempt failed; the error it wrote.
    case failed(String)
    /// Not started, or stopped before the end (`checkpoint` says at which step it resumes, when it has one).
    case pending(checkpoint: Int?)

    public var description: String {
      switch self {
      case .done: "done"
      case .running(let holder): "running (\(holder))"
      case .failed(let reason): "failed: \(reason)"
      case .pending(let step?): "pending (resumes from its checkpoint at \(step) steps)"
      case .pending(nil): "pending"
      }
    }

    /// The state's one-word name: done, running, failed or pending.
    public var name: String {
      switch self {
      case .done: "done"
      case .running: "running"
      case .failed: "failed"
      case .pending: "pending"
      }
    }
  }

  /// The file a cell that failed leaves in its folder: the error, as printed.
  public static let cellErrorFileName = "cell_error.txt"

  /// The folder of `cell` (not created).
  ///
  /// - Parameter cell: One of ``cells``.
  /// - Returns: Its seed folder in the run folder.
  public func cellFolder(_ cell: Cell) -> RunFolder.SeedFolder {
    let setting = settings[cell.setting]
    let parent =
      setting.label.isEmpty ? folder.path : folder.path + "/" + RunFolder.folderName(forSetting: setting.label)
    let seed = Int(setting.plan.seeds[cell.seedIndex])
    return RunFolder.SeedFolder(seed: seed, setting: setting.label, path: parent + "/seed-\(seed)")
  }

  /// One line per cell: its index, setting, seed and folder (relative to the run folder).
  public var cellListing: [String] {
    cells.enumerated().map { index, cell in
      let setting = settings[cell.setting]
      let folder = String(cellFolder(cell).path.dropFirst(self.folder.path.count + 1))
      return
        "\(index)\t\(setting.label.isEmpty ? "-" : setting.label)\t\(setting.plan.seeds[cell.seedIndex])\t\(folder)"
    }
  }

  /// Throws unless `index` is a cell's index.
  ///
  /// - Parameter index: The index given with `--cell`.
  /// - Throws: ``ExperimentError/invalidSetting(key:value:expected:)`` naming the valid range.
  public func checkCellIndex(_ index: Int) throws {
    guard cells.indices.contains(index) else {
      throw ExperimentError.invalidSetting(
        key: "--cell", value: "\(index)",
        expected: "a cell index from 0 to \(cells.count - 1) (`rein run PRESET --list-cells` lists them)")
    }
  }

  /// Trains cell `index` into its folder (see above); a failure other than an interruption is also written to the
  /// cell's `cell_error.txt` for `rein status` and `rein collect`.
  ///
  /// - Parameter index: The cell's index in ``cells``.
  /// - Returns: The cell's seed summary.
  /// - Throws: What training throws (an interruption by SIGTERM included, after the checkpoint is written).
  @discardableResult
  public func runCell(_ index: Int) throws -> SeedSummary {
    try checkCellIndex(index)
    let cell = cells[index]
    let setting = settings[cell.setting]
    let runLock = try RunFolderLock(folder: folder.path, shared: true)
    let seedFolder = try folder.seedFolder(seed: Int(setting.plan.seeds[cell.seedIndex]), setting: setting.label)
    let cellLock = try RunFolderLock(folder: seedFolder.path)
    let errorPath = seedFolder.path + "/" + Self.cellErrorFileName
    try? FileManager.default.removeItem(atPath: errorPath)
    return try withExtendedLifetime((runLock, cellLock)) {
      do {
        resumes = true
        let progress = ProgressAggregator(plan: setting.plan, seeds: 1, output: output)
        self.progress = progress
        defer { progress.finish() }
        let prefix = setting.label.isEmpty ? "" : "[\(setting.label)] "
        say(
          "\(plan.name): cell \(index) of \(cells.count), \(prefix)seed \(setting.plan.seeds[cell.seedIndex]) -> \(seedFolder.path)"
        )
        return try trainSeed(setting, seedIndex: cell.seedIndex, job: 0)
      } catch let error as ExperimentError {
        if case .interrupted = error { throw error }
        try? RunFolder.write("\(error)\n", to: errorPath)
        throw error
      } catch {
        try? RunFolder.write("\(error)\n", to: errorPath)
        throw error
      }
    }
  }

  /// The state of every cell, in index order, from the run folder alone.
  public func cellStates() -> [CellState] {
    cells.map { cell in
      let seedFolder = cellFolder(cell)
      let manager = FileManager.default
      if manager.fileExists(atPath: seedFolder.seedSummaryPath) { return .done }
      if let holder = RunFolderLock.holder(of: seedFolder.path) { return .running(holder) }
      if let data = manager.contents(atPath: seedFolder.path + "/" + Self.cellErrorFileName) {
        return .failed(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
      }
      let step = (try? Checkpoint(contentsOf: seedFolder.latestCheckpointPath))
        .flatMap { try? AgentCheckpoint.trainingState(of: $0) }.map(\.loop.steps)
      return .pending(checkpoint: step)
    }
  }

  /// Writes summary.json, the results tables and the plots from the cells that finished (in index order), as a
  /// whole run does at its end; returns nil, writing nothing, when none has. The plots show every cell's curve as
  /// far as it got.
  public func collect() throws -> RunSummary? {
    var entries: [RunSummary.Entry] = []
    for cell in cells {
      guard let finished = try SeedCheckpoints.finishedSummary(in: cellFolder(cell)) else { continue }
      entries.append(RunSummary.Entry(setting: settings[cell.setting].label, seed: finished))
    }
    guard !entries.isEmpty else { return nil }
    return try report(entries)
  }
}
