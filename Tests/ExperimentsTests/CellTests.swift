import Foundation
import Rein
import XCTest

@testable import Experiments

#if canImport(Glibc)
  import Glibc
#endif

/// Experiments cell by cell (issue 15): cells trained one at a time, in any order, each by a runner of its own (as
/// separate processes on a cluster would), then collected, leave what a whole run leaves, bit for bit (timings
/// aside); a cell stopped by SIGTERM writes its checkpoint, exits with 75 and resumes to the same bytes; the SLURM
/// batch scripts hold what the tasks need. The real SLURM is `scripts/test-slurm.sh`.
final class CellTests: XCTestCase {
  private var registry: EnvironmentRegistry!
  private var root: String!

  /// A sweep of 2 settings x 2 seeds, small enough for a second or two.
  private let yaml = """
    name: cells
    algorithm: ppo
    env: CartPole-v1
    seeds: [1, 2]
    n_envs: 2
    n_steps: 64
    batch_size: 64
    n_epochs: 2
    steps: 1536
    eval_episodes: 2
    learning_rate: linear(1e-3, 0)
    policy.hidden: [16]
    progress: none
    """
  private let grid = ["n_epochs=2,4"]

  override func setUpWithError() throws {
    registry = EnvironmentRegistry()
    registerBuiltinEnvironments(in: registry)
    root = NSTemporaryDirectory() + "rein-cells-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  }

  override func tearDown() {
    try? FileManager.default.removeItem(atPath: root)
  }

  // MARK: - Helpers

  private func runner(_ name: String) throws -> ExperimentRunner {
    try ExperimentRunner(
      configuration: RunConfiguration(yaml: yaml), grid: ParameterGrid(grid), registry: registry,
      folder: RunFolder(creatingAt: root + "/" + name), write: { _ in })
  }

  private let cellFolders = ["n_epochs=2/seed-1", "n_epochs=2/seed-2", "n_epochs=4/seed-1", "n_epochs=4/seed-2"]

  /// progress.csv without the clock columns.
  private func curve(_ path: String) throws -> [[String]] {
    let table = try CSVLogger.readTable(path: path + "/progress.csv")
    let kept = table.columns.indices.filter {
      !["wall_time", "time/fps", "time/time_elapsed"].contains(table.columns[$0])
    }
    return [kept.map { table.columns[$0] }] + table.rows.map { row in kept.map { $0 < row.count ? row[$0] : "" } }
  }

  private func tensors(_ path: String) throws -> [String: StoredTensor] {
    try Checkpoint(contentsOf: path + "/checkpoint.safetensors").tensors
  }

  /// summary.json without wall times and speeds.
  private func summary(_ name: String) throws -> JSONValue {
    let data = try XCTUnwrap(FileManager.default.contents(atPath: root + "/\(name)/summary.json"))
    guard case .object(var json) = try JSONValue(parsing: data) else { throw CocoaError(.fileReadCorruptFile) }
    if case .array(let runs)? = json["runs"] {
      json["runs"] = .array(
        runs.map { run in
          var fields = run.objectValue ?? [:]
          fields["wall_s"] = nil
          fields["steps_per_s"] = nil
          return .object(fields)
        })
    }
    if case .object(var aggregate)? = json["aggregate"] {
      for (key, value) in aggregate {
        var fields = value.objectValue ?? [:]
        fields["steps_per_s"] = nil
        aggregate[key] = .object(fields)
      }
      json["aggregate"] = .object(aggregate)
    }
    return .object(json)
  }

  private func assertSameAsWhole(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
    for cell in cellFolders {
      let a = root + "/whole/" + cell
      let b = root + "/\(name)/" + cell
      XCTAssertEqual(try curve(a), try curve(b), cell, file: file, line: line)
      XCTAssertEqual(try tensors(a), try tensors(b), cell, file: file, line: line)
    }
    XCTAssertEqual(try summary("whole"), try summary(name), file: file, line: line)
  }

  // MARK: - Cells

  func testTheCellsListSettingsTimesSeedsWithTheirFolders() throws {
    let runner = try runner("list")
    XCTAssertEqual(runner.cells.count, 4)
    XCTAssertEqual(
      runner.cellListing,
      [
        "0\tn_epochs=2\t1\tn_epochs=2/seed-1", "1\tn_epochs=2\t2\tn_epochs=2/seed-2",
        "2\tn_epochs=4\t1\tn_epochs=4/seed-1", "3\tn_epochs=4\t2\tn_epochs=4/seed-2",
      ])
    XCTAssertThrowsError(try runner.runCell(4)) { error in
      XCTAssertTrue("\(error)".contains("from 0 to 3"), "\(error)")
    }
  }

  func testCellsRunSeparatelyInAnyOrderThenCollectedEqualAWholeRun() throws {
    try runner("whole").run()
    // Each cell by a runner of its own (a process of its own on a cluster), out of order; collect in between
    // reports what finished so far.
    for (step, index) in [3, 0, 2, 1].enumerated() {
      let runner = try runner("cells")
      try runner.runCell(index)
      let states = runner.cellStates()
      XCTAssertEqual(states.filter { $0 == .done }.count, step + 1)
      XCTAssertNotNil(try runner.collect())
      XCTAssertEqual(try runner.collect()?.entries.count, step + 1)
    }
    let entries = try runner("cells").collect()?.entries.map { "\($0.setting) \($0.seed.seed)" }
    XCTAssertEqual(entries, ["n_epochs=2 1", "n_epochs=2 2", "n_epochs=4 1", "n_epochs=4 2"], "in cell order")
    try assertSameAsWhole("cells")
    XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/cells/results.md"))
    // A finished cell run again is left alone.
    let again = try runner("cells")
    let before = try curve(root + "/cells/n_epochs=2/seed-1")
    try again.runCell(0)
    XCTAssertEqual(try curve(root + "/cells/n_epochs=2/seed-1"), before)
  }

  func testACellStoppedOnRequestResumesBitIdentically() throws {
    try runner("whole").run()
    let calls = Counter()
    let stopped = try runner("stopped")
    stopped.stopRequested = { calls.next() >= 5 }
    XCTAssertThrowsError(try stopped.runCell(2)) { error in
      guard case ExperimentError.interrupted? = error as? ExperimentError else {
        return XCTFail("expected an interruption, got \(error)")
      }
    }
    let cell = root + "/stopped/n_epochs=4/seed-1"
    XCTAssertTrue(FileManager.default.fileExists(atPath: cell + "/latest_checkpoint.safetensors"))
    XCTAssertFalse(FileManager.default.fileExists(atPath: cell + "/checkpoint.safetensors"))
    // 5 updates of 2 environments x 64 steps.
    XCTAssertEqual(stopped.cellStates()[2], .pending(checkpoint: 640))
    for index in [0, 1, 3] { try runner("stopped").runCell(index) }
    try runner("stopped").runCell(2)
    XCTAssertNotNil(try runner("stopped").collect())
    try assertSameAsWhole("stopped")
  }

  func testCellsShareTheRunFolderButNotTheirOwnFoldersAndFailuresAreKept() throws {
    let runner = try runner("locks")
    // A cell being written (its folder's lock held) shows as running, and a second writer of it is refused.
    let folder = try runner.folder.seedFolder(seed: 1, setting: "n_epochs=2")
    do {
      let held = try RunFolderLock(folder: folder.path)
      XCTAssertTrue("\(runner.cellStates()[0])".hasPrefix("running (pid \(getpid())"), "\(runner.cellStates()[0])")
      XCTAssertThrowsError(try runner.runCell(0)) { error in
        guard case RunFolderError.locked? = error as? RunFolderError else { return XCTFail("\(error)") }
      }
      withExtendedLifetime(held) {}
    }
    // A whole run holding the run folder excludes cells; cells exclude a whole run.
    do {
      let whole = try RunFolderLock(folder: runner.folder.path)
      XCTAssertThrowsError(try runner.runCell(1))
      withExtendedLifetime(whole) {}
    }
    let shared = try RunFolderLock(folder: runner.folder.path, shared: true)
    XCTAssertNoThrow(try RunFolderLock(folder: runner.folder.path, shared: true))
    XCTAssertThrowsError(try RunFolder.claim(runner.folder.path, reuse: .resume))
    withExtendedLifetime(shared) {}
    // A cell that fails says why, and the next attempt clears it.
    // (Its progress file cannot be written: a folder is in its place.)
    let bad = try self.runner("bad")
    let progress = root + "/bad/n_epochs=2/seed-1/progress.csv"
    try FileManager.default.createDirectory(atPath: progress, withIntermediateDirectories: true)
    XCTAssertThrowsError(try bad.runCell(0))
    guard case .failed(let reason) = bad.cellStates()[0] else { return XCTFail("\(bad.cellStates()[0])") }
    XCTAssertTrue(reason.contains("progress.csv"), reason)
    XCTAssertEqual(bad.cellStates()[1], .pending(checkpoint: nil))
    try FileManager.default.removeItem(atPath: progress)
    try bad.runCell(0)
    XCTAssertEqual(bad.cellStates()[0], .done)
  }

  // MARK: - SIGTERM through the command line

  func testSIGTERMMakesACellCheckpointExitWith75AndResumeToTheSameBytes() throws {
    let rein = try ReinExecutable.required()
    let preset = root + "/cells.yaml"
    try (yaml.replacingOccurrences(of: "steps: 1536", with: "steps: 60000") + "\ngrid: [\"n_epochs=2,4\"]\n")
      .write(toFile: preset, atomically: true, encoding: .utf8)
    func cell(_ out: String, signalAfterRows: Int?) throws -> Int32 {
      let child = Process()
      child.executableURL = URL(fileURLWithPath: rein)
      child.arguments = ["run", preset, "--cell", "1", "--out", root + "/" + out]
      child.standardOutput = FileHandle.nullDevice
      child.standardError = FileHandle.nullDevice
      try child.run()
      if let rows = signalAfterRows {
        let progress = root + "/\(out)/n_epochs=2/seed-2/progress.csv"
        let deadline = Date().addingTimeInterval(60)
        while child.isRunning && Date() < deadline {
          let lines = (try? String(contentsOfFile: progress, encoding: .utf8))?.split(separator: "\n").count ?? 0
          if lines > rows { break }
          usleep(2000)
        }
        XCTAssertTrue(child.isRunning, "the cell was still training when signalled")
        kill(child.processIdentifier, SIGTERM)
      }
      child.waitUntilExit()
      return child.terminationStatus
    }
    XCTAssertEqual(try cell("whole", signalAfterRows: nil), 0)
    XCTAssertEqual(try cell("signalled", signalAfterRows: 5), 75)
    let folder = root + "/signalled/n_epochs=2/seed-2"
    XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/latest_checkpoint.safetensors"))
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/seed_summary.json"))
    XCTAssertEqual(try cell("signalled", signalAfterRows: nil), 0)
    XCTAssertEqual(try curve(root + "/whole/n_epochs=2/seed-2"), try curve(folder))
    XCTAssertEqual(try tensors(root + "/whole/n_epochs=2/seed-2"), try tensors(folder))
  }

  // MARK: - SLURM scripts

  func testTheArraySpecificationJoinsRangesAndLimitsParallelTasks() {
    XCTAssertEqual(SlurmScripts.arraySpecification([0, 1, 2, 3], maxParallel: 2), "0-3%2")
    XCTAssertEqual(SlurmScripts.arraySpecification(Array(0..<81), maxParallel: nil), "0-80")
    XCTAssertEqual(SlurmScripts.arraySpecification([9, 1, 3, 4, 5], maxParallel: 4), "1,3-5,9%4")
    XCTAssertEqual(SlurmScripts.arraySpecification([7], maxParallel: nil), "7")
  }

  func testTheBatchScriptsRunEachCellOnTheResolvedConfigurationAndRequeueOnSIGTERM() throws {
    var options = SlurmOptions()
    options.partition = "cpu"
    options.time = "2:00:00"
    options.memory = "2G"
    options.maxParallel = 20
    options.account = "lab"
    options.qos = "normal"
    options.extra = ["--constraint=avx2", "#SBATCH --exclusive"]
    let scripts = SlurmScripts(
      run: "/scratch/runs/sweep", name: "sweep", rein: "/opt/rein/bin/rein",
      environment: [("REIN_MUJOCO_DIR", "/opt/rein/.mujoco/lib"), ("LD_LIBRARY_PATH", "/opt/rein/.mujoco/lib")],
      options: options)
    let array = scripts.arrayScript(cells: Array(0..<81))
    for line in [
      "#!/bin/bash", "#SBATCH --array=0-80%20", "#SBATCH --signal=B:TERM@120", "#SBATCH --requeue",
      "#SBATCH --partition=cpu", "#SBATCH --time=2:00:00", "#SBATCH --mem=2G", "#SBATCH --account=lab",
      "#SBATCH --qos=normal", "#SBATCH --constraint=avx2", "#SBATCH --exclusive", "#SBATCH --cpus-per-task=1",
      "#SBATCH --output=/scratch/runs/sweep/slurm/cell-%a.out", "#SBATCH --open-mode=append",
      "RUN='/scratch/runs/sweep'", "REIN='/opt/rein/bin/rein'", "export REIN_MUJOCO_DIR='/opt/rein/.mujoco/lib'",
      "${REIN_WRAPPER:-} \"$REIN\" run \"$RUN/config.yaml\" --cell \"$cell\" --out \"$RUN\" &",
      "trap 'kill -TERM \"$pid\" 2>/dev/null' TERM", "scontrol requeue \"$task\" && exit 0",
    ] {
      XCTAssertTrue(array.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == line }, line)
    }
    let collect = scripts.collectScript()
    XCTAssertTrue(collect.contains("\"$REIN\" collect \"$RUN\""))
    XCTAssertFalse(collect.contains("--array"))
    // A template places the parts; one without {{COMMAND}} is refused.
    var templated = scripts
    templated.template =
      "#!/bin/bash\n{{SBATCH}}\nmodule load gcc\n{{SETUP}}\nREIN_WRAPPER=\"apptainer exec r.sif\"\n{{COMMAND}}\n"
    let text = templated.arrayScript(cells: [0, 1])
    XCTAssertTrue(text.contains("module load gcc\nRUN='/scratch/runs/sweep'"))
    XCTAssertTrue(text.contains("#SBATCH --array=0-1%20"))
    XCTAssertThrowsError(try SlurmScripts.checkTemplate("#!/bin/bash\n{{SBATCH}}\n", path: "t.sh"))
  }

