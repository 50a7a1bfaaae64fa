import Experiments
import PolicyGradient
import XCTest

final class ProgressDisplayTests: XCTestCase {
  final class FakeClock {
    var now = 1000.0
  }

  func testPlainLinesAreRateLimitedAndInformative() {
    let clock = FakeClock()
    var output: [String] = []
    let progress = ProgressDisplay(
      totalSteps: 100_000, style: .lines, lineInterval: 10, clock: { clock.now }, write: { output.append($0) })
    clock.now += 1
    progress.update(completed: 2_000, recentReturn: -150.25)
    for _ in 0..<5 {
      clock.now += 1
      progress.update(completed: 4_000)
    }
    XCTAssertEqual(output.count, 1, "only one line within ten seconds")
    XCTAssertEqual(
      output[0], "progress: 2000/100000 steps (2.0%), 2000 steps/s, elapsed 0:01, ETA 0:49, return -150.25\n")
    clock.now = 1020
    progress.update(completed: 40_000)
    XCTAssertEqual(output.count, 2)
    XCTAssertTrue(output[1].hasPrefix("progress: 40000/100000 steps (40.0%), 2000 steps/s, elapsed 0:20, ETA 0:30"))
    clock.now = 1050
    progress.finish(completed: 100_000, recentReturn: 210)
    XCTAssertEqual(output.count, 3)
    XCTAssertEqual(output[2], "progress: 100000/100000 steps (100.0%), 2000 steps/s, elapsed 0:50, return 210.00\n")
    progress.update(completed: 100_000)
    XCTAssertEqual(output.count, 3, "nothing after finish")
  }

  func testBarRedrawsInPlaceAndEndsWithNewline() {
    let clock = FakeClock()
    var output: [String] = []
    let progress = ProgressDisplay(
      totalSteps: 1_000_000, style: .bar, barRefreshInterval: 0.1, clock: { clock.now }, write: { output.append($0) })
    clock.now += 2
    progress.update(completed: 450_000, recentReturn: 12.34)
    XCTAssertEqual(output.count, 1)
    XCTAssertTrue(output[0].hasPrefix("\r  45% |██████████░░░░░░░░░░░░░░| 450,000/1,000,000 steps  225,000 steps/s"))
    XCTAssertTrue(output[0].hasSuffix("ETA 0:02  return 12.3"))
    clock.now += 0.05
    progress.update(completed: 460_000)
    XCTAssertEqual(output.count, 1, "no redraw within the refresh interval")
    clock.now += 1
    progress.finish(completed: 1_000_000)
    XCTAssertTrue(output[1].hasPrefix("\r 100% |████████████████████████|"))
    XCTAssertTrue(output[1].hasSuffix("\n"))
  }

  func testResumedRunCountsOnlyNewSteps() {
    let clock = FakeClock()
    var output: [String] = []
    let progress = ProgressDisplay(
      totalSteps: 10_000, unit: "episodes", style: .lines, completedAtStart: 5_000, clock: { clock.now },
      write: { output.append($0) })
    clock.now += 10
    progress.update(completed: 6_000)
    XCTAssertTrue(output[0].contains("100 episodes/s"), output[0])
    XCTAssertTrue(output[0].contains("ETA 0:40"), output[0])
  }

  func testNoRateBeforeAnyProgress() {
    var output: [String] = []
    let progress = ProgressDisplay(totalSteps: 10, style: .lines, clock: { 5 }, write: { output.append($0) })
    progress.update(completed: 0)
    XCTAssertEqual(output, ["progress: 0/10 steps (0.0%), elapsed 0:00\n"])
  }

  func testSilentWritesNothing() {
    var output: [String] = []
    let progress = ProgressDisplay(totalSteps: 10, style: .silent, write: { output.append($0) })
    progress.update(completed: 5)
    progress.finish(completed: 10)
    XCTAssertTrue(output.isEmpty)
  }
}

final class CallbackTests: XCTestCase {
  func episode(_ index: Int, _ value: Double) -> EpisodeInfo {
    EpisodeInfo(environmentSteps: index * 100, episodes: index, episodeReturn: value, length: 100, recentReturnMean: 0)
  }

