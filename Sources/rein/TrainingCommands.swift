import ArgumentParser
import Foundation
import Rein

// MARK: - Shared options of `train`, `run` and `submit`

/// What a run is and where it goes: options that `rein train`, `rein run` and `rein submit` share; they map onto
/// configuration keys, nothing more.
struct RunOptions: ParsableArguments {
  @Option(help: "Comma-separated seeds, e.g. 1,2,3 (each trains separately; all go in one run folder).")
  var seeds: String?

  @Option(help: "The run folder (default: runs/NAME, or runs/NAME-2, ... when that exists).")
  var out: String?

  @Option(name: .customLong("set"), help: "Override a setting: --set key=value (repeatable). See `rein keys`.")
  var overrides: [String] = []

  @Option(
    name: .customLong("grid"),
    help: "Sweep a setting: --grid key=v1,v2,... (repeatable; every combination runs, for every seed).")
  var grid: [String] = []

  @Flag(help: "Replace the run already in --out (without it, a folder that holds files is refused).")
  var overwrite = false

  /// The options given, by flag: for refusing them where a run is taken as it was configured.
  var given: [String: Bool] {
    [
      "--seeds": seeds != nil, "--out": out != nil, "--set": !overrides.isEmpty, "--grid": !grid.isEmpty,
      "--overwrite": overwrite,
    ]
  }

  /// Applies the seeds and the overrides to `configuration`.
  func apply(to configuration: inout RunConfiguration) throws {
    if let seeds {
      configuration.set("seeds", .list(try ExperimentPlan.seedList(parsing: seeds).map { .int($0) }))
    }
    try configuration.apply(overrides: overrides)
  }
}

/// Options that `rein train` and `rein run` share: the run's, and resuming one.
struct ExperimentOptions: ParsableArguments {
  @OptionGroup var run: RunOptions

  @Flag(name: .customLong("help-keys"), help: "List the settings the algorithm reads (as `rein keys ALGO`) and exit.")
  var helpKeys = false

  @Option(
    help: ArgumentHelp(
      "Continue the interrupted run in this folder: finished seeds are left alone, the others restore their latest "
        + "checkpoint (written with checkpoint_every) and train on to the budget.", valueName: "RUN"))
  var resume: String?

  @Flag(help: "With --resume: continue even though config.yaml was edited since the run started.")
  var acceptConfigChanges = false

  /// Throws when options that would change the run are combined with `--resume`.
  func validateResume(_ extra: [String: Bool] = [:]) throws {
    let conflicting = run.given.merging(extra) { $1 }.filter(\.value).map(\.key).sorted()
    guard conflicting.isEmpty else {
      throw ValidationError(
        "--resume continues a run exactly as it was configured (RUN/config.yaml); drop "
          + conflicting.joined(separator: ", "))
    }
  }

  /// Throws when a flag that only `--resume` takes is given without it.
  func validateFresh() throws {
    guard !acceptConfigChanges else { throw ValidationError("--accept-config-changes goes with --resume RUN") }
  }
}

/// Prints the settings `algorithm` reads (every setting when nil), as `rein keys` does.
func printSettings(of algorithm: String?) throws {
  if let algorithm { _ = try AlgorithmRegistry.shared.definition(named: algorithm) }
  print(SettingsTable.listing(algorithm: algorithm), terminator: "")
}

/// Reads the plan (and the sweep's settings), checks them and the environments, then claims the run folder (locked,
/// refused when it holds files unless `overwrite`) and trains. Nothing is written before every check passed.
func runExperiment(
  _ configuration: RunConfiguration, grid: [String], defaultName: String, out: String?, overwrite: Bool
) throws {
  registerBuiltinEnvironments()
  let plan = try ExperimentPlan(configuration, defaultName: defaultName)
  try RunFolder.checkName(plan.name)
  var resolved = configuration
  resolved.set("grid", .list(grid.map { .string($0) }))
  let path = out ?? freshRunPath(plan.name)
  let folder = RunFolder(at: path)
  let runner = try ExperimentRunner(
    configuration: configuration, grid: ParameterGrid(grid), registry: .shared, folder: folder,
    defaultName: defaultName)
  try runner.checkEnvironments()
  let lock = try RunFolder.claim(path, reuse: overwrite ? .overwrite : .refuse)
  try withExtendedLifetime(lock) {
    try folder.writeConfiguration(grid.isEmpty ? configuration : resolved)
    try runner.run()
  }
}

