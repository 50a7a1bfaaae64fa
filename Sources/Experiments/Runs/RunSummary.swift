import Gym

// MARK: - Run summary

/// What one seed of a run achieved, as `summary.json` records it (DESIGN.md).
public struct SeedSummary: Equatable, Sendable {
  /// The seed.
  public var seed: Int
  /// Environment steps taken (summed over vectorised environments).
  public var environmentSteps: Int
  /// Training episodes completed.
  public var episodes: Int
  /// Wall-clock duration of training in seconds.
  public var wallSeconds: Double
  /// Environment steps per second of wall-clock time.
  public var stepsPerSecond: Double
  /// Mean return of the last 100 training episodes (fewer if there were fewer).
  public var finalReturnMean: Double
  /// Mean return of the final evaluation episodes, nil without evaluation.
  public var evaluationMean: Double?
  /// Standard deviation of the final evaluation returns, nil without evaluation.
  public var evaluationStandardDeviation: Double?

  /// Creates a seed summary.
  ///
  /// - Parameters:
  ///   - seed: The seed.
  ///   - environmentSteps: Environment steps trained.
  ///   - episodes: Training episodes finished.
  ///   - wallSeconds: Wall-clock seconds of training.
  ///   - stepsPerSecond: Environment steps per second of wall-clock time.
  ///   - finalReturnMean: The mean return of the last 100 training episodes (NaN without episodes).
  ///   - evaluationMean: The mean return of the final evaluation; nil without one.
  ///   - evaluationStandardDeviation: The population standard deviation of those returns; nil without an evaluation.
  public init(
    seed: Int, environmentSteps: Int, episodes: Int, wallSeconds: Double, stepsPerSecond: Double,
    finalReturnMean: Double, evaluationMean: Double? = nil, evaluationStandardDeviation: Double? = nil
  ) {
    self.seed = seed
    self.environmentSteps = environmentSteps
    self.episodes = episodes
    self.wallSeconds = wallSeconds
    self.stepsPerSecond = stepsPerSecond
    self.finalReturnMean = finalReturnMean
    self.evaluationMean = evaluationMean
    self.evaluationStandardDeviation = evaluationStandardDeviation
  }

  /// The JSON object with the keys of the contract: `seed`, `env_steps`, `episodes`, `wall_s`, `steps_per_s`,
  /// `final_return_mean`, `eval_mean`, `eval_std` (null when there was no evaluation).
  public var json: JSONValue {
    [
      "seed": .int(seed), "env_steps": .int(environmentSteps), "episodes": .int(episodes),
      "wall_s": .double(wallSeconds), "steps_per_s": .double(stepsPerSecond),
      "final_return_mean": .double(finalReturnMean), "eval_mean": evaluationMean.map(JSONValue.double) ?? .null,
      "eval_std": evaluationStandardDeviation.map(JSONValue.double) ?? .null,
    ]
  }

  /// Reads a seed summary back from its JSON object.
  ///
  /// - Parameter json: An object of `runs` in summary.json.
  /// - Throws: ``RunFolderError/malformedSummary(reason:)`` when a field is missing or not a number.
  public init(json: JSONValue) throws {
    func number(_ key: String) throws -> Double {
      guard let value = json[key]?.doubleValue else {
        throw RunFolderError.malformedSummary(reason: "'\(key)' is missing or not a number")
      }
      return value
    }
    func integer(_ key: String) throws -> Int {
      guard let value = json[key]?.intValue else {
        throw RunFolderError.malformedSummary(reason: "'\(key)' is missing or not an integer")
      }
      return value
    }
    self.init(
      seed: try integer("seed"), environmentSteps: try integer("env_steps"), episodes: try integer("episodes"),
      wallSeconds: try number("wall_s"), stepsPerSecond: try number("steps_per_s"),
      finalReturnMean: try number("final_return_mean"), evaluationMean: json["eval_mean"]?.doubleValue,
      evaluationStandardDeviation: json["eval_std"]?.doubleValue)
  }
}

