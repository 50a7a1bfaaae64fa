// MARK: - The shared engine of the vector environments

/// Buffers and per-environment logic shared by the sequential and parallel vector environments.
///
/// Every buffer is allocated once. `process(range)` handles the sub-environments in `range` and touches only
/// their rows, so disjoint ranges can run on different threads.
final class VectorCore: @unchecked Sendable {
  enum Task {
    case step
    case reset(seed: UInt64?, options: ResetOptions?)
  }

  let environments: [any Environment]
  let count: Int
  let observationCount: Int
  let actionCount: Int
  let autoresetMode: AutoresetMode
  /// What `process` does; written by the owning thread before a run.
  var task = Task.step

  /// The environments again, in memory the step loop can borrow from.
  let environmentSlots: UnsafeMutablePointer<any Environment>
  /// When every environment is a ``TimeLimit`` (as `make` builds them), unmanaged references to them: the step loop
  /// then calls `TimeLimit.step` directly, without a dynamic dispatch or reference counting (`environments` keeps
  /// them alive).
  let timeLimits: UnsafeMutablePointer<Unmanaged<TimeLimit>>?
  let actions: UnsafeMutableBufferPointer<Double>
  /// Per-environment scratch rows for the environments' float64 observations.
  let scratch: UnsafeMutableBufferPointer<Double>
  let observations: UnsafeMutableBufferPointer<Float>
  /// Same-step mode with normalisation: the float64 final observations of the episodes that ended in the last step.
  let finalScratch: UnsafeMutableBufferPointer<Double>
  /// Whether `step` keeps the float64 final observations in `finalScratch` (set when normalisation is installed).
  var keepsFinalScratch = false
  let finalObservations: UnsafeMutableBufferPointer<Float>
  let rewards: UnsafeMutableBufferPointer<Double>
  let terminated: UnsafeMutableBufferPointer<Bool>
  let truncated: UnsafeMutableBufferPointer<Bool>
  /// True for a sub-environment whose episode ended in the last step.
  let finished: UnsafeMutableBufferPointer<Bool>
  /// Next-step mode: true for a sub-environment to reset at the next step.
  let needsReset: UnsafeMutableBufferPointer<Bool>
  let episodeReturns: UnsafeMutableBufferPointer<Double>
  let episodeLengths: UnsafeMutableBufferPointer<Int>
  let finishedReturns: UnsafeMutableBufferPointer<Double>
  let finishedLengths: UnsafeMutableBufferPointer<Int>
  let infos: UnsafeMutableBufferPointer<Info>
  let finalInfos: UnsafeMutableBufferPointer<Info>
  let errors: UnsafeMutableBufferPointer<(any Error)?>

