import Foundation
import Rein
import XCTest

@testable import Experiments

/// What the tests that train into run folders share: a registry of the built-in environments, a fresh temporary
/// root for each test (removed after it), a short PPO CartPole run with periodic checkpoints, and running a
/// configuration through the runner as `rein run` (or `rein run --resume`) does, optionally stopped as if killed.
class RunFolderTestCase: XCTestCase {
  var registry: EnvironmentRegistry!
  /// The test's temporary folder; run folders are made below it.
  var root: String!

  /// The start of the temporary folder's name, after the system's temporary directory.
  class var rootPrefix: String { "rein-test" }

  override func setUpWithError() throws {
    registry = EnvironmentRegistry()
    registerBuiltinEnvironments(in: registry)
    root = NSTemporaryDirectory() + Self.rootPrefix + "-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  }

  override func tearDown() {
    try? FileManager.default.removeItem(atPath: root)
  }

  /// PPO on CartPole with one seed (1), two environments, rollouts of 32 steps each, one epoch, a hidden layer of 8,
  /// a checkpoint every 64 steps and one evaluation episode: seconds to train, and resumable from every checkpoint.
  ///
  /// - Parameter steps: The step budget.
  static func periodicPPOYAML(steps: Int) -> String {
    """
    algorithm: ppo
    env: CartPole-v1
    seeds: [1]
    n_envs: 2
    n_steps: 32
    batch_size: 32
    n_epochs: 1
    steps: \(steps)
    checkpoint_every: 64
    eval_episodes: 1
    policy.hidden: [8]
    progress: none
    """
  }

  /// Runs `yaml` in `root/name` through the runner and returns its summary.
  ///
  /// - Parameters:
  ///   - yaml: The configuration; when resuming, the folder's `config.yaml` is run instead.
  ///   - name: The run folder's name below ``root``.
  ///   - resuming: True to resume the run in the folder (`--resume`).
  ///   - killSeed: The seed stopped by `killAfter`; nil stops every seed.
  ///   - killAfter: Stop as if killed at the first update at or after this many steps (right after the checkpoint
  ///     written there when one is due); nil runs to the end.
  ///   - write: Receives the lines the runner prints.
  @discardableResult
  func run(
    _ yaml: String, in name: String, resuming: Bool = false, killSeed: UInt64? = nil, killAfter: Int? = nil,
    write: @escaping @Sendable (String) -> Void = { _ in }
  ) throws -> RunSummary {
    let path = root + "/" + name
    let configuration = try RunConfiguration(yaml: yaml)
    let folder =
      resuming ? try RunFolder(creatingAt: path) : try RunFolder(creatingAt: path, configuration: configuration)
    let runner = try ExperimentRunner(
      configuration: resuming ? RunConfiguration(contentsOfFile: path + "/config.yaml") : configuration,
      registry: registry, folder: folder, write: write)
    runner.resumes = resuming
    if let killAfter {
      runner.additionalCallbacks = { seed in
        guard killSeed == nil || seed == killSeed else { return [] }
        return [
          ClosureCallback(onUpdate: { info in
            info.environmentSteps >= killAfter ? .stop(reason: ExperimentRunner.interruptionReason) : .proceed
          })
        ]
      }
    }
    return try runner.run()
  }
}
