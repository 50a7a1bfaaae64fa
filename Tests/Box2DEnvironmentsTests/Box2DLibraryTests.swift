import Gym
import XCTest

@testable import Box2DEnvironments

/// What a user sees with and without Box2D.
final class Box2DLibraryTests: XCTestCase {
  /// Box2D 2.3 or 2.4: pybox2d's Box2D (Rein's default build) reports 2.3.0 in `b2_version`, Debian's libbox2d
  /// 2.4.1 2.4.0 (upstream did not bump the constants); the system's library is always 2.4.
  func testVersionIsBox2D23Or24() throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D")
    let version = Box2DLibrary.version ?? "none"
    if Box2DLibrary.isReinBuild {
      XCTAssertTrue(["2.3.0", "2.4.0"].contains(version), version)
    } else {
      XCTAssertEqual(version, "2.4.0")
    }
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
