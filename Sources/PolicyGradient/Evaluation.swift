// MARK: - Evaluation and prediction

/// The returns and lengths of evaluation episodes.
public struct EvaluationResult: Sendable, Equatable, Codable {
  public var returns: [Double]
  public var lengths: [Int]

  /// The mean return.
  public var mean: Double { returns.isEmpty ? .nan : returns.reduce(0, +) / Double(returns.count) }

  /// The population standard deviation of the returns (as numpy's `std` and SB3's `evaluate_policy` report).
  public var standardDeviation: Double {
    guard !returns.isEmpty else { return .nan }
    let m = mean
    return (returns.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(returns.count)).squareRoot()
  }
}

extension ActorCriticPolicy {
  /// The environment actions for a batch of observations ([batch, observationCount], row-major): the mode of
  /// the distribution when `deterministic`, a sample otherwise.
  ///
  /// - Parameters:
  ///   - observations: Observations row-major, a whole number of rows of ``observationCount`` values.
  ///   - deterministic: True for the mode of the distribution, false to sample.
  ///   - generator: Used only when sampling.
  /// - Returns: The environment actions row-major, as ``environmentActions(_:)`` makes them.
  public func predict(
    _ observations: [Double], deterministic: Bool = true, generator: inout RandomGenerator
  ) -> [Double] {
    let distribution = distribution(.observations(observations, columns: observationCount))
    return environmentActions(deterministic ? distribution.mode() : distribution.sample(using: &generator))
  }
}

/// Plays `episodes` episodes of `policy` in `environment` and returns their returns and lengths.
///
/// The environment is reset with `seed` before the first episode (when given) and without a seed after that, so an
/// evaluation with the same seed replays the same start states. `deterministic` acts with the distribution's mode.
///
/// - Parameters:
///   - policy: The policy acting.
///   - environment: The environment played, reset at the start of every episode.
///   - episodes: The number of episodes; must be positive.
///   - deterministic: True to act with the mode, false to sample actions.
///   - seed: Seeds the first reset; nil leaves the environment's generator as it is.
///   - generator: Used for sampling when not deterministic.
/// - Throws: ``TrainingError/invalidBudget(_:)`` when `episodes` is not positive, and what the environment throws.
public func evaluate(
  _ policy: ActorCriticPolicy, on environment: any Environment, episodes: Int, deterministic: Bool = true,
  seed: UInt64? = nil, generator: inout RandomGenerator
) throws -> EvaluationResult {
  guard episodes > 0 else { throw TrainingError.invalidBudget("evaluate at least one episode") }
  var result = EvaluationResult(returns: [], lengths: [])
  for episode in 0..<episodes {
    var (observation, _) = try environment.reset(seed: episode == 0 ? seed : nil)
    var total = 0.0
    var length = 0
    while true {
      let step = try environment.step(policy.predict(observation, deterministic: deterministic, generator: &generator))
      total += step.reward
      length += 1
      observation = step.observation
      if step.terminated || step.truncated { break }
    }
    result.returns.append(total)
    result.lengths.append(length)
  }
  return result
}
