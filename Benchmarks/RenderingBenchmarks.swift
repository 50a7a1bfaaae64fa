import Foundation
import Rein

// MARK: - Rendering benchmarks (issue: rendering and recordings)
//
// Pictures per second of `render()` (one environment stepped with a fixed action between pictures, the step's cost
// included), and of a whole recording (render + GIF encoding at the 25 fps cap). One unit is one picture.

func registerRenderingBenchmarks() {
  registerBuiltinEnvironments()
  func stepper(_ id: String) throws -> (any Environment, [Double]) {
    let environment = try makeEnvironment(id)
    _ = try environment.reset(seed: 1)
    let action: [Double] =
      switch environment.actionSpace {
      case .discrete: [0]
      default: [Double](repeating: 0, count: environment.actionSpace.flatCount)
      }
    return (environment, action)
  }
  for (id, pictures) in [
    ("CartPole-v1", 2_000), ("LunarLander-v3", 1_000), ("BipedalWalker-v3", 500), ("HalfCheetah-v4", 200),
  ] {
    benchmarks.append(
      Benchmark(name: "render.\(id)", unit: "picture", iterations: pictures, repetitions: 3) {
        let (environment, action) = try stepper(id)
        return { n in
          for _ in 0..<n {
            if try environment.step(action).done { _ = try environment.reset() }
            _ = try environment.render()
          }
        }
      })
  }
  for (id, pictures) in [("CartPole-v1", 1_000), ("LunarLander-v3", 500)] {
    benchmarks.append(
      Benchmark(name: "render.gif.\(id)", unit: "picture", iterations: pictures, repetitions: 3) {
        let (environment, action) = try stepper(id)
        let path = NSTemporaryDirectory() + "rein-bench-\(UUID().uuidString).gif"
        return { n in
          let video = try VideoWriter(path: path, framesPerSecond: environment.renderFramesPerSecond ?? 50)
          for _ in 0..<n {
            if try environment.step(action).done { _ = try environment.reset() }
            try video.append(environment.render())
          }
          try video.finish()
          try? FileManager.default.removeItem(atPath: path)
        }
      })
  }
}
