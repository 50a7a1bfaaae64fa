// MARK: - On-policy rollouts (shared by A2C and PPO)

/// Experience of `rows` steps of `environmentCount` environments, collected with the current policy, with what
/// the advantage computation needs: V(s_t), and the value V(s_{t+1}) of the observation that really followed each
/// step (the final observation of a truncated episode, not the reset one that replaced it).
struct RolloutBuffer {
  let capacity: Int
  let environmentCount: Int
  let observationCount: Int
  let actionCount: Int
  private(set) var rows = 0
  var observations: [Float]
  var actions: [Float]
  var logProbabilities: [Float]
  var values: [Double]
  var nextValues: [Double]
  var rewards: [Double]
  var terminated: [Bool]
  var truncated: [Bool]
  /// The advantages and returns of the collected samples, once computed.
  private(set) var advantages: [Double] = []
  private(set) var returns: [Double] = []

  init(capacity: Int, environmentCount: Int, observationCount: Int, actionCount: Int) {
    self.capacity = capacity
    self.environmentCount = environmentCount
    self.observationCount = observationCount
    self.actionCount = actionCount
    let n = capacity * environmentCount
    observations = [Float](repeating: 0, count: n * observationCount)
    actions = [Float](repeating: 0, count: n * actionCount)
    logProbabilities = [Float](repeating: 0, count: n)
    values = [Double](repeating: 0, count: n)
    nextValues = [Double](repeating: 0, count: n)
    rewards = [Double](repeating: 0, count: n)
    terminated = [Bool](repeating: false, count: n)
    truncated = [Bool](repeating: false, count: n)
  }

  /// The number of (step, environment) samples collected.
  var sampleCount: Int { rows * environmentCount }

  mutating func clear() {
    rows = 0
    advantages = []
    returns = []
  }

  /// Appends one row: the observations the policy saw and what it did.
  mutating func append(
    observations batch: [Float], actions raw: [Float], logProbabilities logp: [Float], values v: [Float]
  ) {
    precondition(rows < capacity, "rollout buffer overflow")
    let n = environmentCount
    observations.replaceSubrange((rows * n * observationCount)..<((rows + 1) * n * observationCount), with: batch)
    actions.replaceSubrange((rows * n * actionCount)..<((rows + 1) * n * actionCount), with: raw)
    for i in 0..<n {
      logProbabilities[rows * n + i] = logp[i]
      values[rows * n + i] = Double(v[i])
    }
    rows += 1
  }

  /// Records what the environments returned for the last appended row.
  mutating func recordOutcome(rewards r: [Double], terminated term: [Bool], truncated trunc: [Bool]) {
    let base = (rows - 1) * environmentCount
    for i in 0..<environmentCount {
      rewards[base + i] = r[i]
      terminated[base + i] = term[i]
      truncated[base + i] = trunc[i]
    }
  }

  /// Fills the next-state values: inside an episode the next row's V(s), at the end of the rollout `lastValues`,
  /// after a truncation `finalValues[k]` (keyed by sample index), after a termination 0 (never used).
  mutating func completeNextValues(lastValues: [Float], finalValues: [Int: Double]) {
    let n = environmentCount
    for t in 0..<rows {
      for i in 0..<n {
        let k = t * n + i
        if terminated[k] {
          nextValues[k] = 0
        } else if truncated[k] {
          nextValues[k] = finalValues[k] ?? 0
        } else {
          nextValues[k] = t + 1 < rows ? values[k + n] : Double(lastValues[i])
        }
      }
    }
  }

  /// Computes the GAE advantages and returns of the collected rows into ``advantages`` and ``returns``.
  mutating func computeAdvantages(gamma: Double, lambda: Double) {
    let k = sampleCount
    (advantages, returns) = generalizedAdvantages(
      rewards: Array(rewards[0..<k]), values: Array(values[0..<k]), nextValues: Array(nextValues[0..<k]),
      terminated: Array(terminated[0..<k]), truncated: Array(truncated[0..<k]), environmentCount: environmentCount,
      gamma: gamma, lambda: lambda)
  }

  /// The collected samples of `indices` (row-major sample numbers t·n + i) as tensors, with their advantages and
  /// returns (``computeAdvantages(gamma:lambda:)`` first).
  func minibatch(_ indices: some Collection<Int>) -> Minibatch {
    let d = observationCount
    let a = actionCount
    var mbObservations = [Float](repeating: 0, count: indices.count * d)
    var mbActions = [Float](repeating: 0, count: indices.count * a)
    var mbLogProbabilities = [Float](repeating: 0, count: indices.count)
    var mbAdvantages = [Float](repeating: 0, count: indices.count)
    var mbReturns = [Float](repeating: 0, count: indices.count)
    var mbValues = [Float](repeating: 0, count: indices.count)
    for (row, k) in indices.enumerated() {
      for j in 0..<d { mbObservations[row * d + j] = observations[k * d + j] }
      for j in 0..<a { mbActions[row * a + j] = actions[k * a + j] }
      mbLogProbabilities[row] = logProbabilities[k]
      mbAdvantages[row] = Float(advantages[k])
      mbReturns[row] = Float(returns[k])
      mbValues[row] = Float(values[k])
    }
    let m = indices.count
    return Minibatch(
      observations: Tensor(mbObservations, shape: [m, d]), actions: Tensor(mbActions, shape: [m, a]),
      oldLogProbabilities: Tensor(mbLogProbabilities, shape: [m]), advantages: Tensor(mbAdvantages, shape: [m]),
      returns: Tensor(mbReturns, shape: [m]), oldValues: Tensor(mbValues, shape: [m]))
  }

