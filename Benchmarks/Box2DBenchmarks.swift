import Foundation
import Rein

// MARK: - Box2D environment throughput
//
// Single-environment steps per second with random actions, resetting at episode ends (termination or the spec's
// step limit), as the peer `../shared/peers/env_steps.py --env ID` measures Gymnasium:
//   swift run -c release rein-bench box2d/
//   ~/.cache/rein-peers/bin/python ../shared/peers/env_steps.py --env LunarLander-v3 --steps 200000

func registerBox2DBenchmarks() {
  for (id, steps) in [
    ("LunarLander-v3", 200_000), ("LunarLanderContinuous-v3", 200_000), ("BipedalWalker-v3", 50_000),
  ] {
    benchmarks.append(
      Benchmark(name: "box2d/\(id)/step", unit: "steps", iterations: steps) {
        try box2DStepLoop(id: id)
      })
  }
}

/// A closure stepping one `id` environment with 1000 pre-drawn random actions in a cycle.
private func box2DStepLoop(id: String) throws -> (Int) throws -> Void {
  let registry = EnvironmentRegistry()
  try registerBox2DEnvironments(in: registry)
  let spec = try registry.spec(id)
  let env = try registry.makeUnwrapped(id)
  var random = NumpyGenerator(seed: 0)
  let actions: [[Double]]
  switch env.actionSpace {
  case .discrete(let discrete):
    actions = (0..<1000).map { _ in [Double(random.integers(low: 0, high: discrete.n))] }
  case .box(let box):
    actions = (0..<1000).map { _ in
      (0..<box.count).map { Double(Float(random.uniform(low: box.low[$0], high: box.high[$0]))) }
    }
  default:
    throw EnvironmentError.invalidArgument("\(id): unexpected action space \(env.actionSpace)")
  }
  var observation = [Double](repeating: 0, count: env.observationSpace.flatCount)
  _ = try observation.withUnsafeMutableBufferPointer { try env.reset(seed: 0, options: nil, into: $0) }
  let limit = spec.maxEpisodeSteps ?? .max
  var elapsed = 0
  var cursor = 0
  return { count in
    try observation.withUnsafeMutableBufferPointer { buffer in
      for _ in 0..<count {
        let outcome = try actions[cursor].withUnsafeBufferPointer { try env.step($0, into: buffer) }
        cursor = cursor == 999 ? 0 : cursor + 1
        elapsed += 1
        if outcome.terminated || elapsed >= limit {
          _ = try env.reset(seed: nil, options: nil, into: buffer)
          elapsed = 0
        }
      }
    }
  }
}
