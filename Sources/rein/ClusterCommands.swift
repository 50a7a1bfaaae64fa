import ArgumentParser
import Foundation
import Rein

#if canImport(Glibc)
  import Glibc
#endif

// MARK: - Cells: rein run PRESET --list-cells / --cell I

/// The exit status of a cell stopped by SIGTERM after writing its checkpoint (EX_TEMPFAIL: run it again).
let interruptedCellStatus: Int32 = 75

/// The configuration as written to `config.yaml` (with the sweep's grid).
func resolvedConfiguration(_ configuration: RunConfiguration, grid: [String]) -> RunConfiguration {
  var resolved = configuration
  if !grid.isEmpty { resolved.set("grid", .list(grid.map { .string($0) })) }
  return resolved
}

/// `--list-cells` (cell nil) or `--cell I --out RUN`.
func runCellCommand(
  _ configuration: RunConfiguration, grid: [String], defaultName: String, out: String?, cell: Int?
) throws {
  registerBuiltinEnvironments()
  let plan = try ExperimentPlan(configuration, defaultName: defaultName)
  try RunFolder.checkName(plan.name)
  let path = out ?? "runs/" + plan.name
  let runner = try ExperimentRunner(
    configuration: configuration, grid: ParameterGrid(grid), registry: .shared, folder: RunFolder(at: path),
    defaultName: defaultName)
  guard let cell else {
    print("cell\tsetting\tseed\tfolder (in the run folder)")
    for line in runner.cellListing { print(line) }
    return
  }
  guard out != nil else {
    throw ValidationError("--cell trains into a shared run folder: give it with --out RUN")
  }
  try runner.checkCellIndex(cell)
  try runner.checkEnvironments()
  let resolved = resolvedConfiguration(configuration, grid: grid)
  let manager = FileManager.default
  var isDirectory: ObjCBool = false
  if manager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
    throw RunFolderError.unwritable(path: path, reason: "it is a file, not a folder")
  }
  _ = try RunFolder(creatingAt: path)
  let runLock = try RunFolderLock(folder: path, shared: true)
  let file = path + "/" + RunFolder.configurationFileName
  if manager.fileExists(atPath: file) {
    let existing = try RunConfiguration(contentsOfFile: file)
    guard existing.yaml() == resolved.yaml() else {
      throw ValidationError(
        "\(file) holds another experiment's configuration; every cell of a run uses the same one: pass \(file) "
          + "as the preset, or choose another --out")
    }
  } else {
    try RunFolder(at: path).writeConfiguration(resolved)
  }
  TerminationRequest.shared.installSignalHandlers()
  runner.stopRequested = { TerminationRequest.shared.isRequested }
  try withExtendedLifetime(runLock) {
    do {
      try runner.runCell(cell)
    } catch ExperimentError.interrupted {
      FileHandle.standardError.write(
        Data(
          ("cell \(cell) was interrupted (SIGTERM); run the same command again to resume it from its checkpoint\n")
            .utf8))
      throw ExitCode(interruptedCellStatus)
    }
  }
}

/// The runner of the run folder `path` (from its config.yaml), for status, collect and resubmission.
func runnerOfRunFolder(_ path: String) throws -> (runner: ExperimentRunner, configuration: RunConfiguration) {
  registerBuiltinEnvironments()
  let file = path + "/" + RunFolder.configurationFileName
  guard FileManager.default.fileExists(atPath: file) else {
    throw ValidationError("\(path) is not a run folder: it has no \(RunFolder.configurationFileName)")
  }
  let configuration = try RunConfiguration(contentsOfFile: file)
  let runner = try ExperimentRunner(
    configuration: configuration, grid: ParameterGrid(try configuration.gridOptions()), registry: .shared,
    folder: RunFolder(at: path))
  return (runner, configuration)
}

/// The last line of the cell's SLURM log that is not rein's own progress, when there is a log.
func lastLogLine(run: String, cell: Int) -> String? {
  let log = run + "/slurm/" + SlurmScripts.logName(cell: cell)
  guard let data = FileManager.default.contents(atPath: log) else { return nil }
  let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map {
    $0.trimmingCharacters(in: .whitespaces)
  }
  return lines.last { !$0.isEmpty }.map { "\(log): \($0)" }
}

/// Lines about the cells that are not done (state and, for failed or pending cells with a log, its last line).
func unfinishedCellLines(_ runner: ExperimentRunner, states: [ExperimentRunner.CellState], run: String) -> [String] {
  var lines: [String] = []
  for (index, state) in states.enumerated() where state != .done {
    let cell = runner.cells[index]
    let setting = runner.settings[cell.setting]
    let name = (setting.label.isEmpty ? "" : "[\(setting.label)] ") + "seed \(setting.plan.seeds[cell.seedIndex])"
    lines.append("  cell \(index) (\(name)): \(state)")
    switch state {
    case .failed, .pending:
      if let line = lastLogLine(run: run, cell: index) { lines.append("    last log line: \(line)") }
    default: break
    }
  }
  return lines
}

