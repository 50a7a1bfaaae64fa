// MARK: - Normalisation of a vector environment's observations and rewards
//
// Running-statistics normalisation as the two libraries practitioners know do it, installed on a vector environment
// (``VectorEnvironment/installNormalization(_:gamma:)``) where it sits between the sub-environments and the arrays the
// learner reads: `observations`, `finalObservations` and `rewards` are normalised, while `finishedEpisodes` still
// sums the environments' own rewards (so returns reported anywhere are never normalised). It works on the
// environments' float64 observations, before they are rounded to the float32 batch.
//
// - `gymnasium`: Gymnasium's `NormalizeObservation` and `NormalizeReward` (0.29.1, CleanRL's pinned version) wrapped
//   around every sub-environment in CleanRL's order (clip action, normalise observation, clip observation,
//   normalise reward, clip reward). Each sub-environment keeps its own statistics, updated with every observation
//   it returns (an ended episode's last one, then the reset one) and with its discounted return
//   `G = G * gamma * (1 - terminated) + r`, which restarts only at a termination (not at a truncation or a reset).
// - `vecnormalize`: Stable-Baselines3's `VecNormalize`: one set of statistics shared by all sub-environments,
//   updated once per step with the batch of observations (the reset one for a sub-environment whose episode just
//   ended; its last observation is normalised without updating), and `G = G * gamma + r` for every
//   sub-environment, the batch of returns updating the return statistics, `G` set to 0 at every episode end; the
//   scaled rewards are rounded to float32, as VecNormalize returns them.
//
// Both: statistics start at mean 0, variance 1 and count 1e-4; an observation becomes
// `clip((o - mean) / sqrt(var + epsilon), -clip_obs, clip_obs)` and a reward `clip(r / sqrt(var(G) + epsilon),
// -clip_reward, clip_reward)`. Rewards are not centred (as both libraries).

/// Which library's normalisation semantics a ``VectorNormalization`` follows.
public enum NormalizationStyle: String, Sendable, Equatable, Codable, CaseIterable {
  /// Gymnasium's `NormalizeObservation` / `NormalizeReward` per sub-environment, in CleanRL's wrapper order.
  case gymnasium
  /// Stable-Baselines3's `VecNormalize`: statistics shared across the sub-environments.
  case vecnormalize
}

/// What to normalise and how: the settings `normalize_observation`, `normalize_reward` and `normalize.*`.
public struct NormalizationConfiguration: Sendable, Equatable, Codable {
  /// Normalise observations by their running mean and variance.
  public var observation = false
  /// Scale rewards by the running standard deviation of the discounted return.
  public var reward = false
  /// Whose semantics: Gymnasium's per-environment wrappers (CleanRL) or SB3's shared `VecNormalize`.
  public var style: NormalizationStyle = .vecnormalize
  /// Normalised observations are clipped to [-this, this].
  public var clipObservation = 10.0
  /// Normalised rewards are clipped to [-this, this].
  public var clipReward = 10.0
  /// Added to the variance under the square root.
  public var epsilon = 1e-8

  public init() {}

  /// Whether anything is normalised.
  public var isEnabled: Bool { observation || reward }
}

/// The frozen observation normalisation a trained policy expects: statistics, epsilon and clip.
public struct ObservationNormalizer: Sendable, Equatable {
  public var statistics: RunningMeanStd
  public var epsilon: Double
  public var clip: Double

  /// A normalisation with fixed statistics.
  /// - Parameters:
  ///   - statistics: the running mean and variance of the observations.
  ///   - epsilon: added to the variance under the square root.
  ///   - clip: normalised values are clipped to [-clip, clip].
  public init(statistics: RunningMeanStd, epsilon: Double, clip: Double) {
    self.statistics = statistics
    self.epsilon = epsilon
    self.clip = clip
  }

  /// `clip((value - mean[k]) / sqrt(var[k] + epsilon))`.
  /// - Parameters:
  ///   - value: the observation's value at index `k`.
  ///   - k: its index in the observation.
  @inline(__always)
  public func normalize(_ value: Double, at k: Int) -> Double {
    let x = (value - statistics.mean[k]) / (statistics.variance[k] + epsilon).squareRoot()
    return Swift.min(Swift.max(x, -clip), clip)
  }
}

/// Running-statistics normalisation of a vector environment's observations and rewards (see the file's header).
public final class VectorNormalization {
  public let configuration: NormalizationConfiguration
  /// The discount of the return whose spread scales the rewards (the algorithm's gamma).
  public let gamma: Double
  public let environmentCount: Int
  public let observationCount: Int
  /// The observation statistics: one per sub-environment (`gymnasium`) or one shared (`vecnormalize`).
  public internal(set) var observationStatistics: [RunningMeanStd]
  /// The statistics of the discounted return, likewise.
  public internal(set) var returnStatistics: [RunningMeanStd]
  /// Each sub-environment's running discounted return.
  public internal(set) var discountedReturns: [Double]
  /// Scratch for a batch of observations or returns.
  private var batch: [Double]

