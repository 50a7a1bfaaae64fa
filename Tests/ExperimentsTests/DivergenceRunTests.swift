import Foundation
import Rein
import XCTest

@testable import Experiments

/// Issue 17 item 9 as a user met it: `rein train actor-critic CartPole-v1 --steps 20000 --set learning_rate=1e30`
/// finished with every parameter NaN, saved that checkpoint and reported an evaluation. The run must fail with
/// "training diverged" and leave no final checkpoint.
final class DivergenceRunTests: XCTestCase {
  func testADivergedSeedFailsAndSavesNoFinalModel() throws {
    let registry = EnvironmentRegistry()
    registerBuiltinEnvironments(in: registry)
    for algorithm in ["actor-critic", "ppo"] {
      let root = NSTemporaryDirectory() + "rein-diverged-\(UUID().uuidString)"
      defer { try? FileManager.default.removeItem(atPath: root) }
      let configuration = try RunConfiguration(
        yaml: """
          algorithm: \(algorithm)
          env: CartPole-v1
          seeds: [1]
          steps: 20000\(algorithm == "ppo" ? "\nn_steps: 32\nbatch_size: 32" : "")
          learning_rate: 1.0e30
          eval_episodes: 2
          """)
      let folder = try RunFolder(creatingAt: root, configuration: configuration)
      let runner = try ExperimentRunner(
        configuration: configuration, registry: registry, folder: folder, write: { _ in })
      XCTAssertThrowsError(try runner.run(), algorithm) { error in
        XCTAssert("\(error)".contains("training diverged"), "\(algorithm): \(error)")
      }
      XCTAssertFalse(
        FileManager.default.fileExists(atPath: root + "/seed-1/" + RunFolder.checkpointFileName),
        "\(algorithm) saved the diverged weights as its final model")
    }
  }
}
