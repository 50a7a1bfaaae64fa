import Gym
import XCTest

@testable import Box2DEnvironments

/// With Box2D 2.3 (Rein's default build, `scripts/setup-box2d.sh`: the C++ tree of pybox2d's sdist, which Gymnasium's
/// Box2D 2.3.10 wheel is compiled from), LunarLander-v3, LunarLanderContinuous-v3, BipedalWalker-v3 and
/// BipedalWalkerHardcore-v3 replay Gymnasium 1.4.0's recordings to the bit: every reset observation, and for every
/// step the observation, the reward (see `assertExact` for BipedalWalker's) and both flags, over every step of every episode (ground contact, landings
/// and crashes included), so every episode also ends on the same step as Gymnasium's.
///
/// With Box2D 2.4.1 (Debian's library, or `REIN_BOX2D_VERSION=2.4.1 scripts/setup-box2d.sh`) the physics differ
/// (LunarLanderParityTests and BipedalWalkerTests bound the drift then) and these tests are skipped.
final class Box2DGoldenExactTests: XCTestCase {
  override func setUp() async throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D")
    try XCTSkipUnless(
      Box2DLibrary.version?.hasPrefix("2.3.") == true,
      "linked: Box2D \(Box2DLibrary.buildDescription); bit-exact parity needs Box2D 2.3 (scripts/setup-box2d.sh)")
  }

  /// Compares one step's outcome with the recording, to the bit; returns the number of values compared.
  /// BipedalWalker's reward is compared with `reward64`, Gymnasium's reward for the same action as a float64 array:
  /// Rein's actions are doubles, and with a float32 array numpy 2 rounds Gymnasium's torque cost, and so the reward,
  /// to float32 (the physics is the same either way).
  private func assertExact(_ step: Step, _ expected: GoldenStep, _ context: String) -> Int {
    XCTAssertEqual(step.observation.map(\.bitPattern), expected.observation.map(\.bitPattern), context)
    let reward = expected.reward64 ?? expected.reward
    XCTAssertEqual(step.reward.bitPattern, reward.bitPattern, "\(context) reward \(step.reward) vs \(reward)")
    XCTAssertEqual(step.terminated, expected.terminated, "\(context) terminated")
    XCTAssertEqual(step.truncated, expected.truncated, "\(context) truncated")
    return step.observation.count + 1
  }

  func testLunarLanderMatchesGymnasiumToTheBit() throws {
    var counts = (episodes: 0, steps: 0, values: 0)
    for (name, continuous) in [("LunarLander-v3", false), ("LunarLanderContinuous-v3", true)] {
      for line in try loadGolden(name) {
        let env = try LunarLander(.init(continuous: continuous))
        for (e, episode) in line.episodes.enumerated() {
          let (observation, _) = try env.reset(seed: e == 0 ? line.seed : nil)
          let context = "\(name) seed \(line.seed) episode \(e)"
          XCTAssertEqual(observation.map(\.bitPattern), episode.resetObservation.map(\.bitPattern), "\(context) reset")
          counts.episodes += 1
          counts.values += observation.count
          for (t, expected) in episode.steps.enumerated() {
            let step = try env.step(expected.action)
            counts.values += assertExact(step, expected, "\(context) step \(t + 1)")
            counts.steps += 1
          }
        }
      }
    }
    print("LunarLander bit-exact: \(counts.episodes) episodes, \(counts.steps) steps, \(counts.values) values")
    XCTAssertEqual(counts.episodes, 18)
  }

  /// The wind recordings (gravity -9, wind power 12, turbulence 1), also to the bit.
  func testLunarLanderWithWindMatchesGymnasiumToTheBit() throws {
    var steps = 0
    for line in try loadStarts("LunarLanderWind-starts") {
      let env = try LunarLander(.init(gravity: -9, enableWind: true, windPower: 12, turbulencePower: 1))
      for (e, start) in line.episodes.enumerated() {
        let (observation, _) = try env.reset(seed: e == 0 ? line.seed : nil)
        let context = "wind seed \(line.seed) episode \(e)"
        XCTAssertEqual(
          observation.map(\.bitPattern), try XCTUnwrap(start.resetObservation).map(\.bitPattern), "\(context) reset")
        for (t, expected) in try XCTUnwrap(start.steps).enumerated() {
          _ = assertExact(try env.step(expected.action), expected, "\(context) step \(t + 1)")
          steps += 1
        }
      }
    }
    print("LunarLander with wind bit-exact: \(steps) steps")
    XCTAssertGreaterThan(steps, 0)
  }

  func testBipedalWalkerMatchesGymnasiumToTheBit() throws {
    var counts = (episodes: 0, steps: 0)
    for (name, hardcore) in BipedalWalkerTests.variants {
      for line in try BipedalWalkerTests.load(name) {
        let env = try BipedalWalker(hardcore: hardcore)
        for (e, episode) in line.episodes.enumerated() {
          let (observation, _) = try env.reset(seed: e == 0 ? line.seed : nil)
          let context = "\(name) seed \(line.seed) episode \(e)"
          XCTAssertEqual(observation.map(\.bitPattern), episode.resetObservation.map(\.bitPattern), "\(context) reset")
          counts.episodes += 1
          for (t, expected) in episode.steps.enumerated() {
            _ = assertExact(try env.step(expected.action), expected, "\(context) step \(t + 1)")
            counts.steps += 1
          }
        }
      }
    }
    print("BipedalWalker bit-exact: \(counts.episodes) episodes, \(counts.steps) steps")
    XCTAssertEqual(counts.episodes, 12)
  }
}
