import ClassicControl
import XCTest

@testable import Gym

final class VectorEnvironmentTests: XCTestCase {
  func registry() throws -> EnvironmentRegistry {
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    return registry
  }

  /// Everything a step produced, for comparing two vector environments.
  struct Snapshot: Equatable {
    var observations: [Float]
    var rewards: [Double]
    var terminated: [Bool]
    var truncated: [Bool]
    var finished: [FinishedEpisode]
    var finalObservations: [Float]
    var hasFinal: [Bool]

    init(_ envs: VectorEnvironment) {
      observations = envs.observations
      rewards = envs.rewards
      terminated = envs.terminated
      truncated = envs.truncated
      finished = envs.finishedEpisodes
      hasFinal = envs.hasFinalObservation
      finalObservations = envs.autoresetMode == .sameStep ? envs.finalObservations : []
    }
  }

  func run(_ envs: VectorEnvironment, steps: Int, seed: UInt64, continuous: Bool) throws -> [Snapshot] {
    var random = NumpyGenerator(seed: 1234)
    try envs.reset(seed: seed)
    var snapshots = [Snapshot(envs)]
    for _ in 0..<steps {
      if continuous {
        try envs.step((0..<envs.count).map { _ in random.uniform(low: -2, high: 2) })
      } else {
        try envs.step(discreteActions: (0..<envs.count).map { _ in random.integers(low: 0, high: 2) })
      }
      snapshots.append(Snapshot(envs))
    }
    return snapshots
  }

  func testParallelMatchesSyncExactlyInBothAutoresetModes() throws {
    let registry = try registry()
    for mode in [AutoresetMode.nextStep, .sameStep] {
      for (id, continuous) in [("CartPole-v1", false), ("Pendulum-v1", true)] {
        let sync = try SyncVectorEnvironment(id: id, count: 7, autoresetMode: mode, registry: registry)
        let parallel = try ParallelVectorEnvironment(
          id: id, count: 7, threads: 3, autoresetMode: mode, registry: registry)
        parallel.adaptsToLoad = false  // always use the workers
        let adaptive = try ParallelVectorEnvironment(
          id: id, count: 7, threads: 2, autoresetMode: mode, registry: registry)
        XCTAssertEqual(parallel.threadCount, 3)
        let a = try run(sync, steps: 600, seed: 9, continuous: continuous)
        let b = try run(parallel, steps: 600, seed: 9, continuous: continuous)
        let c = try run(adaptive, steps: 600, seed: 9, continuous: continuous)
        XCTAssertEqual(a, b, "\(id) \(mode)")
        XCTAssertEqual(a, c, "\(id) \(mode) adaptive")
        XCTAssertGreaterThan(a.reduce(0) { $0 + $1.finished.count }, 7, "episodes should end during the run")
      }
    }
  }

  func testSubEnvironmentIGetsSeedPlusIAndNextStepAutoreset() throws {
    let registry = try registry()
    let envs = try SyncVectorEnvironment(id: "CartPole-v1", count: 3, registry: registry)
    let singles = try (0..<3).map { _ in try registry.make("CartPole-v1") }
    try envs.reset(seed: 100)
    for i in 0..<3 {
      let (observation, _) = try singles[i].reset(seed: 100 + UInt64(i))
      XCTAssertEqual(Array(envs.observation(i)), observation.map { Float($0) })
    }
    var pendingReset = [false, false, false]
    var returns = [0.0, 0.0, 0.0]
    var lengths = [0, 0, 0]
    for _ in 0..<300 {
      try envs.step(discreteActions: [1, 1, 0])
      var expectedFinished: [FinishedEpisode] = []
      for i in 0..<3 {
        if pendingReset[i] {
          // The step after an episode end resets and returns the new first observation.
          let (observation, _) = try singles[i].reset()
          XCTAssertEqual(Array(envs.observation(i)), observation.map { Float($0) })
          XCTAssertEqual(envs.rewards[i], 0)
          XCTAssertFalse(envs.terminated[i] || envs.truncated[i])
          pendingReset[i] = false
          continue
        }
        let result = try singles[i].step([1, 1, 0][i])
        XCTAssertEqual(Array(envs.observation(i)), result.observation.map { Float($0) })
        XCTAssertEqual(envs.rewards[i], result.reward)
        XCTAssertEqual(envs.terminated[i], result.terminated)
        returns[i] += result.reward
        lengths[i] += 1
        if result.done {
          expectedFinished.append(
            FinishedEpisode(
              environmentIndex: i, episodeReturn: returns[i], length: lengths[i], terminated: result.terminated))
          returns[i] = 0
          lengths[i] = 0
          pendingReset[i] = true
        }
      }
      XCTAssertEqual(envs.finishedEpisodes, expectedFinished)
    }
  }

  func testSameStepKeepsTheFinalObservationAndResetsAtOnce() throws {
    let registry = try registry()
    let envs = try SyncVectorEnvironment(id: "CartPole-v1", count: 1, autoresetMode: .sameStep, registry: registry)
    let single = try registry.make("CartPole-v1")
    try envs.reset(seed: 5)
    _ = try single.reset(seed: 5)
    var sawEnd = false
    for _ in 0..<200 {
      try envs.step(discreteActions: [0])
      let result = try single.step(0)
      XCTAssertEqual(envs.terminated[0], result.terminated)
      XCTAssertEqual(envs.hasFinalObservation[0], result.done)
      if result.done {
        sawEnd = true
        XCTAssertEqual(envs.finalObservations, result.observation.map { Float($0) })
        let (observation, _) = try single.reset()
        XCTAssertEqual(envs.observations, observation.map { Float($0) })
        XCTAssertEqual(envs.finishedEpisodes.count, 1)
      } else {
        XCTAssertEqual(envs.observations, result.observation.map { Float($0) })
      }
    }
    XCTAssertTrue(sawEnd)
  }

  func testBadActionsAreTypedErrorsAndTheBatchRecovers() throws {
    let registry = try registry()
    let envs = try ParallelVectorEnvironment(id: "CartPole-v1", count: 4, threads: 2, registry: registry)
    try envs.reset(seed: 0)
    XCTAssertThrowsError(try envs.step(discreteActions: [0, 1]))
    XCTAssertThrowsError(try envs.step([0, 1, 2, 0])) { error in
      guard case EnvironmentError.invalidAction = error else { return XCTFail("\(error)") }
    }
    try envs.reset(seed: 0)
    try envs.step(discreteActions: [0, 1, 0, 1])
    XCTAssertEqual(envs.rewards, [1, 1, 1, 1])
    XCTAssertThrowsError(try SyncVectorEnvironment(count: 0) { _ in CartPole() })
    XCTAssertThrowsError(
      try SyncVectorEnvironment(count: 2) { i in i == 0 ? CartPole() as any Environment : Pendulum() })
  }
}
