import ClassicControl
import XCTest

@testable import Gym

/// Keeps writing into the first buffer it was given: the bug the observation check exists for.
final class LeakyBufferEnv: Environment {
  var kept: UnsafeMutableBufferPointer<Double>?
  var t = 0.0
  let observationSpace = Space.box(BoxSpace(low: -1000, high: 1000, shape: [1]))
  let actionSpace = Space.discrete(DiscreteSpace(2))

  func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> Info
  {
    kept = observation
    t = 0
    observation[0] = 0
    return [:]
  }

  func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> StepOutcome
  {
    guard action[0] == 0 || action[0] == 1 else { throw EnvironmentError.invalidAction("0 or 1") }
    t += 1
    kept?[0] = t  // the bug
    observation[0] = t
    return StepOutcome(reward: 1, terminated: t >= 50)
  }
}

/// A well-behaved environment whose simulator reports instability on its fifth step, as MuJoCo's do.
final class WarningEnv: Environment {
  var t = 0
  var running = false
  let observationSpace = Space.box(BoxSpace(low: 0, high: 100, shape: [1]))
  let actionSpace = Space.discrete(DiscreteSpace(2))

  func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> Info
  {
    t = 0
    running = true
    observation[0] = 0
    return [:]
  }

  func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> StepOutcome
  {
    guard running else { throw EnvironmentError.stepAfterEpisodeEnd("WarningEnv") }
    guard action[0] == 0 || action[0] == 1 else { throw EnvironmentError.invalidAction("0 or 1") }
    t += 1
    observation[0] = Double(t)
    running = t < 20
    let info: Info = t == 5 ? ["mujoco_warnings": .info(["bad_qacc": .int(1)])] : [:]
    return StepOutcome(reward: 1, terminated: t >= 20, info: info)
  }
}

/// Ignores seeds, leaves its space and returns NaN rewards.
final class SloppyEnv: Environment {
  var generator = SystemRandomNumberGenerator()
  let observationSpace = Space.box(BoxSpace(low: -1, high: 1, shape: [2]))
  let actionSpace = Space.box(BoxSpace(low: -.infinity, high: .infinity, shape: [1]))

  func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> Info
  {
    observation[0] = Double(Float(Double.random(in: -1...1, using: &generator)))
    observation[1] = 0
    return [:]
  }

  func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> StepOutcome
  {
    observation[0] = 5
    observation[1] = 0.1  // not a float32 value either
    return StepOutcome(reward: .nan, terminated: false, truncated: true)
  }
}

final class EnvironmentCheckerTests: XCTestCase {
  func testEveryClassicEnvironmentPassesWithoutErrors() throws {
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    for id in registry.ids {
      let report = try EnvironmentChecker(steps: 200).check(id: id, registry: registry)
      XCTAssertEqual(report.checks.count, 12, id)
      XCTAssertTrue(report.passed, "\(id): \(report.findings)")
      if id == "Pendulum-v1" {
        // Stable-Baselines3 gives the same advice for Pendulum's [-2, 2] torque.
        XCTAssertEqual(report.findings.map(\.check), ["spaces.action"])
      } else {
        XCTAssertTrue(report.isClean, "\(id): \(report.findings)")
      }
    }
  }

  /// The leak is found, and the checks that would hand the environment short-lived buffers are not run (it would
  /// write into them after they were freed: before they were skipped, that corrupted the checker's own records).
  func testAnObservationChangedAfterItWasReturnedIsAnError() {
    let report = EnvironmentChecker().check { LeakyBufferEnv() }
    XCTAssertFalse(report.passed)
    XCTAssertEqual(
      report.findings.filter { $0.severity == .error }.map(\.check),
      ["observation.not-changed-later", "checks-skipped"])
    XCTAssertFalse(report.checks.contains("step.determinism"))
    // It also accepts steps before reset: a warning.
    XCTAssertTrue(report.findings.contains { $0.check == "step.before-reset" && $0.severity == .warning })
  }

  /// Instability a simulator reports in info is flagged (a warning: the API contract itself holds).
  func testSimulatorWarningsAreFlagged() {
    let report = EnvironmentChecker().check { WarningEnv() }
    XCTAssertTrue(report.passed, "\(report.findings)")
    XCTAssertTrue(
      report.findings.contains { $0.check == "step.simulator-warnings" && $0.message.contains("mujoco_warnings") },
      "\(report.findings)")
    XCTAssertFalse(
      EnvironmentChecker().check { LeakyBufferEnv() }.findings.contains { $0.check == "step.simulator-warnings" })
  }

  func testSloppyEnvironmentsAreCaught() {
    let report = EnvironmentChecker().check { SloppyEnv() }
    let errors = Set(report.findings.filter { $0.severity == .error }.map(\.check))
    XCTAssertTrue(errors.contains("spaces.action"), "unbounded Box action space")
    XCTAssertTrue(errors.contains("reset.seed-determinism"), "seeds ignored")
    XCTAssertTrue(errors.contains("step.observations-rewards"), "observation outside the space, NaN reward")
    let warnings = Set(report.findings.filter { $0.severity == .warning }.map(\.check))
    XCTAssertTrue(warnings.contains("step.bare-environment-never-truncates"))
  }

  func testAnEnvironmentThatCannotBeMadeIsReported() {
    let report = EnvironmentChecker().check { throw EnvironmentError.simulationFailed("boom") }
    XCTAssertEqual(report.findings.map(\.check), ["make"])
    XCTAssertThrowsError(try EnvironmentChecker().check(id: "Nope-v0", registry: EnvironmentRegistry()))
  }
}
