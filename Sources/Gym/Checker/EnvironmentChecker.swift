// MARK: - Environment checker

/// One problem the checker found.
public struct EnvironmentCheckFinding: Sendable, Equatable, CustomStringConvertible {
  public enum Severity: String, Sendable, Equatable {
    /// The environment breaks the API contract; training on it would be wrong or crash.
    case error
    /// Legal but suspicious, or a recommendation (as Stable-Baselines3's checker gives them).
    case warning
  }

  public var severity: Severity
  /// The check's name, such as `reset.observation-in-space`.
  public var check: String
  public var message: String

  public init(_ severity: Severity, _ check: String, _ message: String) {
    self.severity = severity
    self.check = check
    self.message = message
  }

  public var description: String { "\(severity.rawValue): [\(check)] \(message)" }
}

/// What the checker did and found.
public struct EnvironmentCheckReport: Sendable {
  /// The checks run, in order.
  public var checks: [String] = []
  public var findings: [EnvironmentCheckFinding] = []

  /// True when no check found an error (warnings allowed).
  public var passed: Bool { !findings.contains { $0.severity == .error } }
  /// True when nothing at all was found.
  public var isClean: Bool { findings.isEmpty }
}

/// Checks an environment against the API contract, as Gymnasium's `check_env` and Stable-Baselines3's
/// `check_env` do, plus a check that an observation already returned is never changed by later calls.
///
/// The checks: the spaces are well formed (bounds not NaN, low <= high; a `Box` action space bounded, and
/// preferably symmetric and normalised to [-1, 1]); stepping before reset is an error; `reset(seed:)` returns an
/// observation in the observation space (values within bounds and of its dtype, finite); the same seed gives the
/// same observation, also in a fresh instance, and unseeded resets afterwards continue identically; different
/// seeds give different starts; steps return observations in the space and finite rewards; the same seed and
/// actions give the same trajectory; the bare environment never truncates (truncation belongs to ``TimeLimit``);
/// an invalid discrete action is rejected; stepping after the end of an episode is an error; warnings a simulator
/// reports in info (a key ending in `_warnings`, such as MuJoCo's `mujoco_warnings`) are flagged; and a buffer
/// returned by `reset` or `step` is not written again by the following call.
public struct EnvironmentChecker: Sendable {
  /// Steps taken in the stepping checks.
  public var steps: Int
  /// The base seed of the checks.
  public var seed: UInt64

  public init(steps: Int = 300, seed: UInt64 = 123) {
    self.steps = steps
    self.seed = seed
  }

  /// Checks the environments `make` builds (it is called several times; each call must return a fresh instance,
  /// as `EnvironmentRegistry.make` does).
  public func check(_ make: () throws -> any Environment) -> EnvironmentCheckReport {
    var run = Run(checker: self)
    run.perform(make)
    return run.report
  }

  /// Checks the environment registered under `id`, wrapped as `make(id)` wraps it.
  public func check(
    id: String, arguments: EnvironmentArguments = [:], registry: EnvironmentRegistry = .shared
  )
    throws -> EnvironmentCheckReport
  {
    _ = try registry.spec(id)
    return check { try registry.make(id, arguments: arguments) }
  }
}

// MARK: - The checks

private struct Run {
  let checker: EnvironmentChecker
  var report = EnvironmentCheckReport()

  mutating func finding(_ severity: EnvironmentCheckFinding.Severity, _ check: String, _ message: String) {
    report.findings.append(EnvironmentCheckFinding(severity, check, message))
  }

  /// Runs `body` as the check `name`, turning a thrown error into an error finding.
  mutating func check(_ name: String, _ body: (inout Run) throws -> Void) {
    report.checks.append(name)
    do {
      try body(&self)
    } catch {
      finding(.error, name, "threw \(error)")
    }
  }

