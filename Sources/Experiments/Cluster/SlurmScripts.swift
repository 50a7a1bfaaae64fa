import Foundation

// MARK: - SLURM job arrays
//
// `rein submit PRESET --slurm` writes two batch scripts into RUN/slurm/: array.sbatch, one array task per cell
// (task I runs `rein run RUN/config.yaml --cell I --out RUN`), and collect.sbatch, which runs `rein collect RUN`
// once every task has ended (submitted with --dependency=afterany:ARRAY). The run folder must be on a filesystem
// every node sees at the same path. On SIGTERM (--signal=B:TERM@120 before the time limit, a preemption, scancel
// --signal=TERM) the script passes the signal on to the cell, which writes its checkpoint at its next update and
// exits with 75; the script then requeues its task (`scontrol requeue`), which resumes from that checkpoint.

/// The settings of the batch scripts `rein submit --slurm` writes.
public struct SlurmOptions: Sendable, Equatable {
  /// `--partition`.
  public var partition: String?
  /// `--time` (a task's time limit, such as `2:00:00`).
  public var time: String?
  /// `--cpus-per-task` (a cell trains one seed; 1 unless its environments run on threads).
  public var cpusPerTask: Int = 1
  /// `--mem` (such as `2G`).
  public var memory: String?
  /// At most this many tasks at once (`%K` on `--array`).
  public var maxParallel: Int?
  /// `--account`.
  public var account: String?
  /// `--qos`.
  public var qos: String?
  /// Further `#SBATCH` lines, as given (`--extra '--constraint=avx2'`; a leading `#SBATCH` is optional).
  public var extra: [String] = []

  /// Options with SLURM's defaults (one CPU per task).
  public init() {}
}

/// The batch scripts of a run folder's SLURM job array.
public struct SlurmScripts: Sendable {
  /// The run folder, an absolute path.
  public var run: String
  /// The experiment's name (the jobs' names).
  public var name: String
  /// The `rein` executable, an absolute path.
  public var rein: String
  /// The environment variables the tasks need (the MuJoCo library's folder, the library path), in order.
  public var environment: [(key: String, value: String)]
  /// The options of the `#SBATCH` lines.
  public var options: SlurmOptions
  /// A template with `{{SBATCH}}`, `{{SETUP}}` and `{{COMMAND}}` where those parts go (nil: the default).
  public var template: String?

  /// The default template: the `#SBATCH` lines, the set-up (variables) and the command.
  public static let defaultTemplate = """
    #!/bin/bash
    {{SBATCH}}

    {{SETUP}}

    {{COMMAND}}

    """

  /// Scripts for `run` (absolute) with `rein` (absolute).
  ///
  /// - Parameters:
  ///   - run: The run folder.
  ///   - name: The experiment's name.
  ///   - rein: The executable the tasks run.
  ///   - environment: Variables to export before running it.
  ///   - options: The `#SBATCH` settings.
  ///   - template: A template with `{{SBATCH}}`, `{{SETUP}}` and `{{COMMAND}}`, or nil.
  public init(
    run: String, name: String, rein: String, environment: [(key: String, value: String)], options: SlurmOptions,
    template: String? = nil
  ) {
    self.run = run
    self.name = name
    self.rein = rein
    self.environment = environment
    self.options = options
    self.template = template
  }

  /// The folder of the scripts and the tasks' logs.
  public var folder: String { run + "/slurm" }

  /// The log of cell `index` (every attempt appended).
  ///
  /// - Parameter index: The cell's index in the run's plan.
  /// - Returns: The file name inside ``folder``, `cell-INDEX.out`.
  public static func logName(cell index: Int) -> String { "cell-\(index).out" }

  /// `--array`'s value for `indices`: ranges where consecutive (`0-80`, `3,7-9`), then `%K`.
  ///
  /// - Parameters:
  ///   - indices: The cells to run, in any order (duplicates are not expected).
  ///   - maxParallel: How many of them SLURM may run at once (`%K`), or nil for no limit.
  /// - Returns: The specification, e.g. `0-3,7%2`.
  public static func arraySpecification(_ indices: [Int], maxParallel: Int?) -> String {
    var parts: [String] = []
    var start: Int?
    var previous = 0
    for index in indices.sorted() {
      if start != nil, index == previous + 1 {
        previous = index
        continue
      }
      if let first = start { parts.append(first == previous ? "\(first)" : "\(first)-\(previous)") }
      start = index
      previous = index
    }
    if let first = start { parts.append(first == previous ? "\(first)" : "\(first)-\(previous)") }
    return parts.joined(separator: ",") + (maxParallel.map { "%\($0)" } ?? "")
  }

