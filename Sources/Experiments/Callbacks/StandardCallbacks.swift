import PolicyGradient

// MARK: - Stop at a reward threshold

/// Stops training once a return reaches a threshold (SB3's `StopTrainingOnRewardThreshold`).
///
/// With ``Source/evaluation`` the mean return of an evaluation is compared; with ``Source/trainingEpisodes`` the
/// mean of the last `window` training episodes is (W2 stops once the mean of the last 50 is >= 475).
public final class StopOnRewardThreshold: TrainingCallback {
  /// Which return is compared with the threshold.
  public enum Source: Equatable, Sendable {
    /// The mean return of each evaluation.
    case evaluation
    /// The mean return of the last `window` training episodes (checked once `window` episodes are done).
    case trainingEpisodes(window: Int)
  }

  /// The return to reach (inclusive).
  public let threshold: Double
  /// Which return is compared.
  public let source: Source
  private var recentReturns: RollingMean?

  /// Creates the callback.
  ///
  /// - Parameters:
  ///   - threshold: The mean return that stops training (reached when equal).
  ///   - source: Which mean is compared: that of each periodic evaluation, or the rolling mean of the last `window`
  ///     training episodes once that many have finished.
  public init(threshold: Double, source: Source = .evaluation) {
    self.threshold = threshold
    self.source = source
  }

  public func onEpisodeEnd(_ info: EpisodeInfo) -> CallbackDecision {
    guard case .trainingEpisodes(let window) = source else { return .proceed }
    var recent = recentReturns ?? RollingMean(window: window)
    recent.add(info.episodeReturn)
    recentReturns = recent
    guard recent.isFull, let mean = recent.mean, mean >= threshold else { return .proceed }
    return .stop(
      reason: "mean return of the last \(window) episodes \(formatSignificant(mean)) reached the threshold "
        + "\(formatSignificant(threshold)) after \(info.episodes) episodes")
  }

  public func onEvaluation(_ info: EvaluationInfo) -> CallbackDecision {
    guard source == .evaluation, !info.returns.isEmpty, info.meanReturn >= threshold else { return .proceed }
    return .stop(
      reason: "evaluation mean return \(formatSignificant(info.meanReturn)) reached the threshold "
        + "\(formatSignificant(threshold)) at \(info.environmentSteps) steps")
  }
}

// MARK: - Stop when there is no improvement

/// Stops training when evaluations stop improving (SB3's `StopTrainingOnNoModelImprovement`).
///
/// An evaluation improves when its mean return exceeds the best so far by more than `minimumDelta`. After
/// `minimumEvaluations` evaluations, training stops once `patience` evaluations in a row brought no improvement.
public final class StopOnNoImprovement: TrainingCallback {
  /// Evaluations in a row without improvement that stop training.
  public let patience: Int
  /// Evaluations always allowed before stopping can happen.
  public let minimumEvaluations: Int
  /// How much better than the best a mean return must be to count as an improvement.
  public let minimumDelta: Double
  /// The best mean evaluation return so far.
  public private(set) var bestMeanReturn = -Double.infinity
  /// Evaluations since the last improvement.
  public private(set) var evaluationsWithoutImprovement = 0
  /// Evaluations seen so far.
  public private(set) var evaluations = 0

  /// Continues from a saved state (when resuming a run).
  ///
  /// - Parameters:
  ///   - best: The best mean evaluation return so far (-infinity before the first).
  ///   - without: Evaluations since the last improvement.
  ///   - count: Evaluations seen so far.
  public func restore(bestMeanReturn best: Double, evaluationsWithoutImprovement without: Int, evaluations count: Int) {
    bestMeanReturn = best
    evaluationsWithoutImprovement = without
    evaluations = count
  }

  /// Creates the callback.
  ///
  /// - Parameters:
  ///   - patience: Evaluations in a row without improvement that stop training; values below 1 are taken as 1.
  ///   - minimumEvaluations: Evaluations that never stop training, however they compare.
  ///   - minimumDelta: How much a mean return must exceed the best so far to count as an improvement.
  public init(patience: Int, minimumEvaluations: Int = 0, minimumDelta: Double = 0) {
    self.patience = max(patience, 1)
    self.minimumEvaluations = minimumEvaluations
    self.minimumDelta = minimumDelta
  }