/// Continues the interrupted run in `path` with the configuration it was started with; refuses an edited
/// config.yaml unless `acceptChanges`.
func resumeExperiment(_ path: String, acceptChanges: Bool) throws {
  registerBuiltinEnvironments()
  let file = path + "/" + RunFolder.configurationFileName
  guard FileManager.default.fileExists(atPath: file) else {
    throw ValidationError("\(path) is not a run folder: it has no \(RunFolder.configurationFileName)")
  }
  let lock = try RunFolder.claim(path, reuse: .resume)
  let configuration = try RunConfiguration(contentsOfFile: file)
  let runner = try ExperimentRunner(
    configuration: configuration, grid: ParameterGrid(try configuration.gridOptions()), registry: .shared,
    folder: RunFolder(at: path))
  let changes = runner.configurationChanges()
  if !changes.isEmpty {
    guard acceptChanges else {
      throw RunFolderError.configurationEdited(path: path, changes: changes.map(\.description))
    }
    print("resuming with the edited config.yaml: \(changes.map(\.description).joined(separator: "; "))")
  }
  runner.resumes = true
  try withExtendedLifetime(lock) { _ = try runner.run() }
}

/// Trains the model in the checkpoint at `source` `steps` more steps into a new run folder (`rein train --continue`):
/// the checkpoint's configuration with `continue_from` and `continue_schedule` set, the step budget its steps plus
/// `steps`, the overrides applied; refuses a run folder that is, holds or lies in the checkpoint's run folder.
func continueExperiment(_ source: String, steps: Int, schedule: String, options: RunOptions) throws {
  guard ["extend", "restart"].contains(schedule) else {
    throw ValidationError("--schedule is '\(schedule)'; it must be extend or restart")
  }
  let sourcePath = URL(fileURLWithPath: source).standardizedFileURL.path
  guard FileManager.default.fileExists(atPath: sourcePath) else {
    throw ExperimentError.continueSourceUnreadable(path: source, reason: "there is no such file")
  }
  let checkpoint: Checkpoint
  do {
    checkpoint = try Checkpoint(contentsOf: sourcePath)
  } catch {
    throw ExperimentError.continueSourceUnreadable(path: source, reason: "\(error)")
  }
  var values = try AgentCheckpoint.configuration(of: checkpoint).values
  let trained = checkpoint.metadata["env_steps"]?.intValue ?? 0
  guard let seed = checkpoint.metadata["seed"]?.intValue else {
    throw ExperimentError.incompatibleCheckpoint("it does not give its seed")
  }
  guard trained <= Int(SettingsTable.maximumBudget) - steps else {
    throw ValidationError("--steps \(steps) on top of the checkpoint's \(trained) steps exceeds the largest budget")
  }
  let name = (values["name"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "run") + "-continued"
  values["name"] = .string(name)
  values["seeds"] = .list([.int(seed)])
  values["steps"] = .int(trained + steps)
  values["episodes"] = nil
  values["grid"] = nil
  values["continue_from"] = .string(sourcePath)
  values["continue_schedule"] = .string(schedule)
  var configuration = RunConfiguration(values)
  try options.apply(to: &configuration)
  let out = options.out ?? freshRunPath(name)
  try refuseWritingIntoSource(out: out, source: sourcePath)
  let text = { (key: String) in values[key].map { if case .string(let s) = $0 { s } else { "\($0)" } } ?? "?" }
  let line =
    "continuing \(source) (\(text("algorithm")) on \(text("env")), seed \(seed), \(trained) steps) for \(steps) "
    + "more steps, to \(trained + steps); schedules: \(schedule)"
    + (schedule == "extend" ? " (the default; --schedule restart starts them again)" : "")
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
  try runExperiment(configuration, grid: [], defaultName: name, out: out, overwrite: options.overwrite)
}

/// Throws when the run folder `out` is or contains the folder of the checkpoint at `source`, or lies inside its run
/// folder (the checkpoint's folder or one of the two above it, whichever holds a config.yaml): a continued run never
/// writes there, and `--overwrite` cannot remove the checkpoint.
func refuseWritingIntoSource(out: String, source: String) throws {
  let folder = URL(fileURLWithPath: source).deletingLastPathComponent()
  var candidates = [folder]
  candidates.append(candidates[0].deletingLastPathComponent())
  candidates.append(candidates[1].deletingLastPathComponent())
  let run = candidates.first {
    FileManager.default.fileExists(atPath: $0.appendingPathComponent(RunFolder.configurationFileName).path)
  }
  let protected = (run ?? folder).resolvingSymlinksInPath().path
  let own = folder.resolvingSymlinksInPath().path
  let target = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath().path
  let inside = run != nil && target.hasPrefix(protected + "/")
  guard target != protected, target != own, !own.hasPrefix(target + "/"), !inside else {
    throw ValidationError(
      "--out \(out) is, holds or lies inside the run folder of the checkpoint (\(protected)); a continued run writes "
        + "only to a new folder: give another --out")
  }
}

/// `runs/NAME`, or the first of `runs/NAME-2`, `runs/NAME-3`, ... that does not exist yet.
func freshRunPath(_ name: String) -> String {
  let base = "runs/" + name
  var path = base
  var n = 2
  while FileManager.default.fileExists(atPath: path) {
    path = "\(base)-\(n)"
    n += 1
  }
  return path
}

/// Turns library errors into the CLI's clean failure (message, exit code 1), never a crash trace.
func reportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as ValidationError {
    throw error
  } catch let error as CleanExit {
    throw error
  } catch let error as ExitCode {
    throw error
  } catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    throw ExitCode.failure
  }
}

