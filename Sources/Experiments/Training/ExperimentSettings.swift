import PolicyGradient

// MARK: - Experiment settings
//
// A preset (or `rein train` with `--set key=value`) is a flat configuration with dotted keys. This file lists every
// key, what it means and which algorithm reads it, and turns a configuration into an ``ExperimentPlan``. Names
// follow Stable-Baselines3 where it has one (`n_steps`, `ent_coef`, ...), so its users recognise them.

/// The algorithm an experiment trains, with its configuration.
public enum AlgorithmChoice: Sendable, Equatable {
  case reinforce(REINFORCEConfiguration)
  case actorCritic(ActorCriticConfiguration)
  case a2c(A2CConfiguration)
  case ppo(PPOConfiguration)

  /// The name presets use.
  public var name: String {
    switch self {
    case .reinforce: return REINFORCE.algorithmName
    case .actorCritic: return OneStepActorCritic.algorithmName
    case .a2c: return A2C.algorithmName
    case .ppo: return PPO.algorithmName
    }
  }

  /// True for the algorithms that step a vector environment.
  public var isVectorized: Bool {
    switch self {
    case .a2c, .ppo: return true
    case .reinforce, .actorCritic: return false
    }
  }

  /// The algorithm names.
  public static let names = ["reinforce", "actor-critic", "a2c", "ppo"]
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
public struct ExperimentPlan: Sendable, Equatable {
  public var name: String
  public var algorithm: AlgorithmChoice
  public var environmentID: String
  public var environmentArguments: EnvironmentArguments
  public var seeds: [UInt64]
  public var budget: TrainingBudget
  /// Environments per seed for A2C and PPO.
  public var environmentCount: Int
  /// Step a seed's environments on several threads.
  public var parallelEnvironments: Bool
  /// Seeds trained at the same time (each seed's results are identical whatever this is).
  public var parallelSeeds: Int
  /// Deterministic evaluation episodes after training (0: none).
  public var evaluationEpisodes: Int
  public var evaluationDeterministic: Bool
  /// Record the last evaluation episode of each seed as `final-episode.gif` in the seed's folder.
  public var recordFinal: Bool
  public var printing: PrintSettings
  public var plotTitle: String
  /// The plot's x axis: `episode` (per-episode returns, for the episodic algorithms) or `step`.
  public var plotX: String
  public var plotSmoothing: Int
  /// Whether the plots draw each seed as a thin line under the mean (`plot.seeds`).
  public var plotSeeds: Bool
  /// After saving, load the checkpoint back and play one test episode with it (W8).
  public var testEpisodeAfterReload: Bool
  /// Write the seed's full state to `latest_checkpoint.safetensors` at the first update boundary at or after every
  /// multiple of this many environment steps (0: never). Runs with it can be resumed with `--resume`.
  public var checkpointEvery: Int = 0
  /// Evaluate deterministically on a separate environment at the first update boundary at or after every multiple
  /// of this many environment steps (0: never), `evaluationEpisodes` episodes each.
  public var evaluationEvery: Int = 0
  /// Stop a seed once a periodic evaluation's mean return reaches this.
  public var stopAtEvaluationReturn: Double?
  /// Stop a seed after this many periodic evaluations in a row without a new best mean return (0: never).
  public var stopAfterNoImprovement: Int = 0
}

extension ExperimentPlan {
  /// Every key an experiment configuration may hold, with its meaning (`rein train --help-keys` prints them).
  public static let keyDescriptions: [(key: String, meaning: String)] = [
    ("name", "the experiment's name (run folder and plot title)"),
    ("grid", "a sweep: a list of 'key=v1,v2,...' entries, as --grid; every combination runs for every seed"),
    ("algorithm", "reinforce, actor-critic, a2c or ppo"),
    ("env", "environment id, as `rein envs` lists them"),
    ("env_kwargs.*", "keyword arguments of the environment, e.g. env_kwargs.continuous: true"),
    ("seeds", "list of seeds; each runs separately, all in one run folder"),
    ("steps", "environment steps per seed"),
    ("episodes", "episodes per seed (the episodic algorithms and A2C/PPO stop after this many)"),
    ("stop_at_mean_return", "stop a seed once the mean return of the last `mean_window` episodes reaches this"),
    ("mean_window", "episodes in the running mean (default 100)"),
    ("n_envs", "environments per seed for a2c and ppo (default 1)"),
    ("parallel_envs", "step a seed's environments on several threads (default false)"),
    ("parallel_seeds", "seeds trained at once (default: the number of cores)"),
    ("eval_episodes", "evaluation episodes after training (default 10)"),
    ("eval_deterministic", "evaluate with the distribution's mode (default true)"),
    ("record_final", "record each seed's last evaluation episode as final-episode.gif in its folder (default false)"),
    ("print_every_episodes", "print the running mean return every this many episodes"),
    ("print_window", "episodes in the printed mean (default 100)"),
    ("print_every_updates", "print a table of training metrics every this many updates"),
    ("progress", "auto, bar, lines or none"),
    ("test_episode_after_reload", "load the saved checkpoint back and play one test episode with it"),
    (
      "checkpoint_every",
      "save the full training state every this many environment steps, at the next update (0: never); "
        + "continue an interrupted run with --resume RUN"
    ),
    (
      "eval_every",
      "evaluate eval_episodes episodes on a separate environment every this many environment steps, at the next "
        + "update; logs eval/mean_reward and eval/std_reward, keeps best_checkpoint.safetensors (0: never)"
    ),
    ("stop_at_eval_return", "stop a seed once a periodic evaluation's mean return reaches this (needs eval_every)"),
    (
      "stop_after_no_improvement",
      "stop a seed after this many periodic evaluations in a row without a new best (needs eval_every; 0: never)"
    ),
    ("plot.title", "the learning-curve plot's title"),
    ("plot.x", "episode or step"),
    ("plot.smoothing", "moving-average window of the plotted curve"),
    ("plot.seeds", "draw each seed as a thin line under the mean (default false)"),
    ("gamma", "discount factor"),
    ("learning_rate", "learning rate: a number or a schedule such as linear(3e-4, 0)"),
    ("optimizer", "adam, adamw, sgd or rmsprop (reinforce, actor-critic, a2c)"),
    ("weight_decay", "optimizer weight decay (reinforce)"),
    ("standardize_returns", "standardise each episode's returns (reinforce)"),
    ("baseline", "learn a value baseline with its own optimizer (reinforce)"),
    ("value_learning_rate", "the baseline's learning rate (reinforce)"),
    ("sum_over_episode", "sum the per-step losses instead of averaging them (reinforce)"),
    ("n_steps", "steps per environment per update (a2c, ppo)"),
    ("batch_size", "minibatch size (ppo)"),
    ("n_epochs", "passes over each rollout (ppo)"),
    ("gae_lambda", "GAE lambda (a2c, ppo)"),
    ("clip_range", "PPO's clip range: a number or a schedule"),
    ("clip_range_vf", "clip range of the value function (ppo; absent: no clipping)"),
    ("normalize_advantage", "normalise advantages (a2c, ppo)"),
    ("ent_coef", "entropy coefficient: a number or a schedule (a2c, ppo)"),
    ("vf_coef", "value loss coefficient (actor-critic, a2c, ppo)"),
    ("max_grad_norm", "gradient-norm limit (actor-critic, a2c, ppo)"),
    ("target_kl", "stop an update's epochs once the approximate KL exceeds 1.5 x this (ppo)"),
    ("optimizer_eps", "the optimizer's epsilon (a2c: RMSprop 1e-5; ppo: Adam 1e-5)"),
    ("update_at_episode_end", "also update when an episode ends (a2c with one environment)"),
    ("log_interval", "steps between logged metrics (actor-critic)"),
    ("policy.hidden", "hidden layer widths of the actor (or shared trunk)"),
    ("policy.value_hidden", "hidden layer widths of the critic"),
    ("policy.shared", "one trunk for actor and critic"),
    ("policy.activation", "tanh, relu, sigmoid, softplus or identity"),
    ("policy.orthogonal", "orthogonal initialisation (SB3) instead of PyTorch's default"),
    ("policy.gaussian_head", "state-independent-log-std, state-dependent-log-std or softplus-std"),
    ("policy.log_std_init", "initial log std (state-independent head)"),
    ("policy.log_std_min", "lower clamp of a state-dependent log std"),
    ("policy.log_std_max", "upper clamp of a state-dependent log std"),
    ("policy.epsilon", "added to the Gaussian's mean and std (W1: 1e-6)"),
    ("policy.squash", "squash Gaussian actions with tanh into the bounds"),
  ]

