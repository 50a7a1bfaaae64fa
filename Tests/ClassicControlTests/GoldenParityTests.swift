import ClassicControl
import Foundation
import XCTest

@testable import Gym

/// Replays every golden trajectory recorded with Gymnasium 1.4.0 (`Fixtures/*.jsonl`, one line per seed) and
/// requires Rein to reproduce each observation, reward and flag to the bit, across episode boundaries (the
/// recordings reset without a seed after each episode, so this also checks the generator's continuation).
final class GoldenParityTests: XCTestCase {
  // MARK: - Fixture format

  struct GoldenStep {
    var action: [Double]
    var observation: [Double]
    var reward: Double
    var terminated: Bool
    var truncated: Bool
  }

  struct GoldenEpisode {
    var resetObservation: [Double]
    var steps: [GoldenStep]
  }

  struct GoldenRun {
    var seed: UInt64
    var episodes: [GoldenEpisode]
  }

  static func load(_ id: String) throws -> [GoldenRun] {
    let url = try XCTUnwrap(Bundle.module.url(forResource: id, withExtension: "jsonl", subdirectory: "Fixtures"))
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
      let object = try JSONValue(parsing: String(line))
      let episodes = (object["episodes"]?.arrayValue ?? []).map { episode in
        GoldenEpisode(
          resetObservation: episode["reset_obs"]?.doublesValue ?? [],
          steps: (episode["steps"]?.arrayValue ?? []).map { step in
            GoldenStep(
              action: step["action"]?.doublesValue ?? [], observation: step["obs"]?.doublesValue ?? [],
              reward: step["reward"]?.doubleValue ?? .nan, terminated: step["terminated"]?.boolValue ?? false,
              truncated: step["truncated"]?.boolValue ?? false)
          })
      }
      return GoldenRun(seed: UInt64(try XCTUnwrap(object["seed"]?.intValue)), episodes: episodes)
    }
  }

  // MARK: - Replay

  /// Replays the golden runs of `id` and returns the number of steps compared.
  @discardableResult
  func replay(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    let runs = try Self.load(id)
    XCTAssertEqual(runs.map(\.seed), [0, 1, 42], "expected the seeds 0, 1 and 42", file: file, line: line)
    var compared = 0
    for run in runs {
      let env = try registry.make(id)
      for (episodeIndex, episode) in run.episodes.enumerated() {
        let (observation, _) = try env.reset(seed: episodeIndex == 0 ? run.seed : nil)
        XCTAssertEqual(
          observation, episode.resetObservation, "\(id) seed \(run.seed) episode \(episodeIndex) reset",
          file: file, line: line)
        for (stepIndex, golden) in episode.steps.enumerated() {
          let result = try env.step(golden.action)
          let place = "\(id) seed \(run.seed) episode \(episodeIndex) step \(stepIndex)"
          XCTAssertEqual(result.observation, golden.observation, place, file: file, line: line)
          XCTAssertEqual(result.reward, golden.reward, place, file: file, line: line)
          XCTAssertEqual(result.terminated, golden.terminated, place, file: file, line: line)
          XCTAssertEqual(result.truncated, golden.truncated, place, file: file, line: line)
          compared += 1
          if result.observation != golden.observation || result.reward != golden.reward { return compared }
        }
      }
    }
    return compared
  }

  func testCartPoleMatchesGymnasium() throws {
    XCTAssertGreaterThan(try replay("CartPole-v1"), 100)
  }

  func testPendulumMatchesGymnasium() throws {
    XCTAssertGreaterThan(try replay("Pendulum-v1"), 1000)
  }

  func testAcrobotMatchesGymnasium() throws {
    XCTAssertGreaterThan(try replay("Acrobot-v1"), 1000)
  }

  func testMountainCarMatchesGymnasium() throws {
    XCTAssertGreaterThan(try replay("MountainCar-v0"), 500)
  }

  func testMountainCarContinuousMatchesGymnasium() throws {
    XCTAssertGreaterThan(try replay("MountainCarContinuous-v0"), 1000)
  }
}
