import Foundation
import Gym

// MARK: - RecordVideo

/// Records chosen episodes of the environment it wraps to video files, as Gymnasium's `RecordVideo` wrapper.
///
/// Episodes are numbered from 0 by the resets that start them; `episodeTrigger` decides which are recorded
/// (Gymnasium's default: 0, 1, 8, 27, ... up to 1000, then every 1000th). A recorded episode's file,
/// `FOLDER/PREFIX-episode-N.gif` (or `.mp4`), holds the picture after the reset and after every step, and is written
/// when the episode ends (or at `close()` for an unfinished one). Rendering only reads the environment, so a
/// recorded episode follows exactly the trajectory it would have followed unrecorded.
///
///     let environment = try RecordVideo(makeEnvironment("CartPole-v1"), folder: "videos",
///       episodeTrigger: RecordVideo.every(10))
public final class RecordVideo: EnvironmentWrapper {
  public let inner: any Environment
  /// Where the files go (created when missing).
  public let folder: String
  /// The start of each file name.
  public let namePrefix: String
  /// The file format.
  public let format: VideoFormat
  /// Which episodes are recorded, by number (from 0).
  public let episodeTrigger: @Sendable (Int) -> Bool
  /// Frames per second of the files: the environment's real-time rate unless given.
  public let framesPerSecond: Double
  /// The files written so far, in order.
  public private(set) var recordedFiles: [String] = []
  /// The number of the current episode (-1 before the first reset).
  public private(set) var episode = -1

  private var writer: VideoWriter?
  private let fileName: (@Sendable (Int) -> String)?

  /// Wraps `environment`, which must render (throws ``RenderError/notSupported(environment:)`` otherwise);
  /// `fileName` names episode N's file inside `folder` (its extension then chooses the format).
  public init(
    _ environment: any Environment, folder: String, namePrefix: String = "rl-video", format: VideoFormat = .gif,
    episodeTrigger: @escaping @Sendable (Int) -> Bool = RecordVideo.cappedCubicSchedule,
    framesPerSecond: Double? = nil, fileName: (@Sendable (Int) -> String)? = nil
  ) throws {
    guard let rate = framesPerSecond ?? environment.renderFramesPerSecond else {
      throw RenderError.notSupported(environment: environment.unwrapped.name)
    }
    inner = environment
    self.folder = folder
    self.namePrefix = namePrefix
    self.format = format
    self.episodeTrigger = episodeTrigger
    self.framesPerSecond = rate
    self.fileName = fileName
  }

  /// Gymnasium's default schedule: episodes 0, 1, 8, 27, ..., 729 (perfect cubes), then every 1000th.
  public static let cappedCubicSchedule: @Sendable (Int) -> Bool = { episode in
    if episode < 1000 {
      let root = Int(pow(Double(episode), 1.0 / 3).rounded())
      return root * root * root == episode
    }
    return episode % 1000 == 0
  }

  /// A trigger recording every `n`-th episode (0, n, 2n, ...).
  public static func every(_ n: Int) -> @Sendable (Int) -> Bool {
    let period = max(n, 1)
    return { $0 % period == 0 }
  }

  /// A trigger recording exactly the given episodes.
  public static func episodes(_ chosen: Set<Int>) -> @Sendable (Int) -> Bool { { chosen.contains($0) } }

  /// The path of episode `episode`'s file: `FOLDER/PREFIX-episode-N.gif`, or the name `fileName` gives.
  public func path(forEpisode episode: Int) -> String {
    folder + "/" + (fileName?(episode) ?? "\(namePrefix)-episode-\(episode).\(format.rawValue)")
  }

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> Info
  {
    try finishRecording()
    let info = try inner.reset(seed: seed, options: options, into: observation)
    episode += 1
    if episodeTrigger(episode) {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let video = try VideoWriter(path: path(forEpisode: episode), framesPerSecond: framesPerSecond)
      try video.append(inner.render())
      writer = video
    }
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    let outcome = try inner.step(action, into: observation)
    if let writer {
      try writer.append(inner.render())
      if outcome.done { try finishRecording() }
    }
    return outcome
  }

  /// Writes the file of an episode still being recorded, then closes the wrapped environment.
  public func close() {
    try? finishRecording()
    inner.close()
  }

  private func finishRecording() throws {
    guard let video = writer else { return }
    writer = nil
    try video.finish()
    recordedFiles.append(video.path)
  }
}
