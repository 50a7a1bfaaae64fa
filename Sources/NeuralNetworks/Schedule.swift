import Foundation

// MARK: - Schedules

/// A coefficient that changes over training: a learning rate, a clip range, an entropy coefficient, ...
///
/// Schedules are functions of the training step and the total number of steps (`progress` = step / total, from 0
/// to 1). They are written in presets as a number or as `linear(0.1, 0.001)`, `exponential(0.1, 0.001)`,
/// `step(0.1, 0.5, 10000)` (times 0.5 every 10,000 steps) or `cosine(0.1, 0.001)`.
public enum Schedule: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
  /// Always `value`.
  case constant(Double)
  /// From `start` at step 0 to `end` at the last step, in a straight line.
  case linear(start: Double, end: Double)
  /// From `start` to `end` geometrically: start · (end / start)^progress.
  case exponential(start: Double, end: Double)
  /// `start` multiplied by `factor` after every `interval` steps.
  case step(start: Double, factor: Double, interval: Int)
  /// From `start` to `end` along half a cosine wave.
  case cosine(start: Double, end: Double)

  /// The value at `step` of a run of `totalSteps` steps.
  ///
  /// - Parameters:
  ///   - step: The training step (environment steps so far).
  ///   - totalSteps: The steps of the whole run; progress is step / totalSteps clamped to [0, 1], and 0 when totalSteps
  ///     is not positive.
  public func value(step: Int, totalSteps: Int) -> Double {
    let progress = totalSteps > 0 ? Swift.min(Swift.max(Double(step) / Double(totalSteps), 0), 1) : 0
    switch self {
    case .constant(let v): return v
    case .linear(let start, let end): return start + (end - start) * progress
    case .exponential(let start, let end): return start * Foundation.pow(end / start, progress)
    case .step(let start, let factor, let interval):
      return start * Foundation.pow(factor, Double(step / Swift.max(interval, 1)))
    case .cosine(let start, let end): return end + (start - end) * (1 + Foundation.cos(Double.pi * progress)) / 2
    }
  }

  /// The value at the start of training.
  public var initialValue: Double { value(step: 0, totalSteps: 1) }

  /// Reads a schedule as written in presets and on the command line.
  ///
  /// - Parameter text: A number, or `constant(v)`, `linear(start, end)`, `exponential(start, end)` (both positive),
  ///   `step(start, factor, interval)` (interval at least 1) or `cosine(start, end)`; spaces are
  ///   ignored.
  /// - Throws: ``ScheduleError`` for text that is none of these.
  public init(parsing text: String) throws {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let v = Double(trimmed) {
      self = .constant(v)
      return
    }
    guard let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") else {
      throw ScheduleError.malformed(text)
    }
    let name = trimmed[..<open].lowercased()
    let arguments = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
      .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    let numbers = arguments.compactMap(Double.init)
    guard numbers.count == arguments.count else { throw ScheduleError.malformed(text) }
    switch (name, numbers.count) {
    case ("constant", 1): self = .constant(numbers[0])
    case ("linear", 2): self = .linear(start: numbers[0], end: numbers[1])
    case ("exponential", 2) where numbers[0] > 0 && numbers[1] > 0:
      self = .exponential(start: numbers[0], end: numbers[1])
    case ("step", 3) where numbers[2] >= 1:
      self = .step(start: numbers[0], factor: numbers[1], interval: Int(numbers[2]))
    case ("cosine", 2): self = .cosine(start: numbers[0], end: numbers[1])
    default: throw ScheduleError.malformed(text)
    }
  }

  public var description: String {
    switch self {
    case .constant(let v): return "\(v)"
    case .linear(let a, let b): return "linear(\(a), \(b))"
    case .exponential(let a, let b): return "exponential(\(a), \(b))"
    case .step(let a, let f, let n): return "step(\(a), \(f), \(n))"
    case .cosine(let a, let b): return "cosine(\(a), \(b))"
    }
  }
}

/// A schedule that could not be read.
public enum ScheduleError: Error, Equatable, CustomStringConvertible {
  case malformed(String)
  public var description: String {
    switch self {
    case .malformed(let text):
      return "cannot read the schedule '\(text)'; write a number or constant(v), linear(start, end), "
        + "exponential(start, end) with positive values, step(start, factor, interval) or cosine(start, end)"
    }
  }
}
