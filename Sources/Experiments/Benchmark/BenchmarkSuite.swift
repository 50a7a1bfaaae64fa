import Foundation

// MARK: - Benchmark suites
//
// A suite is tasks x seeds, each task trained with a preset for a step budget. It expands into cells, one per
// task and seed, tasks outermost: each cell is an ordinary one-seed run (`rein run PRESET --set env=TASK --set
// seeds=[SEED] --set steps=STEPS`) in its own run folder, independent of every other cell, with a stable index, so
// that a scheduler (these cores, or a cluster) may run any subset in any order.

/// A benchmark suite: tasks x seeds x a preset, as independent cells.
public struct BenchmarkSuite: Sendable, Equatable {
  /// One task: an environment and the preset that trains it.
  public struct Task: Sendable, Equatable {
    /// The environment id.
    public var environmentID: String
    /// A preset name or file.
    public var preset: String

    /// Creates a task.
    ///
    /// - Parameters:
    ///   - environmentID: The environment id.
    ///   - preset: A preset name or file.
    public init(environmentID: String, preset: String) {
      self.environmentID = environmentID
      self.preset = preset
    }
  }

  /// One cell: a task and a seed, at a stable index.
  public struct Cell: Sendable, Equatable {
    /// The position in ``BenchmarkSuite/cells`` (tasks outermost, then seeds).
    public var index: Int
    /// The task.
    public var task: Task
    /// The seed.
    public var seed: Int
    /// The cell's run folder name inside the suite's folder: `cells/ENV-seedN`.
    public var folderName: String { "cells/\(task.environmentID)-seed\(seed)" }
  }

  /// The suite's name.
  public var name: String
  /// The tasks, in table order.
  public var tasks: [Task]
  /// The seeds every task is trained with.
  public var seeds: [Int]
  /// Environment steps per seed.
  public var steps: Int
  /// Settings applied on top of every task's preset (`key=value`, as `--set`).
  public var overrides: [String]

  /// Creates a suite.
  ///
  /// - Parameters:
  ///   - name: The suite's name.
  ///   - tasks: The tasks, in table order.
  ///   - seeds: The seeds of every task.
  ///   - steps: Environment steps per seed.
  ///   - overrides: `key=value` settings applied on top of every task's preset.
  public init(name: String, tasks: [Task], seeds: [Int], steps: Int, overrides: [String] = []) {
    self.name = name
    self.tasks = tasks
    self.seeds = seeds
    self.steps = steps
    self.overrides = overrides
  }

  /// Every cell: tasks outermost, then seeds; a cell's index depends only on its task's and seed's positions.
  public var cells: [Cell] {
    tasks.enumerated().flatMap { t, task in
      seeds.enumerated().map { s, seed in Cell(index: t * seeds.count + s, task: task, seed: seed) }
    }
  }

  /// The eleven MuJoCo v5 tasks, in Gymnasium's order.
  public static let mujocoV5 = [
    "Ant-v5", "HalfCheetah-v5", "Hopper-v5", "HumanoidStandup-v5", "Humanoid-v5", "InvertedDoublePendulum-v5",
    "InvertedPendulum-v5", "Pusher-v5", "Reacher-v5", "Swimmer-v5", "Walker2d-v5",
  ]

  /// The built-in suites' names.
  public static let builtInNames = ["mujoco-1m", "mujoco-1m-v4", "mujoco-zoo"]

  /// A built-in suite: `mujoco-1m` (the eleven v5 tasks, 3 seeds, 1M steps, `ppo-mujoco-cleanrl`),
  /// `mujoco-1m-v4` (CleanRL's five v4 tasks, the same recipe) or `mujoco-zoo` (the RL Zoo presets on their tasks).
  ///
  /// - Parameter name: One of ``builtInNames``.
  /// - Returns: The suite, or nil for another name.
  public static func builtIn(_ name: String) -> BenchmarkSuite? {
    // Periodic checkpoints let an interrupted cell resume where it was.
    let checkpoints = ["checkpoint_every=100000"]
    switch name {
    case "mujoco-1m":
      return BenchmarkSuite(
        name: name, tasks: mujocoV5.map { Task(environmentID: $0, preset: "ppo-mujoco-cleanrl") }, seeds: [1, 2, 3],
        steps: 1_000_000, overrides: checkpoints)
    case "mujoco-1m-v4":
      let v4 = ["HalfCheetah-v4", "Hopper-v4", "Walker2d-v4", "InvertedPendulum-v4", "Humanoid-v4"]
      return BenchmarkSuite(
        name: name, tasks: v4.map { Task(environmentID: $0, preset: "ppo-mujoco-cleanrl") }, seeds: [1, 2, 3],
        steps: 1_000_000, overrides: checkpoints)
    case "mujoco-zoo":
      let zoo = ["HalfCheetah", "Hopper", "Walker2d", "Ant", "Swimmer", "Humanoid"]
      return BenchmarkSuite(
        name: name,
        tasks: zoo.map { Task(environmentID: "\($0)-v5", preset: "ppo-zoo-\($0.lowercased())") }, seeds: [1, 2, 3],
        steps: 1_000_000, overrides: checkpoints)
    default:
      return nil
    }
  }

