import Rein

// MARK: - Environment throughput
//
// Single environments as `gym.make` builds them (with the time limit), stepped with precomputed random actions and
// reset when an episode ends, as ../shared/peers/env_steps.py does for Gymnasium; and a vector environment of 16
// CartPoles, sequential and parallel. Units are environment steps.

func registerEnvironmentBenchmarks() {
  registerBuiltinEnvironments()
  let singles: [(id: String, steps: Int)] = [
    ("CartPole-v1", 2_000_000), ("Pendulum-v1", 2_000_000), ("Acrobot-v1", 500_000), ("MountainCar-v0", 2_000_000),
    ("MountainCarContinuous-v0", 2_000_000),
  ]
  for (id, steps) in singles {
    benchmarks.append(
      Benchmark(name: "env.step.\(id)", unit: "steps", iterations: steps, repetitions: 5) {
        let env = try makeEnvironment(id)
        let actionCount = env.actionSpace.flatCount
        var random = NumpyGenerator(seed: 0)
        let actions: [Double]
        switch env.actionSpace {
        case .discrete(let space):
          actions = (0..<1000).map { _ in Double(space.start + random.integers(low: 0, high: space.n)) }
        case .box(let box):
          actions = (0..<1000 * actionCount).map { k in
            random.uniform(low: box.low[k % actionCount], high: box.high[k % actionCount])
          }
        default:
          throw EnvironmentError.invalidArgument("\(id): unsupported action space")
        }
        var observation = [Double](repeating: 0, count: env.observationSpace.flatCount)
        try observation.withUnsafeMutableBufferPointer { _ = try env.reset(seed: 0, options: nil, into: $0) }
        return { n in
          try actions.withUnsafeBufferPointer { allActions in
            try observation.withUnsafeMutableBufferPointer { buffer in
              var k = 0
              for _ in 0..<n {
                let action = UnsafeBufferPointer(rebasing: allActions[k * actionCount..<(k + 1) * actionCount])
                k = k == 999 ? 0 : k + 1
                let outcome = try env.step(action, into: buffer)
                if outcome.terminated || outcome.truncated { _ = try env.reset(seed: nil, options: nil, into: buffer) }
              }
            }
          }
        }
      })
  }
  let count = 16
  for parallel in [false, true] {
    benchmarks.append(
      Benchmark(
        name: "env.vector16.CartPole-v1.\(parallel ? "parallel" : "sync")", unit: "steps", iterations: 16_000_000,
        repetitions: 5
      ) {
        let envs: VectorEnvironment =
          parallel
          ? try ParallelVectorEnvironment(id: "CartPole-v1", count: count)
          : try SyncVectorEnvironment(id: "CartPole-v1", count: count)
        var random = NumpyGenerator(seed: 0)
        let actions = (0..<1000).map { _ in (0..<count).map { _ in random.integers(low: 0, high: 2) } }
        try envs.reset(seed: 0)
        return { n in
          var k = 0
          for _ in 0..<(n / count) {
            try envs.step(discreteActions: actions[k])
            k = k == 999 ? 0 : k + 1
          }
        }
      })
  }
}
