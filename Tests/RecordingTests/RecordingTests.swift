import Box2DEnvironments
import ClassicControl
import Foundation
import Gym
import Recording
import XCTest

// MARK: - Recordings

final class RecordingTests: XCTestCase {
  var folder = ""

  override func setUpWithError() throws {
    folder = NSTemporaryDirectory() + "rein-recording-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: folder)
  }

  /// Plays `steps` steps of fixed actions (episodes restart without a seed) and returns everything observed.
  func trajectory(_ environment: any Environment, seed: UInt64, actions: [[Double]]) throws -> [Double] {
    var trace = try environment.reset(seed: seed).observation
    for action in actions {
      let step = try environment.step(action)
      trace += step.observation + [step.reward, step.terminated ? 1 : 0, step.truncated ? 1 : 0]
      if step.done { trace += try environment.reset().observation }
    }
    return trace
  }

  func testRecordingDoesNotChangeTheTrajectory() throws {
    var cases: [(String, () throws -> any Environment, [[Double]])] = [
      ("CartPole", { try TimeLimit(CartPole(), maxEpisodeSteps: 40) }, (0..<50).map { [Double($0 % 3 == 0 ? 1 : 0)] }),
      ("Pendulum", { try TimeLimit(Pendulum(), maxEpisodeSteps: 20) }, (0..<30).map { [sin(Double($0)) * 2] }),
    ]
    if Box2DLibrary.isAvailable {
      // LunarLander draws engine dispersion from its generator each step; BipedalWalker advances a lidar counter
      // when drawn: neither may leak into the simulation.
      cases.append(("LunarLander", { try LunarLander() }, (0..<40).map { [Double($0 % 4)] }))
      cases.append(
        (
          "BipedalWalker", { try TimeLimit(BipedalWalker(), maxEpisodeSteps: 20) },
          (0..<30).map { i in (0..<4).map { sin(Double(i + $0)) } }
        ))
    }
    for (name, make, actions) in cases {
      let plain = try trajectory(make(), seed: 11, actions: actions)
      let recorder = try RecordVideo(make(), folder: folder, namePrefix: name, episodeTrigger: { _ in true })
      let recorded = try trajectory(recorder, seed: 11, actions: actions)
      recorder.close()
      XCTAssertEqual(plain, recorded, "\(name): recording changed the trajectory")
      XCTAssertFalse(recorder.recordedFiles.isEmpty, name)
    }
  }

