import Foundation
import Rein

// MARK: - MuJoCo environment throughput
//
// `swift run -c release rein-bench mujoco.` runs:
// - mujoco.raw.ID: MuJoCo's own steps (frame skip) with the same actions and no environment code: the floor.
// - mujoco.step.ID: one environment as `makeEnvironment` builds it (time limit included), stepped with 1000
//   pre-drawn uniform actions in a cycle and reset at episode ends, as ../shared/peers/env_steps.py does for
//   Gymnasium (`gym.make(ID)`, reset on termination or truncation).
// - mujoco.compare.ID: the same loop, alternating with the Gymnasium peer in one run (three rounds each, medians),
//   printing a comparison line before its own timing, for the eleven v5 tasks and the two v4 ones above; needs the
//   peer stack (REIN_PEER_PYTHON, default
//   ~/.cache/rein-peers/bin/python; REIN_PEER_SCRIPT, default ../shared/peers/env_steps.py) and says so otherwise.
// - mujoco.threads2.ID: two plain threads, each stepping its own environment: over mujoco.step.ID, the speed-up
//   of the environments themselves on two cores.
// - mujoco.vector8.ID.threadsN: a ParallelVectorEnvironment of 8 environments on N threads (1 or 2): the 2-thread
//   rate over the 1-thread rate is the parallel speed-up.

func registerMuJoCoBenchmarks() {
  registerBuiltinEnvironments()
  let ids = ["InvertedPendulum-v4", "HalfCheetah-v4"]
  let v5 = [
    "InvertedPendulum-v5", "InvertedDoublePendulum-v5", "Reacher-v5", "Pusher-v5", "Swimmer-v5", "HalfCheetah-v5",
    "Hopper-v5", "Walker2d-v5", "Ant-v5", "Humanoid-v5", "HumanoidStandup-v5",
  ]
  for id in ids + v5 {
    benchmarks.append(
      Benchmark(name: "mujoco.step.\(id)", unit: "steps", iterations: 100_000, repetitions: 7) {
        try MuJoCoStepLoop(id: id).body
      })
  }
  for id in ids {
    benchmarks.append(
      Benchmark(name: "mujoco.raw.\(id)", unit: "steps", iterations: 100_000, repetitions: 7) {
        // The floor: MuJoCo's own steps for one environment step (frame skip), same actions, no environment code.
        let loop = try MuJoCoStepLoop(id: id)
        let simulation = try rawSimulation(of: loop.env)
        let width = loop.actionCount
        var k = 0
        return { n in
          for _ in 0..<n {
            for i in 0..<width { simulation.data.ctrl[i] = loop.actions[k * width + i] }
            k = k == 999 ? 0 : k + 1
            try simulation.data.step(count: simulation.frameSkip, postConstraint: simulation.computesContactForces)
          }
        }
      })
  }
  // REIN_COMPARE_STEPS shortens the comparisons on a busy machine (100,000 steps per round by default).
  let compareSteps = ProcessInfo.processInfo.environment["REIN_COMPARE_STEPS"].flatMap { Int($0) } ?? 100_000
  // Every v4 task beside its v5 counterpart, so one run gives both ratios (Pusher-v4 needs MuJoCo 2).
  let v4 = [
    "InvertedPendulum-v4", "InvertedDoublePendulum-v4", "Reacher-v4", "Swimmer-v4", "HalfCheetah-v4", "Hopper-v4",
    "Walker2d-v4", "Ant-v4", "Humanoid-v4", "HumanoidStandup-v4",
  ]
  for id in v4 + v5 {
    benchmarks.append(
      Benchmark(name: "mujoco.compare.\(id)", unit: "steps", iterations: compareSteps, repetitions: 3) {
        let loop = try MuJoCoStepLoop(id: id)
        try compareWithGymnasium(id: id, steps: compareSteps, loop: loop)
        return loop.body
      })
  }
  for id in ids {
    benchmarks.append(
      Benchmark(name: "mujoco.threads2.\(id)", unit: "steps", iterations: 100_000, repetitions: 5) {
        // Two plain threads, each stepping its own environment (compare with mujoco.step.ID for the speed-up of
        // the environments themselves, without a vector environment's coordination).
        let loops = try (0..<2).map { _ in try MuJoCoStepLoop(id: id) }
        return { n in
          let group = DispatchGroup()
          for loop in loops {
            nonisolated(unsafe) let loop = loop
            group.enter()
            Thread.detachNewThread {
              defer { group.leave() }
              try? loop.run(n / 2)
            }
          }
          group.wait()
        }
      })
  }
  for id in ids {
    for threads in [1, 2] {
      benchmarks.append(
        Benchmark(name: "mujoco.vector8.\(id).threads\(threads)", unit: "steps", iterations: 80_000, repetitions: 5) {
          let count = 8
          let envs = try ParallelVectorEnvironment(id: id, count: count, threads: threads)
          let actions = try uniformActions(envs.singleActionSpace, count: 1000 * count, seed: 0)
          let width = envs.actionCount * count
          let rows = (0..<1000).map { Array(actions[$0 * width..<($0 + 1) * width]) }
          try envs.reset(seed: 0)
          var k = 0
          return { n in
            for _ in 0..<(n / count) {
              try envs.step(rows[k])
              k = k == 999 ? 0 : k + 1
            }
          }
        })
    }
  }
}

