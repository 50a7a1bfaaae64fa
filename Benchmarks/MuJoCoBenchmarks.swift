import Foundation
import Rein

// MARK: - MuJoCo environment throughput
//
// Single-environment steps per second with random actions, resetting at episode ends (termination or the spec's
// step limit), as the peer `../shared/peers/env_steps.py --env ID` measures Gymnasium:
//   swift run -c release rein-bench mujoco/
//   ~/.cache/rein-peers/bin/python ../shared/peers/env_steps.py --env InvertedPendulum-v4 --steps 200000

func registerMuJoCoBenchmarks() {
  for (id, steps) in [("InvertedPendulum-v4", 100_000), ("HalfCheetah-v4", 50_000)] {
    benchmarks.append(
      Benchmark(name: "mujoco/\(id)/step", unit: "steps", iterations: steps) {
        try mujocoStepLoop(id: id)
      })
  }
}

/// A closure stepping one `id` environment with 1000 pre-drawn uniform actions in a cycle.
private func mujocoStepLoop(id: String) throws -> (Int) throws -> Void {
  let registry = EnvironmentRegistry()
  try registerMuJoCoEnvironments(in: registry)
  let spec = try registry.spec(id)
  let env = try registry.makeUnwrapped(id)
  guard case .box(let box) = env.actionSpace else { throw EnvironmentError.invalidArgument("\(id): not a Box action") }
  var random = NumpyGenerator(seed: 0)
  let actions: [[Double]] = (0..<1000).map { _ in
    (0..<box.count).map { Double(Float(random.uniform(low: box.low[$0], high: box.high[$0]))) }
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
