import Foundation
import Rein
import XCTest

@testable import Experiments

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 17 items 7, 11-15: one writer per run folder, no silent overwrite, no edited configuration resumed
/// silently, no file outside its folder, no stale temporaries, a previous checkpoint to fall back to, log lines whole,
/// nothing written for an invalid configuration, and clear messages for paths that are not checkpoint files.
final class RunFolderSafetyTests: RunFolderTestCase {
  override class var rootPrefix: String { "rein-safety" }

  private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

  private static let periodicYAML = periodicPPOYAML(steps: 256)

  final class LineBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
  }

  // MARK: - Item 7: one writer, no silent overwrite

  func testASecondWriterIsRefusedWithAMessageNamingTheFirst() throws {
    let path = root + "/run"
    var first: RunFolderLock? = try RunFolder.claim(path, reuse: .refuse)
    XCTAssertNotNil(first)
    XCTAssertThrowsError(try RunFolder.claim(path, reuse: .refuse)) { error in
      guard case .locked(_, let holder)? = error as? RunFolderError else { return XCTFail("\(error)") }
      XCTAssertTrue(holder.contains("pid \(getpid())"), holder)
      XCTAssertTrue("\(error)".contains("another run"), "\(error)")
    }
    first = nil
    XCTAssertNoThrow(try RunFolder.claim(path, reuse: .refuse), "released when its holder lets go")
  }

  func testARunningReinHoldsItsFolderAndItsLockIsStaleOnceKilled() throws {
    let path = root + "/run"
    // A second writer: `rein train` into the folder, long enough to be caught writing.
    let writer = Process()
    writer.executableURL = URL(fileURLWithPath: try ReinExecutable.required())
    writer.arguments = ["train", "reinforce", "CartPole-v1", "--episodes", "1000000", "--out", path]
    var environment = ProcessInfo.processInfo.environment
    environment["REIN_PRESETS"] = ReinExecutable.presetsDirectory
    writer.environment = environment
    writer.standardOutput = FileHandle.nullDevice
    writer.standardError = FileHandle.nullDevice
    try writer.run()
    defer { if writer.isRunning { writer.terminate() } }
    var refusal: String?
    for _ in 0..<1000 where refusal == nil {
      do {
        if FileManager.default.fileExists(atPath: path + "/" + RunFolderLock.fileName) {
          _ = try RunFolder.claim(path, reuse: .resume)
        }
        usleep(10_000)
      } catch RunFolderError.locked(_, let holder) {
        refusal = holder
      }
    }
    XCTAssertTrue(refusal?.contains("pid \(writer.processIdentifier)") == true, "\(refusal ?? "never refused")")
    XCTAssertTrue(refusal?.contains("rein train reinforce") == true, "\(refusal ?? "")")
    kill(writer.processIdentifier, SIGKILL)
    writer.waitUntilExit()
    // Its lock file is left, naming a process that no longer runs: stale, so it is taken over.
    XCTAssertTrue(
      (try? String(contentsOfFile: path + "/" + RunFolderLock.fileName, encoding: .utf8))?.contains("pid") == true)
    XCTAssertNoThrow(try RunFolder.claim(path, reuse: .resume))
  }

  func testAFolderThatHoldsFilesIsRefusedUnlessOverwriteOrResume() throws {
    let path = root + "/run"
    try FileManager.default.createDirectory(atPath: path + "/seed-1", withIntermediateDirectories: true)
    try "name: old\n".write(toFile: path + "/config.yaml", atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try RunFolder.claim(path, reuse: .refuse)) { error in
      guard case .notEmpty(_, let entries, true)? = error as? RunFolderError else { return XCTFail("\(error)") }
      XCTAssertEqual(entries, ["config.yaml", "seed-1"])
      XCTAssertTrue("\(error)".contains("--overwrite") && "\(error)".contains("--resume"), "\(error)")
    }
    XCTAssertNoThrow(try RunFolder.claim(path, reuse: .resume))
    XCTAssertTrue(exists(path + "/config.yaml"), "resuming keeps the run")
    _ = try RunFolder.claim(path, reuse: .overwrite)
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: path), [RunFolderLock.fileName], "overwriting empties it")
    // A folder that does not hold a run is never emptied.
    let other = root + "/documents"
    try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
    try "keep".write(toFile: other + "/notes.txt", atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try RunFolder.claim(other, reuse: .overwrite)) { error in
      guard case .notEmpty(_, _, false)? = error as? RunFolderError else { return XCTFail("\(error)") }
    }
    XCTAssertTrue(exists(other + "/notes.txt"))
  }

  func testTheCLIRefusesToReuseAnOutFolderWithoutOverwriteAndWritesNothingForAnInvalidRun() throws {
    let train = ["train", "reinforce", "CartPole-v1", "--episodes", "2", "--set", "progress=none"]
    let first = try ReinExecutable.run(train + ["--out", "runs/x"], in: root)
    XCTAssertEqual(first.status, 0, first.output)
    let second = try ReinExecutable.run(train + ["--out", "runs/x", "--seeds", "2"], in: root)
    XCTAssertEqual(second.status, 1, second.output)
    XCTAssertTrue(second.output.contains("already holds"), second.output)
    XCTAssertTrue(exists(root + "/runs/x/seed-1/checkpoint.safetensors"), "the first run is intact")
    let third = try ReinExecutable.run(train + ["--out", "runs/x", "--seeds", "2", "--overwrite"], in: root)
    XCTAssertEqual(third.status, 0, third.output)
    XCTAssertFalse(exists(root + "/runs/x/seed-1"), "--overwrite replaced the run")
    XCTAssertTrue(exists(root + "/runs/x/seed-2/checkpoint.safetensors"))
    // Item 15: an unknown environment leaves no folder and no config.yaml behind.
    let invalid = try ReinExecutable.run(["train", "ppo", "Nope-v0", "--out", "runs/bad"], in: root)
    XCTAssertEqual(invalid.status, 1, invalid.output)
    XCTAssertFalse(exists(root + "/runs/bad"), invalid.output)
    // Item 12: a run name is one path component.
    let outside = try ReinExecutable.run(train + ["--set", "name=../../escaped"], in: root)
    XCTAssertEqual(outside.status, 1, outside.output)
    XCTAssertTrue(outside.output.contains("not a single folder name"), outside.output)
    XCTAssertFalse(exists(root + "/../escaped") || exists(root + "/escaped"))
  }

  // MARK: - Item 11: an edited config.yaml

  func testResumingAfterConfigYAMLWasEditedIsRefusedNamingTheKeysUnlessAccepted() throws {
    let yaml = Self.periodicYAML
    let killed = try? run(yaml, in: "run", killAfter: 100)
    XCTAssertNil(killed)
    let path = root + "/run"
    func runner() throws -> ExperimentRunner {
      try ExperimentRunner(
        configuration: RunConfiguration(contentsOfFile: path + "/config.yaml"), registry: registry,
        folder: RunFolder(at: path), write: { _ in })
    }
    XCTAssertEqual(try runner().configurationChanges(), [], "an unedited config.yaml")
    let text = try String(contentsOfFile: path + "/config.yaml", encoding: .utf8)
    XCTAssertTrue(text.contains("n_epochs: 1"), text)
    try text.replacingOccurrences(of: "n_epochs: 1", with: "n_epochs: 3").write(
      toFile: path + "/config.yaml", atomically: true, encoding: .utf8)
    let changes = try runner().configurationChanges()
    XCTAssertEqual(changes.map(\.description), ["n_epochs: 1 -> 3"])
    // The CLI refuses it, naming the key, and resumes when asked to.
    let refused = try ReinExecutable.run(["train", "--resume", path], in: root)
    XCTAssertEqual(refused.status, 1, refused.output)
    XCTAssertTrue(refused.output.contains("n_epochs: 1 -> 3"), refused.output)
    XCTAssertTrue(refused.output.contains("--accept-config-changes"), refused.output)
    let accepted = try ReinExecutable.run(["train", "--resume", path, "--accept-config-changes"], in: root)
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertTrue(accepted.output.contains("edited config.yaml"), accepted.output)
  }

  // MARK: - Item 12: a checkpoint's model file

  func testAModelFileNamedByACheckpointIsLookedUpNextToItOrGivenExplicitly() throws {
    let folder = root + "/seed-1"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let checkpointPath = folder + "/checkpoint.safetensors"
    let checkpoint = Checkpoint(metadata: ["env": "Ant-v4", "env_kwargs": ["xml_file": "/etc/hostname"]])
    XCTAssertThrowsError(try AgentCheckpoint.environmentArguments(of: checkpoint, at: checkpointPath)) { error in
      XCTAssertTrue("\(error)".contains("not in the checkpoint's folder"), "\(error)")
    }
    try "<mujoco><include file=\"../../secret.xml\"/></mujoco>".write(
      toFile: folder + "/hostname", atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try AgentCheckpoint.environmentArguments(of: checkpoint, at: checkpointPath)) { error in
      XCTAssertTrue("\(error)".contains("../../secret.xml"), "\(error)")
    }
    try "<mujoco><include file=\"parts/leg.xml\"/></mujoco>".write(
      toFile: folder + "/hostname", atomically: true, encoding: .utf8)
    XCTAssertEqual(
      try AgentCheckpoint.environmentArguments(of: checkpoint, at: checkpointPath)["xml_file"],
      .string(folder + "/hostname"))
    XCTAssertEqual(
      try AgentCheckpoint.environmentArguments(of: checkpoint, at: checkpointPath, modelFile: "/tmp/mine.xml")[
        "xml_file"], .string("/tmp/mine.xml"))
    // Training copies the model into the seed folder, so its checkpoints find it.
    let model = root + "/custom.xml"
    try "<mujoco/>".write(toFile: model, atomically: true, encoding: .utf8)
    try AgentCheckpoint.copyModelFile(of: ["xml_file": .string(model)], into: folder)
    XCTAssertEqual(try String(contentsOfFile: folder + "/custom.xml", encoding: .utf8), "<mujoco/>")
  }

  // MARK: - Items 13 and 14: temporaries and the previous checkpoint

  func testStaleTemporariesAreRemovedAndADamagedLatestCheckpointFallsBackToThePreviousOne() throws {
    let yaml = Self.periodicYAML
    let whole = try run(yaml, in: "whole")
    XCTAssertNil(try? run(yaml, in: "killed", killAfter: 150))
    let seed = root + "/killed/seed-1"
    XCTAssertTrue(exists(seed + "/latest_checkpoint.safetensors"))
    XCTAssertTrue(exists(seed + "/previous_checkpoint.safetensors"), "two checkpoints are kept")
    let latest = try Checkpoint(contentsOf: seed + "/latest_checkpoint.safetensors")
    let previous = try Checkpoint(contentsOf: seed + "/previous_checkpoint.safetensors")
    XCTAssertLessThan(
      previous.metadata["env_steps"]?.intValue ?? .max, latest.metadata["env_steps"]?.intValue ?? 0)
    // What a kill -9 during a write leaves: a temporary of a process that no longer runs (and one of ours).
    let stale = seed + "/.latest_checkpoint.safetensors.tmp-2147483646-12345"
    let ours = seed + "/.latest_checkpoint.safetensors.tmp-\(getpid())-1"
    for path in [stale, ours] { _ = FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3])) }
    // The latest checkpoint damaged after it was written.
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: seed + "/latest_checkpoint.safetensors")))
    bytes[bytes.count - 3] ^= 0x10
    try Data(bytes).write(to: URL(fileURLWithPath: seed + "/latest_checkpoint.safetensors"))

    let lines = LineBox()
    let resumed = try run(yaml, in: "killed", resuming: true, write: { lines.append($0) })
    XCTAssertFalse(exists(stale), "a stale temporary is removed on resume")
    XCTAssertTrue(exists(ours), "a temporary of a live process is left alone")
    let said = lines.lines.joined(separator: "\n")
    XCTAssertTrue(said.contains("is damaged") && said.contains("checkpoint before it is used"), said)
    XCTAssertTrue(said.contains("previous_checkpoint.safetensors"), said)
    XCTAssertTrue(exists(seed + "/damaged_checkpoint.safetensors"), "the damaged file is kept aside")
    // Resumed from the checkpoint before, the run still ends exactly as the uninterrupted one.
    func withoutClock(_ summary: RunSummary) -> [String] {
      summary.entries.map { entry in
        var json = entry.seed.json.objectValue ?? [:]
        json["wall_s"] = nil
        json["steps_per_s"] = nil
        return JSONValue.object(json).serialized()
      }
    }
    XCTAssertEqual(withoutClock(resumed), withoutClock(whole))
    XCTAssertEqual(
      try Checkpoint(contentsOf: seed + "/checkpoint.safetensors").tensors,
      try Checkpoint(contentsOf: root + "/whole/seed-1/checkpoint.safetensors").tensors)
    // A fresh start removes stale temporaries too.
    _ = FileManager.default.createFile(atPath: stale, contents: Data([1]))
    try run(yaml, in: "killed")
    XCTAssertFalse(exists(stale))
  }

  // MARK: - Item 15: whole log lines, paths that are not checkpoint files

  func testALogLineIsWrittenWholeOrNotAtAll() throws {
    let path = root + "/progress.jsonl"
    let logger = try JSONLinesLogger(path: path)
    try logger.log(ScalarRecord(step: 1, values: [("a", 1)], wallTime: 0))
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
    // A file size limit a few bytes above the current size: the next line is cut short by the kernel, as on a
    // full disk (SIGXFSZ ignored, so the write fails with EFBIG instead of killing the process).
    var saved = rlimit()
    getrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved)
    let previousHandler = signal(SIGXFSZ, SIG_IGN)
    var limit = saved
    limit.rlim_cur = rlim_t(size + 10)
    XCTAssertEqual(setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit), 0)
    let failed: Bool
    do {
      try logger.log(ScalarRecord(step: 2, values: [("a", 2), ("longer/key/name", 3.25)], wallTime: 0))
      failed = false
    } catch {
      failed = true
    }
    setrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved)
    signal(SIGXFSZ, previousHandler)
    XCTAssertTrue(failed, "the write beyond the limit fails")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    XCTAssertTrue(text.hasSuffix("\n"), "no partial last line: \(text)")
    XCTAssertEqual(text.split(separator: "\n").count, 1)
    // Logging goes on once there is room again.
    try logger.log(ScalarRecord(step: 3, values: [("a", 3)], wallTime: 0))
    try logger.close()
    XCTAssertEqual(try JSONLinesLogger.readRecords(path: path).map { $0["step"]?.intValue }, [1, 3])
  }

  func testDevicesFIFOsAndFoldersGivenAsCheckpointsSayWhatTheyAre() throws {
    let folder: String = root
    let fifo = folder + "/pipe"
    XCTAssertEqual(mkfifo(fifo, 0o644), 0)
    for (path, needle) in [("/dev/null", "a device"), (fifo, "a FIFO"), (folder, "a folder")] {
      XCTAssertThrowsError(try Checkpoint(contentsOf: path)) { error in
        guard case .unreadable(_, let reason)? = error as? CheckpointError else { return XCTFail("\(error)") }
        XCTAssertTrue(reason.contains(needle), reason)
        XCTAssertTrue("\(error)".contains(path), "\(error)")
      }
    }
  }
}
