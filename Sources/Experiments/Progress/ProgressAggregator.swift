import Foundation

// MARK: - Progress of several seeds

/// The progress of a run's seeds on one display: each seed reports its own count (steps or episodes) and recent
/// mean return; the display shows their sum against every seed's budget, and the mean of the known returns.
/// Seeds report from their own threads.
final class ProgressAggregator: @unchecked Sendable {
  private let lock = NSLock()
  private var counts: [Int]
  private var returns: [Double?]
  private let display: ProgressDisplay

  /// A display for `seeds` seeds of `plan`, its bar the status line of `output`.
  init(plan: ExperimentPlan, seeds: Int, output: StatusLineOutput) {
    counts = Array(repeating: 0, count: seeds)
    returns = Array(repeating: nil, count: seeds)
    let style: ProgressDisplay.Style
    switch plan.printing.progress {
    case "bar": style = .bar
    case "lines": style = .lines
    case "none": style = .silent
    default: style = .automatic
    }
    let perSeed = plan.budget.steps ?? plan.budget.episodes ?? 1
    display = ProgressDisplay(
      totalSteps: perSeed * seeds, unit: plan.budget.steps != nil ? "steps" : "episodes", style: style, output: output)
  }

  /// Seed `index` starts at `completed` steps or episodes (it finished before, or resumes or continues from a
  /// checkpoint): they count as done, but not towards the rate.
  func start(_ index: Int, at completed: Int, recent: Double? = nil) {
    lock.withLock {
      counts[index] = completed
      if let recent { returns[index] = recent }
      display.countAsDoneAtStart(completed)
    }
  }

  /// Seed `index` has done `completed` steps or episodes; `recent` is its recent mean return, when known.
  func report(_ index: Int, completed: Int, recent: Double?) {
    lock.withLock {
      counts[index] = completed
      if let recent { returns[index] = recent }
    }
    display.update(completed: lock.withLock { counts.reduce(0, +) }, recentReturn: meanOfRecentReturns())
  }

  /// Ends the display.
  func finish() {
    display.finish(completed: lock.withLock { counts.reduce(0, +) }, recentReturn: meanOfRecentReturns())
  }

  private func meanOfRecentReturns() -> Double? {
    lock.withLock {
      let known = returns.compactMap { $0 }
      return known.isEmpty ? nil : known.reduce(0, +) / Double(known.count)
    }
  }
}
