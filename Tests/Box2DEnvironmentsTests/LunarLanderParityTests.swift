import Gym
import XCTest

@testable import Box2DEnvironments

/// Rein's LunarLander against Gymnasium 1.4.0's recordings (Fixtures).
///
/// Everything drawn from the seeded generator (terrain, initial push, wind offsets, engine dispersion) must equal
/// Gymnasium's exactly, for every seed and every episode: the episodes after the first check that the generator
/// carries on across `reset()` exactly as numpy's. With Rein's default Box2D 2.3 (pybox2d's sources) the physics
/// match too, to the bit (Box2DGoldenExactTests; every bound below is then met with a drift of 0). With Box2D 2.4.1
/// (Debian's library, or `REIN_BOX2D_VERSION=2.4.1 scripts/setup-box2d.sh`) they cannot: its revolute joint (the
/// legs) and polygon mass computation differ, so even the reset observation (taken after one physics step, as
/// Gymnasium does) differs in its low bits: the legs start outside their joint limits (joint angle 0, limits
/// ±[0.4, 0.9]), and the two versions' limit solvers pull them in differently. The drift of the observations along
/// the recorded action sequences is measured and bounded below.
final class LunarLanderParityTests: XCTestCase {
  static let variants: [(golden: String, starts: String, continuous: Bool)] = [
    ("LunarLander-v3", "LunarLander-v3-starts", false),
    ("LunarLanderContinuous-v3", "LunarLanderContinuous-v3-starts", true),
  ]