  init(environments: [any Environment], autoresetMode: AutoresetMode) {
    self.environments = environments
    count = environments.count
    observationCount = environments[0].observationSpace.flatCount
    actionCount = environments[0].actionSpace.flatCount
    self.autoresetMode = autoresetMode
    environmentSlots = UnsafeMutablePointer<any Environment>.allocate(capacity: environments.count)
    environmentSlots.initialize(from: environments, count: environments.count)
    let limits = environments.compactMap { $0 as? TimeLimit }
    if limits.count == environments.count {
      let pointer = UnsafeMutablePointer<Unmanaged<TimeLimit>>.allocate(capacity: limits.count)
      pointer.initialize(from: limits.map { Unmanaged.passUnretained($0) }, count: limits.count)
      timeLimits = pointer
    } else {
      timeLimits = nil
    }
    func buffer<T>(_ size: Int, _ value: T) -> UnsafeMutableBufferPointer<T> {
      let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: size)
      buffer.initialize(repeating: value)
      return buffer
    }
    actions = buffer(count * actionCount, 0)
    scratch = buffer(count * observationCount, 0)
    observations = buffer(count * observationCount, 0)
    finalScratch = buffer(count * observationCount, 0)
    finalObservations = buffer(count * observationCount, 0)
    rewards = buffer(count, 0)
    terminated = buffer(count, false)
    truncated = buffer(count, false)
    finished = buffer(count, false)
    needsReset = buffer(count, false)
    episodeReturns = buffer(count, 0)
    episodeLengths = buffer(count, 0)
    finishedReturns = buffer(count, 0)
    finishedLengths = buffer(count, 0)
    infos = buffer(count, [:])
    finalInfos = buffer(count, [:])
    errors = buffer(count, nil)
  }

  func deallocate() {
    environmentSlots.deinitialize(count: count)
    environmentSlots.deallocate()
    timeLimits?.deallocate()
    actions.deallocate()
    scratch.deallocate()
    observations.deallocate()
    finalScratch.deallocate()
    finalObservations.deallocate()
    rewards.deallocate()
    terminated.deallocate()
    truncated.deallocate()
    finished.deallocate()
    needsReset.deallocate()
    episodeReturns.deallocate()
    episodeLengths.deallocate()
    finishedReturns.deallocate()
    finishedLengths.deallocate()
    _ = infos.deinitialize()
    infos.deallocate()
    _ = finalInfos.deinitialize()
    finalInfos.deallocate()
    _ = errors.deinitialize()
    errors.deallocate()
  }

  /// Whether a sub-environment failed in the last run.
  var hasErrors: Bool { (0..<count).contains { errors[$0] != nil } }

  func clearErrors() {
    for index in 0..<count { errors[index] = nil }
  }

  // MARK: - Per-environment work

  /// Runs the current task on the sub-environments in `range`.
  func process(_ range: Range<Int>) {
    switch task {
    case .step:
      for index in range { step(index) }
    case .reset(let seed, let options):
      for index in range {
        // Gymnasium seeds sub-environment i with seed + i.
        reset(index, seed: seed.map { $0 &+ UInt64(index) }, options: options)
        finished[index] = false
        rewards[index] = 0
        terminated[index] = false
        truncated[index] = false
      }
    }
  }

  @inline(__always)
  private func row(_ index: Int) -> UnsafeMutableBufferPointer<Double> {
    UnsafeMutableBufferPointer(rebasing: scratch[index * observationCount..<(index + 1) * observationCount])
  }

  @inline(__always)
  private func publishObservation(_ index: Int, into target: UnsafeMutableBufferPointer<Float>) {
    let base = index * observationCount
    for k in 0..<observationCount { target[base + k] = Float(scratch[base + k]) }
  }

  private func reset(_ index: Int, seed: UInt64?, options: ResetOptions?) {
    do {
      infos[index] = try environments[index].reset(seed: seed, options: options, into: row(index))
      publishObservation(index, into: observations)
    } catch {
      errors[index] = error
    }
    needsReset[index] = false
    episodeReturns[index] = 0
    episodeLengths[index] = 0
  }

  private func step(_ index: Int) {
    finished[index] = false
    if needsReset[index] {
      // Next-step autoreset: this step only starts the new episode.
      reset(index, seed: nil, options: nil)
      rewards[index] = 0
      terminated[index] = false
      truncated[index] = false
      return
    }
    let outcome: StepOutcome
    do {
      let action = UnsafeBufferPointer(rebasing: actions[index * actionCount..<(index + 1) * actionCount])
      if let timeLimits {
        outcome = try timeLimits[index]._withUnsafeGuaranteedRef { try $0.step(action, into: row(index)) }
      } else {
        outcome = try environmentSlots[index].step(action, into: row(index))
      }
    } catch {
      errors[index] = error
      return
    }
    rewards[index] = outcome.reward
    terminated[index] = outcome.terminated
    truncated[index] = outcome.truncated
    episodeReturns[index] += outcome.reward
    episodeLengths[index] += 1
    guard outcome.terminated || outcome.truncated else {
      if !(outcome.info.isEmpty && infos[index].isEmpty) { infos[index] = outcome.info }
      publishObservation(index, into: observations)
      return
    }
    finished[index] = true
    finishedReturns[index] = episodeReturns[index]
    finishedLengths[index] = episodeLengths[index]
    switch autoresetMode {
    case .nextStep:
      infos[index] = outcome.info
      publishObservation(index, into: observations)
      needsReset[index] = true
    case .sameStep:
      finalInfos[index] = outcome.info
      publishObservation(index, into: finalObservations)
      if keepsFinalScratch {
        let base = index * observationCount
        for k in 0..<observationCount { finalScratch[base + k] = scratch[base + k] }
      }
      reset(index, seed: nil, options: nil)
    }
  }
}
