import Gym
import MuJoCoEnvironments
import XCTest

/// Every MuJoCo environment passes Rein's environment checker (wrapped as `make` wraps it).
final class CheckerTests: XCTestCase {
  func testEveryEnvironmentPassesTheChecker() throws {
    let registry = EnvironmentRegistry()
    try registerMuJoCoEnvironments(in: registry)
    for id in registry.ids {
      let report = try EnvironmentChecker(steps: 100).check(id: id, registry: registry)
      XCTAssertTrue(report.passed, "\(id): \(report.findings.map(\.description).joined(separator: "\n"))")
    }
  }
}
