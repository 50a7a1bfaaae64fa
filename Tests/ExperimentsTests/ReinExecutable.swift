import Foundation
import XCTest

/// The `rein` command-line tool built next to the test bundle (`swift build --build-tests` builds it), run as a
/// child process so that a crash shows as a signal instead of ending the tests.
enum ReinExecutable {
  /// How a run ended.
  struct Outcome {
    /// The exit status, or the signal number when `crashed`.
    var status: Int32
    /// Ended by a signal (a trap, an abort, a segmentation fault), a hang, or any status other than success (0) and
    /// the clean failures (1, and 64 for ArgumentParser's usage errors): the runtime's backtracer exits with the
    /// signal's number (4 for a trap), a shell with 128 plus it.
    var crashed: Bool
    /// Standard output and standard error together.
    var output: String
  }

  /// The executable's path, or nil when it was not built.
  static var path: String? {
    let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [folder, folder.deletingLastPathComponent()] {
      let path = candidate.appendingPathComponent("rein").path
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }

  /// The path, or a skip when the tool was not built.
  static func required() throws -> String {
    guard let path else { throw XCTSkip("the rein executable was not built next to the tests") }
    return path
  }

  /// Runs `rein arguments` in `directory`, killed after `timeout` seconds (which counts as a crash: a hang); with
  /// `addressSpaceLimit`, under `ulimit -v 4000000` (4 GB), so that absurd allocations fail fast.
  static func run(
    _ arguments: [String], in directory: String, timeout: Double = 60, addressSpaceLimit: Bool = false
  ) throws -> Outcome {
    let child = Process()
    if addressSpaceLimit {
      child.executableURL = URL(fileURLWithPath: "/bin/sh")
      child.arguments = ["-c", "ulimit -v 4000000; exec \"$0\" \"$@\"", try required()] + arguments
    } else {
      child.executableURL = URL(fileURLWithPath: try required())
      child.arguments = arguments
    }
    child.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment
    environment["REIN_PRESETS"] = presetsDirectory
    environment["SWIFT_BACKTRACE"] = "enable=no"
    child.environment = environment
    let log = NSTemporaryDirectory() + "rein-cli-\(UUID().uuidString).log"
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: log) }
    guard let output = FileHandle(forWritingAtPath: log) else { throw CocoaError(.fileWriteUnknown) }
    child.standardOutput = output
    child.standardError = output
    child.standardInput = FileHandle.nullDevice
    try child.run()
    let deadline = Date().addingTimeInterval(timeout)
    while child.isRunning && Date() < deadline { usleep(1000) }
    let hung = child.isRunning
    if hung { child.terminate() }
    child.waitUntilExit()
    try? output.close()
    let text = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
    let status = child.terminationStatus
    let signalled = child.terminationReason == .uncaughtSignal
    return Outcome(
      status: status, crashed: hung || signalled || ![0, 1, 64].contains(status),
      output: hung ? text + "\n(hung: killed after \(timeout) s)" : text)
  }

  /// How a child process ended, with its standard output and error together.
  struct Finished {
    var status: Int32
    var reason: Process.TerminationReason
    var output: String
  }

  /// Runs `executable arguments` to its end, standard input empty, and returns its combined output; `environment`
  /// is added to this process's.
  static func runToEnd(
    _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
  ) throws -> Finished {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: executable)
    child.arguments = arguments
    if let directory { child.currentDirectoryURL = URL(fileURLWithPath: directory) }
    child.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let pipe = Pipe()
    child.standardOutput = pipe
    child.standardError = pipe
    child.standardInput = FileHandle.nullDevice
    try child.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    child.waitUntilExit()
    return Finished(status: child.terminationStatus, reason: child.terminationReason, output: output)
  }

  /// The repository's presets folder.
  static var presetsDirectory: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("presets").path
  }
}
