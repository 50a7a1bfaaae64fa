import Foundation
import Gym
import MuJoCoEnvironments
import XCTest

// MARK: - Golden trajectories

/// One line of a golden file: the episodes Gymnasium 1.4.0 on MuJoCo 4.0.0 produced for one seed.
struct GoldenRun: Decodable {
  struct Episode: Decodable {
    var reset_obs: [Double]
    var steps: [Step]
  }

  struct Step: Decodable {
    var action: [Double]
    var obs: [Double]
    var reward: Double
    var terminated: Bool
    var truncated: Bool
  }

  var env: String
  var seed: UInt64
  var episodes: [Episode]
}

/// Reads `Fixtures/NAME.jsonl`.
func loadGolden(_ name: String) throws -> [GoldenRun] {
  guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "jsonl") else {
    throw GoldenError.missingFixture(name)
  }
  let text = try String(contentsOf: url, encoding: .utf8)
  let decoder = JSONDecoder()
  return try text.split(separator: "\n").map { try decoder.decode(GoldenRun.self, from: Data($0.utf8)) }
}

enum GoldenError: Error, CustomStringConvertible {
  case missingFixture(String)

  var description: String {
    switch self {
    case .missingFixture(let name): return "Fixtures/\(name).jsonl is missing from the test bundle"
    }
  }
}

/// The ulps between two doubles (0 when bit-identical).
func ulpDistance(_ a: Double, _ b: Double) -> UInt64 {
  func ordered(_ x: Double) -> Int64 {
    let bits = Int64(bitPattern: x.bitPattern)
    return bits < 0 ? Int64.min &- bits : bits
  }
  let d = ordered(a) &- ordered(b)
  return d.magnitude
}

/// Replays every golden run of `fixture` on environments from `make`, as the golden files were made: reset with the
/// seed once, apply the recorded actions, reset without a seed after each episode end; the time limit is
/// `maxEpisodeSteps`. Every observation, reward and flag must match to the bit; the first mismatch of each seed is
/// reported with its place and its distance in ulps.
///
/// A fixture may hold only the first steps of an episode (a trimmed copy of a large golden file): the next reset
/// depends only on the generator, not on where the previous episode stopped.
func assertGoldenParity(
  fixture: String, maxEpisodeSteps: Int, make: () throws -> any Environment, file: StaticString = #filePath,
  line: UInt = #line
) throws {
  let runs = try loadGolden(fixture)
  XCTAssertFalse(runs.isEmpty, "\(fixture) holds no runs", file: file, line: line)
  var comparedSteps = 0
  for run in runs {
    let env = try make()
    let count = env.observationSpace.flatCount
    var observation = [Double](repeating: 0, count: count)
    func mismatch(_ what: String, _ expected: [Double], _ got: [Double], _ place: String) -> String? {
      guard expected.count == got.count else {
        return "\(place): \(what) has \(got.count) values, expected \(expected.count)"
      }
      for i in 0..<expected.count where expected[i].bitPattern != got[i].bitPattern {
        return "\(place): \(what)[\(i)] = \(got[i]), expected \(expected[i]) (\(ulpDistance(expected[i], got[i])) ulps)"
      }
      return nil
    }
    seedLoop: for (e, episode) in run.episodes.enumerated() {
      let _ = try observation.withUnsafeMutableBufferPointer {
        try env.reset(seed: e == 0 ? run.seed : nil, options: nil, into: $0)
      }
      if let message = mismatch("reset observation", episode.reset_obs, observation, "seed \(run.seed) episode \(e)") {
        XCTFail(message, file: file, line: line)
        break seedLoop
      }
      for (t, step) in episode.steps.enumerated() {
        let outcome = try step.action.withUnsafeBufferPointer { action in
          try observation.withUnsafeMutableBufferPointer { try env.step(action, into: $0) }
        }
        let place = "seed \(run.seed) episode \(e) step \(t)"
        var message = mismatch("observation", step.obs, observation, place)
        if message == nil, outcome.reward.bitPattern != step.reward.bitPattern {
          message =
            "\(place): reward \(outcome.reward), expected \(step.reward) (\(ulpDistance(step.reward, outcome.reward)) ulps)"
        }
        if message == nil, outcome.terminated != step.terminated {
          message = "\(place): terminated \(outcome.terminated), expected \(step.terminated)"
        }
        let truncated = t + 1 >= maxEpisodeSteps
        if message == nil, truncated != step.truncated {
          message = "\(place): truncated \(truncated), expected \(step.truncated)"
        }
        if let message {
          XCTFail(message, file: file, line: line)
          break seedLoop
        }
        comparedSteps += 1
      }
    }
  }
  XCTAssertGreaterThan(comparedSteps, 0, "\(fixture): no step compared", file: file, line: line)
}
