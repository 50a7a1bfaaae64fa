import Foundation

// MARK: - NormalizeObservation

/// Normalises observations to roughly zero mean and unit variance with running statistics, as Gymnasium's
/// `NormalizeObservation`: `(obs - mean) / sqrt(var + epsilon)`, the statistics updated with every observation
/// (reset ones included) unless frozen.
public final class NormalizeObservation: EnvironmentWrapper {
  public let inner: any Environment
  public let observationSpace: Space
  /// The running statistics; assign saved ones to restore a normalisation exactly.
  public var statistics: RunningMeanStd
  /// When false the statistics are frozen (for evaluation).
  public var updatesStatistics = true
  public let epsilon: Double

  public init(_ environment: any Environment, epsilon: Double = 1e-8) {
    inner = environment
    self.epsilon = epsilon
    let count = environment.observationSpace.flatCount
    statistics = RunningMeanStd(count: count)
    observationSpace = .box(BoxSpace(low: -.infinity, high: .infinity, shape: [count], dtype: .float32))
  }

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> Info
  {
    let info = try inner.reset(seed: seed, options: options, into: observation)
    normalize(observation)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    let outcome = try inner.step(action, into: observation)
    normalize(observation)
    return outcome
  }

  private func normalize(_ observation: UnsafeMutableBufferPointer<Double>) {
    if updatesStatistics { statistics.update(UnsafeBufferPointer(observation)) }
    for k in 0..<observation.count {
      observation[k] = Double(
        Float((observation[k] - statistics.mean[k]) / (statistics.variance[k] + epsilon).squareRoot()))
    }
  }

}

// MARK: - NormalizeReward

/// Scales rewards so that their discounted sum has roughly unit variance, as Gymnasium's `NormalizeReward`:
/// a running discounted return `G = G * gamma * (1 - terminated) + r` feeds running statistics (unless frozen),
/// and each reward is divided by `sqrt(var(G) + epsilon)`.
public final class NormalizeReward: EnvironmentWrapper {
  public let inner: any Environment
  /// The running statistics of the discounted return; assign saved ones to restore exactly.
  public var statistics = RunningMeanStd(count: 1)
  /// The running discounted return.
  public var discountedReturn = 0.0
  /// When false the statistics are frozen.
  public var updatesStatistics = true
  public let gamma: Double
  public let epsilon: Double

  public init(_ environment: any Environment, gamma: Double = 0.99, epsilon: Double = 1e-8) {
    inner = environment
    self.gamma = gamma
    self.epsilon = epsilon
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    var outcome = try inner.step(action, into: observation)
    discountedReturn = discountedReturn * gamma * (outcome.terminated ? 0 : 1) + outcome.reward
    if updatesStatistics { statistics.update(discountedReturn) }
    outcome.reward /= (statistics.variance[0] + epsilon).squareRoot()
    return outcome
  }

}