  override func setUp() async throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D")
  }

  // MARK: - Generator-derived starts: exact

  /// Terrain and initial push of every episode of every seed equal Gymnasium's to the last bit.
  func testEveryEpisodeStartsExactlyAsInGymnasium() throws {
    for variant in Self.variants {
      let golden = try loadGolden(variant.golden)
      let starts = try loadStarts(variant.starts)
      XCTAssertEqual(golden.count, starts.count)
      for (line, expected) in zip(golden, starts) {
        XCTAssertEqual(line.seed, expected.seed)
        let env = try LunarLander(.init(continuous: variant.continuous))
        for (e, (episode, start)) in zip(line.episodes, expected.episodes).enumerated() {
          _ = try env.reset(seed: e == 0 ? line.seed : nil)
          let context = "\(variant.golden) seed \(line.seed) episode \(e)"
          XCTAssertEqual(env.terrain.y, start.smoothY, context)
          XCTAssertEqual(env.initialPush.x, start.push[0], context)
          XCTAssertEqual(env.initialPush.y, start.push[1], context)
          // Replay the recorded actions so that the generator advances exactly as in the recording.
          var ended = false
          for step in episode.steps { _ = try replay(env, step.action, ended: &ended) }
        }
      }
    }
  }

  /// With wind (and non-default gravity, wind and turbulence power), the wind offsets are drawn as Gymnasium's
  /// and the trajectories follow Gymnasium's.
  func testWindStartsExactlyAsInGymnasium() throws {
    var windDrift = 0.0
    for line in try loadStarts("LunarLanderWind-starts") {
      let env = try LunarLander(.init(gravity: -9, enableWind: true, windPower: 12, turbulencePower: 1))
      for (e, start) in line.episodes.enumerated() {
        let (observation, _) = try env.reset(seed: e == 0 ? line.seed : nil)
        let context = "wind seed \(line.seed) episode \(e)"
        XCTAssertEqual(env.terrain.y, start.smoothY, context)
        XCTAssertEqual(env.initialPush.x, start.push[0], context)
        XCTAssertEqual(env.initialPush.y, start.push[1], context)
        XCTAssertEqual(env.windOffsets.wind, start.windIndex, context)
        XCTAssertEqual(env.windOffsets.torque, start.torqueIndex, context)
        let expected = try XCTUnwrap(start.resetObservation)
        XCTAssertLessThanOrEqual(maxDifference(observation, expected), Self.resetTolerance, context)
        var ended = false
        var comparable = true
        for step in try XCTUnwrap(start.steps) {
          guard let result = try replay(env, step.action, ended: &ended) else { continue }
          let touched = result.observation[6...].contains(1) || step.observation[6...].contains(1)
          if result.terminated || step.terminated || touched { comparable = false }
          if comparable { windDrift = max(windDrift, maxDifference(result.observation, step.observation)) }
        }
      }
    }
    // Wind and turbulence act from the first step: a wrong force law would show here at once.
    print("LunarLander with wind, drift before ground contact: \(windDrift)")
    XCTAssertLessThanOrEqual(windDrift, Self.windDriftBound)
  }

  /// 1.5 times the drift measured along the wind recordings (7.4e-3 over at most 60 steps of actions t % 4,
  /// before ground contact).
  static let windDriftBound = 1.1e-2

  // MARK: - Reset observation: within Box2D 2.3 / 2.4 differences

  /// Largest difference of any reset observation component from Gymnasium's (observation units), measured at
  /// 2.3e-4 (the angular velocity; positions within 1.2e-6) over the 18 golden episodes.
  static let resetTolerance = 5e-4

  func testResetObservationsMatchGymnasiumWithinSolverDifferences() throws {
    for variant in Self.variants {
      for line in try loadGolden(variant.golden) {
        let env = try LunarLander(.init(continuous: variant.continuous))
        for (e, episode) in line.episodes.enumerated() {
          let (observation, _) = try env.reset(seed: e == 0 ? line.seed : nil)
          let context = "\(variant.golden) seed \(line.seed) episode \(e)"
          XCTAssertLessThanOrEqual(maxDifference(observation, episode.resetObservation), Self.resetTolerance, context)
          XCTAssertEqual(Array(observation[6...]), [0, 0], context)
          var ended = false
          for step in episode.steps { _ = try replay(env, step.action, ended: &ended) }
        }
      }
    }
  }

  // MARK: - Trajectory drift

  /// Upper bounds of the drift per step range (the largest difference of any of the first six observation
  /// components over every golden episode, while neither trajectory has touched the ground): 1.5 times what
  /// Box2D 2.4.1 gave when measured (Debian's library: reset 2.35e-4; steps 1-10 2.83e-5; 11-50 7.62e-3; 51-100
  /// 6.54e-4; 101 and later 2.15e-3; Rein's build, whose patch 03 changes rounding: 2.34e-4, 2.88e-5, 7.62e-3,
  /// 6.52e-4, 2.13e-3), so that a change making Rein's physics drift further from Gymnasium's fails here.
  static let driftBounds: [Double] = [3.5e-4, 4.3e-5, 1.15e-2, 1.0e-3, 3.2e-3]

  /// Replays every golden episode open loop (Gymnasium's actions) and bounds how far the observations drift.
  ///
  /// Once a leg touches the ground the contact events amplify any difference (a leg touches one step earlier
  /// or later), so the comparison stops there; the episodes end are compared separately: the crash or landing
  /// step must agree within two steps for most episodes.
  func testTrajectoryDriftStaysWithinMeasuredBounds() throws {
    var drift = [Double](repeating: 0, count: DriftBucket.all.count)
    var terminalAgreements = 0
    var terminalEpisodes = 0
    for variant in Self.variants {
      for line in try loadGolden(variant.golden) {
        let env = try LunarLander(.init(continuous: variant.continuous))
        for (e, episode) in line.episodes.enumerated() {
          let (observation, _) = try env.reset(seed: e == 0 ? line.seed : nil)
          drift[0] = max(drift[0], maxDifference(observation, episode.resetObservation))
          var comparable = true
          var reinEnd: Int?
          var ended = false
          for (t, step) in episode.steps.enumerated() {
            guard let result = try replay(env, step.action, ended: &ended) else { continue }
            if result.terminated { reinEnd = t }
            let touched = result.observation[6...].contains(1) || step.observation[6...].contains(1)
            if result.terminated || step.terminated || touched { comparable = false }
            if comparable {
              let b = DriftBucket.index(step: t + 1)
              drift[b] = max(drift[b], maxDifference(result.observation, step.observation))
            }
          }
          if episode.steps.last?.terminated == true {
            terminalEpisodes += 1
            if let reinEnd, abs(reinEnd - (episode.steps.count - 1)) <= 2 { terminalAgreements += 1 }
          }
        }
      }
    }
    for (b, range) in DriftBucket.all.enumerated() {
      let label = range.upperBound == Int.max ? "\(range.lowerBound)..." : "\(range)"
      print("LunarLander drift, steps \(label): \(drift[b]) (bound \(Self.driftBounds[b]))")
      XCTAssertLessThanOrEqual(drift[b], Self.driftBounds[b], "drift over steps \(label)")
    }
    print("LunarLander episode ends within 2 steps of Gymnasium's: \(terminalAgreements) of \(terminalEpisodes)")
    XCTAssertGreaterThanOrEqual(terminalAgreements, Self.minimumTerminalAgreements)
  }

  /// Episodes (of the golden ones that terminate) whose end Rein reproduces within two steps; measured: 17 of 18.
  static let minimumTerminalAgreements = 16
}

/// Step ranges over which drift is reported.
enum DriftBucket {
  static let all: [ClosedRange<Int>] = [0...0, 1...10, 11...50, 51...100, 101...Int.max]
  static func index(step: Int) -> Int { all.firstIndex { $0.contains(step) } ?? all.count - 1 }
}

/// The largest absolute difference over the first six components (positions, velocities, angle, spin).
func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
  (0..<6).map { abs(a[$0] - b[$0]) }.max()!
}