// MARK: - The step loop

/// One environment stepped with 1000 pre-drawn actions in a cycle, reset when an episode ends.
private final class MuJoCoStepLoop {
  let env: any Environment
  let actions: [Double]
  let actionCount: Int
  var observation: [Double]
  var cursor = 0

  init(id: String) throws {
    env = try makeEnvironment(id)
    actionCount = env.actionSpace.flatCount
    actions = try uniformActions(env.actionSpace, count: 1000, seed: 0)
    observation = [Double](repeating: 0, count: env.observationSpace.flatCount)
    _ = try observation.withUnsafeMutableBufferPointer { try env.reset(seed: 0, options: nil, into: $0) }
  }

  var body: (Int) throws -> Void { { try self.run($0) } }

  func run(_ count: Int) throws {
    let width = actionCount
    try actions.withUnsafeBufferPointer { all in
      try observation.withUnsafeMutableBufferPointer { buffer in
        for _ in 0..<count {
          let action = UnsafeBufferPointer(rebasing: all[cursor * width..<(cursor + 1) * width])
          cursor = cursor == 999 ? 0 : cursor + 1
          let outcome = try env.step(action, into: buffer)
          if outcome.terminated || outcome.truncated { _ = try env.reset(seed: nil, options: nil, into: buffer) }
        }
      }
    }
  }
}

/// The MuJoCo simulation inside a (wrapped) MuJoCo environment.
private func rawSimulation(of env: any Environment) throws -> MuJoCoSimulation {
  var current: any Environment = env
  while let wrapper = current as? any EnvironmentWrapper { current = wrapper.inner }
  switch current {
  case let env as InvertedPendulum: return env.simulation
  case let env as HalfCheetah: return env.simulation
  case let env as InvertedDoublePendulum: return env.simulation
  case let env as Reacher: return env.simulation
  case let env as Pusher: return env.simulation
  case let env as Swimmer: return env.simulation
  case let env as Hopper: return env.simulation
  case let env as Walker2d: return env.simulation
  case let env as Ant: return env.simulation
  case let env as Humanoid: return env.simulation
  case let env as HumanoidStandup: return env.simulation
  default: throw EnvironmentError.invalidArgument("\(env.name) is not a MuJoCo environment this benchmark knows")
  }
}

/// `count` actions drawn uniformly from a box, rounded to float32 (as `action_space.sample()`), row-major.
private func uniformActions(_ space: Space, count: Int, seed: UInt64) throws -> [Double] {
  guard case .box(let box) = space else { throw EnvironmentError.invalidArgument("not a Box action space") }
  var random = NumpyGenerator(seed: seed)
  return (0..<count * box.count).map { k in
    Double(Float(random.uniform(low: box.low[k % box.count], high: box.high[k % box.count])))
  }
}

// MARK: - The Gymnasium peer

