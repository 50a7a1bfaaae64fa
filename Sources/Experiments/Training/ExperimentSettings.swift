import PolicyGradient

// MARK: - Experiment settings
//
// A preset (or `rein train` with `--set key=value`) is a flat configuration with dotted keys. This file turns one
// into an ``ExperimentPlan`` through the settings table (Settings/SettingsTable.swift), which declares every key.

/// The algorithm an experiment trains, with its configuration (the registry's definition and a configuration of
/// its type).
public struct AlgorithmChoice: @unchecked Sendable, Equatable {
  /// The algorithm as registered.
  public let definition: AlgorithmDefinition
  /// Its configuration, of the definition's type.
  public internal(set) var configuration: any AlgorithmConfiguration

  /// The definition with its default configuration.
  ///
  /// - Parameter definition: The registered algorithm.
  public init(_ definition: AlgorithmDefinition) {
    self.definition = definition
    configuration = definition.makeDefault()
  }

  /// `configuration` for the built-in (or registered) algorithm whose configurations are of its type.
  ///
  /// - Parameters:
  ///   - configuration: A typed configuration, such as a ``PPOConfiguration``.
  ///   - registry: Where the algorithm whose configuration type is `C` is looked up.
  /// - Throws: ``ExperimentError/invalidSetting(key:value:expected:)`` when no registered algorithm has configurations
  ///   of type `C`.
  public init<C: AlgorithmConfiguration>(_ configuration: C, registry: AlgorithmRegistry = .shared) throws {
    guard let definition = registry.all.first(where: { $0.configurationType == C.self }) else {
      throw ExperimentError.invalidSetting(
        key: "algorithm", value: "\(C.self)", expected: "a registered algorithm's configuration")
    }
    self.definition = definition
    self.configuration = configuration
  }

  /// The name presets use.
  public var name: String { definition.name }

  /// True for the algorithms that step a vector environment.
  public var isVectorized: Bool { definition.isVectorized }

  /// The configuration, if it is of type `C`.
  ///
  /// - Parameter type: The configuration type expected.
  public func typed<C: AlgorithmConfiguration>(_ type: C.Type) -> C? { configuration as? C }

  /// Builds the agent for one seed.
  ///
  /// - Parameter context: The plan, the seed and the environments' registry.
  /// - Throws: What the definition's factory throws (an environment that cannot be made, a configuration the algorithm
  ///   refuses).
  public func makeAgent(_ context: AgentContext) throws -> any Agent {
    try definition.make(configuration, context)
  }

  public static func == (lhs: AlgorithmChoice, rhs: AlgorithmChoice) -> Bool {
    func equal<C: AlgorithmConfiguration>(_ a: C, _ b: any AlgorithmConfiguration) -> Bool { (b as? C) == a }
    return lhs.name == rhs.name && equal(lhs.configuration, rhs.configuration)
  }
}

/// How progress is printed while training.
public struct PrintSettings: Sendable, Equatable {
  /// Print a line every this many episodes of a seed (0: never).
  public var everyEpisodes = 0
  /// The number of recent episodes whose mean return the line shows.
  public var window = 100
  /// Print an SB3-style table every this many updates of a seed (0: never).
  public var everyUpdates = 0
  /// The progress display: `auto` (a bar on a terminal, lines otherwise), `bar`, `lines` or `none`.
  public var progress = "auto"
}

