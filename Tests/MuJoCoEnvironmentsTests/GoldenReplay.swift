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
    /// The reset's numeric info (v5 traces only).
    var reset_info: [String: GoldenInfoValue]?
  }

  /// One step; a trimmed fixture keeps only the action of the steps it does not compare.
  struct Step: Decodable {
    var action: [Double]
    var obs: [Double]?
    var reward: Double?
    var terminated: Bool?
    var truncated: Bool?
    /// The step's numeric info (v5 traces only).
    var info: [String: GoldenInfoValue]?
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

/// A numeric info entry of a golden trace: a number or a list of numbers.
enum GoldenInfoValue: Decodable, Equatable {
  case number(Double)
  case numbers([Double])

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let number = try? container.decode(Double.self) {
      self = .number(number)
    } else {
      self = .numbers(try container.decode([Double].self))
    }
  }

  var values: [Double] {
    switch self {
    case .number(let x): return [x]
    case .numbers(let xs): return xs
    }
  }
}

/// The first difference between a golden info and Rein's (numeric entries only, ``MuJoCoWarning/infoKey`` aside),
/// or nil when every entry matches to the bit and neither has an entry the other lacks.
func infoMismatch(_ expected: [String: GoldenInfoValue], _ info: Info, _ place: String) -> String? {
  var numeric: [String: [Double]] = [:]
  for (key, value) in info {
    switch value {
    case .double(let x): numeric[key] = [x]
    case .int(let n): numeric[key] = [Double(n)]
    case .doubles(let xs): numeric[key] = xs
    default: continue
    }
  }
  for key in expected.keys.sorted() {
    guard let got = numeric[key] else { return "\(place): info has no '\(key)'" }
    let want = expected[key]!.values
    guard got.count == want.count else {
      return "\(place): info '\(key)' has \(got.count) values, expected \(want.count)"
    }
    for i in 0..<want.count where want[i].bitPattern != got[i].bitPattern {
      return "\(place): info '\(key)'[\(i)] = \(got[i]), expected \(want[i]) (\(ulpDistance(want[i], got[i])) ulps)"
    }
  }
  if let extra = numeric.keys.sorted().first(where: { expected[$0] == nil }) {
    return "\(place): info has '\(extra)', which Gymnasium's has not"
  }
  return nil
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
/// `maxEpisodeSteps`. Every observation, reward, flag and (where the trace has them, v5) info entry of steps and
/// resets must match to the bit; the first mismatch of each seed is reported with its place and its distance in ulps.
///
/// A fixture may hold only the first steps of an episode (a trimmed copy of a large golden file): the next reset
/// depends only on the generator, not on where the previous episode stopped. A step may also hold only its action
/// (the v5 fixtures keep every action and compare the first and last steps of each episode).
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
      let resetInfo = try observation.withUnsafeMutableBufferPointer {
        try env.reset(seed: e == 0 ? run.seed : nil, options: nil, into: $0)
      }
      let resetPlace = "seed \(run.seed) episode \(e) reset"
      if let message = mismatch("reset observation", episode.reset_obs, observation, resetPlace)
        ?? episode.reset_info.flatMap({ infoMismatch($0, resetInfo, resetPlace) })
      {
        XCTFail(message, file: file, line: line)
        break seedLoop
      }
      for (t, step) in episode.steps.enumerated() {
        let outcome = try step.action.withUnsafeBufferPointer { action in
          try observation.withUnsafeMutableBufferPointer { try env.step(action, into: $0) }
        }
        guard let obs = step.obs, let reward = step.reward, let terminated = step.terminated,
          let expectedTruncation = step.truncated
        else { continue }
        let place = "seed \(run.seed) episode \(e) step \(t)"
        var message = mismatch("observation", obs, observation, place)
        if message == nil, outcome.reward.bitPattern != reward.bitPattern {
          let ulps = ulpDistance(reward, outcome.reward)
          message = "\(place): reward \(outcome.reward), expected \(reward) (\(ulps) ulps)"
        }
        if message == nil, outcome.terminated != terminated {
          message = "\(place): terminated \(outcome.terminated), expected \(terminated)"
        }
        let truncated = t + 1 >= maxEpisodeSteps
        if message == nil, truncated != expectedTruncation {
          message = "\(place): truncated \(truncated), expected \(expectedTruncation)"
        }
        if message == nil, let expectedInfo = step.info {
          message = infoMismatch(expectedInfo, outcome.info, place)
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
