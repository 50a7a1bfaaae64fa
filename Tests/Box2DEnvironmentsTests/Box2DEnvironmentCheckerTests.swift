import Box2DEnvironments
import Gym
import XCTest

/// Every Box2D environment passes Rein's environment checker without a finding.
final class Box2DEnvironmentCheckerTests: XCTestCase {
  override func setUp() async throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D")
  }

  func testEveryBox2DEnvironmentPassesTheChecker() throws {
    let registry = EnvironmentRegistry()
    try registerBox2DEnvironments(in: registry)
    for id in ["LunarLander-v3", "LunarLanderContinuous-v3", "BipedalWalker-v3", "BipedalWalkerHardcore-v3"] {
      let report = try EnvironmentChecker().check(id: id, registry: registry)
      for finding in report.findings { print("\(id): \(finding)") }
      XCTAssertTrue(report.passed, "\(id): \(report.findings)")
      XCTAssertTrue(report.isClean, "\(id): \(report.findings)")
      XCTAssertFalse(report.checks.isEmpty)
    }
  }

  func testWindyLanderPassesTheChecker() throws {
    let registry = EnvironmentRegistry()
    try registerBox2DEnvironments(in: registry)
    let report = try EnvironmentChecker().check(
      id: "LunarLander-v3", arguments: ["enable_wind": .bool(true), "continuous": .bool(true)], registry: registry)
    XCTAssertTrue(report.isClean, "\(report.findings)")
  }
}