/// Everything one experiment needs, read from a configuration.
///
/// The defaults here are those of absent keys; ``SettingsTable`` binds each key to its field.
public struct ExperimentPlan: Sendable, Equatable {
  public var name: String
  public var algorithm: AlgorithmChoice
  public var environmentID: String
  public var environmentArguments: EnvironmentArguments = [:]
  public var seeds: [UInt64] = [1]
  public var budget = TrainingBudget()
  /// Environments per seed for A2C and PPO.
  public var environmentCount = 1
  /// Step a seed's environments on several threads.
  public var parallelEnvironments = false
  /// Seeds trained at the same time (each seed's results are identical whatever this is; 0: the number of cores).
  public var parallelSeeds = 0
  /// Deterministic evaluation episodes after training (0: none).
  public var evaluationEpisodes = 10
  public var evaluationDeterministic = true
  /// Record the last evaluation episode of each seed as `final-episode.gif` in the seed's folder.
  public var recordFinal = false
  public var printing = PrintSettings()
  public var plotTitle = ""
  /// The plot's x axis: `episode` (per-episode returns, for the episodic algorithms) or `step`.
  public var plotX = "step"
  public var plotSmoothing = 1
  /// Whether the plots draw each seed as a thin line under the mean (`plot.seeds`).
  public var plotSeeds = false
  /// After saving, load the checkpoint back and play one test episode with it (W8).
  public var testEpisodeAfterReload = false
  /// Write the seed's full state to `latest_checkpoint.safetensors` at the first update boundary at or after every
  /// multiple of this many environment steps (0: never). Runs with it can be resumed with `--resume`.
  public var checkpointEvery: Int = 0
  /// Also save the model alone (weights, normalisation statistics, optimizer state, counters) every this many
  /// environment steps, at the first update at or after each multiple, to numbered files
  /// `seed-S/models/model-<steps>-steps.safetensors` (0: never), as Stable-Baselines3's `CheckpointCallback`.
  public var saveEvery: Int = 0
  /// Keep only the newest this many of the numbered model files of `saveEvery`, deleting older ones (0: keep all).
  public var keepLast: Int = 0
  /// Start each seed from this checkpoint instead of a fresh agent (`rein train --continue`): its weights, optimizer
  /// state, normalisation statistics, counters and, when it holds them, its environments' state carry on, and the
  /// step budget counts from 0 as in the source run. Nil starts fresh.
  public var continueFrom: String?
  /// How the schedules run when continuing: `extend` (their horizon is the whole budget, old and new steps, and
  /// progress goes on from where it was, as Stable-Baselines3's `learn(reset_num_timesteps=False)`) or `restart`
  /// (they start again over the new steps).
  public var continueSchedule = "extend"
  /// Evaluate deterministically on a separate environment at the first update boundary at or after every multiple
  /// of this many environment steps (0: never), `evaluationEpisodes` episodes each.
  public var evaluationEvery: Int = 0
  /// Stop a seed once a periodic evaluation's mean return reaches this.
  public var stopAtEvaluationReturn: Double?
  /// Stop a seed after this many periodic evaluations in a row without a new best mean return (0: never).
  public var stopAfterNoImprovement: Int = 0
}

extension ExperimentPlan {
  /// A plan with every default, for `algorithm` on `environmentID`.
  ///
  /// - Parameters:
  ///   - name: The experiment's name (the run folder's, the summary's).
  ///   - algorithm: The algorithm with its configuration.
  ///   - environmentID: The registered environment id, such as `CartPole-v1`.
  public init(name: String, algorithm: AlgorithmChoice, environmentID: String) {
    self.name = name
    self.algorithm = algorithm
    self.environmentID = environmentID
  }

  /// Reads a plan from `configuration` through ``SettingsTable``: every key must be a setting (else the error
  /// names the closest ones) that the chosen algorithm reads, every number finite and in its setting's range.
  /// Absent keys keep the defaults of the plan and of the algorithm's typed configuration.
  ///
  /// - Parameters:
  ///   - configuration: The preset's keys with any `--set` overrides applied.
  ///   - defaultName: The name when the configuration gives none.
  ///   - algorithms: Where `algorithm` is looked up.
  /// - Throws: ``ConfigurationError`` for an unknown key (with the closest ones), a key the algorithm does not read, or
  ///   a value of the wrong type; ``ExperimentError`` for a value outside its range or a plan that cannot run;
  ///   ``TrainingError`` for an invalid budget.
  public init(
    _ configuration: RunConfiguration, defaultName: String = "run", algorithms: AlgorithmRegistry = .shared
  ) throws {
    let c = configuration
    let settings = SettingsTable.settings(in: algorithms)
    let known = settings.map(\.key).filter { !$0.hasSuffix(".*") }
    let extra = c.keys.filter { !$0.hasPrefix("env_kwargs.") }
    try RunConfiguration(Dictionary(uniqueKeysWithValues: extra.map { ($0, c.values[$0]!) }))
      .validate(knownKeys: known)
    let definition = try algorithms.definition(named: try c.string("algorithm"))
    var planRoot: Any = ExperimentPlan(
      name: defaultName, algorithm: AlgorithmChoice(definition), environmentID: "")
    var configurationRoot: Any = definition.makeDefault()
    var applied: [(Setting, SettingBinding)] = []
    for setting in settings where !setting.bindings.isEmpty {
      guard let binding = setting.binding(for: definition) else {
        if c.values[setting.key] != nil {
          let users = algorithms.all.filter { setting.binding(for: $0) != nil }.map(\.name)
          throw ConfigurationError.unusedSetting(key: setting.key, algorithm: definition.name, usedBy: users)
        }
        continue
      }
      let isPlan = binding.target == .plan
      if let value = c.values[setting.key] {
        if isPlan {
          try binding.apply(&planRoot, value, setting.key)
        } else {
          try binding.apply(&configurationRoot, value, setting.key)
        }
        applied.append((setting, binding))
      } else if setting.required {
        throw ConfigurationError.missingKey(setting.key)
      }
    }
    for setting in settings where c.values[setting.key] == nil {
      guard let binding = setting.binding(for: definition), let derive = binding.applyDerivedDefault else { continue }
      if binding.target == .plan { derive(&planRoot) } else { derive(&configurationRoot) }
    }
    for (setting, binding) in applied {
      try setting.check(binding.target == .plan ? planRoot : configurationRoot, through: binding)
    }
    var algorithmConfiguration = configurationRoot as! any AlgorithmConfiguration
    definition.finish(&algorithmConfiguration)
    self = planRoot as! ExperimentPlan
    algorithm.configuration = algorithmConfiguration

    for key in c.keys(under: "env_kwargs") {
      let name = String(key.dropFirst("env_kwargs.".count))
      environmentArguments[name] = try ExperimentPlan.environmentArgument(c.values[key]!, key: key)
    }
    try checkCombinations()
    try budget.validate()
    try definition.validate(algorithm.configuration, self)
  }

