import Foundation
import XCTest

@testable import Gym

/// An environment that replays a fixed script: reset observations (the first, then one per episode end) and steps.
private final class ScriptedEnvironment: Environment {
  let resets: [[Double]]
  let steps: [(observation: [Double], reward: Double, terminated: Bool, truncated: Bool)]
  let observationSpace: Space
  let actionSpace = Space.box(BoxSpace(low: -1, high: 1, shape: [1], dtype: .float64))
  var resetCount = 0
  var t = 0

  init(_ plan: JSONValue) throws {
    resets = try XCTUnwrap(plan["resets"]?.arrayValue).map { try XCTUnwrap($0.doublesValue) }
    steps = try XCTUnwrap(plan["steps"]?.arrayValue).map { step in
      let parts = try XCTUnwrap(step.arrayValue)
      return (
        try XCTUnwrap(parts[0].doublesValue), try XCTUnwrap(parts[1].doubleValue), try XCTUnwrap(parts[2].boolValue),
        try XCTUnwrap(parts[3].boolValue)
      )
    }
    observationSpace = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [resets[0].count], dtype: .float64))
  }

  func reset(seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>) throws -> Info
  {
    for k in 0..<observation.count { observation[k] = resets[resetCount][k] }
    resetCount += 1
    return [:]
  }

  func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> StepOutcome
  {
    let step = steps[t]
    t += 1
    for k in 0..<observation.count { observation[k] = step.observation[k] }
    return StepOutcome(reward: step.reward, terminated: step.terminated, truncated: step.truncated)
  }

  func saveState() throws -> EnvironmentState {
    var state = EnvironmentState(kind: "Scripted")
    state.set("resets", count: resetCount)
    state.set("t", count: t)
    return state
  }

  func restoreState(_ state: EnvironmentState) throws {
    resetCount = try state.count("resets")
    t = try state.count("t")
  }
}

/// Observes the step count, as a one-value box.
private final class StepCount: Environment {
  var t = 0
  let observationSpace = Space.box(BoxSpace(low: 0, high: 100, shape: [1], dtype: .float64))
  let actionSpace = Space.box(BoxSpace(low: -1, high: 1, shape: [1], dtype: .float64))

  func reset(seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>) throws -> Info
  {
    t = 0
    observation[0] = 0
    return [:]
  }

  func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> StepOutcome
  {
    t += 1
    observation[0] = Double(t) + 1
    return StepOutcome(reward: 1, terminated: false)
  }
}

extension JSONValue {
  fileprivate var arrayValue: [JSONValue]? {
    if case .array(let items) = self { return items }
    return nil
  }
}

