import Foundation
import PolicyGradient

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Progress display

/// Shows training progress: a live bar on a terminal, plain periodic lines otherwise (CI logs, files).
///
///     let progress = ProgressDisplay(totalSteps: 100_000)
///     ... progress.update(completed: steps, recentReturn: meanOfLast100)
///     progress.finish(completed: steps, recentReturn: meanOfLast100)
///
/// The bar shows `  45% |██████████░░░░░░░░░░░░| 45,056/100,000 steps  2,815 steps/s  ETA 0:19  return -151.2`
/// and is redrawn at most every ``barRefreshInterval`` seconds; lines are printed every ``lineInterval`` seconds.
/// Calls are cheap when nothing is due, so it can be updated every step.
public final class ProgressDisplay {
  /// How progress is shown.
  public enum Style: Sendable {
    /// A bar when standard output is a terminal, lines otherwise.
    case automatic
    /// A bar redrawn in place (carriage return).
    case bar
    /// One line per interval.
    case lines
    /// Nothing.
    case silent
  }

  /// The step count at which training ends.
  public let totalSteps: Int
  /// The word after the counts, e.g. "steps" or "episodes".
  public let unit: String
  /// The resolved style (never `.automatic`).
  public let style: Style
  /// Seconds between plain lines.
  public var lineInterval: Double
  /// Seconds between bar redraws.
  public var barRefreshInterval: Double
  /// Width of the bar in characters.
  public var barWidth: Int = 24

  private let clock: () -> Double
  private let write: (String) -> Void
  private let output: StatusLineOutput?
  private let startTime: Double
  private var startCompleted: Int
  private var lastDraw = -Double.infinity
  private var lastLineLength = 0
  private var finished = false

  /// Creates a display. `completedAtStart` is where a resumed run starts (its rate counts only new steps);
  /// `clock` (seconds) and `write` can be replaced, e.g. in tests.
  ///
  /// - Parameters:
  ///   - totalSteps: The steps (or episodes) of the whole run, at least 1.
  ///   - unit: The word after the counts, such as `steps` or `episodes`.
  ///   - style: How progress is drawn; `automatic` draws a bar on a terminal and lines otherwise.
  ///   - completedAtStart: Where a resumed run starts; the rate counts only the steps after it.
  ///   - lineInterval: Seconds between two lines in the `lines` style.
  ///   - barRefreshInterval: Seconds between two redraws of the bar.
  ///   - clock: The time in seconds; nil uses the monotonic clock.
  ///   - write: Receives the text drawn; nil writes to standard output. Not used when `output` is given.
  ///   - output: The stream shared with the run's other lines: the bar is its status line, so messages and tables
  ///     printed meanwhile appear above the bar instead of mixing with it; `automatic` then draws a bar when it
  ///     redraws in place.
  public init(
    totalSteps: Int, unit: String = "steps", style: Style = .automatic, completedAtStart: Int = 0,
    lineInterval: Double = 10, barRefreshInterval: Double = 0.1, clock: (() -> Double)? = nil,
    write: ((String) -> Void)? = nil, output: StatusLineOutput? = nil
  ) {
    self.totalSteps = max(totalSteps, 1)
    self.unit = unit
    let terminal = output?.redrawsInPlace ?? ProgressDisplay.standardOutputIsTerminal()
    self.style = style == .automatic ? (terminal ? .bar : .lines) : style
    self.output = output
    self.lineInterval = lineInterval
    self.barRefreshInterval = barRefreshInterval
    self.clock = clock ?? { MonotonicClock.seconds() }
    self.write =
      write ?? { text in
        FileHandle.standardOutput.write(Data(text.utf8))
      }
    startTime = self.clock()
    startCompleted = completedAtStart
  }

  /// Adds `completed` steps (or episodes) to those done before this display started (a seed that finished
  /// before, or resumes): they show as done, and the rate counts only the steps after them.
  ///
  /// - Parameter completed: The steps (or episodes) done before.
  public func countAsDoneAtStart(_ completed: Int) {
    startCompleted += completed
  }