  func testGIFOfAnEpisodeDecodesToItsFrames() throws {
    let environment = try TimeLimit(CartPole(), maxEpisodeSteps: 29)
    let path = folder + "/cartpole.gif"
    var frames: [Frame] = []
    let video = try VideoWriter(path: path, framesPerSecond: 50)
    var observation = try environment.reset(seed: 1).observation
    frames.append(try environment.render())
    try video.append(frames[0])
    var done = false
    while !done {
      // A balancing controller, so the episode lasts until the 29-step limit.
      let step = try environment.step(observation[2] + 0.5 * observation[3] > 0 ? 1 : 0)
      observation = step.observation
      done = step.done
      frames.append(try environment.render())
      try video.append(frames.last!)
    }
    try video.finish()
    XCTAssertEqual(frames.count, 30)
    // 50 fps is capped at 25: every other frame (0, 2, ..., 28) plus the last one (29).
    XCTAssertEqual(video.keepEvery, 2)
    XCTAssertEqual(video.framesWritten, 16)

    let gif = try decodeGIF(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    XCTAssertEqual(gif.width, 600)
    XCTAssertEqual(gif.height, 400)
    XCTAssertEqual(gif.frames.count, 16)
    XCTAssertEqual(Array(gif.delays.prefix(14)), [Int](repeating: 4, count: 14))
    XCTAssertEqual(gif.delays.last, 100)  // the last picture is held for a second
    // Frames are stored as changed regions; composited, they give back the rendered pictures (CartPole's
    // pictures have fewer than 256 colours, so the palette is exact).
    for (stored, original) in [(0, 0), (5, 10), (14, 28), (15, 29)] {
      XCTAssertEqual(gif.frames[stored], frames[original].pixels.map { $0 }, "frame \(stored) differs")
    }
  }

  func testGIFsOfEnvironmentsStaySmall() throws {
    try XCTSkipUnless(Box2DLibrary.isAvailable, "Rein was built without Box2D (install libbox2d-dev)")
    let environment = try LunarLander()
    let path = folder + "/lander.gif"
    let summary = try recordEpisodes(of: environment, episodes: 1, seed: 3, to: path) { _ in [0] }
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    // Uncompressed, each 600x400 frame is 720 KB; changed regions and the rate cap keep a frame near 2 KB.
    XCTAssertLessThan(size, summary.framesWritten * 8_000, "\(size) bytes for \(summary.framesWritten) frames")
    let gif = try decodeGIF(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    XCTAssertEqual(gif.frames.count, summary.framesWritten)
    XCTAssertEqual(summary.framesRendered, summary.lengths[0] + 1)
  }

  func testRecordVideoTriggersAndFileNames() throws {
    let recorder = try RecordVideo(
      TimeLimit(CartPole(), maxEpisodeSteps: 5), folder: folder, namePrefix: "cart",
      episodeTrigger: RecordVideo.every(2))
    _ = try recorder.reset(seed: 0)
    for _ in 0..<3 {
      while try !recorder.step(0).done {}
      _ = try recorder.reset()
    }
    recorder.close()  // episode 3 is not recorded; nothing pending
    XCTAssertEqual(recorder.recordedFiles, [folder + "/cart-episode-0.gif", folder + "/cart-episode-2.gif"])
    for file in recorder.recordedFiles {
      XCTAssertEqual(try decodeGIF(Array(try Data(contentsOf: URL(fileURLWithPath: file)))).frames.count, 4)
    }
    XCTAssertEqual((0..<30).filter(RecordVideo.cappedCubicSchedule), [0, 1, 8, 27])
  }

  func testMP4NeedsFFmpegOrSaysSo() throws {
    let path = folder + "/clip.mp4"
    guard VideoWriter.ffmpegPath() != nil else {
      XCTAssertThrowsError(try VideoWriter(path: path, framesPerSecond: 30)) { error in
        XCTAssertEqual(error as? RecordingError, .ffmpegNotFound)
        XCTAssertTrue("\(error)".contains("apt-get install ffmpeg"))
      }
      return
    }
    let environment = try TimeLimit(Pendulum(), maxEpisodeSteps: 10)
    let summary = try recordEpisodes(of: environment, episodes: 1, seed: 0, to: path) { _ in [0.5] }
    XCTAssertEqual(summary.framesWritten, 11)
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    XCTAssertGreaterThan(bytes.count, 1000)
    XCTAssertEqual(String(decoding: bytes[4..<8], as: UTF8.self), "ftyp")  // an MP4 (ISO media) file
  }

  func testMissingFFmpegIsATypedErrorBeforeAnythingIsPlayed() throws {
    let savedPath = ProcessInfo.processInfo.environment["PATH"]
    let savedCustom = ProcessInfo.processInfo.environment["REIN_FFMPEG"]
    setenv("PATH", folder, 1)  // a folder without ffmpeg
    unsetenv("REIN_FFMPEG")
    defer {
      if let savedPath { setenv("PATH", savedPath, 1) }
      if let savedCustom { setenv("REIN_FFMPEG", savedCustom, 1) }
    }
    XCTAssertNil(VideoWriter.ffmpegPath())
    XCTAssertThrowsError(try VideoWriter(path: folder + "/clip.mp4", framesPerSecond: 30)) { error in
      XCTAssertEqual(error as? RecordingError, .ffmpegNotFound)
      XCTAssertTrue("\(error)".contains("apt-get install ffmpeg"), "\(error)")
    }
  }

  func testUnsupportedExtension() {
    XCTAssertThrowsError(try VideoWriter(path: folder + "/clip.avi", framesPerSecond: 30)) { error in
      XCTAssertEqual(error as? RecordingError, .unsupportedFormat(path: folder + "/clip.avi"))
    }
  }
}

// MARK: - A single picture (`rein record --frame`)

final class PictureAfterStepsTests: XCTestCase {
  func testFramesOutsideTheEpisodeAreRefusedWithTheRange() throws {
    let environment = CartPole()
    let push: ([Double]) -> [Double] = { _ in [1] }
    XCTAssertThrowsError(try pictureAfter(steps: -1, of: environment, seed: 0, policy: push)) { error in
      XCTAssertTrue("\(error)".contains("at least 0"), "\(error)")
    }
    // Pushing right all the time ends CartPole within a few dozen steps.
    XCTAssertThrowsError(try pictureAfter(steps: 999_999, of: environment, seed: 0, policy: push)) { error in
      XCTAssertTrue("\(error)".contains("--frame must be in 0..."), "\(error)")
    }
    let first = try pictureAfter(steps: 0, of: environment, seed: 0, policy: push)
    let fifth = try pictureAfter(steps: 5, of: environment, seed: 0, policy: push)
    XCTAssertEqual(first.width, fifth.width)
    XCTAssertNotEqual(first.pixels, fifth.pixels)
  }
}
