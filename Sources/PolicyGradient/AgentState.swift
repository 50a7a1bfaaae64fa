// MARK: - An agent's loop state
//
// Policy parameters, optimizer states and the agent's generator are saved by the experiment tooling directly
// (`Agent.policy`, `optimizers`, `generator`). What else `learn` keeps between updates is the loop state: the
// counters of ``LoopState``, the finished episodes with the running sum behind the mean return, the state of the
// environments, and, for one-step actor-critic, the episode in progress. With all of it restored into an
// identically configured agent, the next `learn` continues exactly where the saved one was.

/// The counters of a training loop, the same for every algorithm (each uses the ones its schedule needs).
public struct LoopState: Sendable, Equatable, Codable {
  /// Environment steps taken so far.
  public var steps = 0
  /// Gradient steps taken so far.
  public var updates = 0
  /// Rollouts collected (and updates made from them) so far.
  public var iterations = 0
  /// Passes over a rollout so far: PPO's epochs, counted as SB3's `train/n_updates` (an epoch cut short by the
  /// KL target counts); 0 for the algorithms without epochs.
  public var epochs = 0
  /// Whether the (vector) environment was reset (its first reset is seeded).
  public var started = false
  /// Episodes started on a single environment (its first reset is seeded).
  public var episodesStarted = 0
  /// The step count of the last logged update (A2C logs about every 100 updates).
  public var lastReport = 0
  /// The step at which the schedules (learning rate, clip range, entropy coefficient) start: 0, or where a
  /// continued training restarted them (`continue_schedule: restart`); progress is (steps - this) / (budget - this).
  public var scheduleOrigin = 0

  public init() {}

  private enum CodingKeys: String, CodingKey {
    case steps, updates, iterations, epochs, started, episodesStarted, lastReport, scheduleOrigin
  }

  /// Decodes a saved state; one saved before `epochs` existed continues counting them from 0.
  ///
  /// - Parameter decoder: The decoder holding the counters (as ``LoopState`` encodes them).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    steps = try container.decode(Int.self, forKey: .steps)
    updates = try container.decode(Int.self, forKey: .updates)
    iterations = try container.decode(Int.self, forKey: .iterations)
    epochs = try container.decodeIfPresent(Int.self, forKey: .epochs) ?? 0
    started = try container.decode(Bool.self, forKey: .started)
    episodesStarted = try container.decode(Int.self, forKey: .episodesStarted)
    lastReport = try container.decode(Int.self, forKey: .lastReport)
    scheduleOrigin = try container.decodeIfPresent(Int.self, forKey: .scheduleOrigin) ?? 0
  }

  /// The progress `step` / `totalSteps` a schedule is read at, counted from ``scheduleOrigin``.
  ///
  /// - Parameters:
  ///   - schedule: The schedule read.
  ///   - totalSteps: The step budget of the whole training (the schedules' horizon ends there).
  public func value(of schedule: Schedule, totalSteps: Int) -> Double {
    schedule.value(step: steps - scheduleOrigin, totalSteps: totalSteps - scheduleOrigin)
  }

  /// Throws unless every counter is non-negative.
  func validate() throws {
    for (name, value) in [
      ("steps", steps), ("updates", updates), ("iterations", iterations), ("epochs", epochs),
      ("episodesStarted", episodesStarted), ("lastReport", lastReport), ("scheduleOrigin", scheduleOrigin),
    ] where value < 0 {
      throw TrainingError.incompatibleState("the counter '\(name)' is negative (\(value))")
    }
    guard scheduleOrigin <= steps else {
      throw TrainingError.incompatibleState("the schedules start at \(scheduleOrigin), after the step count \(steps)")
    }
  }
}

/// The episode one-step actor-critic is in the middle of, and its TD errors since the last logged update.
public struct EpisodeInProgress: Sendable, Equatable, Codable {
  /// Whether an episode is running (otherwise the next step resets the environment).
  public var running = false
  /// The observation the next action is taken in (after an episode end, the episode's last one).
  public var observation: [Double] = []
  /// The sum of the episode's rewards so far.
  public var episodeReturn = 0.0
  /// The episode's steps so far.
  public var length = 0
  /// The sum of the squared TD errors since the last logged update.
  public var squaredTDErrors = 0.0
  /// The updates since the last logged one.
  public var updatesSinceLog = 0

  public init() {}
}

/// The loop state of an algorithm, besides its networks, optimizers and generator.
public struct AgentTrainingState: Sendable, Equatable {
  /// The algorithm that saved it (``Agent/algorithmName``).
  public var algorithm: String
  /// The loop's counters.
  public var loop: LoopState
  /// The episode in progress (one-step actor-critic only).
  public var episodeInProgress: EpisodeInProgress?
  /// Every finished episode so far.
  public var episodes: [EpisodeRecord]
  /// The sum of the last ``recentReturnWindow`` returns as accumulated (kept, not recomputed, so that the mean
  /// return continues bit for bit).
  public var recentReturnSum: Double
  /// The window of ``recentReturnSum``.
  public var recentReturnWindow: Int
  /// The environment's (or vector environment's) state.
  public var environment: EnvironmentState

  /// A state from its parts, as the algorithms save it and checkpoints read it back.
  ///
  /// - Parameters:
  ///   - algorithm: The ``Agent/algorithmName`` of the agent that saved it.
  ///   - loop: The loop's counters.
  ///   - episodeInProgress: The unfinished episode (one-step actor-critic only); nil for the other algorithms.
  ///   - episodes: Every finished episode so far, in order.
  ///   - recentReturnSum: The running sum behind the mean of recent returns, as accumulated.
  ///   - recentReturnWindow: The number of recent episodes that sum covers at most (the budget's mean window).
  ///   - environment: The state of the environment or vector environment.
  public init(
    algorithm: String, loop: LoopState, episodeInProgress: EpisodeInProgress? = nil, episodes: [EpisodeRecord],
    recentReturnSum: Double, recentReturnWindow: Int, environment: EnvironmentState
  ) {
    self.algorithm = algorithm
    self.loop = loop
    self.episodeInProgress = episodeInProgress
    self.episodes = episodes
    self.recentReturnSum = recentReturnSum
    self.recentReturnWindow = recentReturnWindow
    self.environment = environment
  }

  /// Throws unless the state was saved by `name`, its counters are valid and its episodes consistent.
  func validate(algorithm name: String) throws {
    guard algorithm == name else {
      throw TrainingError.incompatibleState("it was saved by \(algorithm), not \(name)")
    }
    try loop.validate()
    guard recentReturnWindow > 0 else { throw TrainingError.incompatibleState("the mean window must be positive") }
    for (index, episode) in episodes.enumerated() {
      guard episode.index == index, episode.length > 0, episode.step <= loop.steps else {
        throw TrainingError.incompatibleState(
          "episode record \(index) is inconsistent with the step count \(loop.steps)")
      }
    }
  }
}