/// Rein's ``VectorNormalization`` against Gymnasium 0.29.1's `NormalizeObservation` / `NormalizeReward` in CleanRL's
/// wrapper order and against Stable-Baselines3's `VecNormalize`, on the fixed scripts of
/// `Benchmarks/peers/normalization_fixture.py` (two, three and nine environments; episode ends by termination and
/// truncation; an observation and a reward far enough out to be clipped): every normalised observation, final
/// observation and reward, and the statistics at the end, are the same to the bit.
final class VectorNormalizationTests: XCTestCase {
  private func cases(_ style: String) throws -> [JSONValue] {
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: "normalization-\(style)", withExtension: "json", subdirectory: "Fixtures"))
    return try XCTUnwrap(JSONValue(parsing: Data(contentsOf: url))["cases"]?.arrayValue)
  }

  private func makeEnvironments(_ fixture: JSONValue, parallel: Bool = false) throws -> VectorEnvironment {
    let plans = try XCTUnwrap(fixture["script"]?.arrayValue)
    let make: (Int) throws -> any Environment = { try ScriptedEnvironment(plans[$0]) }
    let environments: VectorEnvironment =
      parallel
      ? try ParallelVectorEnvironment(count: plans.count, autoresetMode: .sameStep, make: make)
      : try SyncVectorEnvironment(count: plans.count, autoresetMode: .sameStep, make: make)
    var configuration = NormalizationConfiguration()
    configuration.observation = true
    configuration.reward = true
    configuration.style = try XCTUnwrap(NormalizationStyle(rawValue: XCTUnwrap(fixture["style"]?.stringValue)))
    configuration.clipObservation = try XCTUnwrap(fixture["clip"]?.doubleValue)
    configuration.clipReward = configuration.clipObservation
    configuration.epsilon = try XCTUnwrap(fixture["epsilon"]?.doubleValue)
    try environments.installNormalization(configuration, gamma: XCTUnwrap(fixture["gamma"]?.doubleValue))
    return environments
  }

  private func floats(_ value: JSONValue?) throws -> [Float] {
    try XCTUnwrap(value?.arrayValue).flatMap { try XCTUnwrap($0.doublesValue) }.map { Float($0) }
  }

  /// Steps `environments` through outputs `from..<outputs.count` of the fixture, comparing each step.
  private func replay(_ environments: VectorEnvironment, _ fixture: JSONValue, from start: Int) throws {
    let name = fixture["name"]?.stringValue ?? "?"
    let outputs = try XCTUnwrap(fixture["outputs"]?.arrayValue)
    let plans = try XCTUnwrap(fixture["script"]?.arrayValue)
    let n = environments.count
    let d = environments.observationCount
    for t in start..<outputs.count {
      try environments.step([Double](repeating: 0, count: n))
      let expected = outputs[t]
      XCTAssertEqual(environments.observations, try floats(expected["observations"]), "\(name): step \(t)")
      XCTAssertEqual(
        environments.rewards, try XCTUnwrap(expected["rewards"]?.doublesValue), "\(name): rewards of step \(t)")
      guard case .object(let finals)? = expected["final_observations"] else { return XCTFail("no finals") }
      for i in 0..<n {
        XCTAssertEqual(environments.hasFinalObservation[i], finals["\(i)"] != nil, "\(name): step \(t), env \(i)")
        if let final = finals["\(i)"] {
          XCTAssertEqual(
            Array(environments.finalObservations[(i * d)..<((i + 1) * d)]),
            try XCTUnwrap(final.doublesValue).map { Float($0) }, "\(name): final observation, step \(t), env \(i)")
        }
      }
      // The episodes' returns are the environments' own rewards, summed.
      for episode in environments.finishedEpisodes {
        let steps = try ScriptedEnvironment(plans[episode.environmentIndex]).steps
        let raw = steps[(t + 1 - episode.length)...t].reduce(0.0) { $0 + $1.reward }
        XCTAssertEqual(episode.episodeReturn, raw, "\(name): the return of an episode is the raw one")
      }
    }
  }

  private func checkStatistics(_ normalization: VectorNormalization, _ fixture: JSONValue) throws {
    let name = fixture["name"]?.stringValue ?? "?"
    let statistics = try XCTUnwrap(fixture["statistics"]?.arrayValue)
    XCTAssertEqual(normalization.observationStatistics.count, statistics.count)
    var returns: [Double] = []
    for (index, expected) in statistics.enumerated() {
      let observations = normalization.observationStatistics[index]
      XCTAssertEqual(observations.mean, try XCTUnwrap(expected["obs_mean"]?.doublesValue), "\(name): obs mean")
      XCTAssertEqual(observations.variance, try XCTUnwrap(expected["obs_var"]?.doublesValue), "\(name): obs var")
      XCTAssertEqual(observations.count, try XCTUnwrap(expected["obs_count"]?.doubleValue), "\(name): obs count")
      let rewards = normalization.returnStatistics[index]
      XCTAssertEqual(rewards.mean, [try XCTUnwrap(expected["ret_mean"]?.doubleValue)], "\(name): return mean")
      XCTAssertEqual(rewards.variance, [try XCTUnwrap(expected["ret_var"]?.doubleValue)], "\(name): return var")
      XCTAssertEqual(rewards.count, try XCTUnwrap(expected["ret_count"]?.doubleValue), "\(name): return count")
      returns += try XCTUnwrap(expected["returns"]?.doublesValue)
    }
    XCTAssertEqual(normalization.discountedReturns, returns, "\(name): discounted returns")
  }

  private func run(_ style: String, parallel: Bool = false) throws {
    let fixtures = try cases(style)
    XCTAssertFalse(fixtures.isEmpty)
    for fixture in fixtures {
      let environments = try makeEnvironments(fixture, parallel: parallel)
      defer { environments.close() }
      try environments.reset()
      XCTAssertEqual(environments.observations, try floats(fixture["first_observations"]))
      try replay(environments, fixture, from: 0)
      try checkStatistics(try XCTUnwrap(environments.normalization), fixture)
    }
  }

  func testGymnasiumStyleMatchesGymnasiumsWrappersInCleanRLsOrder() throws {
    try run("gymnasium")
  }

  func testVecNormalizeStyleMatchesStableBaselines3() throws {
    try run("vecnormalize")
  }

  func testParallelEnvironmentsNormaliseAsSequentialOnes() throws {
    try run("gymnasium", parallel: true)
    try run("vecnormalize", parallel: true)
  }

  /// A state saved mid-way and restored into a fresh vector environment continues exactly as the fixture.
  func testSavedStatisticsResumeExactly() throws {
    for style in ["gymnasium", "vecnormalize"] {
      for fixture in try cases(style) {
        let environments = try makeEnvironments(fixture)
        try environments.reset()
        for _ in 0..<17 { try environments.step([Double](repeating: 0, count: environments.count)) }
        let state = try environments.saveState()
        environments.close()
        let restored = try makeEnvironments(fixture)
        defer { restored.close() }
        try restored.restoreState(state)
        try replay(restored, fixture, from: 17)
        try checkStatistics(try XCTUnwrap(restored.normalization), fixture)

        let plain = try SyncVectorEnvironment(count: restored.count, autoresetMode: .sameStep) { index in
          try ScriptedEnvironment(XCTUnwrap(fixture["script"]?.arrayValue)[index])
        }
        XCTAssertThrowsError(try plain.restoreState(state), "a state with normalisation needs a normalising one")
      }
    }
  }

  func testNormalisationNeedsSameStepAutoresetAndValidSettings() throws {
    var configuration = NormalizationConfiguration()
    configuration.observation = true
    let nextStep = try SyncVectorEnvironment(count: 1) { _ in StepCount() }
    XCTAssertThrowsError(try nextStep.installNormalization(configuration, gamma: 0.99))
    let sameStep = try SyncVectorEnvironment(count: 1, autoresetMode: .sameStep) { _ in StepCount() }
    configuration.epsilon = 0
    XCTAssertThrowsError(try sameStep.installNormalization(configuration, gamma: 0.99))
    XCTAssertNil(sameStep.normalization)
  }

  func testFrozenObservationNormalizationUsesTheStatisticsWithoutUpdating() throws {
    var statistics = RunningMeanStd(count: 1)
    statistics.mean = [2]
    statistics.variance = [4]
    let normalizer = ObservationNormalizer(statistics: statistics, epsilon: 1e-8, clip: 0.4)
    let environment = try FrozenObservationNormalization(StepCount(), normalizer: normalizer)
    XCTAssertEqual(try environment.reset(seed: nil).observation, [Double(Float(-0.4))], "(0 - 2) / 2 clipped")
    XCTAssertEqual(try environment.step([0]).observation, [0], "(2 - 2) / 2")
    XCTAssertEqual(try environment.step([0]).observation, [Double(Float(0.4))], "(3 - 2) / 2 clipped to 0.4")
    XCTAssertEqual(environment.normalizer, normalizer, "frozen")
  }
}
