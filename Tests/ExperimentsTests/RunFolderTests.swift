import Experiments
import Foundation
import Gym
import XCTest

final class RunFolderTests: XCTestCase {
  func makeRun(at path: String, settings: [String] = [""], seeds: [Int] = [1, 2, 3]) throws -> RunFolder {
    var configuration = try RunConfiguration(yaml: "algorithm: ppo\nppo:\n  clip_range: 0.2\n")
    try configuration.apply(overrides: ["seeds=[1, 2, 3]"])
    let run = try RunFolder(creatingAt: path, configuration: configuration)
    for (settingIndex, setting) in settings.enumerated() {
      for seed in seeds {
        let folder = try run.seedFolder(seed: seed, setting: setting)
        let logger = try CSVLogger(path: folder.progressPath)
        for step in 1...20 {
          let value = Double(step * (settingIndex + 1)) + Double(seed)
          try logger.log(ScalarRecord(step: step * 100 + seed, values: [("rollout/ep_rew_mean", value)], wallTime: 0))
        }
        try logger.close()
      }
    }
    return run
  }

  func testLayoutConfigurationAndSeedFolders() throws {
    let root = try makeTemporaryFolder(self)
    let run = try makeRun(at: root + "/runs/ppo")
    let configuration = try RunConfiguration(contentsOfFile: root + "/runs/ppo/config.yaml")
    XCTAssertEqual(try configuration.double("ppo.clip_range"), 0.2)
    XCTAssertEqual(try configuration.ints("seeds"), [1, 2, 3])
    let folders = run.seedFolders()
    XCTAssertEqual(folders.map(\.seed), [1, 2, 3])
    XCTAssertEqual(folders[0].path, root + "/runs/ppo/seed-1")
    XCTAssertEqual(folders[0].checkpointPath, root + "/runs/ppo/seed-1/checkpoint.safetensors")
    XCTAssertTrue(folders[0].tensorBoardDirectory.hasSuffix("seed-1/tensorboard"))
    XCTAssertNoThrow(try RunFolder(existingAt: root + "/runs/ppo"))
    XCTAssertThrowsError(try RunFolder(existingAt: root)) { error in
      XCTAssertEqual(error as? RunFolderError, .notARunFolder(path: root))
    }
  }

  func testSummaryJSONHasTheContractKeys() throws {
    let root = try makeTemporaryFolder(self)
    let run = try RunFolder(creatingAt: root + "/run")
    let summary = RunSummary(
      entries: [
        .init(
          seed: SeedSummary(
            seed: 1, environmentSteps: 100_000, episodes: 512, wallSeconds: 12.5, stepsPerSecond: 8000,
            finalReturnMean: 210.5, evaluationMean: 230, evaluationStandardDeviation: 12)),
        .init(
          seed: SeedSummary(
            seed: 2, environmentSteps: 100_000, episodes: 498, wallSeconds: 12.0, stepsPerSecond: 8333.5,
            finalReturnMean: 190.5)),
      ], fields: ["algorithm": "ppo", "env_id": "LunarLander-v3"])
    try run.writeSummary(summary)
    let json = try JSONValue(parsing: Data(contentsOf: URL(fileURLWithPath: root + "/run/summary.json")))
    let first = json["runs"]!.arrayValue![0]
    for key in ["seed", "env_steps", "episodes", "wall_s", "steps_per_s", "final_return_mean", "eval_mean", "eval_std"]
    {
      XCTAssertNotNil(first[key], key)
    }
    XCTAssertEqual(first["env_steps"], 100_000)
    XCTAssertEqual(first["eval_mean"], 230)
    XCTAssertEqual(json["runs"]!.arrayValue![1]["eval_mean"], .null)
    XCTAssertEqual(json["algorithm"], "ppo")
    XCTAssertEqual(json["aggregate"]?[""]?["final_return_mean"]?["mean"]?.doubleValue, 200.5)
    XCTAssertEqual(json["aggregate"]?[""]?["final_return_mean"]?["n"], 2)
    XCTAssertEqual(try run.readSummary(), summary)
    XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/run/results.md"), "no table for one setting")
  }

