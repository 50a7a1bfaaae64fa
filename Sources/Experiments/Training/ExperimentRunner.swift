import Dispatch
import Foundation
import PolicyGradient

// MARK: - Running an experiment
//
// One experiment = one algorithm on one environment, for several seeds, in one run folder. Seeds train in parallel
// (each on its own thread, with its own environments, generators and loggers), so a seed's results do not depend
// on how many run at once. Per seed: progress logs (CSV, JSON lines, TensorBoard), printed progress, a final
// deterministic evaluation and a checkpoint; for the run: summary.json and the learning-curve plot.

/// Runs an ``ExperimentPlan`` and writes its run folder.
public final class ExperimentRunner: @unchecked Sendable {
  public let plan: ExperimentPlan
  public let registry: EnvironmentRegistry
  public let folder: RunFolder
  /// The configuration the plan was read from, stored in checkpoints.
  public let configuration: RunConfiguration?
  private let printLock = NSLock()
  private let write: @Sendable (String) -> Void
  private var progress: ProgressDisplay?
  private var progressCounts: [Int]
  private var progressReturns: [Double?]

  /// A runner writing to `folder`; `write` receives every printed line (standard output by default).
  public init(
    plan: ExperimentPlan, registry: EnvironmentRegistry, folder: RunFolder, configuration: RunConfiguration? = nil,
    write: (@Sendable (String) -> Void)? = nil
  ) {
    self.plan = plan
    self.registry = registry
    self.folder = folder
    self.configuration = configuration
    // Unbuffered, so that progress shows line by line in files and CI logs too.
    self.write = write ?? { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    progressCounts = Array(repeating: 0, count: plan.seeds.count)
    progressReturns = Array(repeating: nil, count: plan.seeds.count)
  }

  /// Trains every seed and writes summary.json and the plots; returns the summary.
  @discardableResult
  public func run() throws -> RunSummary {
    // Fail early, in the caller's thread, on an unknown environment or one the algorithm cannot act in.
    let probe = try registry.make(plan.environmentID, arguments: plan.environmentArguments)
    _ = try ActionKind(probe.actionSpace)
    probe.close()
    setUpProgress()
    say(
      "\(plan.name): \(plan.algorithm.name) on \(plan.environmentID), seeds \(plan.seeds.map(String.init).joined(separator: ", ")) -> \(folder.path)"
    )

    let results = SeedResults(count: plan.seeds.count)
    let threads = Swift.max(1, Swift.min(plan.seeds.count, plan.parallelSeeds > 0 ? plan.parallelSeeds : ProcessInfo.processInfo.activeProcessorCount))
    let queue = SeedQueue(count: plan.seeds.count)
    let group = DispatchGroup()
    for _ in 0..<threads {
      group.enter()
      Thread.detachNewThread { [self] in
        defer { group.leave() }
        while true {
          guard let index = queue.next() else { return }
          do {
            results.set(index, .success(try trainSeed(index: index)))
          } catch {
            results.set(index, .failure(error))
          }
        }
      }
    }
    group.wait()
    progress?.finish(completed: progressCounts.reduce(0, +), recentReturn: meanOfRecentReturns())

    var entries: [RunSummary.Entry] = []
    for result in results.all {
      switch result {
      case .success(let seed): entries.append(RunSummary.Entry(seed: seed))
      case .failure(let error): throw error
      case nil: preconditionFailure("a seed finished without a result")
      }
    }
    let summary = RunSummary(
      entries: entries,
      fields: [
        "name": .string(plan.name), "algorithm": .string(plan.algorithm.name), "env": .string(plan.environmentID),
      ])
    try folder.writeSummary(summary)
    let png = try folder.writeLearningCurves(
      title: plan.plotTitle, x: plan.plotX, y: plan.plotX == "episode" ? "episode_return" : "rollout/ep_rew_mean",
      xLabel: plan.plotX == "episode" ? "episode" : "environment steps",
      yLabel: plan.plotX == "episode" ? "return" : "mean episode return", smoothingWindow: plan.plotSmoothing)
    for entry in entries {
      let s = entry.seed
      let evaluation =
        s.evaluationMean.map { String(format: ", evaluation %.1f ± %.1f", $0, s.evaluationStandardDeviation ?? 0) }
        ?? ""
      say(
        String(
          format: "seed %d: %d steps, %d episodes, %.1f s (%.0f steps/s), mean return of the last 100 episodes %.1f%@",
          s.seed, s.environmentSteps, s.episodes, s.wallSeconds, s.stepsPerSecond, s.finalReturnMean, evaluation))
    }
    say("summary: \(folder.path)/\(RunFolder.summaryFileName)")
    say("plot: \(png)")
    return summary
  }

  // MARK: One seed

  private func trainSeed(index: Int) throws -> SeedSummary {
    let seed = plan.seeds[index]
    let seedFolder = try folder.seedFolder(seed: Int(seed))
    let loggers = try seedFolder.makeLoggers()
    defer { try? loggers.close() }
    let agent = try makeAgent(seed: seed)
    if index == 0 { say(parameterCounts(agent.policy)) }
    let episodic = !plan.algorithm.isVectorized
    var window = RecentReturns(capacity: plan.budget.meanWindow)
    var printWindow = RecentReturns(capacity: plan.printing.window)
    var pendingEpisode: [(key: String, value: Double)]?
    var updateCount = 0
    var logError: Error?
    let console = ConsoleTableLogger { [self] text in say(text) }

    let observer: TrainingObserver = { [self] event in
      do {
        switch event {
        case .episode(let record):
          window.add(record.episodeReturn)
          printWindow.add(record.episodeReturn)
          let episodeNumber = record.index + 1
          if episodic {
            let values: [(key: String, value: Double)] = [
              ("episode", Double(episodeNumber)), ("episode_return", record.episodeReturn),
              ("episode_length", Double(record.length)), ("rollout/ep_rew_mean", window.mean),
            ]
            if agent is REINFORCE {
              pendingEpisode = values  // logged with the update that follows it
            } else {
              try loggers.log(ScalarRecord(step: record.step, values: values))
            }
          }
          if plan.printing.everyEpisodes > 0 && episodeNumber % plan.printing.everyEpisodes == 0 {
            say(
              String(
                format: "seed %llu | episode %d | steps %d | mean return of the last %d episodes: %.2f", seed,
                episodeNumber, record.step, printWindow.count, printWindow.mean))
          }
          reportProgress(index: index, completed: progressUnit == "episodes" ? episodeNumber : record.step, recent: window.mean)
        case .update(let step, let metrics):
          updateCount += 1
          var values = pendingEpisode ?? []
          pendingEpisode = nil
          values += metrics.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
          let record = ScalarRecord(step: step, values: values)
          try loggers.log(record)
          if plan.printing.everyUpdates > 0 && updateCount % plan.printing.everyUpdates == 0 {
            say("seed \(seed)")
            try console.log(record)
          }
          if progressUnit == "steps" { reportProgress(index: index, completed: step, recent: metrics["rollout/ep_rew_mean"]) }
        }
      } catch {
        logError = logError ?? error
        return .stop(reason: "a log could not be written: \(error)")
      }
      return .proceed
    }

    let summary = try agent.learn(plan.budget, observer: observer)
    if let logError { throw logError }
    if let reason = summary.stoppedEarly { say("seed \(seed): stopped early: \(reason)") }

    var evaluation: EvaluationResult?
    if plan.evaluationEpisodes > 0 {
      let environment = try registry.make(plan.environmentID, arguments: plan.environmentArguments)
      defer { environment.close() }
      var generator = RandomGenerator(seed: seed &+ 1_000_003)
      evaluation = try evaluate(
        agent.policy, on: environment, episodes: plan.evaluationEpisodes, deterministic: plan.evaluationDeterministic,
        seed: seed &+ 1000, generator: &generator)
    }
    try AgentCheckpoint.make(
      agent, environmentID: plan.environmentID, environmentArguments: plan.environmentArguments, seed: seed,
      episodes: summary.episodes.count, configuration: configuration
    ).write(to: seedFolder.checkpointPath)
    closeEnvironments(of: agent)
    return SeedSummary(
      seed: Int(seed), environmentSteps: summary.steps, episodes: summary.episodes.count,
      wallSeconds: summary.wallSeconds, stepsPerSecond: summary.stepsPerSecond,
      finalReturnMean: summary.meanReturn(last: 100) ?? .nan, evaluationMean: evaluation?.mean,
      evaluationStandardDeviation: evaluation?.standardDeviation)
  }

  /// The agent for `seed`, with its environments.
  func makeAgent(seed: UInt64) throws -> any Agent {
    let id = plan.environmentID
    let arguments = plan.environmentArguments
    switch plan.algorithm {
    case .reinforce(let c):
      return try REINFORCE(environment: registry.make(id, arguments: arguments), configuration: c, seed: seed)
    case .actorCritic(let c):
      return try OneStepActorCritic(environment: registry.make(id, arguments: arguments), configuration: c, seed: seed)
    case .a2c(let c):
      return try A2C(environments: makeVector(), configuration: c, seed: seed)
    case .ppo(let c):
      return try PPO(environments: makeVector(), configuration: c, seed: seed)
    }
  }

  private func makeVector() throws -> VectorEnvironment {
    if plan.parallelEnvironments {
      return try ParallelVectorEnvironment(
        id: plan.environmentID, count: plan.environmentCount, arguments: plan.environmentArguments,
        autoresetMode: .sameStep, registry: registry)
    }
    return try SyncVectorEnvironment(
      id: plan.environmentID, count: plan.environmentCount, arguments: plan.environmentArguments,
      autoresetMode: .sameStep, registry: registry)
  }

  private func closeEnvironments(of agent: any Agent) {
    switch agent {
    case let a as REINFORCE: a.environment.close()
    case let a as OneStepActorCritic: a.environment.close()
    case let a as A2C: a.environments.close()
    case let a as PPO: a.environments.close()
    default: break
    }
  }

  // MARK: Output

  /// "parameters: 17,410 in all (policy 16,896, action 258, ...)": the true counts, by component.
  func parameterCounts(_ policy: ActorCriticPolicy) -> String {
    var order: [String] = []
    var counts: [String: Int] = [:]
    for (name, parameter) in policy.namedParameters() {
      let component = String(name.split(separator: ".").first ?? "")
      if counts[component] == nil { order.append(component) }
      counts[component, default: 0] += parameter.value.count
    }
    let parts = order.map { "\($0) \(counts[$0]!)" }.joined(separator: ", ")
    return "parameters: \(policy.parameterCount) in all (\(parts))"
  }

  /// Prints a line (serialised across seeds).
  func say(_ line: String) {
    printLock.withLock { write(line) }
  }

  private var progressUnit: String { plan.budget.steps != nil ? "steps" : "episodes" }

  private func setUpProgress() {
    let style: ProgressDisplay.Style
    switch plan.printing.progress {
    case "bar": style = .bar
    case "lines": style = .lines
    case "none": style = .silent
    default: style = .automatic
    }
    let perSeed = plan.budget.steps ?? plan.budget.episodes ?? 1
    progress = ProgressDisplay(
      totalSteps: perSeed * plan.seeds.count, unit: progressUnit, style: style,
      write: { [self] text in printLock.withLock { write(text) } })
  }

  private func reportProgress(index: Int, completed: Int, recent: Double?) {
    printLock.withLock {
      progressCounts[index] = completed
      if let recent { progressReturns[index] = recent }
    }
    progress?.update(completed: printLock.withLock { progressCounts.reduce(0, +) }, recentReturn: meanOfRecentReturns())
  }

  private func meanOfRecentReturns() -> Double? {
    printLock.withLock {
      let known = progressReturns.compactMap { $0 }
      return known.isEmpty ? nil : known.reduce(0, +) / Double(known.count)
    }
  }
}

// MARK: - Helpers

/// Results filled in by the seed threads.
private final class SeedResults: @unchecked Sendable {
  private let lock = NSLock()
  private var results: [Result<SeedSummary, Error>?]
  init(count: Int) { results = Array(repeating: nil, count: count) }
  func set(_ index: Int, _ result: Result<SeedSummary, Error>) { lock.withLock { results[index] = result } }
  var all: [Result<SeedSummary, Error>?] { lock.withLock { results } }
}

/// Hands out seed indices to the worker threads.
private final class SeedQueue: @unchecked Sendable {
  private let lock = NSLock()
  private var nextIndex = 0
  private let count: Int
  init(count: Int) { self.count = count }
  func next() -> Int? {
    lock.withLock {
      guard nextIndex < count else { return nil }
      defer { nextIndex += 1 }
      return nextIndex
    }
  }
}

/// The mean of the last `capacity` values.
struct RecentReturns {
  let capacity: Int
  private var values: [Double] = []
  private var next = 0
  private var sum = 0.0

  init(capacity: Int) { self.capacity = Swift.max(capacity, 1) }

  mutating func add(_ value: Double) {
    if values.count < capacity {
      values.append(value)
    } else {
      sum -= values[next]
      values[next] = value
      next = (next + 1) % capacity
    }
    sum += value
  }

  var count: Int { values.count }
  var mean: Double { values.isEmpty ? .nan : sum / Double(values.count) }
}
