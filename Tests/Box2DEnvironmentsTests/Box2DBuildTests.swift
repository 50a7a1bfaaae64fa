import Foundation
import Gym
import XCTest

@testable import Box2DEnvironments

/// Which Box2D is linked, and that it gives exactly the trajectories recorded with it.
///
/// Three fixtures hold, for the same 18 episodes (heuristic and random actions, both landers with and without wind,
/// both walkers), the number of steps and a digest of the bit patterns of every observation and reward:
///   - `Box2D-2.3.2-rein-build-reference.json`, recorded with Rein's default build (`scripts/setup-box2d.sh`: Box2D 2.3
///     from pybox2d's sdist, the source of Gymnasium's Box2D 2.3.10, with only patch 00, which drops the Python
///     dependency of its assertions). This build replays Gymnasium's recordings to the bit (Box2DGoldenExactTests);
///     the digests extend that to longer episodes (heuristic landings and walks of up to 1000 steps) and catch any
///     change to the flags or the compiler's code generation that moves a bit.
///   - `Box2D-2.4.1-rein-build-reference.json`, recorded with Rein's former build (`REIN_BOX2D_VERSION=2.4.1
///     scripts/setup-box2d.sh`: Box2D 2.4.1 with the three speed patches in scripts/box2d-2.4.1). Patch 03 changes
///     the joint solver's rounding, so this build is not bit-identical to Debian's.
///   - `Box2D-2.4.1-debian-reference.json`, recorded with Debian's libbox2d 2.4.1 (package 2.4.1-3, amd64), the
///     fallback Rein links when `.box2d/` is absent.
/// Each test runs against the library it is about and is skipped, naming the linked library, otherwise. How close
/// a 2.4.1 library stays to Gymnasium's Box2D 2.3 is the golden drift tests' concern (LunarLanderParityTests,
/// BipedalWalkerTests). Box2D calls the C library's `sinf`/`cosf`, so the digests are those of x86-64 Linux with
/// glibc; elsewhere the tests are skipped.
///
/// To record a fixture again, link the library it is about (Rein's build: `scripts/setup-box2d.sh`, with
/// `REIN_BOX2D_VERSION=2.4.1` for the 2.4.1 build; Debian's: `scripts/setup-box2d.sh --uninstall`; then rebuild) and
/// run these tests with `REIN_RECORD_BOX2D_REFERENCE=/path/to/the-fixture.json`.
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

  /// Rein's build (Box2D 2.3 from pybox2d's sources, or 2.4.1 with patches 01-03) replays the 18 episodes exactly as
  /// recorded with it.
  func testReinBuildGivesItsRecordedTrajectories() throws {
    try XCTSkipUnless(
      Box2DLibrary.isReinBuild,
      "linked: Box2D \(Box2DLibrary.buildDescription), not Rein's build (run scripts/setup-box2d.sh and rebuild)")
    if Box2DLibrary.version?.hasPrefix("2.3.") == true {
      try check(against: "Box2D-2.3.2-rein-build-reference", library: "Rein's build of Box2D 2.3 (pybox2d's sources)")
    } else {
      try check(against: "Box2D-2.4.1-rein-build-reference", library: "Rein's build of Box2D 2.4.1 (patches 01-03)")
    }
  }

  /// Debian's libbox2d 2.4.1, the fallback, replays the 18 episodes exactly as recorded with it.
  func testDebianLibraryGivesItsRecordedTrajectories() throws {
    try XCTSkipIf(
      Box2DLibrary.isReinBuild,
      "linked: Box2D \(Box2DLibrary.buildDescription); the Debian digests apply to the system library "
        + "(scripts/setup-box2d.sh --uninstall, then rebuild)")
    try check(against: "Box2D-2.4.1-debian-reference", library: "Debian's libbox2d 2.4.1")
  }

  /// The three fixtures cover the same episodes and differ from each other (2.3 and 2.4 differ in the joint solver;
  /// patch 03 changes rounding): were two equal, one would have been recorded with the wrong library.
  func testFixturesCoverTheSameEpisodesAndDiffer() throws {
    let pybox2d = try Self.fixture("Box2D-2.3.2-rein-build-reference")
    let rein = try Self.fixture("Box2D-2.4.1-rein-build-reference")
    let debian = try Self.fixture("Box2D-2.4.1-debian-reference")
    XCTAssertEqual(rein.map(\.name), debian.map(\.name))
    XCTAssertEqual(pybox2d.map(\.name), debian.map(\.name))
    XCTAssertEqual(rein.count, 18)
    XCTAssertNotEqual(rein.map(\.digest), debian.map(\.digest))
    XCTAssertNotEqual(pybox2d.map(\.digest), debian.map(\.digest))
    XCTAssertNotEqual(pybox2d.map(\.digest), rein.map(\.digest))
  }

  /// Plays the episodes and compares them with the fixture `name` (or records them, see the type's comment).
  private func check(against name: String, library: String) throws {
    let recorded = try Self.episodes().map { try $0() }
    print(
      "Box2D \(Box2DLibrary.buildDescription): \(recorded.count) episodes, \(recorded.map(\.steps).reduce(0, +)) steps")
    if let path = ProcessInfo.processInfo.environment["REIN_RECORD_BOX2D_REFERENCE"] {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try encoder.encode(recorded).write(to: URL(fileURLWithPath: path))
      throw XCTSkip("recorded \(recorded.count) episodes with \(library) into \(path)")
    }
    let expected = try Self.fixture(name)
    XCTAssertEqual(recorded.count, expected.count)
    for (got, want) in zip(recorded, expected) {
      XCTAssertEqual(
        got, want,
        "\(want.name) differs from its recording with \(library) (linked: \(Box2DLibrary.buildDescription)). A "
          + ".box2d/ built before the patches changed: run scripts/setup-box2d.sh and rebuild; a deliberate change "
          + "to scripts/box2d or its flags: record \(name).json again (see Box2DBuildTests)")
    }
  }

  /// The episodes recorded in the fixture `name`.
  private static func fixture(_ name: String) throws -> [Reference] {
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"), "missing fixture \(name)")
    return try JSONDecoder().decode([Reference].self, from: Data(contentsOf: url))
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