  /// The seeds of a `--seeds 1,2,3` option (no empty entries; repeats are refused when the plan is read).
  ///
  /// - Parameter text: Comma-separated integers, such as `1,2,3`.
  /// - Throws: ``ExperimentError/invalidSetting(key:value:expected:)`` for an empty entry or one that is not an
  ///   integer.
  public static func seedList(parsing text: String) throws -> [Int] {
    let entries = text.split(separator: ",", omittingEmptySubsequences: false).map {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
    guard !entries.isEmpty, entries.allSatisfy({ $0 != nil }) else {
      throw ExperimentError.invalidSetting(
        key: "--seeds", value: "'\(text)'", expected: "comma-separated integers without empty entries, e.g. 1,2,3")
    }
    return entries.map { $0! }
  }

  /// The checks that involve more than one setting.
  private func checkCombinations() throws {
    guard !seeds.isEmpty else {
      throw ExperimentError.invalidSetting(key: "seeds", value: "[]", expected: "a list of at least one seed")
    }
    let repeated = Dictionary(grouping: seeds, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    guard repeated.isEmpty else {
      let list = { (values: [UInt64]) in values.map(String.init).joined(separator: ", ") }
      throw ExperimentError.invalidSetting(
        key: "seeds", value: "[\(list(seeds))]",
        expected: "a list without repeats (each seed trains into its own folder; \(list(repeated)) repeated)")
    }
    if evaluationEvery == 0 && (stopAtEvaluationReturn != nil || stopAfterNoImprovement > 0) {
      throw ExperimentError.invalidSetting(
        key: stopAtEvaluationReturn != nil ? "stop_at_eval_return" : "stop_after_no_improvement",
        value: "set", expected: "used together with eval_every (periodic evaluations are what it watches)")
    }
    if keepLast > 0 && saveEvery == 0 {
      throw ExperimentError.invalidSetting(
        key: "keep_last", value: "\(keepLast)", expected: "used together with save_every (the files it keeps)")
    }
    if evaluationEvery > 0 && evaluationEpisodes <= 0 {
      throw ExperimentError.invalidSetting(
        key: "eval_episodes", value: "\(evaluationEpisodes)", expected: "positive when eval_every is set")
    }
  }

  static func environmentArgument(_ value: ConfigValue, key: String) throws -> EnvironmentArgument {
    switch value {
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .double(let d):
      guard d.isFinite else {
        throw ExperimentError.invalidSetting(key: key, value: "\(value)", expected: "a finite number")
      }
      return .double(d)
    case .string(let s): return .string(s)
    case .list(let items):
      let numbers = items.compactMap { item -> Double? in
        switch item {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
      }
      guard numbers.count == items.count, numbers.allSatisfy(\.isFinite) else {
        throw ExperimentError.invalidSetting(
          key: key, value: "\(value)", expected: "a number, flag, text or list of finite numbers")
      }
      return .doubles(numbers)
    }
  }
}

extension ParameterGrid {
  /// The grid of no sweep: one setting without overrides.
  public static var none: ParameterGrid { try! ParameterGrid([]) }
}

extension RunConfiguration {
  /// The sweep a preset declares under `grid` (a list of `key=v1,v2,...` strings), or none.
  public func gridOptions() throws -> [String] {
    guard let value = values["grid"] else { return [] }
    switch value {
    case .string(let option): return [option]
    case .list(let items):
      return try items.map { item in
        guard case .string(let option) = item else {
          throw ExperimentError.invalidSetting(
            key: "grid", value: "\(value)", expected: "a list of 'key=v1,v2' strings")
        }
        return option
      }
    default:
      throw ExperimentError.invalidSetting(key: "grid", value: "\(value)", expected: "a list of 'key=v1,v2' strings")
    }
  }
}
