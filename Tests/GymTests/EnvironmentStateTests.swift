import ClassicControl
import XCTest

@testable import Gym

/// Saving and restoring environments, wrappers and vector environments: a restored copy continues bit for bit.
final class EnvironmentStateTests: XCTestCase {
  /// What one step produced, compared bit for bit.
  struct Outcome: Equatable {
    var observation: [UInt64]
    var reward: UInt64
    var terminated: Bool
    var truncated: Bool
  }

  /// Steps `environment` `count` times with actions from `actions` (resetting without a seed after an episode
  /// ends), recording every outcome.
  func play(_ environment: any Environment, steps count: Int, actions: inout NumpyGenerator) throws -> [Outcome] {
    var outcomes: [Outcome] = []
    for _ in 0..<count {
      let step = try environment.step(environment.actionSpace.sample(using: &actions))
      outcomes.append(
        Outcome(
          observation: step.observation.map(\.bitPattern), reward: step.reward.bitPattern,
          terminated: step.terminated, truncated: step.truncated))
      if step.done {
        let (observation, _) = try environment.reset()
        outcomes.append(
          Outcome(observation: observation.map(\.bitPattern), reward: 0, terminated: false, truncated: false))
      }
    }
    return outcomes
  }

  /// An environment from the classic-control registry under every stateful wrapper.
  func wrapped(_ id: String) throws -> any Environment {
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    let timed = try registry.make(id, maxEpisodeSteps: 60)
    let statistics = try RecordEpisodeStatistics(timed, bufferLength: 3)
    return NormalizeReward(NormalizeObservation(statistics))
  }

