import Experiments
import Foundation
import XCTest

/// The progress bar redraws one line in place on a terminal and never mixes with other lines; without a terminal
/// progress is plain lines (issue 16 item 1: every redraw used to end in a newline, 69 lines in a 17-second run, and
/// without a terminal every progress line was followed by a blank one).
final class ProgressTerminalTests: XCTestCase {
  /// What a terminal shows for `text`: `\r` returns to the line's start, ESC[K erases to its end, `\n` starts a new
  /// line (a pseudo-terminal turns it into `\r\n`), anything else overwrites the character under the cursor.
  /// Scalars, not characters: Swift reads `\r\n` as one character.
  static func screen(_ text: String) -> [String] {
    var lines: [[Unicode.Scalar]] = [[]]
    var column = 0
    var characters = Array(text.unicodeScalars)[...]
    while let character = characters.popFirst() {
      switch character {
      case "\r": column = 0
      case "\n":
        lines.append([])
        column = 0
      case "\u{1B}":
        // Only "erase to the end of the line" (ESC [ K) is expected; anything else fails the test below.
        let sequence = String(String.UnicodeScalarView(characters.prefix(2)))
        XCTAssertEqual(sequence, "[K", "unexpected escape sequence")
        characters = characters.dropFirst(2)
        lines[lines.count - 1].removeSubrange(min(column, lines[lines.count - 1].count)...)
      default:
        if column < lines[lines.count - 1].count {
          lines[lines.count - 1][column] = character
        } else {
          lines[lines.count - 1].append(character)
        }
        column += 1
      }
    }
    return lines.map { String(String.UnicodeScalarView($0)) }
  }

  func testStatusLineStaysBelowWholeLines() {
    final class Box: @unchecked Sendable {
      var text = ""
      var lines: [String] = []
    }
    let box = Box()
    let output = StatusLineOutput(terminal: { box.text += $0 })
    output.setStatus("10% bar")
    output.line("a message")
    output.setStatus("20% bar")
    output.setStatus("30%")
    output.line("| table |\n| row   |")
    output.endStatus()
    output.line("done")
    XCTAssertEqual(Self.screen(box.text), ["a message", "| table |", "| row   |", "30%", "done", ""])
    XCTAssertTrue(output.redrawsInPlace)

    let plain = StatusLineOutput(lines: { box.lines.append($0) })
    plain.setStatus("10% bar")
    plain.line("a message")
    plain.setStatus("30%")
    plain.endStatus()
    plain.endStatus()
    XCTAssertEqual(box.lines, ["a message", "30%"])
    XCTAssertFalse(plain.redrawsInPlace)
  }

  /// `rein train` under a pseudo-terminal (util-linux's `script`), with a metrics table printed meanwhile.
  func testTrainRedrawsOneBarInPlaceOnATerminal() throws {
    let rein = try ReinExecutable.required()
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
      throw XCTSkip("util-linux's script (Debian's bsdutils) is needed for a pseudo-terminal")
    }
    let folder = NSTemporaryDirectory() + "rein-pty-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let command =
      "'\(rein)' train ppo CartPole-v1 --steps 60000 --set n_steps=256 --set print_every_updates=100 "
      + "--set eval_episodes=1 --set record_final=false --out '\(folder)/run'"
    let child = try ReinExecutable.runToEnd(
      "/usr/bin/script", ["--quiet", "--return", "--command", command, "/dev/null"],
      environment: ["TERM": "xterm", "REIN_PRESETS": ReinExecutable.presetsDirectory])
    let raw = child.output
    XCTAssertEqual(child.status, 0, raw)

    let screen = Self.screen(raw)
    let bars = screen.filter { $0.contains("% |") }
    XCTAssertEqual(bars.count, 1, "one bar on the screen, not one per redraw:\n\(screen.joined(separator: "\n"))")
    XCTAssertTrue(bars.first?.contains("100% |") ?? false, bars.first ?? "")
    XCTAssertGreaterThan(raw.components(separatedBy: "% |").count - 1, 3, "the bar was redrawn during training")
    // The table came out whole, on lines of its own.
    let tableRows = screen.filter { $0.hasPrefix("| ") }
    XCTAssertFalse(tableRows.isEmpty, screen.joined(separator: "\n"))
    for row in tableRows { XCTAssertTrue(row.hasSuffix("|") && !row.contains("% |"), row) }
    XCTAssertLessThan(screen.count, 60, "lines on the screen:\n\(screen.joined(separator: "\n"))")
  }

  func testWithoutATerminalProgressIsPlainLinesWithoutBlankOnes() throws {
    let folder = NSTemporaryDirectory() + "rein-lines-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let outcome = try ReinExecutable.run(
      [
        "train", "ppo", "CartPole-v1", "--steps", "20000", "--set", "n_steps=256", "--set", "eval_episodes=1",
        "--set", "record_final=false", "--out", folder + "/run",
      ], in: folder)
    XCTAssertEqual(outcome.status, 0, outcome.output)
    XCTAssertFalse(outcome.output.contains("\r"), outcome.output)
    let lines = outcome.output.components(separatedBy: "\n")
    let progress = lines.indices.filter { lines[$0].hasPrefix("progress: ") }
    XCTAssertGreaterThanOrEqual(progress.count, 2, outcome.output)
    for index in progress where index + 1 < lines.count {
      XCTAssertFalse(lines[index + 1].isEmpty, "a blank line after \(lines[index])")
    }
  }
}
