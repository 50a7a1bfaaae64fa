import Foundation
import Graphics
import Gym

// MARK: - Formats

/// The file formats a recording can be written in, chosen by the file's extension.
public enum VideoFormat: String, Sendable, CaseIterable {
  /// Animated GIF, written by Rein itself (no external tool).
  case gif
  /// H.264 in MP4, written by piping frames to `ffmpeg` (which must be installed).
  case mp4

  /// The format of `path`'s extension (`.gif` or `.mp4`, any case); throws for any other.
  public init(path: String) throws {
    let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
    guard let format = VideoFormat(rawValue: ext) else { throw RecordingError.unsupportedFormat(path: path) }
    self = format
  }
}

// MARK: - Errors

/// Why a recording could not be made.
public enum RecordingError: Error, Equatable, CustomStringConvertible {
  case unsupportedFormat(path: String)
  case ffmpegNotFound
  case ffmpegFailed(status: Int32, message: String)
  case frameSizeChanged(expected: String, got: String)
  case noFrames(path: String)
  case writeFailed(path: String, reason: String)
  case invalidSetting(String)

  public var description: String {
    switch self {
    case .unsupportedFormat(let path):
      return "cannot record to '\(path)': the file name must end in .gif (written by Rein) or .mp4 (needs ffmpeg)."
    case .ffmpegNotFound:
      return "MP4 recording needs ffmpeg, which was not found on PATH or in $REIN_FFMPEG. Install it "
        + "(Debian/Ubuntu: `sudo apt-get install ffmpeg`, macOS: `brew install ffmpeg`) or record a .gif instead."
    case .ffmpegFailed(let status, let message):
      return "ffmpeg failed (exit status \(status)): \(message)"
    case .frameSizeChanged(let expected, let got):
      return "a recording's frames must all have one size: expected \(expected), got \(got)."
    case .noFrames(let path):
      return "nothing was recorded to '\(path)': no frame was added before the recording was finished."
    case .writeFailed(let path, let reason):
      return "could not write the recording '\(path)': \(reason)"
    case .invalidSetting(let message):
      return "invalid recording setting: \(message)"
    }
  }
}

// MARK: - Writing videos

/// Writes the frames of a recording to a GIF or MP4 file.
///
/// GIFs stay small: frames beyond `maximumGIFFramesPerSecond` are dropped evenly (the delays keep real time), and
/// each frame stores only the rectangle that changed since the one before. MP4 frames go to `ffmpeg` as they come
/// (H.264, yuv420p, playable everywhere), so long recordings are not held in memory.
///
///     let video = try VideoWriter(path: "episode.gif", framesPerSecond: 50)
///     try video.append(environment.render())
///     ...
///     try video.finish()
public final class VideoWriter {
  /// Where the file is written.
  public let path: String
  /// The format, from the file name.
  public let format: VideoFormat
  /// The real-time rate of the frames passed to ``append(_:)`` (frames per second).
  public let framesPerSecond: Double
  /// Frames passed to ``append(_:)``.
  public private(set) var framesReceived = 0
  /// Frames stored in the file.
  public private(set) var framesWritten = 0

  /// Every how many received frames one is stored (GIF); 1 keeps them all.
  public let keepEvery: Int
  private var size: (width: Int, height: Int)?
  private var gif: GIFEncoder?
  private var previousCanvas: Canvas?
  private var pendingCanvas: Canvas?
  private var ffmpeg: Process?
  private var ffmpegInput: FileHandle?
  private var ffmpegErrors: Pipe?
  private var finished = false

  /// Prepares a recording to `path` (`.gif` or `.mp4`) of frames arriving at `framesPerSecond`.
  ///
  /// For MP4 it checks now that ffmpeg can be found, so a missing tool is reported before an episode is played.
  public init(path: String, framesPerSecond: Double, maximumGIFFramesPerSecond: Double = 25) throws {
    guard framesPerSecond.isFinite, framesPerSecond > 0 else {
      throw RecordingError.invalidSetting("frames per second must be positive, got \(framesPerSecond)")
    }
    guard maximumGIFFramesPerSecond > 0 else {
      throw RecordingError.invalidSetting("the GIF frame rate cap must be positive, got \(maximumGIFFramesPerSecond)")
    }
    self.path = path
    self.format = try VideoFormat(path: path)
    self.framesPerSecond = framesPerSecond
    keepEvery = format == .gif ? max(1, Int((framesPerSecond / maximumGIFFramesPerSecond).rounded(.up))) : 1
    if format == .mp4, Self.ffmpegPath() == nil { throw RecordingError.ffmpegNotFound }
  }

  deinit {
    if !finished, let ffmpeg {
      try? ffmpegInput?.close()
      ffmpeg.waitUntilExit()
    }
  }