// MARK: - rein train

/// `rein train ALGO ENV-ID`: train one algorithm on one environment with defaults and overrides.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train an algorithm on an environment (defaults are Stable-Baselines3's for a2c and ppo).",
    discussion: """
      Writes a run folder: config.yaml, summary.json, learning_curve.svg/.png, and per seed progress.csv, \
      progress.jsonl, TensorBoard events and checkpoint.safetensors.

      Examples:
        rein train ppo CartPole-v1 --steps 100000 --seeds 1,2,3
        rein train a2c CartPole-v1 --steps 200000 --envs 8 \\
          --set 'learning_rate=linear(7e-4,0)'
        rein train reinforce CartPole-v1 --episodes 1000 \\
          --set standardize_returns=true --set 'policy.hidden=[128]'
        rein train ppo Hopper-v5 --steps 1000000 \\
          --set checkpoint_every=50000 --set eval_every=20000
        # after an interruption, continue bit for bit:
        rein train --resume runs/ppo-hopper-v5
        # train a finished model 50000 more steps, into a new run folder:
        rein train --continue runs/ppo-cartpole-v1/seed-1/checkpoint.safetensors \\
          --steps 50000 --out runs/ppo-cartpole-more

      --continue CHECKPOINT --steps N trains the model in CHECKPOINT N more steps with the settings it was \
      trained with (--set may change some): weights, optimizer state, normalisation statistics, the counters \
      (steps, updates, episodes) and, when the checkpoint holds it (checkpoint.safetensors of environments that \
      can be saved, latest_checkpoint.safetensors), the environments' state carry on; otherwise the environments \
      start fresh episodes. The schedules (learning_rate, clip_range, ent_coef) follow --schedule: extend \
      (the default: their horizon becomes the old plus the new steps and their progress goes on from where it \
      was, as Stable-Baselines3's learn(reset_num_timesteps=False)) or restart (they start again over the N new \
      steps). Everything is written to the new run folder; the checkpoint's own folder is never written to.
      """
  )

  @Argument(
    help: ArgumentHelp(
      AlgorithmRegistry.shared.names.joined(separator: ", ")
        + " (`rein keys ALGO` lists its settings; not with --resume)."))
  var algorithm: String?

  @Argument(help: "An environment id (see `rein envs`; not with --resume).")
  var environment: String?

  @Option(help: "Environment steps per seed.")
  var steps: Int?

  @Option(help: "Episodes per seed.")
  var episodes: Int?

  @Option(help: "Environments per seed (a2c, ppo).")
  var envs: Int?

  @OptionGroup var options: ExperimentOptions

  @Option(
    name: .customLong("continue"),
    help: ArgumentHelp(
      "Train the model in this checkpoint --steps N more steps, into a new run folder (see below).",
      valueName: "CHECKPOINT"))
  var continueFrom: String?

  @Option(
    help: ArgumentHelp(
      "With --continue: extend (default) continues the schedules over old + new steps; restart starts them again over "
        + "the new steps.", valueName: "extend|restart"))
  var schedule: String?

  func run() throws {
    try reportingErrors {
      if let run = options.resume {
        try options.validateResume([
          "ALGO": algorithm != nil, "ENV-ID": environment != nil, "--steps": steps != nil,
          "--episodes": episodes != nil, "--envs": envs != nil, "--continue": continueFrom != nil,
          "--schedule": schedule != nil,
        ])
        return try resumeExperiment(run, acceptChanges: options.acceptConfigChanges)
      }
      if let continueFrom {
        try options.validateFresh()
        let conflicting = [
          "ALGO": algorithm != nil, "ENV-ID": environment != nil, "--episodes": episodes != nil,
          "--envs": envs != nil, "--seeds": options.run.seeds != nil, "--grid": !options.run.grid.isEmpty,
          "--help-keys": options.helpKeys,
        ].filter(\.value).map(\.key).sorted()
        guard conflicting.isEmpty else {
          throw ValidationError(
            "--continue trains the checkpoint's model with the settings it was trained with; drop "
              + conflicting.joined(separator: ", "))
        }
        guard let steps else {
          throw ValidationError("--continue needs --steps N: how many more environment steps to train")
        }
        guard steps > 0 else { throw ValidationError("--steps with --continue must be positive (it is \(steps))") }
        return try continueExperiment(
          continueFrom, steps: steps, schedule: schedule ?? "extend", options: options.run)
      }
      guard schedule == nil else { throw ValidationError("--schedule goes with --continue CHECKPOINT") }
      if options.helpKeys { return try printSettings(of: algorithm) }
      try options.validateFresh()
      guard let algorithm, let environment else {
        throw ValidationError("give an algorithm and an environment id, e.g. `rein train ppo CartPole-v1`")
      }
      let definition = try AlgorithmRegistry.shared.definition(named: algorithm)
      var configuration = RunConfiguration()
      configuration.set("algorithm", .string(algorithm))
      configuration.set("env", .string(environment))
      configuration.set("name", .string("\(algorithm)-\(environment.lowercased())"))
      if let steps { configuration.set("steps", .int(steps)) }
      if let episodes { configuration.set("episodes", .int(episodes)) }
      if steps == nil && episodes == nil {
        switch definition.defaultBudget {
        case .episodes(let count): configuration.set("episodes", .int(count))
        case .steps(let count): configuration.set("steps", .int(count))
        }
      }
      if let envs { configuration.set("n_envs", .int(envs)) }
      try options.run.apply(to: &configuration)
      try runExperiment(
        configuration, grid: options.run.grid, defaultName: "\(algorithm)-\(environment.lowercased())",
        out: options.run.out,
        overwrite: options.run.overwrite)
    }
  }
}

