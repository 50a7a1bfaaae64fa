import Box2DEnvironments
import Gym
import XCTest

/// Box2D environments share no state: stepped on worker threads they give exactly what one thread gives.
final class Box2DVectorTests: XCTestCase {
  override func setUp() async throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D")
  }

  func testParallelVectorEnvironmentMatchesSynchronousOne() throws {
    for id in ["LunarLander-v3", "BipedalWalker-v3"] {
      let registry = EnvironmentRegistry()
      try registerBox2DEnvironments(in: registry)
      let parallel = try ParallelVectorEnvironment(id: id, count: 4, threads: 2, registry: registry)
      let sync = try SyncVectorEnvironment(id: id, count: 4, registry: registry)
      try parallel.reset(seed: 3)
      try sync.reset(seed: 3)
      var random = NumpyGenerator(seed: 9)
      var episodesEnded = 0
      for _ in 0..<300 {
        let actions: [Double] =
          id.hasPrefix("Lunar")
          ? (0..<4).map { _ in Double(random.integers(low: 0, high: 4)) }
          : (0..<16).map { _ in random.uniform(low: -1, high: 1) }
        try parallel.step(actions)
        try sync.step(actions)
        XCTAssertEqual(parallel.observations, sync.observations, id)
        XCTAssertEqual(parallel.rewards, sync.rewards, id)
        XCTAssertEqual(parallel.terminated, sync.terminated, id)
        episodesEnded += parallel.terminated.filter { $0 }.count
      }
      if id.hasPrefix("Lunar") { XCTAssertGreaterThan(episodesEnded, 0, "random landers crash within 300 steps") }
    }
  }
}
