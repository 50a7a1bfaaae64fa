import Foundation

// MARK: - Budgets, events and summaries shared by the algorithms

/// How long to train, and when to stop early.
public struct TrainingBudget: Sendable, Equatable, Codable {
  /// Environment steps to train on (exactly, up to a multiple of the number of environments).
  public var steps: Int?
  /// Episodes to train on (episode-based algorithms stop after this many finished episodes).
  public var episodes: Int?
  /// Stop once the mean return of the last ``meanWindow`` episodes reaches this value.
  public var stopAtMeanReturn: Double?
  /// The number of recent episodes whose mean return is watched.
  public var meanWindow: Int = 100

  /// A budget; at least one of `steps` and `episodes` must be given (see ``validate()``).
  ///
  /// - Parameters:
  ///   - steps: Environment steps to train for, summed over the environments; nil for no step limit.
  ///   - episodes: Finished episodes to train for; nil for no episode limit.
  ///   - stopAtMeanReturn: Stop once the mean return of the last `meanWindow` episodes reaches this; nil never stops
  ///     early.
  ///   - meanWindow: How many recent episodes that mean covers; must be positive.
  public init(steps: Int? = nil, episodes: Int? = nil, stopAtMeanReturn: Double? = nil, meanWindow: Int = 100) {
    self.steps = steps
    self.episodes = episodes
    self.stopAtMeanReturn = stopAtMeanReturn
    self.meanWindow = meanWindow
  }

  /// The largest number of steps or episodes a budget may give: far enough below `Int.max` that the loops' counters
  /// can add a rollout to it.
  public static let maximum = 1_000_000_000_000_000

  /// Throws unless at least one limit is set and every limit is positive and at most ``maximum``.
  public func validate() throws {
    guard steps != nil || episodes != nil else {
      throw TrainingError.invalidBudget("give a number of steps or of episodes to train for")
    }
    if let steps, steps <= 0 { throw TrainingError.invalidBudget("steps must be positive, got \(steps)") }
    if let episodes, episodes <= 0 { throw TrainingError.invalidBudget("episodes must be positive, got \(episodes)") }
    for (name, value) in [("steps", steps), ("episodes", episodes)] where (value ?? 0) > Self.maximum {
      throw TrainingError.invalidBudget(
        "\(name) must be at most 10^15 (the counters add rollouts to it), got \(value!)")
    }
    guard meanWindow > 0 else { throw TrainingError.invalidBudget("the mean window must be positive") }
  }
}

/// A finished training episode.
public struct EpisodeRecord: Sendable, Equatable, Codable {
  /// Its sum of rewards.
  public var episodeReturn: Double
  /// Its number of steps.
  public var length: Int
  /// The total environment steps taken when it ended.
  public var step: Int
  /// Its index among the run's finished episodes, from 0.
  public var index: Int
  /// True when it ended by termination, false when truncated.
  public var terminated: Bool

  /// A record of a finished episode.
  ///
  /// - Parameters:
  ///   - episodeReturn: The sum of its rewards.
  ///   - length: Its number of steps.
  ///   - step: The total environment steps when it ended.
  ///   - index: Its index among the finished episodes, from 0.
  ///   - terminated: True when it ended by termination, false when truncated.
  public init(episodeReturn: Double, length: Int, step: Int, index: Int, terminated: Bool) {
    self.episodeReturn = episodeReturn
    self.length = length
    self.step = step
    self.index = index
    self.terminated = terminated
  }
}

/// What a training run did.
public struct TrainingSummary: Sendable, Equatable, Codable {
  public var steps: Int
  public var episodes: [EpisodeRecord]
  public var wallSeconds: Double
  /// Why training stopped before the budget ran out, if it did.
  public var stoppedEarly: String?

  /// A summary of a `learn` call.
  ///
  /// - Parameters:
  ///   - steps: The environment steps taken in total.
  ///   - episodes: Every finished episode, in order.
  ///   - wallSeconds: The wall time of the call, in seconds.
  ///   - stoppedEarly: Why training stopped before the budget ran out; nil when it ran out.
  public init(steps: Int, episodes: [EpisodeRecord], wallSeconds: Double, stoppedEarly: String? = nil) {
    self.steps = steps
    self.episodes = episodes
    self.wallSeconds = wallSeconds
    self.stoppedEarly = stoppedEarly
  }

  /// Steps per second of wall time.
  public var stepsPerSecond: Double { wallSeconds > 0 ? Double(steps) / wallSeconds : 0 }

  /// The mean return of the last `count` episodes (all of them if fewer), or nil without episodes.
  ///
  /// - Parameter count: How many of the latest episodes to average; all of them when there are fewer.
  public func meanReturn(last count: Int = 100) -> Double? {
    guard !episodes.isEmpty else { return nil }
    let tail = episodes.suffix(count)
    return tail.reduce(0) { $0 + $1.episodeReturn } / Double(tail.count)
  }
}

/// Errors of the training loops.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
  case invalidBudget(String)
  case invalidConfiguration(String)
  case nonFinite(String)
  /// A saved training state does not fit this agent (another algorithm, environment or version).
  case incompatibleState(String)

  public var description: String {
    switch self {
    case .invalidBudget(let message): return "invalid training budget: \(message)"
    case .invalidConfiguration(let message): return "invalid configuration: \(message)"
    case .nonFinite(let message):
      return "training diverged: \(message); lower the learning rate or clip gradients"
    case .incompatibleState(let message):
      return "the saved training state does not fit this agent: \(message)"
    }
  }
}

// MARK: - Optimizer choice

/// The optimizers a configuration can name.
public enum OptimizerKind: String, Sendable, Equatable, Codable, CaseIterable {
  case adam, adamw, sgd, rmsprop

  /// Builds the optimizer with PyTorch's defaults for everything not given.
  ///
  /// - Parameters:
  ///   - learningRate: The initial learning rate.
  ///   - epsilon: The optimizer's ε for Adam, AdamW and RMSprop; nil takes PyTorch's 1e-8 (SGD has none).
  ///   - weightDecay: L2 weight decay (decoupled for AdamW); 0 for none.
  public func make(learningRate: Double, epsilon: Double? = nil, weightDecay: Double = 0) -> Optimizer {
    let lr = Float(learningRate)
    switch self {
    case .adam: return Adam(learningRate: lr, epsilon: Float(epsilon ?? 1e-8), weightDecay: Float(weightDecay))
    case .adamw: return AdamW(learningRate: lr, epsilon: Float(epsilon ?? 1e-8), weightDecay: Float(weightDecay))
    case .sgd: return SGD(learningRate: lr, weightDecay: Float(weightDecay))
    case .rmsprop: return RMSprop(learningRate: lr, epsilon: Float(epsilon ?? 1e-8), weightDecay: Float(weightDecay))
    }
  }
}

// MARK: - Observation batches

extension Tensor {
  /// A [rows, columns] tensor from `Double` observations.
  static func observations(_ values: [Double], columns: Int) -> Tensor {
    Tensor(values.map { Float($0) }, shape: [values.count / columns, columns])
  }
}
