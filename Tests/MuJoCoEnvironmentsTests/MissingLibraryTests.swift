import Foundation
import Gym
import MuJoCoEnvironments
import XCTest

/// Without MuJoCo, making a MuJoCo environment throws an error that says how to install it.
///
/// The library is loaded once per process, so the check runs in a child process: this test binary again, running
/// only this test, with REIN_MUJOCO_DIR pointing at an empty folder (when the variable is set, Rein looks nowhere
/// else).
final class MissingLibraryTests: XCTestCase {
  private static let childFlag = "REIN_TEST_MISSING_MUJOCO_CHILD"

  func testMakingAnEnvironmentWithoutMuJoCoSaysHowToInstallIt() throws {
    if ProcessInfo.processInfo.environment[Self.childFlag] == "1" {
      XCTAssertFalse(MuJoCo.isAvailable)
      let registry = EnvironmentRegistry()
      try registerMuJoCoEnvironments(in: registry)
      XCTAssertThrowsError(try registry.makeUnwrapped("InvertedPendulum-v4")) { error in
        guard case .libraryUnavailable(let library, let help) = error as? EnvironmentError else {
          return XCTFail("unexpected error \(error)")
        }
        XCTAssertEqual(library, "MuJoCo 4.0.0")
        XCTAssertTrue(help.contains("./scripts/setup.sh"), help)
        XCTAssertTrue(help.contains("REIN_MUJOCO_DIR"), help)
        XCTAssertTrue(help.contains("nothing else was searched"), help)
      }
      return
    }
    #if os(Linux)
      let empty = FileManager.default.temporaryDirectory.appendingPathComponent("rein-no-mujoco-\(getpid())")
      try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: empty) }
      let child = Process()
      child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
      child.arguments = [
        "MuJoCoEnvironmentsTests.MissingLibraryTests/testMakingAnEnvironmentWithoutMuJoCoSaysHowToInstallIt"
      ]
      var environment = ProcessInfo.processInfo.environment
      environment[Self.childFlag] = "1"
      environment["REIN_MUJOCO_DIR"] = empty.path
      child.environment = environment
      let output = Pipe()
      child.standardOutput = output
      child.standardError = output
      try child.run()
      let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      child.waitUntilExit()
      XCTAssertEqual(child.terminationStatus, 0, "the child test failed:\n\(text)")
      XCTAssertTrue(text.contains("Executed 1 test, with 0 failures"), text)
    #else
      throw XCTSkip("runs a child test process the Linux way (the xctest binary itself)")
    #endif
  }
}