// MARK: - rein run

/// `rein run PRESET`: run a preset file (a workflow).
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a preset: a YAML file of settings (`rein presets` lists the built-in ones).",
    discussion: """
      PRESET is a path to a .yaml file or the name of a built-in preset. Presets are plain files: copy one, \
      edit it, and run your copy.

      Examples:
        rein run reinforce-cartpole
        rein run ppo-cartpole --seeds 1,2,3,4,5 --set n_envs=8
        rein run ./my-experiment.yaml --out runs/try-1
        rein run --resume runs/ppo-cartpole
        rein run sweep-ppo-lunarlander --list-cells
        # one cell of the sweep; `rein collect runs/sweep` reports on all of them:
        rein run sweep-ppo-lunarlander --cell 7 --out runs/sweep
      """
  )

  @Argument(help: "A preset name or the path of a preset file (not with --resume).")
  var preset: String?

  @OptionGroup var options: ExperimentOptions

  @Flag(help: "Print the experiment's cells (index, setting, seed, folder) and exit.")
  var listCells = false

  @Option(
    help: ArgumentHelp(
      "Train only this cell (see --list-cells) into the run folder --out, beside other cells; it resumes from its "
        + "checkpoint when it has one, and on SIGTERM writes one at its next update and exits with 75.",
      valueName: "I"))
  var cell: Int?

  func run() throws {
    try reportingErrors {
      if let run = options.resume {
        try options.validateResume(["PRESET": preset != nil])
        return try resumeExperiment(run, acceptChanges: options.acceptConfigChanges)
      }
      try options.validateFresh()
      guard let preset else { throw ValidationError("give a preset name or file, e.g. `rein run ppo-cartpole`") }
      let path = try PresetLibrary.locate(preset)
      var configuration = try RunConfiguration(contentsOfFile: path)
      if options.helpKeys { return try printSettings(of: configuration.string("algorithm")) }
      try options.run.apply(to: &configuration)
      let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
      if configuration.values["name"] == nil { configuration.set("name", .string(name)) }
      if listCells || cell != nil {
        guard !options.run.overwrite else {
          throw ValidationError("--overwrite does not go with --cell or --list-cells")
        }
        return try runCellCommand(
          configuration, grid: options.run.grid + configuration.gridOptions(), defaultName: name, out: options.run.out,
          cell: listCells ? nil : cell)
      }
      try runExperiment(
        configuration, grid: options.run.grid + configuration.gridOptions(), defaultName: name, out: options.run.out,
        overwrite: options.run.overwrite)
    }
  }
}