/// "4 cells: 3 done, 1 running, 0 pending, 0 failed".
func countLine(_ states: [ExperimentRunner.CellState]) -> String {
  let counts = ["done", "running", "pending", "failed"].map { name in
    "\(states.filter { $0.name == name }.count) \(name)"
  }
  return "\(states.count) cells: " + counts.joined(separator: ", ")
}

// MARK: - rein collect

/// `rein collect RUN`: the summary, results and plots of the cells that finished.
struct CollectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "collect",
    abstract: "Write summary.json, results.md/.csv and the plots of a run folder from the cells that finished.",
    discussion: """
      For runs trained cell by cell (`rein run PRESET --cell I --out RUN`, `rein submit --slurm`); it says which \
      cells are missing, running or failed, and why (from their error file or SLURM log).

      Example:
        rein collect runs/sweep-ppo-lunarlander
      """)

  @Argument(help: "The run folder.")
  var folder: String

  func run() throws {
    try reportingErrors {
      let run = folder
      let (runner, _) = try runnerOfRunFolder(run)
      let runLock = try RunFolderLock(folder: run, shared: true)
      let collectLock = try RunFolderLock(folder: run, fileName: ".rein-collect-lock")
      try withExtendedLifetime((runLock, collectLock)) {
        let states = runner.cellStates()
        print(countLine(states))
        for line in unfinishedCellLines(runner, states: states, run: run) { print(line) }
        guard try runner.collect() != nil else {
          throw ValidationError("no cell of \(run) has finished yet; nothing to collect (`rein status \(run)`)")
        }
        let done = states.filter { $0 == .done }.count
        print("collected \(done) of \(states.count) cells" + (done < states.count ? " (the others are missing)" : ""))
      }
    }
  }
}

// MARK: - rein status

/// `rein status RUN`: the cells' states, and the SLURM jobs' when squeue or sacct is there.
struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Show which cells of a run folder are done, running, pending or failed (and its SLURM jobs).",
    discussion: """
      Reads the run folder; when the run was submitted with `rein submit --slurm` and squeue or sacct is on the \
      PATH, it also shows what SLURM says about its jobs.

      Example:
        rein status runs/sweep-ppo-lunarlander
      """)

  @Argument(help: "The run folder.")
  var folder: String

  @Flag(help: "List every cell, the finished ones too.")
  var all = false

  func run() throws {
    try reportingErrors {
      let run = folder
      let (runner, _) = try runnerOfRunFolder(run)
      let states = runner.cellStates()
      print(countLine(states))
      if all {
        for (index, line) in runner.cellListing.enumerated() { print("  \(line)\t\(states[index])") }
      } else {
        for line in unfinishedCellLines(runner, states: states, run: run) { print(line) }
      }
      let jobs = SubmittedJobs.read(run: run)
      guard !jobs.isEmpty else { return }
      let ids = jobs.map(\.id).joined(separator: ",")
      print("SLURM jobs: " + jobs.map { "\($0.kind) \($0.id)" }.joined(separator: ", "))
      if let squeue = executableOnPath("squeue") {
        print("squeue:")
        print(
          runTool(squeue, ["--noheader", "--array", "--jobs", ids, "--format", "  %i %T %r"]).output, terminator: "")
      }
      if let sacct = executableOnPath("sacct") {
        print("sacct:")
        let result = runTool(
          sacct, ["--noheader", "-X", "--jobs", ids, "--format", "JobID%20,State%12,ExitCode,Elapsed"])
        print(result.output, terminator: "")
      }
    }
  }
}

// MARK: - Tools

/// The full path of `name` on the PATH, or nil.
func executableOnPath(_ name: String) -> String? {
  let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  for folder in path.split(separator: ":") {
    let candidate = folder + "/" + name
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
  }
  return nil
}

/// Runs `tool arguments` and returns its exit status and output (standard output and error).
func runTool(_ tool: String, _ arguments: [String]) -> (status: Int32, output: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: tool)
  process.arguments = arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  process.standardInput = FileHandle.nullDevice
  do {
    try process.run()
  } catch {
    return (127, "\(tool): \(error)\n")
  }
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The jobs `rein submit` recorded in RUN/slurm/jobs.txt ("array ID" and "collect ID" lines).
enum SubmittedJobs {
  static func path(run: String) -> String { run + "/slurm/jobs.txt" }

  static func read(run: String) -> [(kind: String, id: String)] {
    guard let data = FileManager.default.contents(atPath: path(run: run)) else { return [] }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
      let parts = line.split(separator: " ")
      return parts.count >= 2 ? (String(parts[0]), String(parts[1])) : nil
    }
  }
}
