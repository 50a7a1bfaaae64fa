import Foundation

// MARK: - Lines with a status line below them

/// One output stream shared by whole lines (messages, the periodic table) and one status line (the progress bar)
/// kept below them.
///
/// On a terminal the status line is redrawn in place (`\r`, then erase to the end of the line), and a whole line
/// first erases the status line, is written with its newline, and has the status line drawn again under it, so the
/// two never mix on one line and the bar never leaves a trail of copies: a whole run shows its messages and one
/// bar. For a line-based destination (a file, a test's closure) only whole lines are written, and a status line is
/// written once, as a line, when it ends. Safe to call from several threads.
public final class StatusLineOutput: @unchecked Sendable {
  private enum Destination {
    case terminal(@Sendable (String) -> Void)
    case lines(@Sendable (String) -> Void)
  }

  private let lock = NSLock()
  private let destination: Destination
  private var status: String?

  /// Output to a terminal: `write` receives text exactly as it is to appear (no newline added), including the
  /// carriage returns and erase sequences that redraw the status line.
  ///
  /// - Parameter write: Receives the raw text, in order.
  public init(terminal write: @escaping @Sendable (String) -> Void) {
    destination = .terminal(write)
  }

  /// Output to a line-based destination: `write` receives each line without its newline.
  ///
  /// - Parameter write: Receives every line, in order.
  public init(lines write: @escaping @Sendable (String) -> Void) {
    destination = .lines(write)
  }

  /// Standard output: a terminal when it is one, lines otherwise.
  public static func standardOutput() -> StatusLineOutput {
    let write: @Sendable (String) -> Void = { text in FileHandle.standardOutput.write(Data(text.utf8)) }
    if ProgressDisplay.standardOutputIsTerminal() { return StatusLineOutput(terminal: write) }
    return StatusLineOutput(lines: { line in write(line + "\n") })
  }

  /// Whether the status line is redrawn in place.
  public var redrawsInPlace: Bool {
    if case .terminal = destination { return true }
    return false
  }

  /// Writes a whole line (without its newline) above the status line.
  ///
  /// - Parameter text: The line; it may hold newlines of its own (a table).
  public func line(_ text: String) {
    lock.withLock {
      switch destination {
      case .terminal(let write):
        write((status == nil ? "" : Self.eraseLine) + text + "\n" + (status ?? ""))
      case .lines(let write):
        write(text)
      }
    }
  }

  /// Draws `text` as the status line, replacing the one shown.
  ///
  /// - Parameter text: The status line, without newline.
  public func setStatus(_ text: String) {
    lock.withLock {
      status = text
      if case .terminal(let write) = destination { write(Self.eraseLine + text) }
    }
  }

  /// Ends the status line: on a terminal it stays where it is and later lines go below it; for lines it is
  /// written once.
  public func endStatus() {
    lock.withLock {
      guard let text = status else { return }
      status = nil
      switch destination {
      case .terminal(let write): write("\n")
      case .lines(let write): write(text)
      }
    }
  }

  /// Carriage return, then erase to the end of the line (ANSI "EL").
  static let eraseLine = "\r\u{1B}[K"
}