  mutating func perform(_ make: () throws -> any Environment) {
    let env: any Environment
    do {
      env = try make()
    } catch {
      finding(.error, "make", "could not make the environment: \(error)")
      return
    }
    let observationSpace = env.observationSpace
    let actionSpace = env.actionSpace
    let seed = checker.seed

    check("spaces.observation") { run in run.checkSpace(observationSpace, role: "observation") }
    check("spaces.action") { run in
      run.checkSpace(actionSpace, role: "action")
      if case .box(let box) = actionSpace {
        if box.low.contains(where: { !$0.isFinite }) || box.high.contains(where: { !$0.isFinite }) {
          run.finding(.error, "spaces.action", "the Box action space must be bounded, got \(actionSpace)")
        } else if box.low.contains(where: { $0 != -1 }) || box.high.contains(where: { $0 != 1 }) {
          let symmetric = zip(box.low, box.high).allSatisfy { $0 == -$1 }
          run.finding(
            .warning, "spaces.action",
            "the action space \(actionSpace) is \(symmetric ? "" : "not symmetric and ")not normalised to [-1, 1]; "
              + "policies with Gaussian heads learn best on [-1, 1] (use RescaleAction)")
        }
      }
    }

    check("step.before-reset") { run in
      let fresh = try make()
      var observation = [Double](repeating: 0, count: observationSpace.flatCount)
      let action = run.firstAction(actionSpace)
      let threw = observation.withUnsafeMutableBufferPointer { buffer in
        action.withUnsafeBufferPointer { (try? fresh.step($0, into: buffer)) == nil }
      }
      if !threw {
        run.finding(.warning, "step.before-reset", "step() before reset() was accepted; it should throw")
      }
    }

    // An environment that goes on writing into buffers it was handed earlier is looked for before anything else:
    // the other checks hand it short-lived buffers (through the array-returning `reset` and `step`), which it
    // would then write into after they were freed, corrupting the checker's own memory. When it does, they are
    // not run.
    check("observation.not-changed-later") { run in try run.checkObservationsStayPut(make) }
    if report.findings.contains(where: { $0.check == "observation.not-changed-later" && $0.severity == .error }) {
      finding(
        .error, "checks-skipped",
        "the other stepping checks were not run: this environment writes into buffers after returning them, so "
          + "handing it more would let it write into freed memory; fix that first and check again")
      env.close()
      return
    }

    check("reset.observation-in-space") { run in
      let (observation, _) = try env.reset(seed: seed)
      run.requireInSpace(observation, observationSpace, "reset.observation-in-space", "reset(seed: \(seed))")
    }

    check("reset.seed-determinism") { run in
      let first = try env.reset(seed: seed).observation
      let again = try env.reset(seed: seed).observation
      let other = try make()
      let fresh = try other.reset(seed: seed).observation
      if !same(first, again) || !same(first, fresh) {
        run.finding(
          .error, "reset.seed-determinism",
          "reset(seed: \(seed)) gave different observations: \(first), \(again), and \(fresh) in a fresh instance")
      }
      let next = try env.reset(seed: nil).observation
      let freshNext = try other.reset(seed: nil).observation
      if !same(next, freshNext) {
        run.finding(
          .error, "reset.seed-determinism",
          "unseeded resets after the same seed differ (\(next) and \(freshNext)); the seeded generator must carry on")
      }
    }

    check("reset.seeds-differ") { run in
      var starts: [[Double]] = []
      for k in 0..<5 { starts.append(try env.reset(seed: seed &+ UInt64(k) &+ 1).observation) }
      if starts.dropFirst().allSatisfy({ same($0, starts[0]) }) {
        run.finding(
          .warning, "reset.seeds-differ",
          "five different seeds all gave the start \(starts[0]); fine only if the "
            + "start is deterministic by design")
      }
    }

    check("step.observations-rewards") { run in try run.checkSteps(env, make: make) }
    check("step.determinism") { run in try run.checkStepDeterminism(make) }
    check("step.bare-environment-never-truncates") { run in try run.checkBareTruncation(env.unwrapped) }
    check("step.invalid-action-rejected") { run in
      guard case .discrete(let discrete) = actionSpace else { return }
      _ = try env.reset(seed: seed)
      if (try? env.step(discrete.start + discrete.n)) != nil {
        run.finding(
          .warning, "step.invalid-action-rejected",
          "the out-of-space action \(discrete.start + discrete.n) was accepted; it should throw")
      }
    }
    check("step.after-episode-end") { run in try run.checkStepAfterEnd(make) }
    env.close()
  }

  // MARK: Space checks

  mutating func checkSpace(_ space: Space, role: String) {
    let name = "spaces.\(role)"
    switch space {
    case .box(let box):
      if box.low.contains(where: \.isNaN) || box.high.contains(where: \.isNaN) {
        finding(.error, name, "the \(role) Box has NaN bounds")
      }
      if zip(box.low, box.high).contains(where: { $0 > $1 }) {
        finding(.error, name, "the \(role) Box has a lower bound above its upper bound")
      }
      if box.count == 0 { finding(.error, name, "the \(role) Box is empty") }
    case .multiDiscrete(let nvec):
      if nvec.contains(where: { $0 <= 0 }) { finding(.error, name, "MultiDiscrete entries must be positive") }
    case .tuple(let spaces):
      for subspace in spaces { checkSpace(subspace, role: role) }
    case .dict(let entries):
      for entry in entries { checkSpace(entry.space, role: role) }
    case .discrete, .multiBinary:
      break
    }
  }

  mutating func requireInSpace(_ observation: [Double], _ space: Space, _ check: String, _ context: String) {
    if observation.contains(where: { !$0.isFinite }) {
      finding(.error, check, "\(context) returned a non-finite observation \(observation)")
    } else if !space.contains(observation) {
      finding(
        .error, check,
        "\(context) returned \(observation), which is not in \(space) (outside the bounds or not of its dtype)")
    }
  }

  func firstAction(_ space: Space) -> [Double] {
    var random = NumpyGenerator(seed: checker.seed)
    return space.sample(using: &random)
  }

  // MARK: Stepping checks

