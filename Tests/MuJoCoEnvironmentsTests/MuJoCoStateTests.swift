import Foundation
import Gym
import MuJoCoEnvironments
import XCTest

/// Saving and restoring the MuJoCo environments: a restored copy continues bit for bit (integration state,
/// derived arrays read before the next step, generator).
final class MuJoCoStateTests: XCTestCase {
  private var registry: EnvironmentRegistry!

  override func setUpWithError() throws {
    registry = EnvironmentRegistry()
    try registerMuJoCoEnvironments(in: registry)
  }

  /// Bit patterns of observation, reward and flags of each step (resets after an episode end included).
  private func play(
    _ environment: any Environment, steps count: Int, actions: inout NumpyGenerator
  ) throws
    -> [[UInt64]]
  {
    var trace: [[UInt64]] = []
    for _ in 0..<count {
      let step = try environment.step(environment.actionSpace.sample(using: &actions))
      trace.append(
        step.observation.map(\.bitPattern) + [step.reward.bitPattern, step.terminated ? 1 : 0, step.truncated ? 1 : 0])
      if step.done { trace.append(try environment.reset().observation.map(\.bitPattern)) }
    }
    return trace
  }

  func testEveryEnvironmentContinuesExactlyAfterARestore() throws {
    for id in registry.ids.sorted() {
      let original = try registry.make(id, maxEpisodeSteps: 40)
      _ = try original.reset(seed: 5)
      var actions = NumpyGenerator(seed: 9)
      _ = try play(original, steps: 57, actions: &actions)
      let state = try original.saveState()
      let actionsAtSave = actions
      let expected = try play(original, steps: 60, actions: &actions)

      let copy = try registry.make(id, maxEpisodeSteps: 40)
      _ = try copy.reset(seed: 1234)  // a different state first: the restore must replace all of it
      _ = try play(copy, steps: 3, actions: &actions)
      try copy.restoreState(state)
      actions = actionsAtSave
      XCTAssertEqual(try play(copy, steps: 60, actions: &actions), expected, id)
    }
  }

  func testRestoringWithoutTheDerivedArraysWouldNotBeExact() throws {
    // Ant reads body positions before each step (x_before); a state restored with mj_forward instead of the saved
    // derived arrays gives another first reward. This checks the saved arrays are what makes the difference.
    let original = try registry.make("Ant-v4")
    _ = try original.reset(seed: 2)
    var actions = NumpyGenerator(seed: 4)
    _ = try play(original, steps: 20, actions: &actions)
    var state = try original.saveState()
    XCTAssertNotNil(state.doubles["inner.data.xpos"])
    let step = original.actionSpace.sample(using: &actions)
    let expected = try original.step(step)
    state.doubles["inner.data.xpos"] = state.doubles["inner.data.xpos"]!.map { $0 + 1e-3 }
    let copy = try registry.make("Ant-v4")
    try copy.restoreState(state)
    XCTAssertNotEqual(try copy.step(step).reward, expected.reward)
  }

  func testAStateOfAnotherModelIsRefused() throws {
    let hopper = try registry.makeUnwrapped("Hopper-v4")
    _ = try hopper.reset(seed: 1)
    var state = try hopper.saveState()
    XCTAssertThrowsError(try registry.makeUnwrapped("Walker2d-v4").restoreState(state)) { error in
      XCTAssertEqual(error as? EnvironmentStateError, .wrongKind(expected: "Walker2d", found: "Hopper"))
    }
    state.doubles["integration_state"]!.removeLast()
    XCTAssertThrowsError(try registry.makeUnwrapped("Hopper-v4").restoreState(state)) { error in
      guard case EnvironmentStateError.wrongCount(_, "integration_state", _, _)? = error as? EnvironmentStateError
      else {
        return XCTFail("unexpected \(error)")
      }
    }
  }
}