/// The contents of `summary.json`: per seed (and setting, for sweeps) what it achieved, plus aggregates.
///
///     {
///       "runs": [{"setting": "clip=0.1", "seed": 1, "env_steps": 100000, ...}, ...],
///       "aggregate": {"clip=0.1": {"final_return_mean": {"mean": ..., "ci95_low": ..., "ci95_high": ..., "n": 3},
///                                  (ci95: the percentile-bootstrap 95% interval of the mean over seeds)
///                                  "eval_mean": {...}}},
///       ... caller's fields (algorithm, env_id, ...)
///     }
///
/// Runs without a sweep use the setting name `""`.
public struct RunSummary: Equatable, Sendable {
  /// One seed's summary and the sweep setting it belongs to.
  public struct Entry: Equatable, Sendable {
    /// The sweep setting (e.g. `clip=0.1,epochs=3`), or `""` for a single configuration.
    public var setting: String
    /// The seed's results.
    public var seed: SeedSummary

    /// Creates an entry.
    ///
    /// - Parameters:
    ///   - setting: The sweep setting's label; empty for a single configuration.
    ///   - seed: The seed's results.
    public init(setting: String = "", seed: SeedSummary) {
      self.setting = setting
      self.seed = seed
    }
  }

  /// The seeds' results in the order they were added.
  public var entries: [Entry]
  /// Extra top-level fields (algorithm, environment id, Rein version, ...).
  public var fields: [String: JSONValue]

  /// Creates a summary.
  ///
  /// - Parameters:
  ///   - entries: The seeds' results, in order.
  ///   - fields: Extra top-level fields of summary.json.
  public init(entries: [Entry] = [], fields: [String: JSONValue] = [:]) {
    self.entries = entries
    self.fields = fields
  }

  /// The settings in first-seen order.
  public var settings: [String] {
    var seen: [String] = []
    for entry in entries where !seen.contains(entry.setting) { seen.append(entry.setting) }
    return seen
  }

  /// The JSON document.
  public var json: JSONValue {
    var object = fields
    object["runs"] = .array(
      entries.map { entry in
        var seed = entry.seed.json.objectValue!
        seed["setting"] = .string(entry.setting)
        return .object(seed)
      })
    var aggregate: [String: JSONValue] = [:]
    for setting in settings {
      let seeds = entries.filter { $0.setting == setting }.map(\.seed)
      var metrics: [String: JSONValue] = [:]
      let columns: [(String, [Double])] = [
        ("final_return_mean", seeds.map(\.finalReturnMean)), ("eval_mean", seeds.compactMap(\.evaluationMean)),
        ("steps_per_s", seeds.map(\.stepsPerSecond)),
      ]
      for (name, values) in columns where !values.isEmpty {
        // The interval is the percentile bootstrap's (as in results.md and the plots), not Student's t: it stays
        // within the seeds' values.
        let interval = Bootstrap.meanInterval(values)
        let deviation = Statistics.standardDeviation(values)
        metrics[name] = [
          "mean": .double(Statistics.mean(values)), "std": deviation.isFinite ? .double(deviation) : .null,
          "ci95_low": interval.map { .double($0.lower) } ?? .null,
          "ci95_high": interval.map { .double($0.upper) } ?? .null, "n": .int(values.count),
        ]
      }
      aggregate[setting] = .object(metrics)
    }
    object["aggregate"] = .object(aggregate)
    return .object(object)
  }

  /// Reads a summary document back (aggregates are recomputed, not read).
  ///
  /// - Parameter json: A summary.json document.
  /// - Throws: ``RunFolderError/malformedSummary(reason:)`` without a `runs` list or with a malformed entry.
  public init(json: JSONValue) throws {
    guard let object = json.objectValue, let runs = object["runs"]?.arrayValue else {
      throw RunFolderError.malformedSummary(reason: "there is no 'runs' list")
    }
    entries = try runs.map { Entry(setting: $0["setting"]?.stringValue ?? "", seed: try SeedSummary(json: $0)) }
    fields = object.filter { $0.key != "runs" && $0.key != "aggregate" }
  }
}