  init(_ configuration: NormalizationConfiguration, gamma: Double, environmentCount: Int, observationCount: Int) {
    self.configuration = configuration
    self.gamma = gamma
    self.environmentCount = environmentCount
    self.observationCount = observationCount
    let sets = configuration.style == .gymnasium ? environmentCount : 1
    observationStatistics = Array(repeating: RunningMeanStd(count: observationCount), count: sets)
    returnStatistics = Array(repeating: RunningMeanStd(count: 1), count: sets)
    discountedReturns = Array(repeating: 0, count: environmentCount)
    batch = Array(repeating: 0, count: environmentCount * Swift.max(observationCount, 1))
  }

  /// The observation normalisation to evaluate a policy trained behind this one with (sub-environment 0's
  /// statistics in the `gymnasium` style), or nil when observations are not normalised.
  public var evaluationNormalizer: ObservationNormalizer? {
    guard configuration.observation else { return nil }
    return ObservationNormalizer(
      statistics: observationStatistics[0], epsilon: configuration.epsilon, clip: configuration.clipObservation)
  }

  private func normalizer(_ set: Int) -> ObservationNormalizer {
    ObservationNormalizer(
      statistics: observationStatistics[set], epsilon: configuration.epsilon, clip: configuration.clipObservation)
  }

  /// Writes row `index` of `source` (float64), normalised with statistics `set`, into `target` as float32.
  private func publish(
    _ source: UnsafeMutableBufferPointer<Double>, row index: Int, set: Int,
    into target: UnsafeMutableBufferPointer<Float>
  ) {
    let d = observationCount
    let normalizer = normalizer(set)
    for k in 0..<d { target[index * d + k] = Float(normalizer.normalize(source[index * d + k], at: k)) }
  }

  private func row(_ buffer: UnsafeMutableBufferPointer<Double>, _ index: Int) -> UnsafeBufferPointer<Double> {
    UnsafeBufferPointer(rebasing: buffer[index * observationCount..<(index + 1) * observationCount])
  }

  private func scaledReward(_ reward: Double, set: Int) -> Double {
    let r = reward / (returnStatistics[set].variance[0] + configuration.epsilon).squareRoot()
    return Swift.min(Swift.max(r, -configuration.clipReward), configuration.clipReward)
  }

  /// After the sub-environments were reset: normalise their first observations (updating the statistics).
  func processReset(_ core: VectorCore) {
    let n = environmentCount
    switch configuration.style {
    case .gymnasium:
      guard configuration.observation else { return }
      for i in 0..<n {
        observationStatistics[i].update(row(core.scratch, i))
        publish(core.scratch, row: i, set: i, into: core.observations)
      }
    case .vecnormalize:
      for i in 0..<n { discountedReturns[i] = 0 }
      guard configuration.observation else { return }
      updateShared(from: core.scratch)
      for i in 0..<n { publish(core.scratch, row: i, set: 0, into: core.observations) }
    }
  }

  /// After a step (same-step autoreset): normalise observations, final observations and rewards.
  func processStep(_ core: VectorCore) {
    let n = environmentCount
    switch configuration.style {
    case .gymnasium:
      for i in 0..<n {
        if configuration.observation {
          if core.finished[i] {
            // The wrapper saw the episode's last observation in `step`, then the first of the next in `reset`.
            observationStatistics[i].update(row(core.finalScratch, i))
            publish(core.finalScratch, row: i, set: i, into: core.finalObservations)
          }
          observationStatistics[i].update(row(core.scratch, i))
          publish(core.scratch, row: i, set: i, into: core.observations)
        }
        if configuration.reward {
          discountedReturns[i] = discountedReturns[i] * gamma * (core.terminated[i] ? 0 : 1) + core.rewards[i]
          returnStatistics[i].update(discountedReturns[i])
          core.rewards[i] = scaledReward(core.rewards[i], set: i)
        }
      }
    case .vecnormalize:
      if configuration.observation {
        updateShared(from: core.scratch)
        for i in 0..<n {
          publish(core.scratch, row: i, set: 0, into: core.observations)
          if core.finished[i] { publish(core.finalScratch, row: i, set: 0, into: core.finalObservations) }
        }
      }
      if configuration.reward {
        for i in 0..<n {
          discountedReturns[i] = discountedReturns[i] * gamma + core.rewards[i]
          batch[i] = discountedReturns[i]
        }
        batch.withUnsafeBufferPointer {
          returnStatistics[0].update(batch: UnsafeBufferPointer(rebasing: $0[0..<n]), rows: n)
        }
        for i in 0..<n {
          // VecNormalize hands its rewards on as float32.
          core.rewards[i] = Double(Float(scaledReward(core.rewards[i], set: 0)))
          if core.finished[i] { discountedReturns[i] = 0 }
        }
      }
    }
  }

  private func updateShared(from rows: UnsafeMutableBufferPointer<Double>) {
    let count = environmentCount * observationCount
    observationStatistics[0].update(batch: UnsafeBufferPointer(rebasing: rows[0..<count]), rows: environmentCount)
  }

