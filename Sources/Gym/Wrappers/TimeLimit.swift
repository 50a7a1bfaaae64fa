// MARK: - TimeLimit

/// Truncates episodes after a fixed number of steps, as Gymnasium's `TimeLimit`; the only source of truncation.
///
/// `truncated` becomes true on the step that reaches `maxEpisodeSteps` (it may coincide with `terminated`).
/// Stepping again after an episode ended for either reason, without a reset, throws
/// ``EnvironmentError/stepAfterEpisodeEnd(_:)``.
public final class TimeLimit: EnvironmentWrapper {
  public let inner: any Environment
  /// The step at which the episode is truncated.
  public let maxEpisodeSteps: Int
  /// Steps taken in the current episode.
  public var elapsedSteps: Int { elapsed }
  // Private storage lets whole-module optimisation drop the run-time exclusivity checks in `step`.
  private var elapsed = 0

  private enum Phase { case needsReset, running, ended }
  private var phase = Phase.needsReset

  /// Wraps `environment`; `maxEpisodeSteps` must be positive.
  public init(_ environment: any Environment, maxEpisodeSteps: Int) throws {
    guard maxEpisodeSteps > 0 else {
      throw EnvironmentError.invalidArgument("maxEpisodeSteps must be positive, got \(maxEpisodeSteps)")
    }
    self.inner = environment
    self.maxEpisodeSteps = maxEpisodeSteps
  }

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> Info
  {
    let info = try inner.reset(seed: seed, options: options, into: observation)
    elapsed = 0
    phase = .running
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    switch phase {
    case .needsReset: throw EnvironmentError.stepBeforeReset(name)
    case .ended: throw EnvironmentError.stepAfterEpisodeEnd(name)
    case .running: break
    }
    var outcome = try inner.step(action, into: observation)
    let steps = elapsed + 1
    elapsed = steps
    if steps >= maxEpisodeSteps { outcome.truncated = true }
    if outcome.terminated || outcome.truncated { phase = .ended }
    return outcome
  }

  // MARK: - Saving and restoring

  public func saveState() throws -> EnvironmentState {
    var state = EnvironmentState(kind: "TimeLimit")
    state.nest(try inner.saveState(), under: "inner")
    state.set("elapsed_steps", count: elapsed)
    state.set("max_episode_steps", count: maxEpisodeSteps)
    state.integers["phase"] = [phase == .needsReset ? 0 : phase == .running ? 1 : 2]
    return state
  }

  public func restoreState(_ state: EnvironmentState) throws {
    try state.requireKind("TimeLimit")
    let steps = try state.count("elapsed_steps")
    guard try state.count("max_episode_steps") == maxEpisodeSteps else {
      throw EnvironmentStateError.invalidValue(
        kind: "TimeLimit", field: "max_episode_steps", reason: "saved with another step limit than \(maxEpisodeSteps)")
    }
    let saved = try state.integers("phase", count: 1)[0]
    guard saved <= 2 else {
      throw EnvironmentStateError.invalidValue(kind: "TimeLimit", field: "phase", reason: "must be 0, 1 or 2")
    }
    try inner.restoreState(state.child("inner"))
    elapsed = steps
    phase = saved == 0 ? .needsReset : saved == 1 ? .running : .ended
  }
}
