import ArgumentParser
import Foundation
import Rein

// MARK: - rein replay

/// `rein replay ID --seed S --actions FILE`: the JSON-lines contract parity checks run on (see DESIGN.md).
struct ReplayCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replay",
    abstract: "Reset with a seed, apply the actions in FILE and print JSON lines of observations and rewards.",
    discussion: """
      FILE is a JSON array with one action per step: an integer for a discrete action space, a list of numbers
      for a Box. After each episode end (when actions remain) the environment is reset without a seed. Output:
      {"reset_obs": [...]} after each reset and {"obs": [...], "reward": r, "terminated": b, "truncated": b} per
      step, numbers in shortest round-trip form; a reset or step that reports numeric info entries (the v5 MuJoCo
      tasks' reward terms and positions) adds "info": {...} with them (keys sorted, arrays as lists).
      """)

  @Argument(help: "The environment id, such as CartPole-v1.")
  var id: String

  @Option(name: .long, help: "The seed of the first reset.")
  var seed: UInt64

  @Option(name: .long, help: "The JSON file of actions ('-' reads standard input).")
  var actions: String

  func run() throws {
    registerBuiltinEnvironments()
    let text: String
    if actions == "-" {
      text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    } else {
      guard let data = FileManager.default.contents(atPath: actions) else {
        throw ValidationError("cannot read the actions file '\(actions)'")
      }
      text = String(decoding: data, as: UTF8.self)
    }
    let parsed = try EnvironmentReplay.parseActions(text)
    let env = try makeEnvironment(id)
    defer { env.close() }
    var output = ""
    // Lines printed before an error still reach standard output.
    defer { FileHandle.standardOutput.write(Data(output.utf8)) }
    try EnvironmentReplay.run(env, seed: seed, actions: parsed) { line in
      output += line
      output += "\n"
      if output.utf8.count > 1 << 16 {
        FileHandle.standardOutput.write(Data(output.utf8))
        output = ""
      }
    }
  }
}
