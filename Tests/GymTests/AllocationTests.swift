import ClassicControl
import Foundation
import XCTest

@testable import Gym

/// Checks that steady-state steps allocate nothing. It needs a malloc counter preloaded into the test process
/// (it skips otherwise):
///
///     cc -shared -fPIC -O2 -o libcount.so Tests/GymTests/Fixtures/malloc_count.c -ldl
///     LD_PRELOAD=$PWD/libcount.so swift test -c release -Xswiftc -enable-testing --skip-build \
///       --filter GymTests.AllocationTests
final class AllocationTests: XCTestCase {
  typealias Counter = @convention(c) () -> Int

  func mallocCounter() throws -> Counter {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "rein_malloc_count") else {
      throw XCTSkip("no malloc counter preloaded (see the comment of AllocationTests)")
    }
    return unsafeBitCast(symbol, to: Counter.self)
  }

  /// The number of allocations made by `body`.
  func allocations(_ counter: Counter, _ body: () throws -> Void) rethrows -> Int {
    let before = counter()
    try body()
    return counter() - before
  }

  func testSingleEnvironmentStepsAndResetsDoNotAllocate() throws {
    let counter = try mallocCounter()
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    for id in registry.ids {
      let env = try registry.make(id)
      var random = NumpyGenerator(seed: 0)
      let actions = (0..<1000).map { _ in env.actionSpace.sample(using: &random) }
      var observation = [Double](repeating: 0, count: env.observationSpace.flatCount)
      try observation.withUnsafeMutableBufferPointer { buffer in
        _ = try env.reset(seed: 0, options: nil, into: buffer)
        func run(_ steps: Int) throws {
          for k in 0..<steps {
            let outcome = try actions[k % 1000].withUnsafeBufferPointer { try env.step($0, into: buffer) }
            if outcome.done { _ = try env.reset(seed: nil, options: nil, into: buffer) }
          }
        }
        try run(1000)
        XCTAssertEqual(try allocations(counter) { try run(20_000) }, 0, id)
      }
    }
  }

  func testVectorStepsDoNotAllocate() throws {
    let counter = try mallocCounter()
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    // The counter sees every thread, so each vector environment is made only when measured: the idle workers of
    // another one would otherwise be counted.
    let makers: [(AutoresetMode) throws -> VectorEnvironment] = [
      { try SyncVectorEnvironment(id: "CartPole-v1", count: 16, autoresetMode: $0, registry: registry) },
      {
        let envs = try ParallelVectorEnvironment(
          id: "CartPole-v1", count: 16, threads: 2, autoresetMode: $0, registry: registry)
        // Always on the workers, so that they stay awake through the measurement (a thread's first sleep on a
        // condition may allocate in the C library, which is not a step's doing).
        envs.adaptsToLoad = false
        return envs
      },
    ]
    for mode in [AutoresetMode.nextStep, .sameStep] {
      for make in makers {
        let envs = try make(mode)
        (envs as? ParallelVectorEnvironment)?.waitUntilWorkersStarted()
        var random = NumpyGenerator(seed: 1)
        let actions = (0..<100).map { _ in (0..<16).map { _ in random.integers(low: 0, high: 2) } }
        try envs.reset(seed: 0)
        for k in 0..<1000 { try envs.step(discreteActions: actions[k % 100]) }
        let count = try allocations(counter) {
          for k in 0..<5000 { try envs.step(discreteActions: actions[k % 100]) }
        }
        XCTAssertEqual(count, 0, "\(type(of: envs)) \(mode)")
      }
    }
  }
}