// MARK: - rein presets and rein keys

/// `rein presets`: the built-in presets.
struct PresetsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "presets", abstract: "List the built-in presets (the workflows) and where they are.")

  func run() throws {
    try reportingErrors {
      guard let directory = PresetLibrary.builtInDirectory() else {
        throw ExperimentError.presetNotFound(name: "*", searched: PresetLibrary.searchDirectories())
      }
      print("presets in \(directory):")
      for name in PresetLibrary.names(in: directory) {
        let configuration = try RunConfiguration(contentsOfFile: directory + "/" + name + ".yaml")
        print("  \(name.padding(toLength: 30, withPad: " ", startingAt: 0)) \(try presetSummary(configuration))")
      }
    }
  }
}

/// One line about a preset: its algorithm and environment, and for a sweep what it varies and how many runs it
/// makes ("reinforce on CartPole-v1, baseline in false, true: 2 settings x 5 seeds = 10 runs").
func presetSummary(_ configuration: RunConfiguration) throws -> String {
  var summary = [
    (try? configuration.string("algorithm")) ?? "?", (try? configuration.string("env")) ?? "?",
  ].joined(separator: " on ")
  let options = try configuration.gridOptions()
  let seeds: Int
  if case .list(let list)? = configuration.values["seeds"] { seeds = list.count } else { seeds = 1 }
  if !options.isEmpty {
    let grid = try ParameterGrid(options)
    let axes = options.map { option -> String in
      let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
      return parts.count == 2 ? "\(parts[0]) in \(parts[1].replacingOccurrences(of: ",", with: ", "))" : option
    }
    let settings = grid.settings.count
    summary +=
      ", sweeping \(axes.joined(separator: "; ")): \(settings) settings x \(seeds) seeds = \(settings * seeds) runs"
  } else if seeds > 1 {
    summary += ", \(seeds) seeds"
  }
  return summary
}