  func testSweepWritesResultsTable() throws {
    let root = try makeTemporaryFolder(self)
    let run = try RunFolder(creatingAt: root + "/sweep")
    var summary = RunSummary()
    for setting in ["clip=0.1", "clip=0.2"] {
      for seed in 1...3 {
        summary.entries.append(
          .init(
            setting: setting,
            seed: SeedSummary(
              seed: seed, environmentSteps: 1000, episodes: 10, wallSeconds: 1, stepsPerSecond: 1000,
              finalReturnMean: Double(seed) * (setting == "clip=0.1" ? 1 : 10), evaluationMean: Double(seed))))
      }
    }
    try run.writeSummary(summary)
    let markdown = try String(contentsOfFile: root + "/sweep/results.md", encoding: .utf8)
    // Ranked by final return: clip=0.2 (10, 20, 30) first, with its bootstrap interval.
    XCTAssertTrue(
      markdown.contains("| 1 ★ | 0.2 | 20 [12.17, 27.83] | 2 [1.217, 2.783] | 1000 [1000, 1000] |"), markdown)
    XCTAssertTrue(markdown.contains("| 2 | 0.1 | 2 [1.217, 2.783] |"), markdown)
    let csv = try String(contentsOfFile: root + "/sweep/results.csv", encoding: .utf8)
    XCTAssertTrue(csv.hasPrefix("clip,final_return_mean_mean,"))
    XCTAssertEqual(csv.split(separator: "\n").count, 3)
  }

  func testCurvesFromProgressFilesAndComparison() throws {
    let root = try makeTemporaryFolder(self)
    let single = try makeRun(at: root + "/a")
    let sweep = try makeRun(at: root + "/b", settings: ["clip=0.1", "clip=0.2"], seeds: [1, 2])
    let curves = try single.learningCurves()
    XCTAssertEqual(curves.count, 1)
    XCTAssertEqual(curves[0].label, "a")
    XCTAssertEqual(curves[0].seeds.count, 3)
    XCTAssertEqual(curves[0].seeds[1].first, CurvePoint(x: 102, y: 3))
    let sweepCurves = try sweep.learningCurves()
    XCTAssertEqual(sweepCurves.map(\.label), ["clip=0.1", "clip=0.2"])
    let plot = try RunFolder.comparisonPlot(of: [single, sweep], smoothingWindow: 2)
    XCTAssertEqual(plot.runs.map(\.label), ["a", "b clip=0.1", "b clip=0.2"])
    XCTAssertEqual(plot.yLabel, "mean episode return")
    XCTAssertEqual(plot.smoothingWindow, 2)
    let paths = try single.writePlots(plot)
    XCTAssertTrue(FileManager.default.fileExists(atPath: paths.png))
    XCTAssertTrue(FileManager.default.fileExists(atPath: paths.svg))
    XCTAssertThrowsError(try single.learningCurves(y: "rollout/typo")) { error in
      guard case .missingColumn(_, "rollout/typo", let available) = error as? RunFolderError else {
        return XCTFail("\(error)")
      }
      XCTAssertTrue(available.contains("rollout/ep_rew_mean"))
    }
  }
}

final class SeedLoggerTests: XCTestCase {
  func testStandardLoggersAndResume() throws {
    let root = try makeTemporaryFolder(self)
    let run = try RunFolder(creatingAt: root + "/run")
    let folder = try run.seedFolder(seed: 7)
    let loggers = try folder.makeLoggers()
    for step in 1...4 {
      try loggers.log(ScalarRecord(step: step * 10, values: [("rollout/ep_rew_mean", Double(step))]))
    }
    try loggers.close()
    let resumed = try folder.makeLoggers(resumeAfterStep: 20)
    try resumed.log(ScalarRecord(step: 30, values: [("rollout/ep_rew_mean", 30)]))
    try resumed.close()
    XCTAssertEqual(
      try CSVLogger.readTable(path: folder.progressPath).series(y: "rollout/ep_rew_mean").map(\.y), [1, 2, 30])
    XCTAssertEqual(try JSONLinesLogger.readRecords(path: folder.jsonLinesPath).count, 3)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.tensorBoardDirectory).count, 2)
    let png = try run.writeLearningCurves(title: "seed 7")
    XCTAssertEqual(png, root + "/run/learning_curve.png")
    XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/run/learning_curve.svg"))
  }
}
