import ClassicControl
import Experiments
import Foundation
import Gym
import XCTest

// MARK: - Recordings in run folders

/// `record_final: true` leaves each seed's last evaluation episode as `final-episode.gif` in its folder.
final class RunFolderRecordingTests: XCTestCase {
  func testRecordFinalWritesTheLastEvaluationEpisode() throws {
    let root = NSTemporaryDirectory() + "rein-record-final-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    func run(_ name: String, recordFinal: Bool) throws -> RunSummary {
      let configuration = try RunConfiguration(
        yaml: """
          name: \(name)
          algorithm: ppo
          env: CartPole-v1
          seeds: [1, 2]
          steps: 256
          n_steps: 128
          batch_size: 64
          n_epochs: 1
          eval_episodes: 2
          progress: none
          record_final: \(recordFinal)
          """)
      let folder = try RunFolder(creatingAt: root + "/" + name, configuration: configuration)
      return try ExperimentRunner(configuration: configuration, registry: registry, folder: folder, write: { _ in })
        .run()
    }
    let recorded = try run("recorded", recordFinal: true)
    let plain = try run("plain", recordFinal: false)
    for seed in [1, 2] {
      let gif = root + "/recorded/seed-\(seed)/final-episode.gif"
      let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: gif)))
      let decoded = try decodeGIF(bytes)
      XCTAssertEqual(decoded.width, 600)
      XCTAssertEqual(decoded.height, 400)
      XCTAssertGreaterThan(decoded.frames.count, 2)
      XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/plain/seed-\(seed)/final-episode.gif"))
    }
    // Recording the evaluation changes none of its results.
    XCTAssertEqual(recorded.entries.map(\.seed.evaluationMean), plain.entries.map(\.seed.evaluationMean))
    XCTAssertEqual(recorded.entries.count, 2)
  }
}