  public func onEvaluation(_ info: EvaluationInfo) -> CallbackDecision {
    guard !info.returns.isEmpty else { return .proceed }
    evaluations += 1
    let mean = info.meanReturn
    if mean > bestMeanReturn + minimumDelta || bestMeanReturn == -.infinity {
      bestMeanReturn = max(mean, bestMeanReturn)
      evaluationsWithoutImprovement = 0
    } else {
      evaluationsWithoutImprovement += 1
    }
    guard evaluations > minimumEvaluations, evaluationsWithoutImprovement >= patience else { return .proceed }
    return .stop(
      reason: "no improvement over the best evaluation mean \(formatSignificant(bestMeanReturn)) in the last "
        + "\(evaluationsWithoutImprovement) evaluations")
  }
}

// MARK: - Periodic actions

/// Decides when "every N steps" actions are due, also when steps advance by more than one at a time (vectorised
/// environments add their count per step): due whenever the step count crosses a multiple of the interval.
public struct StepSchedule: Sendable, Equatable {
  /// The interval in environment steps.
  public let interval: Int
  private var nextDue: Int

  /// Creates a schedule due at `interval`, `2 * interval`, ...; `startingAfter` skips multiples already passed
  /// (when resuming).
  ///
  /// - Parameters:
  ///   - interval: The interval in environment steps; values below 1 are taken as 1.
  ///   - steps: The steps already taken: the first due step is the next multiple of `interval` above it.
  public init(interval: Int, startingAfter steps: Int = 0) {
    self.interval = max(interval, 1)
    nextDue = (steps / self.interval + 1) * self.interval
  }

  /// Whether an action is due at `steps`; advances past every multiple crossed.
  ///
  /// - Parameter steps: The environment steps so far.
  /// - Returns: True once for every call at or past a due step (several multiples crossed at once count once).
  public mutating func isDue(at steps: Int) -> Bool {
    guard steps >= nextDue else { return false }
    nextDue = (steps / interval + 1) * interval
    return true
  }
}

/// Calls an action at the first update at or after every multiple of N environment steps, e.g. to write a
/// checkpoint (SB3's `CheckpointCallback`) or to run an evaluation that keeps the best model (`EvalCallback`): at an
/// update the loop state is complete. The action gets the step count and may throw; an error stops training with
/// its description as the reason.
public final class PeriodicCallback: TrainingCallback {
  private var schedule: StepSchedule
  private let action: (Int) throws -> CallbackDecision

  /// Creates the callback; `startingAfter` is the resume step.
  ///
  /// - Parameters:
  ///   - interval: The interval in environment steps (at least 1).
  ///   - steps: The steps already taken when resuming; multiples up to it are not due again.
  ///   - action: Called with the step count at the first update at or after each multiple; its decision is returned to
  ///     the loop, and an error stops training with its description as the reason.
  public init(
    everySteps interval: Int, startingAfter steps: Int = 0, action: @escaping (Int) throws -> CallbackDecision
  ) {
    schedule = StepSchedule(interval: interval, startingAfter: steps)
    self.action = action
  }

  public func onUpdate(_ info: UpdateInfo) -> CallbackDecision {
    guard schedule.isDue(at: info.environmentSteps) else { return .proceed }
    do {
      return try action(info.environmentSteps)
    } catch {
      return .stop(reason: "periodic action failed at \(info.environmentSteps) steps: \(error)")
    }
  }
}

// MARK: - Evaluation statistics

extension EvaluationInfo {
  /// Mean return of the evaluation episodes.
  public var meanReturn: Double { Statistics.mean(returns) }
  /// Standard deviation of the returns (population, as SB3's `evaluate_policy` reports).
  public var returnStandardDeviation: Double { Statistics.standardDeviation(returns, deltaDegreesOfFreedom: 0) }
}
