import Foundation
import XCTest

/// The examples in `rein train --help` and `rein run --help` work when pasted into a shell (issue 16 item 5: the
/// unquoted `--set learning_rate=linear(7e-4,0)` was a bash syntax error). Each example line is run by /bin/sh as
/// printed, in order in one folder (so `--resume` finds the run an earlier example wrote), with its budget cut to
/// a few hundred steps or a few episodes; every one must exit 0.
final class HelpExamplesTests: XCTestCase {
  /// The examples of `rein COMMAND --help`: each a line starting with `rein`, with the lines it continues with a
  /// trailing backslash; `#` lines explain and are skipped. The help is wrapped at 80 columns without a terminal, as
  /// a user's terminal may wrap it, so an example that does not fit would show up as a stray line after the block.
  private func examples(of command: String, in folder: String) throws -> [String] {
    let help = try ReinExecutable.run([command, "--help"], in: folder)
    XCTAssertEqual(help.status, 0, help.output)
    let lines = help.output.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    guard let start = lines.firstIndex(of: "Examples:") else { return [] }
    var examples: [String] = []
    var index = start + 1
    while index < lines.count {
      let line = lines[index]
      if line.hasPrefix("#") {
        index += 1
      } else if line.hasPrefix("rein ") {
        var example = line
        while example.hasSuffix("\\"), index + 1 < lines.count {
          index += 1
          example += "\n  " + lines[index]
        }
        examples.append(example)
        index += 1
      } else {
        XCTAssertTrue(
          line.isEmpty || line.hasPrefix("USAGE:"),
          "rein \(command) --help: a stray line after the examples (one wrapped?): \(line)")
        break
      }
    }
    return examples
  }

  /// The example with a small budget, and `rein` replaced by the built executable.
  private func shortened(_ example: String, executable: String) -> String {
    var text = example
    for (pattern, replacement) in [
      (#"--steps [0-9]+"#, "--steps 256"), (#"--episodes [0-9]+"#, "--episodes 3"),
      (#"checkpoint_every=[0-9]+"#, "checkpoint_every=128"), (#"eval_every=[0-9]+"#, "eval_every=128"),
    ] {
      text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
    }
    if text.hasPrefix("rein run "), !text.contains("--resume") {
      text += text.contains("reinforce") ? " --set episodes=3" : " --set steps=512"
    }
    if !text.contains("--resume") { text += " --set progress=none --set eval_episodes=1" }
    return "'\(executable)'" + text.dropFirst("rein".count)
  }

  func testEveryExampleRunsAsPrinted() throws {
    let executable = try ReinExecutable.required()
    let folder = NSTemporaryDirectory() + "rein-help-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    // The run examples' own preset file, as a user would have copied it.
    try FileManager.default.copyItem(
      atPath: ReinExecutable.presetsDirectory + "/ppo-cartpole-fast.yaml", toPath: folder + "/my-experiment.yaml")
    var count = 0
    for command in ["train", "run"] {
      let lines = try examples(of: command, in: folder)
      XCTAssertGreaterThanOrEqual(lines.count, 4, "rein \(command) --help shows its examples")
      for example in lines {
        let script = shortened(example, executable: executable)
        let shell = try ReinExecutable.runToEnd(
          "/bin/sh", ["-c", script], in: folder, environment: ["REIN_PRESETS": ReinExecutable.presetsDirectory])
        XCTAssertEqual(shell.status, 0, "\(example)\n  ran as: \(script)\n\(shell.output.suffix(800))")
        count += 1
      }
    }
    XCTAssertGreaterThanOrEqual(count, 11)
  }

  /// `rein presets` describes a sweep by what it varies and how many runs it makes.
  func testPresetsDescribesSweeps() throws {
    let folder = NSTemporaryDirectory()
    let outcome = try ReinExecutable.run(["presets"], in: folder)
    XCTAssertEqual(outcome.status, 0, outcome.output)
    let line = try XCTUnwrap(outcome.output.split(separator: "\n").first { $0.contains("compare-baseline") })
    XCTAssertTrue(
      line.contains("reinforce on CartPole-v1, sweeping baseline in false, true: 2 settings x 5 seeds = 10 runs"),
      String(line))
    let sweep = try XCTUnwrap(outcome.output.split(separator: "\n").first { $0.contains("sweep-ppo-lunarlander") })
    XCTAssertTrue(sweep.contains("27 settings x 3 seeds = 81 runs"), String(sweep))
  }
}