  /// The ffmpeg executable: `$REIN_FFMPEG`, or `ffmpeg` on `PATH`; nil when there is none.
  public static func ffmpegPath() -> String? {
    let environment = ProcessInfo.processInfo.environment
    if let custom = environment["REIN_FFMPEG"], FileManager.default.isExecutableFile(atPath: custom) { return custom }
    for directory in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
      let candidate = "\(directory)/ffmpeg"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  /// Adds the next frame.
  public func append(_ frame: Frame) throws {
    guard !finished else { throw RecordingError.invalidSetting("frames were added after finish()") }
    if let size {
      guard frame.width == size.width, frame.height == size.height else {
        throw RecordingError.frameSizeChanged(
          expected: "\(size.width)x\(size.height)", got: "\(frame.width)x\(frame.height)")
      }
    } else {
      size = (frame.width, frame.height)
      try start(width: frame.width, height: frame.height)
    }
    defer { framesReceived += 1 }
    switch format {
    case .gif:
      guard let canvas = Canvas(width: frame.width, height: frame.height, rgbBytes: frame.pixels) else { return }
      if framesReceived % keepEvery == 0 {
        try flushPendingGIFFrame()
        pendingCanvas = canvas
        pendingIndex = framesReceived
        lastSkipped = nil
      } else {
        // Not stored unless it turns out to be the last: the episode's final picture is always shown.
        lastSkipped = (canvas, framesReceived)
      }
    case .mp4:
      do {
        try ffmpegInput?.write(contentsOf: frame.pixels)
      } catch {
        throw RecordingError.ffmpegFailed(status: -1, message: "it stopped reading frames: \(ffmpegErrorText())")
      }
      framesWritten += 1
    }
  }

  private var lastSkipped: (canvas: Canvas, index: Int)?
  private var pendingIndex = 0
  /// How long the last frame stays on screen before a GIF viewer loops (seconds).
  public var finalFrameHold = 1.0

  private func start(width: Int, height: Int) throws {
    switch format {
    case .gif:
      gif = try GIFEncoder(width: width, height: height, frameDelay: Double(keepEvery) / framesPerSecond)
    case .mp4:
      guard let executable = Self.ffmpegPath() else { throw RecordingError.ffmpegNotFound }
      let process = Process()
      process.executableURL = URL(fileURLWithPath: executable)
      // Even sizes are required by yuv420p; odd ones are padded by one pixel.
      process.arguments = [
        "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(width)x\(height)", "-r",
        String(framesPerSecond), "-i", "-", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264",
        "-pix_fmt", "yuv420p", "-movflags", "+faststart", path,
      ]
      let input = Pipe()
      let errors = Pipe()
      process.standardInput = input
      process.standardOutput = FileHandle.nullDevice
      process.standardError = errors
      do {
        try process.run()
      } catch {
        throw RecordingError.ffmpegFailed(status: -1, message: "could not start \(executable): \(error)")
      }
      ffmpeg = process
      ffmpegInput = input.fileHandleForWriting
      ffmpegErrors = errors
    }
  }

  private func flushPendingGIFFrame(delay: Double? = nil) throws {
    guard let canvas = pendingCanvas, var encoder = gif else { return }
    if let previousCanvas {
      try encoder.addFrame(canvas, changedFrom: previousCanvas, delay: delay)
    } else {
      try encoder.addFrame(canvas, delay: delay)
    }
    gif = encoder
    previousCanvas = canvas
    pendingCanvas = nil
    framesWritten += 1
  }

  private func ffmpegErrorText() -> String {
    guard let data = try? ffmpegErrors?.fileHandleForReading.readToEnd(), let text = String(data: data, encoding: .utf8)
    else { return "no message" }
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    return trimmed.isEmpty ? "no message" : trimmed
  }

  /// Completes the file. Calling it again does nothing.
  public func finish() throws {
    guard !finished else { return }
    finished = true
    guard framesReceived > 0 else { throw RecordingError.noFrames(path: path) }
    switch format {
    case .gif:
      if let lastSkipped {
        try flushPendingGIFFrame(delay: Double(lastSkipped.index - pendingIndex) / framesPerSecond)
        pendingCanvas = lastSkipped.canvas
      }
      try flushPendingGIFFrame(delay: max(finalFrameHold, Double(keepEvery) / framesPerSecond))
      do {
        try gif?.write(to: path)
      } catch {
        throw RecordingError.writeFailed(path: path, reason: "\(error)")
      }
    case .mp4:
      try? ffmpegInput?.close()
      ffmpeg?.waitUntilExit()
      let status = ffmpeg?.terminationStatus ?? -1
      guard status == 0 else { throw RecordingError.ffmpegFailed(status: status, message: ffmpegErrorText()) }
    }
  }
}