  // MARK: Saving and restoring

  /// Stores the statistics and returns under `normalization.` in `state`.
  func save(into state: inout EnvironmentState) {
    state.labels["normalization.style"] = configuration.style.rawValue
    for (index, statistics) in observationStatistics.enumerated() {
      statistics.save(into: &state, as: "normalization.obs_rms\(index)")
    }
    for (index, statistics) in returnStatistics.enumerated() {
      statistics.save(into: &state, as: "normalization.ret_rms\(index)")
    }
    state.doubles["normalization.returns"] = discountedReturns
  }

  /// The statistics and discounted returns alone (what ``save(into:)`` stores), for a snapshot of training whose
  /// environments cannot be saved.
  public func statisticsState() -> EnvironmentState {
    var state = EnvironmentState(kind: "VectorNormalization")
    save(into: &state)
    return state
  }

  /// Continues with the statistics in `state` (a vector environment's state or a ``statisticsState()``) while the
  /// environments start fresh episodes: every discounted return starts at 0.
  ///
  /// - Parameter state: A state holding the `normalization.` fields of an identically configured normalisation.
  /// - Throws: ``EnvironmentStateError`` for another style, missing fields or invalid statistics.
  public func restartStatistics(from state: EnvironmentState) throws {
    try restore(from: state)
    discountedReturns = Array(repeating: 0, count: environmentCount)
  }

  /// Uses `statistics` for the observations of every sub-environment (the frozen statistics a model-only checkpoint
  /// keeps); the return statistics stay as they are.
  ///
  /// - Parameter statistics: Observation statistics of ``observationCount`` values.
  /// - Throws: ``EnvironmentStateError/invalidValue(kind:field:reason:)`` for statistics of another size.
  public func useObservationStatistics(_ statistics: RunningMeanStd) throws {
    guard statistics.mean.count == observationCount, statistics.variance.count == observationCount else {
      throw EnvironmentStateError.invalidValue(
        kind: "VectorEnvironment", field: "normalization.obs_rms",
        reason: "statistics of \(statistics.mean.count) values, the observations have \(observationCount)")
    }
    observationStatistics = Array(repeating: statistics, count: observationStatistics.count)
  }

  /// Restores what ``save(into:)`` stored, after checking every field.
  func restore(from state: EnvironmentState) throws {
    guard state.labels["normalization.style"] == configuration.style.rawValue else {
      throw EnvironmentStateError.invalidValue(
        kind: "VectorEnvironment", field: "normalization.style",
        reason: "saved with \(state.labels["normalization.style"] ?? "no") normalisation, this environment uses "
          + configuration.style.rawValue)
    }
    let observations = try observationStatistics.indices.map {
      try RunningMeanStd(state, name: "normalization.obs_rms\($0)", dimension: observationCount)
    }
    let returns = try returnStatistics.indices.map {
      try RunningMeanStd(state, name: "normalization.ret_rms\($0)", dimension: 1)
    }
    let discounted = try state.doubles("normalization.returns", count: environmentCount)
    for statistics in observations + returns
    where !(statistics.count > 0 && statistics.count.isFinite && statistics.variance.allSatisfy { $0 >= 0 }) {
      throw EnvironmentStateError.invalidValue(
        kind: "VectorEnvironment", field: "normalization", reason: "statistics with a non-positive count or variance")
    }
    observationStatistics = observations
    returnStatistics = returns
    discountedReturns = discounted
  }
}

// MARK: - A frozen observation normalisation for one environment

/// Normalises one environment's observations with fixed statistics (for evaluating a policy trained with
/// observation normalisation): `clip((o - mean) / sqrt(var + epsilon))`, rounded to float32 as the training batch.
/// Rewards pass through unchanged.
public final class FrozenObservationNormalization: EnvironmentWrapper {
  public let inner: any Environment
  public let observationSpace: Space
  public let normalizer: ObservationNormalizer

  /// Throws unless the statistics have one value per observation value.
  /// - Parameters:
  ///   - environment: the environment whose observations are normalised.
  ///   - normalizer: the frozen statistics, epsilon and clip.
  public init(_ environment: any Environment, normalizer: ObservationNormalizer) throws {
    let count = environment.observationSpace.flatCount
    guard normalizer.statistics.mean.count == count, normalizer.statistics.variance.count == count else {
      throw EnvironmentError.invalidArgument(
        "observation statistics of \(normalizer.statistics.mean.count) values for an environment with \(count)")
    }
    inner = environment
    self.normalizer = normalizer
    observationSpace = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [count], dtype: .float32))
  }

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> Info {
    let info = try inner.reset(seed: seed, options: options, into: observation)
    normalize(observation)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> StepOutcome {
    let outcome = try inner.step(action, into: observation)
    normalize(observation)
    return outcome
  }

  private func normalize(_ observation: UnsafeMutableBufferPointer<Double>) {
    for k in 0..<observation.count { observation[k] = Double(Float(normalizer.normalize(observation[k], at: k))) }
  }
}