  /// A suite from a YAML file:
  ///
  ///     name: my-suite            # optional: the file's name
  ///     preset: ppo-pendulum      # the tasks' preset
  ///     tasks: [Pendulum-v1, MountainCarContinuous-v0@ppo-mountaincar]   # ENV or ENV@PRESET
  ///     seeds: [1, 2, 3]
  ///     steps: 100000
  ///     set: ["n_steps=256"]      # optional: settings on top of every preset
  ///
  /// - Parameter path: The YAML file.
  /// - Throws: ``ConfigurationError`` for unreadable YAML, and ``BenchmarkError/invalidSuite(path:reason:)`` for a
  ///   missing or malformed key.
  public init(contentsOfFile path: String) throws {
    let file = try RunConfiguration(contentsOfFile: path)
    func invalid(_ reason: String) -> BenchmarkError { .invalidSuite(path: path, reason: reason) }
    let known = ["name", "preset", "tasks", "seeds", "steps", "set"]
    if let unknown = file.keys.first(where: { !known.contains($0) }) {
      throw invalid("unknown key '\(unknown)' (a suite has \(known.joined(separator: ", ")))")
    }
    func strings(_ key: String) throws -> [String] {
      guard let value = file.values[key] else { return [] }
      guard case .list(let items) = value else { throw invalid("'\(key)' must be a list of strings") }
      return try items.map {
        guard case .string(let s) = $0 else { throw invalid("'\(key)' must be a list of strings") }
        return s
      }
    }
    let preset = file.values["preset"].flatMap { if case .string(let s) = $0 { s } else { nil } }
    var tasks: [Task] = []
    for entry in try strings("tasks") {
      let parts = entry.split(separator: "@", maxSplits: 1).map(String.init)
      guard let environment = parts.first, !environment.isEmpty else { throw invalid("an empty task") }
      guard let taskPreset = parts.count == 2 ? parts[1] : preset else {
        throw invalid("task '\(entry)' has no preset: give 'preset:' or write it as \(environment)@PRESET")
      }
      tasks.append(Task(environmentID: environment, preset: taskPreset))
    }
    guard !tasks.isEmpty else { throw invalid("'tasks' must list at least one environment id") }
    let seeds: [Int]
    let steps: Int
    do {
      seeds = try file.ints("seeds", default: [1, 2, 3])
      steps = try file.int("steps")
    } catch {
      throw invalid("\(error)")
    }
    guard !seeds.isEmpty, Set(seeds).count == seeds.count, seeds.allSatisfy({ $0 >= 0 }) else {
      throw invalid("'seeds' must be distinct non-negative integers")
    }
    guard steps > 0, Double(steps) <= SettingsTable.maximumBudget else {
      throw invalid("'steps' must be a positive number of environment steps")
    }
    let name = file.values["name"].flatMap { if case .string(let s) = $0 { s } else { nil } }
    self.init(
      name: name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, tasks: tasks, seeds: seeds,
      steps: steps, overrides: try strings("set"))
  }
}

/// Errors of `rein benchmark`.
public enum BenchmarkError: Error, CustomStringConvertible, Equatable {
  /// A suite file that cannot be read as a suite.
  case invalidSuite(path: String, reason: String)
  /// Neither a built-in suite nor a file.
  case unknownSuite(name: String)
  /// A reference file that cannot be read.
  case invalidReferences(path: String, reason: String)

  public var description: String {
    switch self {
    case .invalidSuite(let path, let reason): return "\(path) is not a benchmark suite: \(reason)"
    case .unknownSuite(let name):
      return "no suite '\(name)': give one of \(BenchmarkSuite.builtInNames.joined(separator: ", ")) or a YAML file"
    case .invalidReferences(let path, let reason): return "cannot read the references \(path): \(reason)"
    }
  }
}