  /// Throws unless `template` holds `{{COMMAND}}` (without it the tasks would run nothing).
  ///
  /// - Parameters:
  ///   - template: The batch script template's text.
  ///   - path: Where the template was read from, named in the error.
  /// - Throws: ``ExperimentError/invalidSetting(key:value:expected:)`` for `--template` when it lacks `{{COMMAND}}`.
  public static func checkTemplate(_ template: String, path: String) throws {
    guard template.contains("{{COMMAND}}") else {
      throw ExperimentError.invalidSetting(
        key: "--template", value: path,
        expected: "a batch script with {{COMMAND}} where the task's command goes (and {{SBATCH}}, {{SETUP}})")
    }
  }

  /// The array script for the cells `indices`.
  ///
  /// - Parameter indices: The cells the array's tasks run (one task per cell, the task id being the cell index).
  /// - Returns: The text of the `sbatch` script.
  public func arrayScript(cells indices: [Int]) -> String {
    var lines = sbatchLines(jobName: "rein-\(name)")
    lines.insert("#SBATCH --array=\(Self.arraySpecification(indices, maxParallel: options.maxParallel))", at: 1)
    lines += [
      "#SBATCH --output=\(folder)/cell-%a.out", "#SBATCH --open-mode=append", "#SBATCH --signal=B:TERM@120",
      "#SBATCH --requeue",
    ]
    let command = """
      # One cell per task; the run folder's config.yaml is the resolved configuration.
      cell="${SLURM_ARRAY_TASK_ID:?this script runs as a SLURM array task}"
      task="${SLURM_ARRAY_JOB_ID}_${cell}"
      echo "rein: cell $cell, task $task on $(hostname), start $(date -u +%FT%TZ), restart ${SLURM_RESTART_COUNT:-0}"
      # REIN_WRAPPER runs rein inside something, e.g. REIN_WRAPPER="apptainer exec rein.sif" (set it above).
      ${REIN_WRAPPER:-} "$REIN" run "$RUN/config.yaml" --cell "$cell" --out "$RUN" &
      pid=$!
      # SIGTERM reaches this shell (--signal=B:TERM, preemption, scancel --signal=TERM): pass it to the cell, which
      # writes its checkpoint at its next update and exits with 75.
      trap 'kill -TERM "$pid" 2>/dev/null' TERM
      while :; do
        wait "$pid"
        status=$?
        kill -0 "$pid" 2>/dev/null || break
      done
      if [ "$status" -eq 75 ]; then
        echo "rein: cell $cell was interrupted and saved its checkpoint; requeueing task $task"
        scontrol requeue "$task" && exit 0
        echo "rein: scontrol requeue $task failed; resubmit with: rein submit $RUN --only-failed --slurm"
      fi
      exit "$status"
      """
    return fill(sbatch: lines, command: command)
  }

  /// The collect script: `rein collect RUN`, after every task of the array has ended.
  public func collectScript() -> String {
    var lines = sbatchLines(jobName: "rein-\(name)-collect")
    lines += ["#SBATCH --output=\(folder)/collect.out", "#SBATCH --open-mode=append"]
    let command = """
      echo "rein: collect, job ${SLURM_JOB_ID} on $(hostname), start $(date -u +%FT%TZ)"
      ${REIN_WRAPPER:-} "$REIN" collect "$RUN"
      """
    return fill(sbatch: lines, command: command)
  }

  private func sbatchLines(jobName: String) -> [String] {
    var lines = ["#SBATCH --job-name=\(jobName)"]
    if let partition = options.partition { lines.append("#SBATCH --partition=\(partition)") }
    if let time = options.time { lines.append("#SBATCH --time=\(time)") }
    lines.append("#SBATCH --cpus-per-task=\(options.cpusPerTask)")
    if let memory = options.memory { lines.append("#SBATCH --mem=\(memory)") }
    if let account = options.account { lines.append("#SBATCH --account=\(account)") }
    if let qos = options.qos { lines.append("#SBATCH --qos=\(qos)") }
    for line in options.extra {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      lines.append(trimmed.hasPrefix("#SBATCH") ? trimmed : "#SBATCH " + trimmed)
    }
    return lines
  }

  private func fill(sbatch: [String], command: String) -> String {
    var setup = ["RUN=\(Self.quoted(run))", "REIN=\(Self.quoted(rein))"]
    for (key, value) in environment { setup.append("export \(key)=\(Self.quoted(value))") }
    return (template ?? Self.defaultTemplate)
      .replacingOccurrences(of: "{{SBATCH}}", with: sbatch.joined(separator: "\n"))
      .replacingOccurrences(of: "{{SETUP}}", with: setup.joined(separator: "\n"))
      .replacingOccurrences(of: "{{COMMAND}}", with: command)
  }

  /// `text` in single quotes for the shell.
  static func quoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