  /// The plain keys (without the `env_kwargs.` family).
  public static var knownKeys: [String] { keyDescriptions.map(\.key).filter { !$0.hasSuffix(".*") } }

  /// Reads a plan from `configuration`, applying the algorithm's defaults for absent keys.
  public init(_ configuration: RunConfiguration, defaultName: String = "run") throws {
    let c = configuration
    let extra = c.keys.filter { !$0.hasPrefix("env_kwargs.") }
    try RunConfiguration(Dictionary(uniqueKeysWithValues: extra.map { ($0, c.values[$0]!) }))
      .validate(knownKeys: ExperimentPlan.knownKeys)
    name = try c.string("name", default: defaultName)
    environmentID = try c.string("env")
    var arguments: EnvironmentArguments = [:]
    for key in c.keys(under: "env_kwargs") {
      let name = String(key.dropFirst("env_kwargs.".count))
      arguments[name] = try ExperimentPlan.environmentArgument(c.values[key]!, key: key)
    }
    environmentArguments = arguments
    let seedList = try c.ints("seeds", default: [1])
    guard !seedList.isEmpty, seedList.allSatisfy({ $0 >= 0 }) else {
      throw ExperimentError.invalidSetting(key: "seeds", value: "\(seedList)", expected: "a list of non-negative seeds")
    }
    seeds = seedList.map { UInt64($0) }
    budget = TrainingBudget(
      steps: c.values["steps"] == nil ? nil : try c.int("steps"),
      episodes: c.values["episodes"] == nil ? nil : try c.int("episodes"),
      stopAtMeanReturn: c.values["stop_at_mean_return"] == nil ? nil : try c.double("stop_at_mean_return"),
      meanWindow: try c.int("mean_window", default: 100))
    try budget.validate()
    environmentCount = try c.int("n_envs", default: 1)
    guard environmentCount >= 1 else {
      throw ExperimentError.invalidSetting(key: "n_envs", value: "\(environmentCount)", expected: "at least 1")
    }
    parallelEnvironments = try c.bool("parallel_envs", default: false)
    parallelSeeds = try c.int("parallel_seeds", default: 0)
    evaluationEpisodes = try c.int("eval_episodes", default: 10)
    evaluationDeterministic = try c.bool("eval_deterministic", default: true)
    recordFinal = try c.bool("record_final", default: false)
    printing = PrintSettings(
      everyEpisodes: try c.int("print_every_episodes", default: 0), window: try c.int("print_window", default: 100),
      everyUpdates: try c.int("print_every_updates", default: 0), progress: try c.string("progress", default: "auto"))
    guard ["auto", "bar", "lines", "none"].contains(printing.progress) else {
      throw ExperimentError.invalidSetting(key: "progress", value: printing.progress, expected: "auto, bar, lines or none")
    }
    let algorithmName = try c.string("algorithm")
    algorithm = try ExperimentPlan.algorithm(named: algorithmName, from: c)
    plotTitle = try c.string("plot.title", default: "\(algorithmName.uppercased()) on \(environmentID)")
    plotX = try c.string("plot.x", default: algorithm.isVectorized ? "step" : "episode")
    guard ["episode", "step"].contains(plotX) else {
      throw ExperimentError.invalidSetting(key: "plot.x", value: plotX, expected: "episode or step")
    }
    plotSmoothing = try c.int("plot.smoothing", default: 1)
    plotSeeds = try c.bool("plot.seeds", default: false)
    testEpisodeAfterReload = try c.bool("test_episode_after_reload", default: false)
    checkpointEvery = try c.int("checkpoint_every", default: 0)
    evaluationEvery = try c.int("eval_every", default: 0)
    if c.values["stop_at_eval_return"] != nil { stopAtEvaluationReturn = try c.double("stop_at_eval_return") }
    stopAfterNoImprovement = try c.int("stop_after_no_improvement", default: 0)
    for (key, value) in [
      ("checkpoint_every", checkpointEvery), ("eval_every", evaluationEvery),
      ("stop_after_no_improvement", stopAfterNoImprovement),
    ] where value < 0 {
      throw ExperimentError.invalidSetting(key: key, value: "\(value)", expected: "0 (never) or a positive number")
    }
    if evaluationEvery == 0 && (stopAtEvaluationReturn != nil || stopAfterNoImprovement > 0) {
      throw ExperimentError.invalidSetting(
        key: stopAtEvaluationReturn != nil ? "stop_at_eval_return" : "stop_after_no_improvement",
        value: "set", expected: "used together with eval_every (periodic evaluations are what it watches)")
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
    case .double(let d): return .double(d)
    case .string(let s): return .string(s)
    case .list(let items):
      let numbers = items.compactMap { item -> Double? in
        switch item {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
      }
      guard numbers.count == items.count else {
        throw ExperimentError.invalidSetting(key: key, value: "\(value)", expected: "a number, flag, text or list of numbers")
      }
      return .doubles(numbers)
    }
  }

  // MARK: Algorithms

  static func algorithm(named name: String, from c: RunConfiguration) throws -> AlgorithmChoice {
    switch name {
    case "reinforce":
      var r = REINFORCEConfiguration()
      r.gamma = try c.double("gamma", default: r.gamma)
      r.learningRate = try c.double("learning_rate", default: r.learningRate)
      r.optimizer = try optimizer(c, default: r.optimizer)
      r.weightDecay = try c.double("weight_decay", default: r.optimizer == .adamw ? 0.01 : r.weightDecay)
      r.standardizeReturns = try c.bool("standardize_returns", default: r.standardizeReturns)
      r.baseline = try c.bool("baseline", default: r.baseline)
      r.valueLearningRate = try c.double("value_learning_rate", default: r.valueLearningRate)
      r.sumOverEpisode = try c.bool("sum_over_episode", default: r.sumOverEpisode)
      r.policy.includesValue = r.baseline
      r.policy = try policy(c, base: r.policy)
      return .reinforce(r)
    case "actor-critic":
      var a = ActorCriticConfiguration()
      a.gamma = try c.double("gamma", default: a.gamma)
      a.learningRate = try c.double("learning_rate", default: a.learningRate)
      a.optimizer = try optimizer(c, default: a.optimizer)
      a.valueCoefficient = try c.double("vf_coef", default: a.valueCoefficient)
      if c.values["max_grad_norm"] != nil { a.maxGradientNorm = try c.double("max_grad_norm") }
      a.logInterval = try c.int("log_interval", default: a.logInterval)
      a.policy = try policy(c, base: a.policy)
      return .actorCritic(a)
    case "a2c":
      var a = A2CConfiguration()
      a.learningRate = try schedule(c, "learning_rate", default: a.learningRate)
      a.stepsPerEnvironment = try c.int("n_steps", default: a.stepsPerEnvironment)
      a.gamma = try c.double("gamma", default: a.gamma)
      a.gaeLambda = try c.double("gae_lambda", default: a.gaeLambda)
      a.entropyCoefficient = try schedule(c, "ent_coef", default: a.entropyCoefficient)
      a.valueCoefficient = try c.double("vf_coef", default: a.valueCoefficient)
      a.maxGradientNorm = try c.double("max_grad_norm", default: a.maxGradientNorm)
      a.normalizeAdvantages = try c.bool("normalize_advantage", default: a.normalizeAdvantages)
      a.optimizer = try optimizer(c, default: a.optimizer)
      a.optimizerEpsilon = try c.double("optimizer_eps", default: a.optimizer == .rmsprop ? 1e-5 : 1e-8)
      a.updateAtEpisodeEnd = try c.bool("update_at_episode_end", default: a.updateAtEpisodeEnd)
      a.policy = try policy(c, base: a.policy)
      return .a2c(a)
    case "ppo":
      var p = PPOConfiguration()
      p.learningRate = try schedule(c, "learning_rate", default: p.learningRate)
      p.stepsPerEnvironment = try c.int("n_steps", default: p.stepsPerEnvironment)
      p.batchSize = try c.int("batch_size", default: p.batchSize)
      p.epochs = try c.int("n_epochs", default: p.epochs)
      p.gamma = try c.double("gamma", default: p.gamma)
      p.gaeLambda = try c.double("gae_lambda", default: p.gaeLambda)
      p.clipRange = try schedule(c, "clip_range", default: p.clipRange)
      if c.values["clip_range_vf"] != nil { p.valueClipRange = try c.double("clip_range_vf") }
      p.normalizeAdvantages = try c.bool("normalize_advantage", default: p.normalizeAdvantages)
      p.entropyCoefficient = try schedule(c, "ent_coef", default: p.entropyCoefficient)
      p.valueCoefficient = try c.double("vf_coef", default: p.valueCoefficient)
      p.maxGradientNorm = try c.double("max_grad_norm", default: p.maxGradientNorm)
      if c.values["target_kl"] != nil { p.targetKL = try c.double("target_kl") }
      p.adamEpsilon = try c.double("optimizer_eps", default: p.adamEpsilon)
      p.policy = try policy(c, base: p.policy)
      return .ppo(p)
    default:
      throw ExperimentError.invalidSetting(
        key: "algorithm", value: name, expected: AlgorithmChoice.names.joined(separator: ", "))
    }
  }

  static func optimizer(_ c: RunConfiguration, default value: OptimizerKind) throws -> OptimizerKind {
    let name = try c.string("optimizer", default: value.rawValue)
    guard let kind = OptimizerKind(rawValue: name) else {
      throw ExperimentError.invalidSetting(key: "optimizer", value: name, expected: "adam, adamw, sgd or rmsprop")
    }
    return kind
  }

  static func schedule(_ c: RunConfiguration, _ key: String, default value: Schedule) throws -> Schedule {
    guard let raw = c.values[key] else { return value }
    switch raw {
    case .int(let i): return .constant(Double(i))
    case .double(let d): return .constant(d)
    case .string(let s):
      do { return try Schedule(parsing: s) } catch {
        throw ExperimentError.invalidSetting(key: key, value: s, expected: "a number or a schedule: \(error)")
      }
    default:
      throw ExperimentError.invalidSetting(key: key, value: "\(raw)", expected: "a number or a schedule")
    }
  }

  static func policy(_ c: RunConfiguration, base: PolicyConfiguration) throws -> PolicyConfiguration {
    var p = base
    p.hiddenCounts = try c.ints("policy.hidden", default: p.hiddenCounts)
    if c.values["policy.value_hidden"] != nil { p.valueHiddenCounts = try c.ints("policy.value_hidden") }
    p.sharedTrunk = try c.bool("policy.shared", default: p.sharedTrunk)
    let activation = try c.string("policy.activation", default: p.activation.rawValue)
    guard let a = Activation(rawValue: activation) else {
      throw ExperimentError.invalidSetting(
        key: "policy.activation", value: activation,
        expected: Activation.allCases.map(\.rawValue).joined(separator: ", "))
    }
    p.activation = a
    p.orthogonalInitialization = try c.bool("policy.orthogonal", default: p.orthogonalInitialization)
    let head = try c.string("policy.gaussian_head", default: p.gaussianHead.rawValue)
    guard let h = GaussianHead(rawValue: head) else {
      throw ExperimentError.invalidSetting(
        key: "policy.gaussian_head", value: head, expected: GaussianHead.allCases.map(\.rawValue).joined(separator: ", "))
    }
    p.gaussianHead = h
    p.logStdInit = Float(try c.double("policy.log_std_init", default: Double(p.logStdInit)))
    p.logStdMin = Float(try c.double("policy.log_std_min", default: Double(p.logStdMin)))
    p.logStdMax = Float(try c.double("policy.log_std_max", default: Double(p.logStdMax)))
    p.distributionEpsilon = Float(try c.double("policy.epsilon", default: Double(p.distributionEpsilon)))
    p.squashActions = try c.bool("policy.squash", default: p.squashActions)
    return p
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
          throw ExperimentError.invalidSetting(key: "grid", value: "\(value)", expected: "a list of 'key=v1,v2' strings")
        }
        return option
      }
    default:
      throw ExperimentError.invalidSetting(key: "grid", value: "\(value)", expected: "a list of 'key=v1,v2' strings")
    }
  }
}