  func testRewardThresholdOnTrainingEpisodes() {
    let callback = StopOnRewardThreshold(threshold: 475, source: .trainingEpisodes(window: 3))
    XCTAssertEqual(callback.onEpisodeEnd(episode(1, 500)), .proceed, "fewer episodes than the window")
    XCTAssertEqual(callback.onEpisodeEnd(episode(2, 500)), .proceed)
    XCTAssertEqual(callback.onEpisodeEnd(episode(3, 400)), .proceed, "mean 466.7")
    XCTAssertEqual(callback.onEpisodeEnd(episode(4, 500)), .proceed, "mean 466.7")
    XCTAssertEqual(callback.onEpisodeEnd(episode(5, 500)), .proceed, "(400, 500, 500): mean 466.7")
    XCTAssertTrue(callback.onEpisodeEnd(episode(6, 500)).stops, "last three are 500")
    XCTAssertEqual(callback.onEvaluation(EvaluationInfo(environmentSteps: 1, returns: [1000])), .proceed)
  }

  func testRewardThresholdOnEvaluation() {
    let callback = StopOnRewardThreshold(threshold: 200)
    XCTAssertEqual(callback.onEvaluation(EvaluationInfo(environmentSteps: 10, returns: [150, 240])), .proceed)
    guard
      case .stop(let reason) = callback.onEvaluation(EvaluationInfo(environmentSteps: 20, returns: [210, 190, 230]))
    else { return XCTFail("should stop") }
    XCTAssertTrue(reason.contains("210"), reason)
    XCTAssertEqual(callback.onEpisodeEnd(episode(1, 1000)), .proceed)
  }

  func testNoImprovementPatience() {
    let callback = StopOnNoImprovement(patience: 2, minimumEvaluations: 3, minimumDelta: 1)
    let means: [Double] = [10, 20, 20.5, 19, 30, 29, 30.5]
    var decisions: [Bool] = []
    for (index, mean) in means.enumerated() {
      decisions.append(callback.onEvaluation(EvaluationInfo(environmentSteps: index, returns: [mean])).stops)
    }
    // 20.5 and 19 do not improve on 20 by more than 1: the 4th evaluation is the 2nd without improvement.
    XCTAssertEqual(decisions, [false, false, false, true, false, false, true])
    XCTAssertEqual(callback.bestMeanReturn, 30)
  }

  func testStepScheduleWithVectorisedIncrements() {
    var schedule = StepSchedule(interval: 1000)
    var due: [Int] = []
    for steps in stride(from: 4, through: 5000, by: 4) where schedule.isDue(at: steps) { due.append(steps) }
    XCTAssertEqual(due, [1000, 2000, 3000, 4000, 5000])
    var jumpy = StepSchedule(interval: 1000, startingAfter: 2500)
    XCTAssertFalse(jumpy.isDue(at: 2900))
    XCTAssertTrue(jumpy.isDue(at: 5100), "several multiples crossed at once fire once")
    XCTAssertFalse(jumpy.isDue(at: 5900))
    XCTAssertTrue(jumpy.isDue(at: 6000))
  }

  func testPeriodicCallbackAndErrors() {
    struct Failure: Error, CustomStringConvertible {
      var description: String { "disk full" }
    }
    var saved: [Int] = []
    let callback = PeriodicCallback(everySteps: 2048) { steps in
      saved.append(steps)
      if steps >= 6000 { throw Failure() }
      return .proceed
    }
    var stop: CallbackDecision = .proceed
    for steps in stride(from: 512, through: 8192, by: 512) {
      XCTAssertEqual(callback.onStep(StepInfo(environmentSteps: steps, episodes: 0, stepIncrement: 512)), .proceed)
      stop = callback.onUpdate(UpdateInfo(environmentSteps: steps, episodes: 0))
      if stop.stops { break }
    }
    XCTAssertEqual(saved, [2048, 4096, 6144])
    XCTAssertEqual(stop, .stop(reason: "periodic action failed at 6144 steps: disk full"))
  }

  func testListCallsEveryoneAndFirstStopWins() {
    var seen: [String] = []
    let first = ClosureCallback(onStep: { _ in
      seen.append("first")
      return .stop(reason: "first")
    })
    let second = ClosureCallback(
      onStep: { _ in
        seen.append("second")
        return .stop(reason: "second")
      }, onTrainingEnd: { info in seen.append("end \(info.stopReason ?? "")") })
    let list = CallbackList([first, second])
    XCTAssertEqual(list.onStep(StepInfo(environmentSteps: 1, episodes: 0)), .stop(reason: "first"))
    XCTAssertEqual(list.onEpisodeEnd(episode(1, 0)), .proceed)
    list.onTrainingEnd(TrainingEndInfo(environmentSteps: 1, episodes: 0, stopReason: "first"))
    XCTAssertEqual(seen, ["first", "second", "end first"])
  }
}
