import ArgumentParser
import Foundation
import Rein

// MARK: - rein submit

/// `rein submit PRESET --slurm`: the experiment as a SLURM job array, one task per cell, and a collect job.
struct SubmitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "submit",
    abstract: "Submit an experiment to SLURM: a job array with one task per cell, then a job that collects them.",
    discussion: """
      Writes RUN/config.yaml (the resolved configuration), RUN/slurm/array.sbatch (task I runs `rein run \
      RUN/config.yaml --cell I --out RUN`, with --signal=B:TERM@120 and --requeue) and RUN/slurm/collect.sbatch \
      (`rein collect RUN`, submitted with --dependency=afterany on the array), then calls sbatch. RUN must be on a \
      filesystem every node sees at the same path. Without sbatch on the PATH (or with --dry-run) the scripts are \
      left to submit by hand.

      Examples:
        rein submit sweep-ppo-lunarlander --slurm --partition cpu --time 2:00:00 --mem 2G --max-parallel 20
        rein submit ppo-cartpole-fast --slurm --seeds 1,2,3 --dry-run
        rein submit runs/sweep-ppo-lunarlander --slurm --only-failed
      """)

  @Argument(help: "A preset name or file; with --only-failed, the run folder.")
  var preset: String

  @Flag(help: "Submit to SLURM (the only scheduler so far; required).")
  var slurm = false

  @OptionGroup var runOptions: RunOptions

  @Option(help: "SLURM partition.")
  var partition: String?

  @Option(help: "Time limit of a task, e.g. 2:00:00.")
  var time: String?

  @Option(help: "CPUs per task.")
  var cpusPerTask: Int = 1

  @Option(help: "Memory per task, e.g. 2G.")
  var mem: String?

  @Option(
    help: "At most K tasks at once (--array=...%K).",
    transform: { text in
      guard let k = Int(text), k > 0 else { throw ValidationError("--max-parallel must be a positive integer") }
      return k
    })
  var maxParallel: Int?

  @Option(help: "SLURM account.")
  var account: String?

  @Option(help: "SLURM quality of service.")
  var qos: String?

  @Option(help: "A further #SBATCH line, e.g. --extra '--constraint=avx2' (repeatable).")
  var extra: [String] = []

  @Flag(help: "Write the scripts and print the sbatch commands without submitting.")
  var dryRun = false

  @Option(help: "A batch script template with {{SBATCH}}, {{SETUP}} and {{COMMAND}} (module loads, a container).")
  var template: String?

  @Option(help: "The rein executable the tasks run (default: this one, by absolute path).")
  var reinBinary: String?

  @Flag(help: "Resubmit the failed cells of the run folder PRESET, and nothing else.")
  var onlyFailed = false

  func run() throws {
    try reportingErrors {
      guard slurm else { throw ValidationError("say where to submit: --slurm (the only scheduler so far)") }
      let templateText = try template.map { path in
        guard let data = FileManager.default.contents(atPath: path) else {
          throw ValidationError("cannot read the template \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        try SlurmScripts.checkTemplate(text, path: path)
        return text
      }
      let rein = try reinExecutable()
      let (run, name, cells) = try onlyFailed ? failedCells() : prepareRun()
      let scripts = SlurmScripts(
        run: run, name: name, rein: rein, environment: libraryEnvironment(rein: rein), options: slurmOptions,
        template: templateText)
      try FileManager.default.createDirectory(atPath: scripts.folder, withIntermediateDirectories: true)
      let arrayPath = scripts.folder + "/array.sbatch"
      let collectPath = scripts.folder + "/collect.sbatch"
      try AtomicFile.write(scripts.arrayScript(cells: cells), to: arrayPath)
      try AtomicFile.write(scripts.collectScript(), to: collectPath)
      print("\(cells.count) cell\(cells.count == 1 ? "" : "s") of \(name) -> \(run)")
      print("wrote \(arrayPath) (--array=\(SlurmScripts.arraySpecification(cells, maxParallel: maxParallel)))")
      print("wrote \(collectPath)")
      let byHand =
        "  jid=$(sbatch --parsable \(arrayPath)) && sbatch --dependency=afterany:${jid%%;*} \(collectPath)"
      guard !dryRun else { return print("dry run; submit with:\n" + byHand) }
      guard let sbatch = executableOnPath("sbatch") else {
        return print("sbatch is not on the PATH; the scripts are ready, submit them by hand on the cluster:\n" + byHand)
      }
      let arrayID = try submit(sbatch, [arrayPath])
      let collectID = try submit(sbatch, ["--dependency=afterany:\(arrayID)", collectPath])
      let record =
        "array \(arrayID) \(SlurmScripts.arraySpecification(cells, maxParallel: nil))\ncollect \(collectID)\n"
      let jobsPath = SubmittedJobs.path(run: run)
      let previous = FileManager.default.contents(atPath: jobsPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
      try AtomicFile.write(previous + record, to: jobsPath)
      print("submitted job array \(arrayID) (\(cells.count) tasks) and collect job \(collectID)")
      print("follow it: rein status \(run)   (or squeue -j \(arrayID),\(collectID); logs in \(scripts.folder))")
      print("when it is done: \(run)/summary.json, results.md and the plots (rein collect \(run) at any time)")
    }
  }

  private var slurmOptions: SlurmOptions {
    var options = SlurmOptions()
    options.partition = partition
    options.time = time
    options.cpusPerTask = cpusPerTask
    options.memory = mem
    options.maxParallel = maxParallel
    options.account = account
    options.qos = qos
    options.extra = extra
    return options
  }

  /// A fresh run folder: resolved configuration written, every cell.
  private func prepareRun() throws -> (run: String, name: String, cells: [Int]) {
    registerBuiltinEnvironments()
    let path = try PresetLibrary.locate(preset)
    var configuration = try RunConfiguration(contentsOfFile: path)
    try runOptions.apply(to: &configuration)
    let defaultName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    if configuration.values["name"] == nil { configuration.set("name", .string(defaultName)) }
    let grid = runOptions.grid + (try configuration.gridOptions())
    let plan = try ExperimentPlan(configuration, defaultName: defaultName)
    try RunFolder.checkName(plan.name)
    let run = absolute(runOptions.out ?? freshRunPath(plan.name))
    let runner = try ExperimentRunner(
      configuration: configuration, grid: ParameterGrid(grid), registry: .shared, folder: RunFolder(at: run),
      defaultName: defaultName)
    try runner.checkEnvironments()
    let lock = try RunFolder.claim(run, reuse: runOptions.overwrite ? .overwrite : .refuse)
    try withExtendedLifetime(lock) {
      try RunFolder(at: run).writeConfiguration(resolvedConfiguration(configuration, grid: grid))
    }
    return (run, plan.name, Array(runner.cells.indices))
  }

  /// The failed cells of the run folder `preset`.
  private func failedCells() throws -> (run: String, name: String, cells: [Int]) {
    let given = runOptions.given.filter(\.value).map(\.key).sorted()
    guard given.isEmpty else {
      throw ValidationError("--only-failed resubmits cells of RUN as configured; drop " + given.joined(separator: ", "))
    }
    let run = absolute(preset)
    let (runner, _) = try runnerOfRunFolder(run)
    let failed = runner.cellStates().enumerated().compactMap { index, state in
      if case .failed = state { return index }
      return nil
    }
    guard !failed.isEmpty else {
      throw ValidationError("no cell of \(run) has failed (`rein status \(run)` shows them); nothing to resubmit")
    }
    return (run, runner.plan.name, failed)
  }

  /// Submits `arguments` with `sbatch --parsable` and returns the job id.
  private func submit(_ sbatch: String, _ arguments: [String]) throws -> String {
    let result = runTool(sbatch, ["--parsable"] + arguments)
    let id = result.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init)
    guard result.status == 0, let id, !id.isEmpty, id.allSatisfy(\.isNumber) else {
      throw ValidationError("sbatch \(arguments.joined(separator: " ")) failed: \(result.output)")
    }
    return id
  }

  /// The executable the tasks run, by absolute path.
  private func reinExecutable() throws -> String {
    if let reinBinary {
      let path = absolute(reinBinary)
      guard FileManager.default.isExecutableFile(atPath: path) else {
        throw ValidationError("--rein-binary \(reinBinary) is not an executable file")
      }
      return path
    }
    let own =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? absolute(CommandLine.arguments[0])
    return URL(fileURLWithPath: own).resolvingSymlinksInPath().path
  }

  /// REIN_MUJOCO_DIR and LD_LIBRARY_PATH for the MuJoCo library (and Box2D's folder when it has shared
  /// libraries), found as the executable finds them: $REIN_MUJOCO_DIR, or .mujoco/lib above the executable or
  /// in the working folder.
  private func libraryEnvironment(rein: String) -> [(key: String, value: String)] {
    let manager = FileManager.default
    let environment = ProcessInfo.processInfo.environment
    var candidates: [String] = []
    var folder = URL(fileURLWithPath: rein).deletingLastPathComponent()
    for _ in 0..<6 {
      candidates.append(folder.path)
      folder = folder.deletingLastPathComponent()
    }
    candidates.append(manager.currentDirectoryPath)
    var libraries: [String] = []
    var variables: [(key: String, value: String)] = []
    if let mujoco = environment["REIN_MUJOCO_DIR"] {
      variables.append(("REIN_MUJOCO_DIR", absolute(mujoco)))
      libraries.append(absolute(mujoco))
    } else if let base = candidates.first(where: { manager.fileExists(atPath: $0 + "/.mujoco/lib") }) {
      let lib = URL(fileURLWithPath: base + "/.mujoco/lib").resolvingSymlinksInPath().path
      variables.append(("REIN_MUJOCO_DIR", lib))
      libraries.append(lib)
    }
    if let base = candidates.first(where: { manager.fileExists(atPath: $0 + "/.box2d/lib") }) {
      let lib = URL(fileURLWithPath: base + "/.box2d/lib").resolvingSymlinksInPath().path
      let files = (try? manager.contentsOfDirectory(atPath: lib)) ?? []
      if files.contains(where: { $0.contains(".so") }) { libraries.append(lib) }
    }
    if let existing = environment["LD_LIBRARY_PATH"], !existing.isEmpty { libraries.append(existing) }
    if !libraries.isEmpty { variables.append(("LD_LIBRARY_PATH", libraries.joined(separator: ":"))) }
    return variables
  }
}

/// `path` made absolute against the working folder.
func absolute(_ path: String) -> String {
  let url =
    path.hasPrefix("/")
    ? URL(fileURLWithPath: path)
    : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path)
  return url.standardizedFileURL.path
}
