import Experiments
import Foundation
import Rein
import XCTest

/// PolicyGradient's summaries have no public memberwise initialiser; they are Codable, so tests decode them.
func trainingSummary(steps: Int, wallSeconds: Double, stoppedEarly: String? = nil) throws -> TrainingSummary {
  let reason = stoppedEarly.map { JSONValue.quoted($0) } ?? "null"
  let json = #"{"steps":\#(steps),"episodes":[],"wallSeconds":\#(wallSeconds),"stoppedEarly":\#(reason)}"#
  return try JSONDecoder().decode(TrainingSummary.self, from: Data(json.utf8))
}

final class TrainingMonitorTests: XCTestCase {
  func testEventsBecomeRecordsProgressAndCallbackDecisions() throws {
    let memory = MemoryLogger()
    var lines: [String] = []
    let progress = ProgressDisplay(
      totalSteps: 10, unit: "episodes", style: .lines, lineInterval: 0, clock: { 0 }, write: { lines.append($0) })
    var ended: String?
    let monitor = TrainingMonitor(
      logger: memory, progress: progress,
      callbacks: [
        StopOnRewardThreshold(threshold: 100, source: .trainingEpisodes(window: 2)),
        ClosureCallback(onTrainingEnd: { ended = $0.stopReason }),
      ], logsEpisodes: true)
    let episodes: [(Double, Int)] = [(20, 20), (90, 90), (120, 120)]
    var controls: [CallbackDecision] = []
    var step = 0
    var recent = RollingMean(window: 100)
    for (index, (value, length)) in episodes.enumerated() {
      step += length
      recent.add(value)
      controls.append(
        monitor.onEpisodeEnd(
          EpisodeInfo(
            environmentSteps: step, episodes: index + 1, episodeReturn: value, length: length,
            recentReturnMean: recent.mean!)))
      XCTAssertEqual(monitor.onUpdate(UpdateInfo(environmentSteps: step, episodes: index + 1)), controls.last)
      controls.append(
        monitor.onUpdate(
          UpdateInfo(environmentSteps: step, episodes: index + 1, metrics: [("train/loss", Double(index))])))
    }
    XCTAssertEqual(controls.prefix(4), [.proceed, .proceed, .proceed, .proceed])
    guard case .stop(let reason) = controls[4] else { return XCTFail("\(controls)") }
    XCTAssertTrue(reason.contains("105"), reason)
    XCTAssertEqual(controls[5], .stop(reason: reason), "the stop is repeated until the algorithm ends")
    XCTAssertEqual(memory.records.count, 6, "an update without metrics is not logged")
    XCTAssertEqual(memory.records[0]["episode/return"], 20)
    XCTAssertEqual(memory.records[1]["train/loss"], 0)
    XCTAssertEqual(memory.records[1]["time/episodes"], 1)
    XCTAssertEqual(memory.series("episode/return").map(\.x), [20, 110, 230])
    XCTAssertEqual(lines.last, "progress: 3/10 episodes (30.0%), elapsed 0:00, return 76.67\n")
    monitor.onTrainingEnd(TrainingEndInfo(environmentSteps: step, episodes: 3, stopReason: reason))
    try monitor.finish(try trainingSummary(steps: step, wallSeconds: 2, stoppedEarly: reason))
    XCTAssertEqual(ended, reason)
  }

  func testLoggingFailureStopsTraining() throws {
    final class FailingLogger: ScalarLogger {
      func log(_ record: ScalarRecord) throws { throw LoggerError.fileError(path: "x.csv", reason: "disk full") }
      func close() throws {}
    }
    let monitor = TrainingMonitor(logger: FailingLogger())
    guard case .stop(let reason) = monitor.onUpdate(UpdateInfo(environmentSteps: 1, episodes: 0, metrics: [])) else {
      return XCTFail()
    }
    XCTAssertTrue(reason.contains("disk full"), reason)
    XCTAssertThrowsError(try monitor.finish(try trainingSummary(steps: 1, wallSeconds: 1)))
  }

  func testShortREINFORCERunWritesARunFolder() throws {
    let registry = EnvironmentRegistry()
    try registerClassicControlEnvironments(in: registry)
    let root = try makeTemporaryFolder(self)
    let run = try RunFolder(creatingAt: root + "/reinforce", configuration: RunConfiguration(["episodes": .int(8)]))
    var entries: [RunSummary.Entry] = []
    for seed in [1, 2] {
      let folder = try run.seedFolder(seed: seed)
      let monitor = TrainingMonitor(logger: try folder.makeLoggers(), logsEpisodes: true)
      let agent = try REINFORCE(
        environment: try registry.make("CartPole-v1"), configuration: REINFORCEConfiguration(), seed: UInt64(seed))
      let summary = try agent.learn(TrainingBudget(episodes: 8), callback: monitor)
      try monitor.finish(summary)
      entries.append(.init(seed: TrainingMonitor.seedSummary(seed: seed, training: summary)))
      XCTAssertEqual(summary.episodes.count, 8)
    }
    try run.writeSummary(RunSummary(entries: entries, fields: ["algorithm": "reinforce"]))
    let png = try run.writeLearningCurves(title: "REINFORCE on CartPole-v1", x: "episode/index", y: "episode/return")
    XCTAssertTrue(FileManager.default.fileExists(atPath: png))
    let table = try CSVLogger.readTable(path: run.seedFolders()[0].progressPath)
    XCTAssertEqual(table.series(x: "episode/index", y: "episode/return").count, 8)
    XCTAssertEqual(try run.readSummary().entries.map(\.seed.episodes), [8, 8])
  }
}
