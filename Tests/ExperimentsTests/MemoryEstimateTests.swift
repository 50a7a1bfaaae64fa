import Foundation
import PolicyGradient
import Tensors
import XCTest

@testable import Experiments

/// Sizes that cannot be allocated (issue 17 item 3): the runner estimates a configuration's memory before it
/// allocates anything and refuses what cannot fit with the figure; a tensor allocation that fails anyway ends the
/// process with a message and exit status 71, not an abort.
final class MemoryEstimateTests: XCTestCase {
  /// The estimate's parameter count is the built policy's, for every shape of policy.
  func testParameterCountMatchesTheBuiltPolicy() throws {
    var configurations: [PolicyConfiguration] = []
    for shared in [false, true] {
      for head in GaussianHead.allCases {
        for value in [true, false] {
          var c = PolicyConfiguration()
          c.sharedTrunk = shared
          c.gaussianHead = head
          c.includesValue = value
          c.hiddenCounts = shared ? [32] : [16, 8]
          c.valueHiddenCounts = shared ? nil : [12, 5, 3]
          configurations.append(c)
        }
      }
    }
    var empty = PolicyConfiguration()
    empty.hiddenCounts = []
    configurations.append(empty)
    let kinds: [ActionKind] = [.discrete(count: 3), .continuous(low: [-1, -1, -1, -1], high: [1, 1, 1, 1])]
    for configuration in configurations {
      for kind in kinds {
        var generator = RandomGenerator(seed: 1)
        let policy = try ActorCriticPolicy(
          observationCount: 7, actionKind: kind, configuration: configuration, generator: &generator)
        XCTAssertEqual(
          configuration.parameterValueCount(observationCount: 7, actionKind: kind), Double(policy.parameterCount),
          "\(configuration) for \(kind)")
      }
    }
  }

  private func plan(_ settings: [String]) throws -> ExperimentPlan {
    var configuration = RunConfiguration()
    configuration.set("algorithm", .string("ppo"))
    configuration.set("env", .string("CartPole-v1"))
    configuration.set("steps", .int(1000))
    try configuration.apply(overrides: settings)
    return try ExperimentPlan(configuration)
  }

  /// The issue's two configurations need hundreds of gigabytes; the defaults a few megabytes.
  func testEstimateOfTheIssuesConfigurations() throws {
    func estimate(_ settings: [String]) throws -> MemoryEstimate {
      MemoryEstimate(
        plan: try plan(settings), observationCount: 4, actionKind: .discrete(count: 2), maxEpisodeSteps: 500,
        concurrentSeeds: 1)
    }
    let wide = try estimate(["policy.hidden=[200000,200000]"])
    // Two 200000-wide layers: 4e10 weights, 20 bytes each with gradients, moments and the checkpoint copy.
    XCTAssertGreaterThan(wide.bytes, 8e11)
    XCTAssertEqual(wide.parts.max { $0.bytes < $1.bytes }?.name, "policy")
    let many = try estimate(["n_envs=1000000"])
    // 2048 steps x 10^6 environments x 66 bytes a step, twice.
    XCTAssertGreaterThan(many.bytes, 2.5e11)
    XCTAssertEqual(many.parts.max { $0.bytes < $1.bytes }?.name, "rollout")
    let defaults = try estimate([])
    XCTAssertLessThan(defaults.bytes, 10e6)
    XCTAssertGreaterThan(defaults.bytes, 100e3)
    XCTAssertEqual(MemoryEstimate.bytes(32_768_000_032), "32.8 GB")
    XCTAssertEqual(MemoryEstimate.bytes(999), "999 B")
  }

  /// The allowance is never more than the machine's memory and shrinks under an address-space limit.
  func testAllowanceIsBoundedByTheMachine() {
    let allowance = MemoryAllowance.current()
    let machine = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
    XCTAssertGreaterThan(allowance.bytes, 0)
    XCTAssertLessThanOrEqual(allowance.bytes, machine)
  }

  // MARK: Through the built tool, under `ulimit -v 4000000` (the issue's commands)

  private func runUnderLimit(_ arguments: [String]) throws -> ReinExecutable.Outcome {
    let folder = NSTemporaryDirectory() + "rein-memory-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let outcome = try ReinExecutable.run(arguments + ["--out", "run"], in: folder, addressSpaceLimit: true)
    if outcome.status != 0 {
      // Refused before anything was written: the run folder stays absent.
      XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/run/config.yaml"), outcome.output)
    }
    return outcome
  }

  /// Before the estimate, both exited 134 (`failed to allocate 32768000032 bytes`).
  func testAbsurdSizesAreRefusedWithTheFigure() throws {
    for setting in ["policy.hidden=[200000,200000]", "n_envs=1000000"] {
      let outcome = try runUnderLimit(["train", "ppo", "CartPole-v1", "--steps", "64", "--set", setting])
      XCTAssertFalse(outcome.crashed, "\(setting): \(outcome.output)")
      XCTAssertEqual(outcome.status, 1, "\(setting): \(outcome.output)")
      XCTAssertTrue(outcome.output.contains("this configuration needs about"), outcome.output)
      XCTAssertTrue(outcome.output.contains("the address-space limit (ulimit -v)"), outcome.output)
      XCTAssertLessThan(outcome.output.utf8.count, 600, outcome.output)
    }
  }

  /// The estimate refuses nothing that fits: a normal run trains under the same limit.
  func testOrdinarySizesStillTrainUnderTheLimit() throws {
    let outcome = try runUnderLimit([
      "train", "ppo", "CartPole-v1", "--steps", "256", "--envs", "4", "--set", "n_steps=64", "--set",
      "progress=none",
    ])
    XCTAssertEqual(outcome.status, 0, outcome.output)
  }

  // MARK: A tensor allocation that fails anyway

  /// In a child copy of this test process under a 1 GB address-space limit, a 2 GB tensor is made: the child exits
  /// with status 71 and the message (before the fix: SIGABRT in the allocator).
  func testFailedTensorAllocationExitsWithAMessage() throws {
    if ProcessInfo.processInfo.environment["REIN_TENSOR_ALLOCATION_CHILD"] == "1" {
      let tensor = Tensor(repeating: 1, shape: [500_000_000])
      print("allocated \(tensor.count)")  // not reached under the limit
      return
    }
    let test = "ExperimentsTests.MemoryEstimateTests/testFailedTensorAllocationExitsWithAMessage"
    let child = try ReinExecutable.runToEnd(
      "/bin/sh", ["-c", "ulimit -v 1000000; exec \"$0\" \"$1\"", CommandLine.arguments[0], test],
      environment: ["REIN_TENSOR_ALLOCATION_CHILD": "1", "SWIFT_BACKTRACE": "enable=no"])
    let output = child.output
    XCTAssertEqual(child.reason, .exit, output)
    XCTAssertEqual(child.status, TensorAllocationFailure.exitStatus, output)
    XCTAssertTrue(
      output.contains("out of memory: a tensor of 500000000 values (2.0 GB) could not be allocated"), output)
  }
}