  func testSubmitWritesTheScriptsAndTheResolvedConfigurationOnADryRun() throws {
    let outcome = try ReinExecutable.run(
      [
        "submit", "ppo-cartpole-fast", "--slurm", "--dry-run", "--seeds", "1,2,3", "--grid", "n_epochs=5,10",
        "--out", "run", "--max-parallel", "4",
      ], in: root)
    XCTAssertEqual(outcome.status, 0, outcome.output)
    let array = try String(contentsOfFile: root + "/run/slurm/array.sbatch", encoding: .utf8)
    XCTAssertTrue(array.contains("#SBATCH --array=0-5%4"), array)
    XCTAssertTrue(outcome.output.contains("dry run; submit with:"), outcome.output)
    let configuration = try RunConfiguration(contentsOfFile: root + "/run/config.yaml")
    XCTAssertEqual(try configuration.gridOptions(), ["n_epochs=5,10"])
    let list = try ReinExecutable.run(["run", root + "/run/config.yaml", "--list-cells"], in: root)
    XCTAssertEqual(list.output.split(separator: "\n").count, 7, list.output)
    let status = try ReinExecutable.run(["status", root + "/run"], in: root)
    XCTAssertTrue(status.output.hasPrefix("6 cells: 0 done, 0 running, 6 pending, 0 failed"), status.output)
    let collect = try ReinExecutable.run(["collect", root + "/run"], in: root)
    XCTAssertEqual(collect.status, 64, collect.output)
    XCTAssertTrue(collect.output.contains("no cell of"), collect.output)
    let again = try ReinExecutable.run(["submit", root + "/run", "--slurm", "--only-failed", "--dry-run"], in: root)
    XCTAssertTrue(again.output.contains("no cell of") && again.output.contains("has failed"), again.output)

    // Cells 1 and 4 (n_epochs=5 seed 2, n_epochs=10 seed 2) failed: only they are submitted again.
    for folder in ["n_epochs=5/seed-2", "n_epochs=10/seed-2"] {
      try FileManager.default.createDirectory(atPath: root + "/run/" + folder, withIntermediateDirectories: true)
      try "training failed: out of memory\n".write(
        toFile: root + "/run/" + folder + "/" + ExperimentRunner.cellErrorFileName, atomically: true, encoding: .utf8)
    }
    let failedStatus = try ReinExecutable.run(["status", root + "/run"], in: root)
    XCTAssertTrue(failedStatus.output.hasPrefix("6 cells: 0 done, 0 running, 4 pending, 2 failed"), failedStatus.output)
    let resubmit = try ReinExecutable.run(["submit", root + "/run", "--slurm", "--only-failed", "--dry-run"], in: root)
    XCTAssertEqual(resubmit.status, 0, resubmit.output)
    let retried = try String(contentsOfFile: root + "/run/slurm/array.sbatch", encoding: .utf8)
    XCTAssertTrue(retried.contains("#SBATCH --array=1,4"), retried)
  }
}

/// A thread-safe call counter.
private final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0

  func next() -> Int {
    lock.withLock {
      count += 1
      return count
    }
  }
}