  func testClassicControlUnderWrappersContinuesExactlyAfterARestore() throws {
    for id in ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"] {
      let original = try wrapped(id)
      _ = try original.reset(seed: 7)
      var actions = NumpyGenerator(seed: 3)
      _ = try play(original, steps: 137, actions: &actions)
      let state = try original.saveState()
      let actionsAtSave = actions
      let expected = try play(original, steps: 150, actions: &actions)

      let copy = try wrapped(id)
      try copy.restoreState(state)
      actions = actionsAtSave
      XCTAssertEqual(try play(copy, steps: 150, actions: &actions), expected, id)
      XCTAssertEqual(try copy.saveState().doubles.keys.sorted(), state.doubles.keys.sorted(), id)
    }
  }

  func testTheStateRecordsWrapperCountersAndStatistics() throws {
    let environment = try wrapped("CartPole-v1")
    _ = try environment.reset(seed: 1)
    var actions = NumpyGenerator(seed: 2)
    _ = try play(environment, steps: 200, actions: &actions)
    let state = try environment.saveState()
    XCTAssertEqual(state.kind, "NormalizeReward")
    XCTAssertEqual(state.labels["inner.kind"], "NormalizeObservation")
    XCTAssertEqual(state.labels["inner.inner.kind"], "RecordEpisodeStatistics")
    XCTAssertEqual(state.labels["inner.inner.inner.kind"], "TimeLimit")
    XCTAssertEqual(state.labels["inner.inner.inner.inner.kind"], "CartPole")
    let statistics = try XCTUnwrap(environment.wrapper(ofType: RecordEpisodeStatistics.self))
    XCTAssertEqual(state.integers["inner.inner.episode_count"], [UInt64(statistics.episodeCount)])
    XCTAssertEqual(state.doubles["inner.inner.return_queue"], statistics.returnQueue)
    let timeLimit = try XCTUnwrap(environment.wrapper(ofType: TimeLimit.self))
    XCTAssertEqual(state.integers["inner.inner.inner.elapsed_steps"], [UInt64(timeLimit.elapsedSteps)])
    let normalize = try XCTUnwrap(environment.wrapper(ofType: NormalizeObservation.self))
    XCTAssertEqual(state.doubles["inner.obs_rms.mean"], normalize.statistics.mean)
  }

  func testRestoringAStateOfAnotherEnvironmentOrShapeFailsWithTypedErrors() throws {
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    let cartPole = try registry.make("CartPole-v1")
    _ = try cartPole.reset(seed: 1)
    let state = try cartPole.saveState()
    let pendulum = try registry.make("Pendulum-v1")
    XCTAssertThrowsError(try pendulum.restoreState(state)) { error in
      guard case EnvironmentStateError.wrongKind(_, "TimeLimit")? = error as? EnvironmentStateError else {
        // The time limits differ (200 vs 500): the wrapper notices the kind of its inner environment or the limit.
        guard case EnvironmentStateError.invalidValue? = error as? EnvironmentStateError else {
          return XCTFail("unexpected \(error)")
        }
        return
      }
    }
    let bare = try registry.makeUnwrapped("Pendulum-v1")
    XCTAssertThrowsError(try bare.restoreState(state.child("inner"))) { error in
      XCTAssertEqual(error as? EnvironmentStateError, .wrongKind(expected: "Pendulum", found: "CartPole"))
    }
    var short = state
    short.doubles["inner.state"] = [0, 0, 0]
    XCTAssertThrowsError(try registry.make("CartPole-v1").restoreState(short)) { error in
      XCTAssertEqual(
        error as? EnvironmentStateError, .wrongCount(kind: "CartPole", field: "state", expected: 4, found: 3))
    }
    var missing = state
    missing.integers["inner.np_random"] = nil
    XCTAssertThrowsError(try registry.make("CartPole-v1").restoreState(missing)) { error in
      XCTAssertEqual(error as? EnvironmentStateError, .missingField(kind: "CartPole", field: "np_random"))
    }
    var badGenerator = state
    badGenerator.integers["inner.np_random"] = [1, 2, 3, 4, 5, 6]
    XCTAssertThrowsError(try registry.make("CartPole-v1").restoreState(badGenerator))
  }

  func testEnvironmentsWithoutAnImplementationSayTheyCannotSave() {
    final class Custom: Environment {
      let observationSpace = Space.discrete(DiscreteSpace(2))
      let actionSpace = Space.discrete(DiscreteSpace(2))
      func reset(
        seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
      ) throws
        -> Info
      { [:] }
      func step(
        _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
      ) throws
        -> StepOutcome
      { StepOutcome(reward: 0, terminated: false) }
    }
    XCTAssertThrowsError(try Custom().saveState()) { error in
      guard case EnvironmentStateError.unsupported(let name, _)? = error as? EnvironmentStateError else {
        return XCTFail("unexpected \(error)")
      }
      XCTAssertEqual(name, "Custom")
    }
  }

  // MARK: - Vector environments

  func vectorSnapshot(_ envs: VectorEnvironment) -> [UInt64] {
    envs.observations.map { UInt64($0.bitPattern) } + envs.rewards.map(\.bitPattern)
      + envs.terminated.map { $0 ? 1 : 0 } + envs.truncated.map { $0 ? 1 : 0 }
      + envs.finishedEpisodes.flatMap { [UInt64($0.environmentIndex), $0.episodeReturn.bitPattern, UInt64($0.length)] }
      + envs.finalObservations.map { UInt64($0.bitPattern) }
  }

  func testVectorEnvironmentsContinueExactlyAfterARestore() throws {
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    for mode in [AutoresetMode.sameStep, .nextStep] {
      for parallel in [false, true] {
        func make() throws -> VectorEnvironment {
          parallel
            ? try ParallelVectorEnvironment(
              id: "CartPole-v1", count: 3, threads: 2, autoresetMode: mode, registry: registry)
            : try SyncVectorEnvironment(id: "CartPole-v1", count: 3, autoresetMode: mode, registry: registry)
        }
        let original = try make()
        try original.reset(seed: 11)
        var actions = NumpyGenerator(seed: 5)
        func run(_ envs: VectorEnvironment, _ count: Int) throws -> [[UInt64]] {
          var trace: [[UInt64]] = []
          for _ in 0..<count {
            try envs.step(discreteActions: (0..<3).map { _ in actions.integers(high: 2) })
            trace.append(vectorSnapshot(envs))
          }
          return trace
        }
        _ = try run(original, 41)
        let state = try original.saveState()
        let actionsAtSave = actions
        let expected = try run(original, 120)
        XCTAssertGreaterThan(expected.count, 0)

        let copy = try make()
        try copy.restoreState(state)
        actions = actionsAtSave
        XCTAssertEqual(try run(copy, 120), expected, "\(mode) parallel \(parallel)")
      }
    }
  }

  func testVectorStateOfAnotherSizeIsRefused() throws {
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    let two = try SyncVectorEnvironment(id: "CartPole-v1", count: 2, registry: registry)
    try two.reset(seed: 1)
    let three = try SyncVectorEnvironment(id: "CartPole-v1", count: 3, registry: registry)
    XCTAssertThrowsError(try three.restoreState(try two.saveState())) { error in
      guard case EnvironmentStateError.invalidValue(_, "count", _)? = error as? EnvironmentStateError else {
        return XCTFail("unexpected \(error)")
      }
    }
  }
}