  /// Reports progress; draws when the refresh interval has passed.
  ///
  /// - Parameters:
  ///   - completed: The steps (or episodes) done so far, resumed ones included.
  ///   - recentReturn: The mean recent return to show; nil shows none.
  public func update(completed: Int, recentReturn: Double? = nil) {
    guard style != .silent, !finished else { return }
    let now = clock()
    let interval = style == .bar ? barRefreshInterval : lineInterval
    guard now - lastDraw >= interval else { return }
    lastDraw = now
    draw(completed: completed, recentReturn: recentReturn, now: now, final: false)
  }

  /// Draws the final state and ends the bar's line.
  ///
  /// - Parameters:
  ///   - completed: The steps (or episodes) done in the end.
  ///   - recentReturn: The mean recent return to show; nil shows none.
  public func finish(completed: Int, recentReturn: Double? = nil) {
    guard style != .silent, !finished else { return }
    finished = true
    draw(completed: completed, recentReturn: recentReturn, now: clock(), final: true)
  }

  // MARK: - Text

  private func draw(completed: Int, recentReturn: Double?, now: Double, final: Bool) {
    let elapsed = max(now - startTime, 0)
    let rate = elapsed > 0 ? Double(completed - startCompleted) / elapsed : 0
    let remaining = rate > 0 ? Double(max(totalSteps - completed, 0)) / rate : nil
    switch style {
    case .bar:
      let line = barLine(
        completed: completed, rate: rate, elapsed: elapsed, remaining: final ? nil : remaining,
        recentReturn: recentReturn)
      if let output {
        output.setStatus(line)
        if final { output.endStatus() }
        return
      }
      let padding = String(repeating: " ", count: max(lastLineLength - line.count, 0))
      lastLineLength = line.count
      write("\r" + line + padding + (final ? "\n" : ""))
    case .lines:
      let line = plainLine(
        completed: completed, rate: rate, elapsed: elapsed, remaining: final ? nil : remaining,
        recentReturn: recentReturn)
      if let output { output.line(line) } else { write(line + "\n") }
    case .automatic, .silent:
      break
    }
  }

  /// The bar text (without carriage return).
  func barLine(completed: Int, rate: Double, elapsed: Double, remaining: Double?, recentReturn: Double?) -> String {
    let fraction = min(max(Double(completed) / Double(totalSteps), 0), 1)
    let filled = Int((fraction * Double(barWidth)).rounded(.down))
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
    var text = String(format: "%4d%% ", Int((fraction * 100).rounded(.down))) + "|\(bar)| "
    text += "\(ProgressDisplay.grouped(completed))/\(ProgressDisplay.grouped(totalSteps)) \(unit)"
    if rate > 0 { text += "  \(ProgressDisplay.grouped(Int(rate.rounded()))) \(unit)/s" }
    text += remaining.map { "  ETA \(ProgressDisplay.duration($0))" } ?? "  \(ProgressDisplay.duration(elapsed))"
    if let recentReturn, recentReturn.isFinite { text += "  return " + String(format: "%.1f", recentReturn) }
    return text
  }

  /// The plain line text (without newline).
  func plainLine(completed: Int, rate: Double, elapsed: Double, remaining: Double?, recentReturn: Double?) -> String {
    let percent = min(max(Double(completed) / Double(totalSteps) * 100, 0), 100)
    var text = "progress: \(completed)/\(totalSteps) \(unit) (" + String(format: "%.1f", percent) + "%)"
    if rate > 0 { text += ", \(Int(rate.rounded())) \(unit)/s" }
    text += ", elapsed \(ProgressDisplay.duration(elapsed))"
    if let remaining { text += ", ETA \(ProgressDisplay.duration(remaining))" }
    if let recentReturn, recentReturn.isFinite { text += ", return " + String(format: "%.2f", recentReturn) }
    return text
  }

  /// `m:ss` or `h:mm:ss`.
  static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "--:--" }
    let total = Int(seconds.rounded())
    let (hours, minutes, secs) = (total / 3600, (total % 3600) / 60, total % 60)
    return hours > 0
      ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
  }

  /// An integer with thousands separators (`1,234,567`).
  static func grouped(_ value: Int) -> String {
    let digits = String(abs(value))
    var output = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { output.append(",") }
      output.append(digit)
    }
    return (value < 0 ? "-" : "") + output
  }

  static func standardOutputIsTerminal() -> Bool {
    isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
  }
}
