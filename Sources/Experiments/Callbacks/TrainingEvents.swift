// MARK: - Training events

/// What a callback learns when training starts.
public struct TrainingStartInfo: Sendable {
  /// The algorithm's name, e.g. "ppo".
  public var algorithm: String
  /// The environment id, e.g. "LunarLander-v3".
  public var environmentID: String
  /// The seed of this run.
  public var seed: Int
  /// Environment steps already taken (non-zero when resuming).
  public var environmentSteps: Int
  /// The planned total of environment steps (nil when training is limited by episodes).
  public var totalSteps: Int?

  /// Creates the event.
  public init(algorithm: String, environmentID: String, seed: Int, environmentSteps: Int = 0, totalSteps: Int? = nil) {
    self.algorithm = algorithm
    self.environmentID = environmentID
    self.seed = seed
    self.environmentSteps = environmentSteps
    self.totalSteps = totalSteps
  }
}

/// Sent after each vectorised environment step.
public struct StepInfo: Sendable {
  /// Environment steps so far, summed over the vectorised environments.
  public var environmentSteps: Int
  /// Completed training episodes so far.
  public var episodes: Int
  /// How many environment steps this call added (the number of environments).
  public var stepIncrement: Int

  /// Creates the event.
  public init(environmentSteps: Int, episodes: Int, stepIncrement: Int = 1) {
    self.environmentSteps = environmentSteps
    self.episodes = episodes
    self.stepIncrement = stepIncrement
  }
}

/// Sent when a training episode ends (terminated or truncated).
public struct EpisodeInfo: Sendable {
  /// Environment steps so far.
  public var environmentSteps: Int
  /// Completed training episodes so far, this one included.
  public var episodes: Int
  /// The undiscounted return of the episode.
  public var episodeReturn: Double
  /// The episode's length in steps.
  public var length: Int
  /// Which of the vectorised environments it ran in.
  public var environmentIndex: Int
  /// The mean return of the last (up to) 100 episodes, as SB3's `rollout/ep_rew_mean`.
  public var recentReturnMean: Double

  /// Creates the event.
  public init(
    environmentSteps: Int, episodes: Int, episodeReturn: Double, length: Int, environmentIndex: Int = 0,
    recentReturnMean: Double
  ) {
    self.environmentSteps = environmentSteps
    self.episodes = episodes
    self.episodeReturn = episodeReturn
    self.length = length
    self.environmentIndex = environmentIndex
    self.recentReturnMean = recentReturnMean
  }
}

/// Sent when a rollout has been collected and before (or, with `metrics`, after) the update it feeds.
public struct RolloutInfo: Sendable {
  /// Environment steps so far.
  public var environmentSteps: Int
  /// Completed training episodes so far.
  public var episodes: Int
  /// Updates (iterations) done so far.
  public var iterations: Int
  /// The logged scalars of this iteration (`rollout/...`, `train/...`, `time/...`).
  public var metrics: [(key: String, value: Double)]

  /// Creates the event.
  public init(environmentSteps: Int, episodes: Int, iterations: Int, metrics: [(key: String, value: Double)] = []) {
    self.environmentSteps = environmentSteps
    self.episodes = episodes
    self.iterations = iterations
    self.metrics = metrics
  }
}

/// Sent after a periodic evaluation.
public struct EvaluationInfo: Sendable {
  /// Environment steps of training when the evaluation ran.
  public var environmentSteps: Int
  /// The evaluation episodes' returns.
  public var returns: [Double]
  /// The evaluation episodes' lengths.
  public var lengths: [Int]
  /// Whether actions were the policy's mode (deterministic) rather than samples.
  public var deterministic: Bool

  /// Mean return of the evaluation episodes.
  public var meanReturn: Double { Statistics.mean(returns) }
  /// Standard deviation of the returns (population, as SB3's `evaluate_policy` reports).
  public var returnStandardDeviation: Double { Statistics.standardDeviation(returns, deltaDegreesOfFreedom: 0) }

  /// Creates the event.
  public init(environmentSteps: Int, returns: [Double], lengths: [Int] = [], deterministic: Bool = true) {
    self.environmentSteps = environmentSteps
    self.returns = returns
    self.lengths = lengths
    self.deterministic = deterministic
  }
}

/// Sent once when training ends, whatever the reason.
public struct TrainingEndInfo: Sendable {
  /// Environment steps taken.
  public var environmentSteps: Int
  /// Completed training episodes.
  public var episodes: Int
  /// Why training ended: nil when it ran to its budget, else the stop reason a callback gave.
  public var stopReason: String?

  /// Creates the event.
  public init(environmentSteps: Int, episodes: Int, stopReason: String? = nil) {
    self.environmentSteps = environmentSteps
    self.episodes = episodes
    self.stopReason = stopReason
  }
}
