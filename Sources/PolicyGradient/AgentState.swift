// MARK: - An agent's loop state
//
// Policy parameters, optimizer states and the agent's generator are saved by the experiment tooling directly
// (`Agent.policy`, `optimizers`, `generator`). What else `learn` keeps between updates is the loop state: step and
// update counters, flags such as "the environments were reset", the finished episodes with the running sum behind
// the mean return, the state of the environments, and, for one-step actor-critic, the episode in progress. With all
// of it restored into an identically configured agent, the next `learn` continues exactly where the saved one was.

/// The loop state of an algorithm, besides its networks, optimizers and generator.
public struct AgentTrainingState: Sendable, Equatable {
  /// The algorithm that saved it (``Agent/algorithmName``).
  public var algorithm: String
  /// Counters and flags by name (`steps`, `updates`, `started`, ...).
  public var counters: [String: Int]
  /// Other loop values by name (an episode in progress: its observation, return, ...).
  public var values: [String: [Double]]
  /// Every finished episode so far.
  public var episodes: [EpisodeRecord]
  /// The sum of the last ``recentReturnWindow`` returns as accumulated (kept, not recomputed, so that the mean
  /// return continues bit for bit).
  public var recentReturnSum: Double
  /// The window of ``recentReturnSum``.
  public var recentReturnWindow: Int
  /// The environment's (or vector environment's) state.
  public var environment: EnvironmentState

  public init(
    algorithm: String, counters: [String: Int], values: [String: [Double]] = [:], episodes: [EpisodeRecord],
    recentReturnSum: Double, recentReturnWindow: Int, environment: EnvironmentState
  ) {
    self.algorithm = algorithm
    self.counters = counters
    self.values = values
    self.episodes = episodes
    self.recentReturnSum = recentReturnSum
    self.recentReturnWindow = recentReturnWindow
    self.environment = environment
  }

  /// The counter `name`, which must be present and non-negative.
  public func counter(_ name: String) throws -> Int {
    guard let value = counters[name] else {
      throw TrainingError.incompatibleState("the counter '\(name)' of \(algorithm) is missing")
    }
    guard value >= 0 else { throw TrainingError.incompatibleState("the counter '\(name)' is negative (\(value))") }
    return value
  }

  /// The values `name`, which must hold `count` numbers.
  public func values(_ name: String, count: Int) throws -> [Double] {
    guard let found = values[name], found.count == count else {
      throw TrainingError.incompatibleState(
        "the loop value '\(name)' of \(algorithm) is missing or does not hold \(count) numbers")
    }
    return found
  }

  /// Throws unless the state was saved by `name`, and its episodes are consistent.
  func validate(algorithm name: String, steps: Int) throws {
    guard algorithm == name else {
      throw TrainingError.incompatibleState("it was saved by \(algorithm), not \(name)")
    }
    guard recentReturnWindow > 0 else { throw TrainingError.incompatibleState("the mean window must be positive") }
    for (index, episode) in episodes.enumerated() {
      guard episode.index == index, episode.length > 0, episode.step <= steps else {
        throw TrainingError.incompatibleState("episode record \(index) is inconsistent with the step count \(steps)")
      }
    }
  }
}

extension EpisodeHistory {
  /// Restores the episodes and the running sum.
  func restore(from state: AgentTrainingState) {
    episodes = state.episodes
    recentSum = state.recentReturnSum
    window = state.recentReturnWindow
  }
}