/// Alternates Rein's loop and Gymnasium's `env_steps.py` three times each for `steps` steps and prints one JSON
/// line with both medians and their ratio, by wall-clock time (as each side reports it) and by CPU time (less
/// sensitive to other processes on a busy machine: Rein's loop by the process CPU clock, the peer by its children's
/// CPU time for `steps` steps minus that of a short run, which removes Python's start-up and imports).
private func compareWithGymnasium(id: String, steps: Int, loop: MuJoCoStepLoop) throws {
  let environment = ProcessInfo.processInfo.environment
  let python =
    environment["REIN_PEER_PYTHON"]
    ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/rein-peers/bin/python").path
  let script = environment["REIN_PEER_SCRIPT"] ?? "../shared/peers/env_steps.py"
  guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: script) else {
    print(#"{"comparison": "\#(id)", "skipped": "no peer at \#(python) with \#(script)"}"#)
    return
  }
  let shortSteps = steps / 20
  var rein: [Double] = []
  var reinCPU: [Double] = []
  var gymnasium: [Double] = []
  var gymnasiumCPU: [Double] = []
  for _ in 0..<3 {
    let start = monotonicSeconds()
    let cpuStart = processCPUSeconds()
    try loop.run(steps)
    reinCPU.append(Double(steps) / (processCPUSeconds() - cpuStart))
    rein.append(Double(steps) / (monotonicSeconds() - start))
    let long = try runPeer(python: python, script: script, id: id, steps: steps)
    let short = try runPeer(python: python, script: script, id: id, steps: shortSteps)
    gymnasium.append(long.stepsPerSecond)
    gymnasiumCPU.append(Double(steps - shortSteps) / (long.cpuSeconds - short.cpuSeconds))
  }
  let median = { (values: [Double]) in values.sorted()[values.count / 2] }
  let record: [String: Any] = [
    "comparison": id, "steps": steps,
    "rein_steps_per_s": median(rein).rounded(), "gymnasium_steps_per_s": median(gymnasium).rounded(),
    "ratio": (median(rein) / median(gymnasium) * 100).rounded() / 100,
    "rein_steps_per_cpu_s": median(reinCPU).rounded(), "gymnasium_steps_per_cpu_s": median(gymnasiumCPU).rounded(),
    "cpu_ratio": (median(reinCPU) / median(gymnasiumCPU) * 100).rounded() / 100,
    "rein_rounds": rein.map { $0.rounded() }, "gymnasium_rounds": gymnasium.map { $0.rounded() },
  ]
  let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
  print(String(decoding: data, as: UTF8.self))
}

/// CPU seconds used by this process so far.
private func processCPUSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// CPU seconds (user and system) used by the waited-for children of this process so far.
private func childrenCPUSeconds() -> Double {
  var usage = rusage()
  #if os(Linux)
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
  #else
    getrusage(RUSAGE_CHILDREN, &usage)
  #endif
  let seconds = { (t: timeval) in Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
  return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Runs the peer once: its reported steps per second and the CPU seconds the whole process used.
private func runPeer(python: String, script: String, id: String, steps: Int) throws -> PeerRun {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: python)
  let scriptPath = URL(fileURLWithPath: script).standardizedFileURL.path
  process.arguments = ["-W", "ignore", scriptPath, "--env", id, "--steps", String(steps)]
  // Python's MuJoCo appends its warnings to MUJOCO_LOG.TXT in the working directory: keep it out of the checkout.
  process.currentDirectoryURL = FileManager.default.temporaryDirectory
  let output = Pipe()
  process.standardOutput = output
  process.standardError = FileHandle.nullDevice
  let cpuBefore = childrenCPUSeconds()
  try process.run()
  let data = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let cpu = childrenCPUSeconds() - cpuBefore
  guard let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
    let rate = object["steps_per_s"] as? Double
  else {
    throw EnvironmentError.invalidArgument("the peer printed no steps_per_s: \(String(decoding: data, as: UTF8.self))")
  }
  return PeerRun(stepsPerSecond: rate, cpuSeconds: cpu)
}

/// One run of the peer.
private struct PeerRun {
  var stepsPerSecond: Double
  var cpuSeconds: Double
}