  /// The rollout in minibatches of `size` samples taken in `order` (a permutation of the sample numbers; the last
  /// minibatch holds the rest).
  func minibatches(size: Int, order: [Int]) -> some Sequence<Minibatch> {
    precondition(size > 0 && order.count == sampleCount, "minibatches: a size > 0 and an order of every sample")
    return stride(from: 0, to: order.count, by: size).lazy.map { start in
      minibatch(order[start..<Swift.min(start + size, order.count)])
    }
  }

  /// The whole rollout as one batch, in collection order.
  var batch: Minibatch { minibatch(0..<sampleCount) }

  /// The values V(s) the rollout was collected with, and its raw actions.
  var collectedValues: [Double] { Array(values[0..<sampleCount]) }
  var collectedActions: ArraySlice<Float> { actions[0..<(sampleCount * actionCount)] }
}

/// Samples of a rollout as tensors: what a loss needs (CleanRL's `mb_` prefix).
struct Minibatch {
  /// [m, observationCount].
  var observations: Tensor
  /// The raw actions (indices as floats, or unsquashed samples), [m, storedCount].
  var actions: Tensor
  /// log π_old(a | s), [m].
  var oldLogProbabilities: Tensor
  /// [m].
  var advantages: Tensor
  /// Advantages + V_old, what the critic regresses on, [m].
  var returns: Tensor
  /// V_old(s), [m] (used by value clipping).
  var oldValues: Tensor
}

/// Collects rollouts from a vector environment in same-step autoreset mode.
struct RolloutCollector {
  let policy: ActorCriticPolicy
  let environments: VectorEnvironment
  /// Whether truncated episodes bootstrap from their final observation (else their next value is 0).
  let bootstrapTruncated: Bool

  init(policy: ActorCriticPolicy, environments: VectorEnvironment, bootstrapTruncated: Bool = true) throws {
    guard environments.autoresetMode == .sameStep else {
      throw TrainingError.invalidConfiguration(
        "A2C and PPO need a vector environment in same-step autoreset mode (autoresetMode: .sameStep), so that a "
          + "truncated episode can bootstrap from its final observation")
    }
    guard environments.observationCount == policy.observationCount else {
      throw TrainingError.invalidConfiguration(
        "the policy takes \(policy.observationCount) observation values, the environments give \(environments.observationCount)"
      )
    }
    self.policy = policy
    self.environments = environments
    self.bootstrapTruncated = bootstrapTruncated
  }

  /// Steps every environment `rows` times (fewer when `stopAtEpisodeEnd` and an episode ends), filling `buffer`;
  /// reports finished episodes to `tracker`. Returns the number of environment steps taken.
  func collect(
    rows: Int, into buffer: inout RolloutBuffer, generator: inout RandomGenerator, tracker: inout EpisodeTracker,
    stepsSoFar: Int, stopAtEpisodeEnd: Bool = false
  ) throws -> Int {
    buffer.clear()
    let n = environments.count
    let d = policy.observationCount
    var finalValues: [Int: Double] = [:]
    var steps = 0
    for _ in 0..<rows {
      let observations = environments.observations
      let (distribution, values) = policy.evaluate(Tensor(observations, shape: [n, d]))
      let raw = distribution.sample(using: &generator)
      let logp = distribution.logProbability(of: raw)
      buffer.append(
        observations: observations, actions: raw.scalars, logProbabilities: logp.scalars, values: values.scalars)
      try environments.step(policy.environmentActions(raw))
      steps += n
      tracker.step(steps: stepsSoFar + steps, increment: n)
      buffer.recordOutcome(
        rewards: environments.rewards, terminated: environments.terminated, truncated: environments.truncated)
      // Truncated episodes bootstrap from the value of the observation they really ended in.
      let row = buffer.rows - 1
      let cutOff =
        bootstrapTruncated ? (0..<n).filter { environments.truncated[$0] && !environments.terminated[$0] } : []
      if !cutOff.isEmpty {
        var finals: [Float] = []
        for i in cutOff { finals += environments.finalObservations[(i * d)..<((i + 1) * d)] }
        let v = policy.values(Tensor(finals, shape: [cutOff.count, d])).scalars
        for (j, i) in cutOff.enumerated() { finalValues[row * n + i] = Double(v[j]) }
      }
      for episode in environments.finishedEpisodes {
        tracker.finish(
          return: episode.episodeReturn, length: episode.length, step: stepsSoFar + steps,
          terminated: episode.terminated, environment: episode.environmentIndex)
      }
      if stopAtEpisodeEnd && !environments.finishedEpisodes.isEmpty { break }
      if tracker.stopReason != nil { break }
    }
    let last = policy.values(Tensor(environments.observations, shape: [n, d])).scalars
    buffer.completeNextValues(lastValues: last, finalValues: finalValues)
    return steps
  }
}

/// 1 - Var(y - ŷ) / Var(y): how much of the returns' variance the value predictions explain (NaN when Var(y) = 0).
func explainedVariance(predictions: [Double], targets: [Double]) -> Double {
  func variance(_ x: [Double]) -> Double {
    let mean = x.reduce(0, +) / Double(x.count)
    return x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)
  }
  let v = variance(targets)
  return v == 0 ? .nan : 1 - variance(zip(targets, predictions).map { $0 - $1 }) / v
}
