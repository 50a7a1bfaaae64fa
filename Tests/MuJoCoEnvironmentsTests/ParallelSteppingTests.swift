import Gym
import MuJoCoEnvironments
import XCTest

/// MuJoCo environments stepped on two threads (each with its own data, sharing one compiled model) give exactly
/// the trajectories they give on one.
final class ParallelSteppingTests: XCTestCase {
  func testTwoThreadsMatchOneThreadToTheBit() throws {
    let registry = EnvironmentRegistry()
    try registerMuJoCoEnvironments(in: registry)
    for id in ["HalfCheetah-v4", "Hopper-v4"] {
      let count = 4
      let parallel = try ParallelVectorEnvironment(id: id, count: count, threads: 2, registry: registry)
      let serial = try SyncVectorEnvironment(id: id, count: count, registry: registry)
      XCTAssertEqual(parallel.threadCount, 2)
      try parallel.reset(seed: 11)
      try serial.reset(seed: 11)
      XCTAssertEqual(parallel.observations, serial.observations, id)
      var random = NumpyGenerator(seed: 3)
      let width = count * parallel.actionCount
      var episodes = 0
      for step in 0..<150 {
        let actions = random.uniform(low: -1, high: 1, count: width).map { Double(Float($0)) }
        try parallel.step(actions)
        try serial.step(actions)
        XCTAssertEqual(parallel.observations, serial.observations, "\(id) step \(step)")
        XCTAssertEqual(parallel.rewards, serial.rewards, "\(id) step \(step)")
        XCTAssertEqual(parallel.terminated, serial.terminated, "\(id) step \(step)")
        episodes += parallel.finishedEpisodes.count
      }
      if id == "Hopper-v4" { XCTAssertGreaterThan(episodes, 0, "episodes ended and were reset on both sides") }
    }
  }
}
