import ClassicControl
import Foundation
import XCTest

@testable import Gym

/// An environment with a discrete observation (the step count modulo 3), for FlattenObservation.
final class Counter: Environment {
  var t = 0
  let observationSpace = Space.discrete(DiscreteSpace(3))
  let actionSpace = Space.discrete(DiscreteSpace(1))

  func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> Info
  {
    t = 0
    observation[0] = 0
    return [:]
  }

  func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> StepOutcome
  {
    t += 1
    observation[0] = Double(t % 3)
    return StepOutcome(reward: Double(t), terminated: t == 4)
  }
}

final class WrapperTests: XCTestCase {
  func testRecordEpisodeStatisticsReportsEpisodesAndKeepsTheLastN() throws {
    let env = try RecordEpisodeStatistics(TimeLimit(CartPole(), maxEpisodeSteps: 500), bufferLength: 2)
    _ = try env.reset(seed: 1)
    var episodes = 0
    var length = 0
    while episodes < 3 {
      let result = try env.step(1)
      length += 1
      if result.done {
        guard case .info(let episode)? = result.info["episode"] else { return XCTFail("no episode entry") }
        XCTAssertEqual(episode["l"], .int(length))
        XCTAssertEqual(episode["r"], .double(Double(length)))
        XCTAssertNotNil(episode["t"]?.doubleValue)
        episodes += 1
        length = 0
        _ = try env.reset()
      } else {
        XCTAssertNil(result.info["episode"])
      }
    }
    XCTAssertEqual(env.episodeCount, 3)
    XCTAssertEqual(env.returnQueue.count, 2)
    XCTAssertEqual(env.lengthQueue.map(Double.init), env.returnQueue)
  }

  func testClipAndRescaleActionReachTheInnerEnvironmentAsExpected() throws {
    func firstStep(_ env: any Environment, _ action: Double) throws -> [Double] {
      _ = try env.reset(seed: 4)
      return try env.step([action]).observation
    }
    XCTAssertEqual(try firstStep(ClipAction(Pendulum()), 5), try firstStep(Pendulum(), 2))
    XCTAssertEqual(try firstStep(ClipAction(Pendulum()), -7), try firstStep(Pendulum(), -2))
    let rescaled = try RescaleAction(Pendulum(), minAction: -1, maxAction: 1)
    XCTAssertEqual(rescaled.actionSpace, .box(BoxSpace(low: -1, high: 1, shape: [1])))
    XCTAssertEqual(try firstStep(rescaled, 0.5), try firstStep(Pendulum(), 1))
    XCTAssertEqual(try firstStep(rescaled, -1), try firstStep(Pendulum(), -2))
    XCTAssertThrowsError(try ClipAction(CartPole()))
    XCTAssertThrowsError(try RescaleAction(Pendulum(), minAction: 1, maxAction: 1))
  }

  func testNormalizeObservationStatisticsFreezeAndRestoreExactly() throws {
    let env = NormalizeObservation(MountainCar())
    let raw = MountainCar()
    var reference = RunningMeanStd(count: 2)
    var observation = try env.reset(seed: 0).observation
    var rawObservation = try raw.reset(seed: 0).observation
    for step in 0..<50 {
      rawObservation.withUnsafeBufferPointer { reference.update($0) }
      let expected = (0..<2).map {
        Double(Float((rawObservation[$0] - reference.mean[$0]) / (reference.variance[$0] + 1e-8).squareRoot()))
      }
      XCTAssertEqual(observation, expected, "step \(step)")
      observation = try env.step(2).observation
      rawObservation = try raw.step(2).observation
    }
    XCTAssertEqual(env.statistics.count, 51 + 1e-4, accuracy: 1e-9)
    // Freeze, save, restore into a fresh wrapper: identical outputs.
    env.updatesStatistics = false
    let saved = try JSONDecoder().decode(RunningMeanStd.self, from: JSONEncoder().encode(env.statistics))
    XCTAssertEqual(saved, env.statistics)
    let restored = NormalizeObservation(MountainCar())
    restored.statistics = saved
    restored.updatesStatistics = false
    XCTAssertEqual(try env.reset(seed: 3).observation, try restored.reset(seed: 3).observation)
    XCTAssertEqual(try env.step(0).observation, try restored.step(0).observation)
    XCTAssertEqual(env.statistics, saved)
  }

  func testNormalizeRewardDividesByTheDiscountedReturnsDeviation() throws {
    let env = NormalizeReward(Counter(), gamma: 0.5)
    _ = try env.reset()
    var statistics = RunningMeanStd(count: 1)
    var discounted = 0.0
    for t in 1...4 {
      let result = try env.step(0)
      discounted = discounted * 0.5 * (result.terminated ? 0 : 1) + Double(t)
      statistics.update(discounted)
      XCTAssertEqual(result.reward, Double(t) / (statistics.variance[0] + 1e-8).squareRoot())
    }
    XCTAssertEqual(env.statistics, statistics)
  }

  func testTransformsAndFlattening() throws {
    let doubled = TransformReward(Counter()) { 2 * $0 }
    _ = try doubled.reset()
    XCTAssertEqual(try doubled.step(0).reward, 2)
    let shifted = try TransformObservation(Counter()) { $0[0] += 10 }
    XCTAssertEqual(try shifted.reset().observation, [10])
    let flat = FlattenObservation(Counter())
    XCTAssertEqual(flat.observationSpace.flatCount, 3)
    XCTAssertEqual(try flat.reset().observation, [1, 0, 0])
    XCTAssertEqual(try flat.step(0).observation, [0, 1, 0])
    XCTAssertEqual(try flat.step(0).observation, [0, 0, 1])
    XCTAssertTrue(flat.unwrapped is Counter)
  }
}
