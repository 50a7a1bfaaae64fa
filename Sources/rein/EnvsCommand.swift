import ArgumentParser
import Rein

// MARK: - rein envs

/// `rein envs`: every registered environment with its spaces, step limit and reward threshold.
struct EnvsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "envs",
    abstract: "List the registered environments with their spaces, step limit and reward threshold.")

  @Option(name: .long, help: "Only ids containing this text (case-insensitive).")
  var filter: String?

  func run() throws {
    registerBuiltinEnvironments()
    let registry = EnvironmentRegistry.shared
    var rows: [[String]] = [["id", "observation space", "action space", "step limit", "reward threshold"]]
    var problems: [String: [String]] = [:]
    for spec in registry.specs {
      if let filter, !spec.id.lowercased().contains(filter.lowercased()) { continue }
      var observation = "unavailable (see below)"
      var action = "-"
      do {
        let env = try registry.makeUnwrapped(spec.id)
        observation = env.observationSpace.summary
        action = env.actionSpace.summary
        env.close()
      } catch {
        problems["\(error)", default: []].append(spec.id)
      }
      rows.append([
        spec.id, observation, action, spec.maxEpisodeSteps.map(String.init) ?? "-",
        spec.rewardThreshold.map { "\($0)" } ?? "-",
      ])
    }
    let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
      let cells = row.enumerated().map { column, cell in
        column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
      }
      print(cells.joined(separator: "  "))
    }
    for (problem, ids) in problems.sorted(by: { $0.key < $1.key }) {
      print("\n\(ids.joined(separator: ", ")):\n  \(problem)")
    }
  }
}