/// `rein keys`: every setting a preset or `--set` may use.
struct KeysCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "keys",
    abstract: "List every setting a preset or --set may use: meaning, type, range, default, algorithms using it.")

  @Argument(
    help: ArgumentHelp(
      "Only the settings this algorithm reads (\(AlgorithmRegistry.shared.names.joined(separator: ", ")))."))
  var algorithm: String?

  @Flag(help: "Print the README's Markdown tables instead.")
  var markdown = false

  func run() throws {
    try reportingErrors {
      if markdown { return print(SettingsTable.markdown(), terminator: "") }
      try printSettings(of: algorithm)
    }
  }
}

// MARK: - rein eval

/// `rein eval CHECKPOINT`: evaluate a saved policy.
struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval", abstract: "Evaluate a checkpoint written by `rein train` or `rein run` on its environment.",
    discussion: """
      Examples:
        rein eval runs/ppo-cartpole/seed-1/checkpoint.safetensors --episodes 10
        rein eval runs/ppo-cartpole/seed-1/checkpoint.safetensors --episodes 100 --stochastic --seed 7
      """)

  @Argument(help: "A checkpoint.safetensors file.")
  var checkpoint: String

  @Option(help: "Episodes to play.")
  var episodes: Int = 10

  @Flag(name: .customLong("stochastic"), help: "Sample actions instead of taking the distribution's mode.")
  var stochastic = false

  @Option(help: "Seed of the first reset and of action sampling.")
  var seed: UInt64 = 0

  @Option(help: "The MuJoCo model file to use instead of the one next to the checkpoint (env_kwargs.xml_file).")
  var xmlFile: String?

  func run() throws {
    try reportingErrors {
      registerBuiltinEnvironments()
      let file = try Checkpoint(contentsOf: checkpoint)
      let id = try AgentCheckpoint.environmentID(of: file)
      let environment = try makeEnvironment(
        id, arguments: AgentCheckpoint.environmentArguments(of: file, at: checkpoint, modelFile: xmlFile))
      let policy = try AgentCheckpoint.loadPolicy(file, for: environment)
      var generator = RandomGenerator(seed: seed)
      let result = try evaluate(
        policy, on: AgentCheckpoint.evaluationEnvironment(environment, for: file), episodes: episodes,
        deterministic: !stochastic, seed: seed, generator: &generator)
      print(
        String(
          format: "%@: %d %@ episodes, mean return %.2f ± %.2f (min %.2f, max %.2f), mean length %.1f", id, episodes,
          stochastic ? "stochastic" : "deterministic", result.mean, result.standardDeviation,
          result.returns.min() ?? .nan, result.returns.max() ?? .nan,
          Double(result.lengths.reduce(0, +)) / Double(max(result.lengths.count, 1))))
    }
  }
}

// MARK: - Finding presets

/// Where built-in presets are found: `$REIN_PRESETS`, `./presets`, or a `presets` folder above the executable
/// (the package checkout it was built in).
enum PresetLibrary {
  static func searchDirectories() -> [String] {
    var directories: [String] = []
    if let custom = ProcessInfo.processInfo.environment["REIN_PRESETS"] { directories.append(custom) }
    directories.append(FileManager.default.currentDirectoryPath + "/presets")
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
      directories.append(url.appendingPathComponent("presets").path)
      url = url.deletingLastPathComponent()
    }
    return directories
  }

  static func builtInDirectory() -> String? {
    searchDirectories().first { !names(in: $0).isEmpty }
  }

  static func names(in directory: String) -> [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
  }

  /// The path of a preset given by path or by name.
  static func locate(_ preset: String) throws -> String {
    if preset.hasSuffix(".yaml") || preset.hasSuffix(".yml") || preset.contains("/") {
      guard FileManager.default.fileExists(atPath: preset) else {
        throw ExperimentError.presetNotFound(name: preset, searched: [preset])
      }
      return preset
    }
    let directories = searchDirectories()
    for directory in directories where FileManager.default.fileExists(atPath: directory + "/" + preset + ".yaml") {
      return directory + "/" + preset + ".yaml"
    }
    throw ExperimentError.presetNotFound(name: preset, searched: directories)
  }
}
