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

  public init(steps: Int? = nil, episodes: Int? = nil, stopAtMeanReturn: Double? = nil, meanWindow: Int = 100) {
    self.steps = steps
    self.episodes = episodes
    self.stopAtMeanReturn = stopAtMeanReturn
    self.meanWindow = meanWindow
  }

  /// Throws unless at least one limit is set and every limit is positive.
  public func validate() throws {
    guard steps != nil || episodes != nil else {
      throw TrainingError.invalidBudget("give a number of steps or of episodes to train for")
    }
    if let steps, steps <= 0 { throw TrainingError.invalidBudget("steps must be positive, got \(steps)") }
    if let episodes, episodes <= 0 { throw TrainingError.invalidBudget("episodes must be positive, got \(episodes)") }
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

  public init(episodeReturn: Double, length: Int, step: Int, index: Int, terminated: Bool) {
    self.episodeReturn = episodeReturn
    self.length = length
    self.step = step
    self.index = index
    self.terminated = terminated
  }
}

/// What an algorithm reports while it trains.
public enum TrainingEvent: Sendable {
  /// An episode ended.
  case episode(EpisodeRecord)
  /// An update was made (per iteration for A2C/PPO, per episode for REINFORCE, every `logInterval` steps for
  /// one-step actor-critic): the step count and SB3-style metrics such as `train/value_loss`.
  case update(step: Int, metrics: [String: Double])
  /// The loop is between updates at `step`, with every piece of its state complete (a checkpoint taken now
  /// resumes exactly): A2C sends it after every update, one-step actor-critic after every step. REINFORCE and PPO
  /// are at such a point at each ``update(step:metrics:)`` event and do not send it.
  case boundary(step: Int)
}

/// What an observer wants after an event.
public enum TrainingControl: Sendable, Equatable {
  case proceed
  case stop(reason: String)
}

/// A closure called with every event; returning `.stop` ends training after the current step or update.
public typealias TrainingObserver = (TrainingEvent) -> TrainingControl

/// What a training run did.
public struct TrainingSummary: Sendable, Equatable, Codable {
  public var steps: Int
  public var episodes: [EpisodeRecord]
  public var wallSeconds: Double
  /// Why training stopped before the budget ran out, if it did.
  public var stoppedEarly: String?

  public init(steps: Int, episodes: [EpisodeRecord], wallSeconds: Double, stoppedEarly: String? = nil) {
    self.steps = steps
    self.episodes = episodes
    self.wallSeconds = wallSeconds
    self.stoppedEarly = stoppedEarly
  }

  /// Steps per second of wall time.
  public var stepsPerSecond: Double { wallSeconds > 0 ? Double(steps) / wallSeconds : 0 }

  /// The mean return of the last `count` episodes (all of them if fewer), or nil without episodes.
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

// MARK: - Bookkeeping

/// The finished episodes of an agent's whole training (across `learn` calls and resumes) and the running sum of
/// the last `window` returns, kept by the agent so that a checkpoint taken from an observer sees them up to date.
final class EpisodeHistory {
  var episodes: [EpisodeRecord] = []
  /// The sum of the last `window` returns, accumulated in order (saved as is, so resumed means are bit-identical).
  var recentSum = 0.0
  /// The window `recentSum` covers.
  var window = 100

  /// Makes `recentSum` cover the last `newWindow` returns (recomputing it when the window changes).
  func use(window newWindow: Int) {
    guard newWindow != window else { return }
    window = newWindow
    recentSum = episodes.suffix(newWindow).reduce(0) { $0 + $1.episodeReturn }
  }
}

/// Tracks finished episodes, the budget and the observer's verdicts for a training loop; the episodes go to the
/// agent's ``EpisodeHistory``, so budgets count the whole training, resumed parts included.
struct EpisodeTracker {
  let budget: TrainingBudget
  let observer: TrainingObserver?
  let history: EpisodeHistory
  var stopReason: String?

  init(budget: TrainingBudget, observer: TrainingObserver?, history: EpisodeHistory) {
    self.budget = budget
    self.observer = observer
    self.history = history
    history.use(window: budget.meanWindow)
  }

  /// Every finished episode of the training so far.
  var episodes: [EpisodeRecord] { history.episodes }

  /// Records a finished episode and tells the observer; sets ``stopReason`` when training should end.
  mutating func finish(return episodeReturn: Double, length: Int, step: Int, terminated: Bool) {
    let record = EpisodeRecord(
      episodeReturn: episodeReturn, length: length, step: step, index: history.episodes.count, terminated: terminated)
    history.episodes.append(record)
    history.recentSum += episodeReturn
    let count = history.episodes.count
    if count > budget.meanWindow { history.recentSum -= history.episodes[count - 1 - budget.meanWindow].episodeReturn }
    if case .stop(let reason) = observer?(.episode(record)) ?? .proceed { stopReason = stopReason ?? reason }
    if let target = budget.stopAtMeanReturn, count >= budget.meanWindow,
      history.recentSum / Double(budget.meanWindow) >= target
    {
      stopReason =
        stopReason
        ?? "the mean return of the last \(budget.meanWindow) episodes reached \(recentMean!) (target \(target))"
    }
  }

  /// Tells the observer about an update.
  mutating func update(step: Int, metrics: [String: Double]) {
    if case .stop(let reason) = observer?(.update(step: step, metrics: metrics)) ?? .proceed {
      stopReason = stopReason ?? reason
    }
  }

  /// Tells the observer that the loop is at a boundary between updates.
  mutating func boundary(step: Int) {
    if case .stop(let reason) = observer?(.boundary(step: step)) ?? .proceed { stopReason = stopReason ?? reason }
  }

  /// The mean return of the last `meanWindow` episodes.
  var recentMean: Double? {
    guard !history.episodes.isEmpty else { return nil }
    return history.recentSum / Double(Swift.min(history.episodes.count, budget.meanWindow))
  }

  /// True once the episode budget is used up or a stop was asked for.
  func done(steps: Int) -> Bool {
    if stopReason != nil { return true }
    if let limit = budget.episodes, history.episodes.count >= limit { return true }
    if let limit = budget.steps, steps >= limit { return true }
    return false
  }
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

// MARK: - Optimizer choice

/// The optimizers a configuration can name.
public enum OptimizerKind: String, Sendable, Equatable, Codable, CaseIterable {
  case adam, adamw, sgd, rmsprop

  /// Builds the optimizer with PyTorch's defaults for everything not given.
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
