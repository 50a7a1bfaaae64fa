import Foundation
import Gym

// MARK: - Recording whole episodes

/// What a recording of episodes played: returns, lengths and the file's frame counts.
public struct RecordingSummary: Sendable, Equatable {
  /// Where the video was written.
  public var path: String
  /// The return of each recorded episode.
  public var returns: [Double]
  /// The length (steps) of each recorded episode.
  public var lengths: [Int]
  /// Frames rendered (one after each reset and one per step).
  public var framesRendered: Int
  /// Frames stored in the file (fewer for a GIF whose rate was capped).
  public var framesWritten: Int
}

/// Plays `episodes` episodes in `environment`, choosing actions with `policy` (observation to flat action), and
/// writes every picture into one video at `path` (`.gif` or `.mp4`).
///
/// The first reset uses `seed` (when given), later ones continue the environment's generator, as `rein eval`
/// does. `framesPerSecond` defaults to the environment's real-time rate.
public func recordEpisodes(
  of environment: any Environment, episodes: Int, seed: UInt64?, to path: String, framesPerSecond: Double? = nil,
  policy: ([Double]) throws -> [Double]
) throws -> RecordingSummary {
  guard episodes > 0 else { throw RecordingError.invalidSetting("record at least one episode, got \(episodes)") }
  guard let rate = framesPerSecond ?? environment.renderFramesPerSecond else {
    throw RenderError.notSupported(environment: environment.unwrapped.name)
  }
  let video = try VideoWriter(path: path, framesPerSecond: rate)
  var summary = RecordingSummary(path: path, returns: [], lengths: [], framesRendered: 0, framesWritten: 0)
  for episode in 0..<episodes {
    var (observation, _) = try environment.reset(seed: episode == 0 ? seed : nil)
    try video.append(environment.render())
    var total = 0.0
    var length = 0
    while true {
      let step = try environment.step(policy(observation))
      try video.append(environment.render())
      total += step.reward
      length += 1
      observation = step.observation
      if step.done { break }
    }
    summary.returns.append(total)
    summary.lengths.append(length)
  }
  try video.finish()
  summary.framesRendered = video.framesReceived
  summary.framesWritten = video.framesWritten
  return summary
}

/// The picture after `steps` steps of one episode (0: right after the reset with `seed`), actions from `policy`.
///
/// - Throws: ``RecordingError/invalidSetting(_:)`` for a negative `steps` or one past the episode's end (the
///   message gives the episode's length, so the allowed range).
public func pictureAfter(
  steps: Int, of environment: any Environment, seed: UInt64?, policy: ([Double]) throws -> [Double]
) throws -> Frame {
  guard steps >= 0 else {
    throw RecordingError.invalidSetting("--frame must be at least 0 (the picture after the reset), got \(steps)")
  }
  var (observation, _) = try environment.reset(seed: seed)
  for taken in 0..<steps {
    let step = try environment.step(policy(observation))
    observation = step.observation
    if step.done && taken + 1 < steps {
      throw RecordingError.invalidSetting(
        "--frame must be in 0...\(taken + 1): the episode ended after \(taken + 1) steps, got \(steps)")
    }
  }
  return try environment.render()
}