  mutating func checkSteps(_ env: any Environment, make: () throws -> any Environment) throws {
    var random = NumpyGenerator(seed: checker.seed)
    _ = try env.reset(seed: checker.seed)
    var reported = false
    var warned = false
    for step in 0..<checker.steps {
      let result = try env.step(env.actionSpace.sample(using: &random))
      // Simulators report instability (MuJoCo's bad qacc, unstable simulation) in info under `<name>_warnings`.
      if !warned, let (key, value) = result.info.first(where: { $0.key.hasSuffix("_warnings") }) {
        warned = true
        finding(
          .warning, "step.simulator-warnings",
          "step \(step) reported \(key): \(value); the simulation is unstable under random actions (check the model, "
            + "its timestep and the action bounds)")
      }
      if !reported {
        let before = report.findings.count
        requireInSpace(result.observation, env.observationSpace, "step.observations-rewards", "step \(step)")
        if !result.reward.isFinite {
          finding(.error, "step.observations-rewards", "step \(step) returned the reward \(result.reward)")
        }
        reported = report.findings.count > before
      }
      if result.terminated || result.truncated { _ = try env.reset() }
    }
  }

  mutating func checkStepDeterminism(_ make: () throws -> any Environment) throws {
    func trajectory() throws -> [Step] {
      let env = try make()
      defer { env.close() }
      var random = NumpyGenerator(seed: checker.seed &+ 7)
      _ = try env.reset(seed: checker.seed)
      var steps: [Step] = []
      for _ in 0..<min(checker.steps, 100) {
        let result = try env.step(env.actionSpace.sample(using: &random))
        steps.append(result)
        if result.done { _ = try env.reset() }
      }
      return steps
    }
    let a = try trajectory()
    let b = try trajectory()
    func differ(_ x: Step, _ y: Step) -> Bool {
      if !same(x.observation, y.observation) { return true }
      return x.reward != y.reward || x.terminated != y.terminated || x.truncated != y.truncated
    }
    if let index = a.indices.first(where: { differ(a[$0], b[$0]) }) {
      finding(
        .error, "step.determinism",
        "the same seed and actions gave different results at step \(index): \(a[index]) and \(b[index])")
    }
  }

  mutating func checkBareTruncation(_ bare: any Environment) throws {
    var random = NumpyGenerator(seed: checker.seed &+ 11)
    _ = try bare.reset(seed: checker.seed)
    for step in 0..<checker.steps {
      let result = try bare.step(bare.actionSpace.sample(using: &random))
      if result.truncated {
        finding(
          .warning, "step.bare-environment-never-truncates",
          "the unwrapped environment truncated at step \(step); truncation belongs to the TimeLimit wrapper")
        return
      }
      if result.terminated { _ = try bare.reset() }
    }
  }

  mutating func checkStepAfterEnd(_ make: () throws -> any Environment) throws {
    let env = try make()
    defer { env.close() }
    var random = NumpyGenerator(seed: checker.seed &+ 13)
    _ = try env.reset(seed: checker.seed)
    for _ in 0..<max(checker.steps, 2000) {
      if try env.step(env.actionSpace.sample(using: &random)).done {
        if (try? env.step(env.actionSpace.sample(using: &random))) != nil {
          finding(.warning, "step.after-episode-end", "a step after the episode ended was accepted; it should throw")
        }
        return
      }
    }
  }

  mutating func checkObservationsStayPut(_ make: () throws -> any Environment) throws {
    let env = try make()
    defer { env.close() }
    let count = env.observationSpace.flatCount
    var buffers = [[Double]](repeating: [Double](repeating: 0, count: count), count: 2)
    var random = NumpyGenerator(seed: checker.seed &+ 17)
    _ = try buffers[0].withUnsafeMutableBufferPointer { try env.reset(seed: checker.seed, options: nil, into: $0) }
    var current = 0
    for step in 0..<min(checker.steps, 200) {
      let snapshot = buffers[current].map { $0 }  // a copy with its own storage
      let next = 1 - current
      let action = env.actionSpace.sample(using: &random)
      let outcome = try action.withUnsafeBufferPointer { a in
        try buffers[next].withUnsafeMutableBufferPointer { try env.step(a, into: $0) }
      }
      if !same(buffers[current], snapshot) {
        finding(
          .error, "observation.not-changed-later",
          "the observation returned before step \(step) changed during it (\(snapshot) became \(buffers[current])); "
            + "an environment must not keep writing into a buffer it was given earlier")
        return
      }
      current = next
      if outcome.done {
        let snapshotAtEnd = buffers[current].map { $0 }
        let other = 1 - current
        _ = try buffers[other].withUnsafeMutableBufferPointer { try env.reset(seed: nil, options: nil, into: $0) }
        if !same(buffers[current], snapshotAtEnd) {
          finding(.error, "observation.not-changed-later", "reset() changed the last observation of the episode")
          return
        }
        current = other
      }
    }
  }
}

/// Equal values, NaN equal to NaN.
private func same(_ a: [Double], _ b: [Double]) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
}
