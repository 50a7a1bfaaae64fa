import Foundation
import Gym
import XCTest

@testable import Box2DEnvironments

/// Rein's own build of Box2D 2.4.1 (`scripts/setup-box2d.sh`) gives exactly the results of Debian's.
///
/// The fixture `Box2D-2.4.1-reference.json` holds, for a set of episodes (heuristic and random actions, both
/// landers and both walkers), the number of steps and a digest of the bit patterns of every observation and reward,
/// recorded with Debian's libbox2d 2.4.1 (package 2.4.1-3, amd64). Rein's build compiles the same source with two
/// patches (no velocity updates that add zero, velocities passed between joints in registers: scripts/box2d) and
/// flags that keep every float operation as written (no fused multiply-add, no fast-math), so its digests must be
/// the same, bit for bit; with Debian's library linked the test checks the recording itself. Box2D calls the C library's `sinf`/`cosf`, so the digests are those of x86-64 Linux
/// with glibc; elsewhere the test is skipped.
///
/// To record the fixture again (with Debian's library linked: `scripts/setup-box2d.sh --uninstall`, rebuild), run
/// this test with `REIN_RECORD_BOX2D_REFERENCE=/path/to/Box2D-2.4.1-reference.json`.
final class Box2DBuildTests: XCTestCase {
  /// One recorded episode: its name, steps taken and digest (FNV-1a, 64 bits, of the observations' and rewards'
  /// IEEE bit patterns, the reset observation first).
  struct Reference: Codable, Equatable {
    var name: String
    var steps: Int
    var digest: String
  }

  override func setUp() async throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D")
    #if !(os(Linux) && arch(x86_64))
      throw XCTSkip("the reference digests were recorded on x86-64 Linux (glibc's sinf and cosf)")
    #endif
  }

  func testTrajectoriesAreBitIdenticalToDebiansBox2D() throws {
    let recorded = try Self.episodes().map { try $0() }
    print(
      "Box2D \(Box2DLibrary.buildDescription): \(recorded.count) episodes, \(recorded.map(\.steps).reduce(0, +)) steps")
    if let path = ProcessInfo.processInfo.environment["REIN_RECORD_BOX2D_REFERENCE"] {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try encoder.encode(recorded).write(to: URL(fileURLWithPath: path))
      throw XCTSkip("recorded \(recorded.count) episodes into \(path)")
    }
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: "Box2D-2.4.1-reference", withExtension: "json", subdirectory: "Fixtures"))
    let expected = try JSONDecoder().decode([Reference].self, from: Data(contentsOf: url))
    XCTAssertEqual(recorded.count, expected.count)
    for (got, want) in zip(recorded, expected) {
      XCTAssertEqual(
        got, want, "\(want.name) differs from Debian's Box2D 2.4.1 (linked: \(Box2DLibrary.buildDescription))")
    }
  }

  // MARK: - The recorded episodes

  /// The episodes, each a closure that plays it on a fresh environment and returns its record.
  static func episodes() throws -> [() throws -> Reference] {
    var episodes: [() throws -> Reference] = []
    for continuous in [false, true] {
      let kind = continuous ? "LunarLanderContinuous" : "LunarLander"
      for seed: UInt64 in [0, 1, 2, 3] {
        episodes.append {
          let env = try LunarLander(.init(continuous: continuous))
          return try play(env, "\(kind) seed \(seed) heuristic", seed: seed, limit: 1000) { observation, _ in
            LunarLanderHeuristic.action(for: observation, continuous: continuous)
          }
        }
      }
      for seed: UInt64 in [10, 11] {
        episodes.append {
          let env = try LunarLander(.init(continuous: continuous, enableWind: seed == 11))
          var random = NumpyGenerator(seed: seed + 1000)
          return try play(env, "\(kind) seed \(seed) random\(seed == 11 ? " wind" : "")", seed: seed, limit: 400) {
            _, _ in
            continuous
              ? [random.uniform(low: -1, high: 1), random.uniform(low: -1, high: 1)]
              : [Double(random.integers(low: 0, high: 4))]
          }
        }
      }
    }
    for hardcore in [false, true] {
      let kind = hardcore ? "BipedalWalkerHardcore" : "BipedalWalker"
      for seed: UInt64 in [0, 1] {
        episodes.append {
          let env = try BipedalWalker(hardcore: hardcore)
          var heuristic = BipedalWalkerHeuristic()
          return try play(env, "\(kind) seed \(seed) heuristic", seed: seed, limit: 500) { observation, _ in
            heuristic.action(for: observation)
          }
        }
      }
      episodes.append {
        let env = try BipedalWalker(hardcore: hardcore)
        var random = NumpyGenerator(seed: 2000)
        return try play(env, "\(kind) seed 5 random", seed: 5, limit: 300) { _, _ in
          (0..<4).map { _ in random.uniform(low: -1, high: 1) }
        }
      }
    }
    return episodes
  }

  /// Plays one episode of at most `limit` steps and digests its observations and rewards.
  static func play(
    _ env: some Environment, _ name: String, seed: UInt64, limit: Int,
    policy: (_ observation: [Double], _ step: Int) -> [Double]
  ) throws -> Reference {
    var digest = Digest()
    var (observation, _) = try env.reset(seed: seed)
    digest.add(observation)
    var steps = 0
    while steps < limit {
      let step = try env.step(policy(observation, steps))
      steps += 1
      digest.add(step.observation)
      digest.add([step.reward])
      observation = step.observation
      if step.terminated { break }
    }
    return Reference(name: name, steps: steps, digest: String(digest.value, radix: 16))
  }

  /// FNV-1a over 64-bit words.
  struct Digest {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ values: [Double]) {
      for v in values {
        var bits = v.bitPattern
        for _ in 0..<8 {
          value = (value ^ (bits & 0xff)) &* 0x0000_0100_0000_01b3
          bits >>= 8
        }
      }
    }
  }
}
