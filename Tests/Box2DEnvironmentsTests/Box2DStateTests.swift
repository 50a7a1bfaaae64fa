import Gym
import XCTest

@testable import Box2DEnvironments

/// Box2D worlds cannot be saved exactly; saving and restoring say so with a typed error.
final class Box2DStateTests: XCTestCase {
  func testSavingAndRestoringThrowUnsupportedWithTheReason() throws {
    let lander = try LunarLander()
    _ = try lander.reset(seed: 1)
    let walker = try BipedalWalker()
    _ = try walker.reset(seed: 1)
    for environment in [lander, walker] as [any Environment] {
      XCTAssertThrowsError(try environment.saveState()) { error in
        guard case EnvironmentStateError.unsupported(let name, let reason)? = error as? EnvironmentStateError else {
          return XCTFail("unexpected \(error)")
        }
        XCTAssertEqual(name, environment.name)
        XCTAssertTrue(reason.contains("contact"), reason)
      }
      XCTAssertThrowsError(try environment.restoreState(EnvironmentState(kind: environment.name)))
      // Under wrappers too.
      XCTAssertThrowsError(try TimeLimit(environment, maxEpisodeSteps: 10).saveState())
    }
  }
}
