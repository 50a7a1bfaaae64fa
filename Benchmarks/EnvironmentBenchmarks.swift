import Foundation
import Rein

// MARK: - Environment throughput
//
// `swift run -c release rein-bench env.` runs:
// - env.step.ID: one classic-control environment as `makeEnvironment` builds it (time limit included), stepped with
//   1000 precomputed random actions in a cycle and reset at episode ends, as ../shared/peers/env_steps.py does for
//   Gymnasium.
// - env.vector16.CartPole-v1.sync / .parallel / .parallel.forced: 16 CartPoles in a vector environment (parallel:
//   adapting to the machine's load, the default; forced: always on the worker threads); units are environment steps.
// - env.compare.ID: the env.step loop alternating with Gymnasium's env_steps.py in one run (three rounds each,
//   medians), printing one line with both rates and their ratio, by wall-clock time and by CPU time (which a busy
//   machine disturbs less). The peer is REIN_PEER_PYTHON (default ~/.cache/rein-peers/bin/python) running
//   REIN_PEER_SCRIPT (default ../shared/peers/env_steps.py); without it the line says "skipped". The timing line
//   that follows each comparison only re-times a short run of the same loop; the comparison line is the result.

let classicEnvironmentIDs = [
  "CartPole-v1", "Pendulum-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0",
]

func registerEnvironmentBenchmarks() {
  registerBuiltinEnvironments()
  for id in classicEnvironmentIDs {
    let steps = id == "Acrobot-v1" ? 500_000 : 2_000_000
    benchmarks.append(
      Benchmark(name: "env.step.\(id)", unit: "steps", iterations: steps, repetitions: 5) {
        try ClassicStepLoop(id: id).run
      })
  }
  let count = 16
  for kind in ["sync", "parallel", "parallel.forced"] {
    benchmarks.append(
      Benchmark(
        name: "env.vector16.CartPole-v1.\(kind)", unit: "steps", iterations: 16_000_000, repetitions: 5
      ) {
        let envs: VectorEnvironment
        if kind == "sync" {
          envs = try SyncVectorEnvironment(id: "CartPole-v1", count: count)
        } else {
          let parallel = try ParallelVectorEnvironment(id: "CartPole-v1", count: count)
          parallel.adaptsToLoad = kind == "parallel"
          envs = parallel
        }
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
  for id in classicEnvironmentIDs {
    let steps = id == "Acrobot-v1" ? 40_000 : 200_000
    benchmarks.append(
      Benchmark(name: "env.compare.\(id)", unit: "steps", iterations: steps, repetitions: 1) {
        let loop = try ClassicStepLoop(id: id)
        try compareWithGymnasium(id: id, steps: steps, loop: loop)
        return loop.run
      })
  }
}

// MARK: - The step loop

/// One environment stepped with precomputed random actions, reset at episode ends.
final class ClassicStepLoop {
  let env: any Environment
  let actions: [Double]
  let actionCount: Int
  var observation: [Double]
  var next = 0

  init(id: String) throws {
    let env = try makeEnvironment(id)
    self.env = env
    actionCount = env.actionSpace.flatCount
    var random = NumpyGenerator(seed: 0)
    actions = (0..<1000).flatMap { _ in env.actionSpace.sample(using: &random) }
    observation = [Double](repeating: 0, count: env.observationSpace.flatCount)
    try observation.withUnsafeMutableBufferPointer { _ = try env.reset(seed: 0, options: nil, into: $0) }
  }

  func run(_ steps: Int) throws {
    let env = self.env
    let actionCount = self.actionCount
    var k = next
    try actions.withUnsafeBufferPointer { all in
      try observation.withUnsafeMutableBufferPointer { buffer in
        for _ in 0..<steps {
          let action = UnsafeBufferPointer(rebasing: all[k * actionCount..<(k + 1) * actionCount])
          k = k == 999 ? 0 : k + 1
          let outcome = try env.step(action, into: buffer)
          if outcome.terminated || outcome.truncated { _ = try env.reset(seed: nil, options: nil, into: buffer) }
        }
      }
    }
    next = k
  }
}

// MARK: - Side by side with Gymnasium

private func compareWithGymnasium(id: String, steps: Int, loop: ClassicStepLoop) throws {
  let environment = ProcessInfo.processInfo.environment
  let python =
    environment["REIN_PEER_PYTHON"]
    ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/rein-peers/bin/python").path
  let script = environment["REIN_PEER_SCRIPT"] ?? "../shared/peers/env_steps.py"
  guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: script) else {
    print(#"{"comparison": "\#(id)", "skipped": "no peer at \#(python) with \#(script)"}"#)
    return
  }
  // Rein's rounds run many more steps than the peer's so that each takes a measurable time.
  let reinSteps = steps * 50
  var rein: [Double] = []
  var reinCPU: [Double] = []
  var gymnasium: [Double] = []
  var gymnasiumCPU: [Double] = []
  for _ in 0..<3 {
    let start = monotonicSeconds()
    let cpuStart = cpuSeconds(children: false)
    try loop.run(reinSteps)
    reinCPU.append(Double(reinSteps) / (cpuSeconds(children: false) - cpuStart))
    rein.append(Double(reinSteps) / (monotonicSeconds() - start))
    // The peer's CPU rate: a long run minus a short one removes Python's start-up and imports.
    let long = try runPeer(python: python, script: script, id: id, steps: steps)
    let short = try runPeer(python: python, script: script, id: id, steps: steps / 20)
    gymnasium.append(long.rate)
    gymnasiumCPU.append(Double(steps - steps / 20) / (long.cpuSeconds - short.cpuSeconds))
  }
  let median = { (values: [Double]) in values.sorted()[values.count / 2] }
  let record: [String: Any] = [
    "comparison": id,
    "rein_steps_per_s": median(rein).rounded(), "gymnasium_steps_per_s": median(gymnasium).rounded(),
    "ratio": (median(rein) / median(gymnasium)).rounded(),
    "rein_steps_per_cpu_s": median(reinCPU).rounded(), "gymnasium_steps_per_cpu_s": median(gymnasiumCPU).rounded(),
    "cpu_ratio": (median(reinCPU) / median(gymnasiumCPU)).rounded(),
  ]
  let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
  print(String(decoding: data, as: UTF8.self))
}

/// CPU seconds (user and system) of this process, or of its waited-for children.
private func cpuSeconds(children: Bool) -> Double {
  var usage = rusage()
  #if os(Linux)
    getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &usage)
  #else
    getrusage(children ? RUSAGE_CHILDREN : RUSAGE_SELF, &usage)
  #endif
  let seconds = { (t: timeval) in Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
  return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Runs the peer once: the rate it reports and the CPU seconds its process used.
private func runPeer(
  python: String, script: String, id: String, steps: Int
) throws
  -> (rate: Double, cpuSeconds: Double)
{
  let process = Process()
  process.executableURL = URL(fileURLWithPath: python)
  process.arguments = [
    "-W", "ignore", URL(fileURLWithPath: script).standardizedFileURL.path, "--env", id, "--steps", String(steps),
  ]
  let output = Pipe()
  process.standardOutput = output
  process.standardError = FileHandle.nullDevice
  let before = cpuSeconds(children: true)
  try process.run()
  let data = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let cpu = cpuSeconds(children: true) - before
  guard let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
    let rate = object["steps_per_s"] as? Double
  else {
    throw EnvironmentError.invalidArgument("the peer printed no steps_per_s: \(String(decoding: data, as: UTF8.self))")
  }
  return (rate, cpu)
}
