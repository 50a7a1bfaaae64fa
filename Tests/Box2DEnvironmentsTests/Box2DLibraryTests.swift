import Gym
import XCTest

@testable import Box2DEnvironments

/// What a user sees with and without Box2D.
final class Box2DLibraryTests: XCTestCase {
  /// Box2D 2.4: Debian's libbox2d 2.4.1 reports 2.4.0 in `b2_version` (upstream did not bump the constant).
  func testVersionIsBox2D24() throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D")
    XCTAssertEqual(Box2DLibrary.version?.hasPrefix("2.4."), true, "\(Box2DLibrary.version ?? "none")")
  }

  func testMissingLibraryErrorSaysHowToInstallIt() throws {
    let error = EnvironmentError.libraryUnavailable(library: "Box2D", help: Box2DLibrary.installHelp)
    XCTAssertTrue(error.description.contains("sudo apt-get install libbox2d-dev"))
    XCTAssertTrue(error.description.contains("./scripts/setup.sh"))
    if !Box2DLibrary.isAvailable {
      XCTAssertThrowsError(try LunarLander()) {
        guard case .libraryUnavailable = $0 as? EnvironmentError else { return XCTFail("\($0)") }
      }
      XCTAssertThrowsError(try BipedalWalker())
    }
  }
}
