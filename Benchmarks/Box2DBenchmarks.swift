import Foundation
import Rein

// MARK: - Box2D environment throughput
//
// Single-environment steps per second with random actions, resetting at episode ends (termination or the spec's
// step limit), as the peer `../shared/peers/env_steps.py --env ID` measures Gymnasium. One core each, back to back:
//   ./scripts/setup.sh                                  # builds Rein's Box2D into .box2d/ (scripts/setup-box2d.sh)
//   swift build -c release --product rein-bench
//   taskset -c 1 .build/release/rein-bench box2d/LunarLander-v3
//   taskset -c 1 ~/.cache/rein-peers/bin/python ../shared/peers/env_steps.py --env LunarLander-v3 --steps 200000
//   taskset -c 1 .build/release/rein-bench box2d/BipedalWalker-v3
//   taskset -c 1 ~/.cache/rein-peers/bin/python ../shared/peers/env_steps.py --env BipedalWalker-v3 --steps 50000
// Each benchmark first prints which Box2D is linked (Rein's build or the system library) on stderr. Measured
// 2026-12-07 06:42, load average 6.8 on 2 cores (other builds running), Rein's default build (Box2D 2.3 from
// pybox2d's sources, bit-exact with Gymnasium, no speed patches): LunarLander-v3 26.9k steps/s, Gymnasium 5.9k
// (4.5x); Rein's 2.4.1 build with patches 01-03 in the same minutes 44.3k. Measured 2026-11-21, two rounds back to back, load average 1.2-1.4, 2 cores, Rein's build with patches 01-03 (03 changes
// rounding, see scripts/box2d-2.4.1): LunarLander-v3 199k-202k steps/s, Gymnasium 38.9k-40.2k (5.0-5.1x), Debian's
// libbox2d 96k; BipedalWalker-v3 42.6k-42.7k, Gymnasium 9.3k-9.6k (4.5-4.6x), Debian's 31k.
// About 80% of a LunarLander step is Box2D's revolute-joint solver (180 velocity iterations over the two legs).

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
  FileHandle.standardError.write(Data("\(id): Box2D \(Box2DLibrary.buildDescription)\n".utf8))
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
