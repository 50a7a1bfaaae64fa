import Box2DEnvironments
import Foundation
import Gym
import XCTest

// MARK: - Golden trajectories recorded with Gymnasium 1.4.0 (see Fixtures)

/// One seed of a golden file: `reset(seed:)`, the recorded actions, `reset()` after each episode end.
struct GoldenSeed: Decodable {
  var seed: UInt64
  var episodes: [GoldenEpisode]
}

struct GoldenEpisode: Decodable {
  var resetObservation: [Double]
  var steps: [GoldenStep]

  enum CodingKeys: String, CodingKey {
    case resetObservation = "reset_obs"
    case steps
  }
}

struct GoldenStep: Decodable {
  /// The action's flat values (one value for a discrete action).
  var action: [Double]
  var observation: [Double]
  var reward: Double
  /// BipedalWalker fixtures: the reward Gymnasium gives for the same action as a float64 array (`reward` is for the
  /// recorded float32 array, which numpy 2 makes a float32 reward; see bipedal_walker_trajectories.py).
  var reward64: Double?
  var terminated: Bool
  var truncated: Bool

  enum CodingKeys: String, CodingKey {
    case action
    case observation = "obs"
    case reward, reward64, terminated, truncated
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    if let discrete = try? container.decode(Int.self, forKey: .action) {
      action = [Double(discrete)]
    } else {
      action = try container.decode([Double].self, forKey: .action)
    }
    observation = try container.decode([Double].self, forKey: .observation)
    reward = try container.decode(Double.self, forKey: .reward)
    reward64 = try container.decodeIfPresent(Double.self, forKey: .reward64)
    terminated = try container.decode(Bool.self, forKey: .terminated)
    truncated = try container.decode(Bool.self, forKey: .truncated)
  }
}

/// Loads `Fixtures/NAME.jsonl` from the test bundle.
func loadGolden(_ name: String) throws -> [GoldenSeed] {
  let url = try XCTUnwrap(
    Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures"),
    "missing fixture \(name).jsonl")
  let text = try String(contentsOf: url, encoding: .utf8)
  let decoder = JSONDecoder()
  return try text.split(separator: "\n").map { try decoder.decode(GoldenSeed.self, from: Data($0.utf8)) }
}

// MARK: - Generator-derived starts recorded with Gymnasium (Fixtures/lunar_lander_starts.py)

/// The start of each episode of a golden line as Gymnasium drew it: terrain heights, initial force, wind offsets.
struct GoldenStarts: Decodable {
  var seed: UInt64
  var episodes: [GoldenStart]
}

struct GoldenStart: Decodable {
  var smoothY: [Double]
  var push: [Double]
  var windIndex: Int?
  var torqueIndex: Int?
  /// Present in the wind file, which also holds its own short trajectories.
  var resetObservation: [Double]?
  var steps: [GoldenStep]?

  enum CodingKeys: String, CodingKey {
    case smoothY = "smooth_y"
    case push
    case windIndex = "wind_idx"
    case torqueIndex = "torque_idx"
    case resetObservation = "reset_obs"
    case steps
  }
}

/// Loads `Fixtures/NAME.jsonl` as starts.
func loadStarts(_ name: String) throws -> [GoldenStarts] {
  let url = try XCTUnwrap(
    Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures"),
    "missing fixture \(name).jsonl")
  let text = try String(contentsOf: url, encoding: .utf8)
  let decoder = JSONDecoder()
  return try text.split(separator: "\n").map { try decoder.decode(GoldenStarts.self, from: Data($0.utf8)) }
}

// MARK: - Replaying recordings whose episodes may end later than Rein's

/// Steps `env` with a recorded action, or, once Rein's episode has ended (its physics ended it before
/// Gymnasium's did), makes the step's two generator draws (the engine dispersion) instead and returns nil, so
/// that the generator stays in step with the recording for the next `reset()`.
func replay(_ env: LunarLander, _ action: [Double], ended: inout Bool) throws -> Step? {
  if ended {
    _ = env.random.uniform(low: -1, high: 1)
    _ = env.random.uniform(low: -1, high: 1)
    return nil
  }
  let step = try env.step(action)
  ended = step.terminated
  return step
}

/// Steps `env` with a recorded action until Rein's episode ends (BipedalWalker draws nothing per step).
func replay(_ env: BipedalWalker, _ action: [Double], ended: inout Bool) throws -> Step? {
  if ended { return nil }
  let step = try env.step(action)
  ended = step.terminated
  return step
}
