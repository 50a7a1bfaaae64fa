import Foundation
import Gym
import XCTest

@testable import Box2DEnvironments

/// One seed of a BipedalWalker fixture (Fixtures/bipedal_walker_trajectories.py).
struct WalkerSeed: Decodable {
  var seed: UInt64
  var episodes: [WalkerEpisode]
}

struct WalkerEpisode: Decodable {
  var terrainX: [Double]
  var terrainY: [Double]
  var push: Double
  var resetObservation: [Double]
  var steps: [GoldenStep]

  enum CodingKeys: String, CodingKey {
    case terrainX = "terrain_x"
    case terrainY = "terrain_y"
    case push
    case resetObservation = "reset_obs"
    case steps
  }
}

/// BipedalWalker and its hardcore variant against Gymnasium 1.4.0, plus spaces, errors and mechanics.
final class BipedalWalkerTests: XCTestCase {
  override func setUp() async throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D")
  }

  static func load(_ name: String) throws -> [WalkerSeed] {
    let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures"))
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.split(separator: "\n").map { try JSONDecoder().decode(WalkerSeed.self, from: Data($0.utf8)) }
  }

  static let variants = [("BipedalWalker-v3-trajectories", false), ("BipedalWalkerHardcore-v3-trajectories", true)]

  // MARK: - Parity

  /// Terrain (obstacles included) and initial push equal Gymnasium's to the last bit, every seed and episode.
  func testTerrainAndPushExactlyAsInGymnasium() throws {
    for (name, hardcore) in Self.variants {
      for line in try Self.load(name) {
        let env = try BipedalWalker(hardcore: hardcore)
        for (e, episode) in line.episodes.enumerated() {
          _ = try env.reset(seed: e == 0 ? line.seed : nil)
          let context = "\(name) seed \(line.seed) episode \(e)"
          XCTAssertEqual(env.terrain.x, episode.terrainX, context)
          XCTAssertEqual(env.terrain.y, episode.terrainY, context)
          XCTAssertEqual(env.initialPush, episode.push, context)
          var ended = false
          for step in episode.steps { _ = try replay(env, step.action, ended: &ended) }
        }
      }
    }
  }

  /// The reset observation (after one zero-torque step) matches Gymnasium's to about 1e-6 (measured largest
  /// difference 1.9e-6), every seed and episode, both variants.
  func testResetObservationsMatchGymnasium() throws {
    var largest = 0.0
    for (name, hardcore) in Self.variants {
      for line in try Self.load(name) {
        let env = try BipedalWalker(hardcore: hardcore)
        for (e, episode) in line.episodes.enumerated() {
          let (observation, _) = try env.reset(seed: e == 0 ? line.seed : nil)
          let difference = zip(observation, episode.resetObservation).map { abs($0 - $1) }.max()!
          XCTAssertLessThanOrEqual(difference, 1e-5, "\(name) seed \(line.seed) episode \(e)")
          largest = max(largest, difference)
          var ended = false
          for step in episode.steps { _ = try replay(env, step.action, ended: &ended) }
        }
      }
    }
    print("BipedalWalker reset observation, largest difference from Gymnasium: \(largest)")
  }

  /// Measures the drift along Gymnasium's random-action trajectories and bounds the hull's part of it.
  ///
  /// The walker starts with its knees at joint angle 0, outside their limits [-1.6, -0.1], and the first
  /// motor commands push on those limits. Box2D 2.3 (Gymnasium) lets a knee overshoot its limit far (to +0.75 rad
  /// on the first step of seed 1) and pulls it back over several steps; Box2D 2.4.1 holds the limit. So the
  /// joint observations differ by O(1) from the first action on (measured 1.6 over steps 1-10, 2.5 over 11-50),
  /// while the hull (indices 0-3) stays within 0.15 for the first ten steps (measured 0.142; 1.59 over 11-50).
  func testTrajectoryDrift() throws {
    var hull = [0.0, 0.0]  // steps 1...10, 11...50
    var all = [0.0, 0.0]
    for (name, hardcore) in Self.variants {
      for line in try Self.load(name) {
        let env = try BipedalWalker(hardcore: hardcore)
        for (e, episode) in line.episodes.enumerated() {
          _ = try env.reset(seed: e == 0 ? line.seed : nil)
          var ended = false
          for (t, step) in episode.steps.enumerated() {
            guard let result = try replay(env, step.action, ended: &ended) else { break }
            guard !result.terminated, !step.terminated, t < 50 else { break }
            let b = t < 10 ? 0 : 1
            hull[b] = max(hull[b], (0..<4).map { abs(result.observation[$0] - step.observation[$0]) }.max()!)
            all[b] = max(all[b], zip(result.observation, step.observation).map { abs($0 - $1) }.max()!)
          }
        }
      }
    }
    print("BipedalWalker drift, steps 1...10: hull \(hull[0]), any component \(all[0])")
    print("BipedalWalker drift, steps 11...50: hull \(hull[1]), any component \(all[1])")
    XCTAssertLessThanOrEqual(hull[0], Self.hullDriftBound)
  }

  /// 1.5 times the hull drift measured over steps 1-10 (0.142).
  static let hullDriftBound = 0.21

  // MARK: - Spaces, registration, errors

  func testSpacesAndRegistration() throws {
    let env = try BipedalWalker()
    XCTAssertEqual(env.actionSpace, .box(BoxSpace(low: -1, high: 1, shape: [4])))
    guard case .box(let box) = env.observationSpace else { return XCTFail("observation space is not a Box") }
    XCTAssertEqual(box.shape, [24])
    XCTAssertEqual(box.dtype, .float32)
    XCTAssertEqual(box.high[8], 5)
    XCTAssertEqual(box.low[23], -1)

    let registry = EnvironmentRegistry()
    try registerBox2DEnvironments(in: registry)
    XCTAssertEqual(try registry.spec("BipedalWalker-v3").maxEpisodeSteps, 1600)
    XCTAssertEqual(try registry.spec("BipedalWalkerHardcore-v3").maxEpisodeSteps, 2000)
    XCTAssertEqual(try registry.spec("BipedalWalker-v3").rewardThreshold, 300)
    XCTAssertEqual((try registry.makeUnwrapped("BipedalWalkerHardcore-v3") as? BipedalWalker)?.hardcore, true)
    XCTAssertEqual((try registry.makeUnwrapped("BipedalWalker-v3") as? BipedalWalker)?.hardcore, false)
    XCTAssertThrowsError(try registry.makeUnwrapped("BipedalWalker-v3", arguments: ["continuous": .bool(true)]))
  }

  func testBadUseThrowsTypedErrors() throws {
    let env = try BipedalWalker()
    XCTAssertThrowsError(try env.step([0, 0, 0, 0])) {
      XCTAssertEqual($0 as? EnvironmentError, .stepBeforeReset("BipedalWalker"))
    }
    _ = try env.reset(seed: 0)
    XCTAssertThrowsError(try env.step([0, 0, 0]))
    XCTAssertThrowsError(try env.step([0, .nan, 0, 0]))
    XCTAssertNoThrow(try env.step([3, -3, 0, 0]))  // the torque fraction is clipped to 1, as Gymnasium
  }

  // MARK: - Mechanics

  func testStartsStandingWithLidarOnTheGround() throws {
    let env = try BipedalWalker()
    let (observation, _) = try env.reset(seed: 4)
    XCTAssertEqual(observation[8], 1, "first lower leg on the ground")
    XCTAssertEqual(observation[13], 1, "second lower leg on the ground")
    XCTAssertLessThan(observation[14], 1, "the downward lidar ray meets the ground")
    for value in observation[14...] { XCTAssertTrue((0...1).contains(value)) }
    for value in observation { XCTAssertEqual(Double(Float(value)), value) }
  }

  func testTorqueCostsAndFallingEndsTheEpisode() throws {
    let env = try BipedalWalker()
    _ = try env.reset(seed: 2)
    // Both hips swung hard forward and knees folded: the walker topples and its hull hits the ground.
    var last: Step?
    for _ in 0..<400 {
      last = try env.step([1, -1, 1, -1])
      if last!.terminated { break }
    }
    XCTAssertEqual(last?.terminated, true)
    XCTAssertEqual(last?.reward, -100)
  }

  func testHardcoreTerrainHasObstaclesAndNormalTerrainHasNone() throws {
    func largestStep(_ env: BipedalWalker, seed: UInt64) throws -> Double {
      _ = try env.reset(seed: seed)
      return zip(env.terrain.y, env.terrain.y.dropFirst()).map { abs($1 - $0) }.max()!
    }
    let step = BipedalWalker.terrainStep
    XCTAssertLessThan(try largestStep(BipedalWalker(), seed: 5), step / 2)
    XCTAssertGreaterThanOrEqual(try largestStep(BipedalWalker(hardcore: true), seed: 5), step * 0.99)
  }
}
