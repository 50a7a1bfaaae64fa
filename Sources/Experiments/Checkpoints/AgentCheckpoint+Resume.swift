import Foundation
import PolicyGradient

// MARK: - Full agent state in checkpoints
//
// Besides what every checkpoint holds (policy, optimizers, generator: AgentCheckpoint.swift), a resumable checkpoint
// holds the agent's loop state (``AgentTrainingState``) as data:
//
//   metadata "training": {"algorithm", "loop": LoopState (Codable), "recent_return_window",
//                         "environment_labels": {...}, "in_progress": {"running", "length", "updatesSinceLog"}}
//   training/recent_return_sum         F64 [1]   the running sum behind the mean return, bit for bit
//   training/episodes/return           F64 [E]
//   training/episodes/length|step|terminated   I64 [E]
//   training/values/observation|episode_return|squared_td_errors   F64   an episode in progress (actor-critic)
//   environment/f64/<field>            F64       the environment state's floating-point fields
//   environment/u64/<field>            U64       its integer fields (generator words, counters, flags)
//
// Loading checks everything against the agent it goes into: the algorithm, the policy architecture, every tensor's
// presence and shape, the optimizers' roles, and the environment state's kind and sizes; a mismatch is a typed
// error naming what differs.

extension AgentCheckpoint {
  /// Adds `state` to `checkpoint`.
  ///
  /// - Parameters:
  ///   - state: The agent's loop state, from ``Agent/saveTrainingState()``.
  ///   - checkpoint: The checkpoint the state is added to (tensors under `training/` and `environment/`, counters in
  ///     the metadata).
  /// - Throws: What encoding the loop counters as JSON throws (not expected for a valid state).
  public static func add(_ state: AgentTrainingState, to checkpoint: inout Checkpoint) throws {
    var tensors = checkpoint.tensors
    tensors["training/recent_return_sum"] = StoredTensor(shape: [1], doubles: [state.recentReturnSum])
    let e = state.episodes
    tensors["training/episodes/return"] = StoredTensor(shape: [e.count], doubles: e.map(\.episodeReturn))
    tensors["training/episodes/length"] = StoredTensor(shape: [e.count], int64s: e.map { Int64($0.length) })
    tensors["training/episodes/step"] = StoredTensor(shape: [e.count], int64s: e.map { Int64($0.step) })
    tensors["training/episodes/terminated"] = StoredTensor(shape: [e.count], int64s: e.map { $0.terminated ? 1 : 0 })
    if let episode = state.episodeInProgress {
      for (name, values) in [
        ("observation", episode.observation), ("episode_return", [episode.episodeReturn]),
        ("squared_td_errors", [episode.squaredTDErrors]),
      ] {
        tensors["training/values/\(name)"] = StoredTensor(shape: [values.count], doubles: values)
      }
    }
    for (name, values) in state.environment.doubles {
      tensors["environment/f64/\(name)"] = StoredTensor(shape: [values.count], doubles: values)
    }
    for (name, values) in state.environment.integers {
      tensors["environment/u64/\(name)"] = StoredTensor(shape: [values.count], uint64s: values)
    }
    var metadata = checkpoint.metadata.objectValue ?? [:]
    var training: [String: JSONValue] = [
      "algorithm": .string(state.algorithm),
      "loop": try JSONValue(parsing: JSONEncoder().encode(state.loop)),
      "recent_return_window": .int(state.recentReturnWindow),
      "environment_labels": .object(state.environment.labels.mapValues { .string($0) }),
    ]
    if let episode = state.episodeInProgress {
      training["in_progress"] = .object([
        "running": .bool(episode.running), "length": .int(episode.length),
        "updatesSinceLog": .int(episode.updatesSinceLog),
      ])
    }
    metadata["training"] = .object(training)
    checkpoint = Checkpoint(metadata: .object(metadata), tensors: tensors)
  }

  /// The largest counter (steps, episodes, updates) a checkpoint may hold: 2^53, so that sums stay exact and
  /// the loops' arithmetic on them cannot overflow.
  static let maximumCounter = 1 << 53

  /// Whether `checkpoint` holds a loop state (checkpoints of Box2D runs and older files do not).
  ///
  /// - Parameter checkpoint: The checkpoint looked at.
  public static func isResumable(_ checkpoint: Checkpoint) -> Bool {
    checkpoint.metadata["training"] != nil
  }

  /// The loop state stored in `checkpoint`.
  ///
  /// - Parameter checkpoint: A checkpoint written with a training state.
  /// - Throws: ``ExperimentError/incompatibleCheckpoint(_:)`` naming what does not fit; ``CheckpointError`` for a
  ///   tensor of the wrong type or shape.
  public static func trainingState(of checkpoint: Checkpoint) throws -> AgentTrainingState {
    guard case .object(let training)? = checkpoint.metadata["training"] else {
      throw ExperimentError.incompatibleCheckpoint(
        "it holds no training state (it was written without one, e.g. for an environment that cannot be saved), so "
          + "training cannot resume from it")
    }
    guard let algorithm = training["algorithm"]?.stringValue, case .object(let loopValues)? = training["loop"],
      let window = training["recent_return_window"]?.intValue,
      case .object(let labelValues)? = training["environment_labels"]
    else {
      throw ExperimentError.incompatibleCheckpoint("its training state description is incomplete")
    }
    func integer(_ name: String, in object: [String: JSONValue]) throws -> Int {
      guard let value = object[name]?.intValue, (0...maximumCounter).contains(value) else {
        throw ExperimentError.incompatibleCheckpoint(
          "the training counter '\(name)' is \(object[name]?.serialized() ?? "missing"), not an integer in "
            + "0...\(maximumCounter)")
      }
      return value
    }
    func flag(_ name: String, in object: [String: JSONValue]) throws -> Bool {
      guard case .bool(let value)? = object[name] else {
        throw ExperimentError.incompatibleCheckpoint("the training flag '\(name)' is missing or not a boolean")
      }
      return value
    }
    let loop: LoopState
    do {
      loop = try JSONDecoder().decode(LoopState.self, from: Data(JSONValue.object(loopValues).serialized().utf8))
    } catch {
      throw ExperimentError.incompatibleCheckpoint("its loop counters cannot be read (\(error))")
    }
    for (name, value) in [
      ("steps", loop.steps), ("updates", loop.updates), ("iterations", loop.iterations), ("epochs", loop.epochs),
      ("episodesStarted", loop.episodesStarted), ("lastReport", loop.lastReport),
      ("scheduleOrigin", loop.scheduleOrigin),
    ] where !(0...maximumCounter).contains(value) {
      throw ExperimentError.incompatibleCheckpoint(
        "the training counter '\(name)' is \(value), not an integer in 0...\(maximumCounter)")
    }
    var episodeInProgress: EpisodeInProgress?
    if case .object(let progress)? = training["in_progress"] {
      var episode = EpisodeInProgress()
      episode.running = try flag("running", in: progress)
      episode.length = try integer("length", in: progress)
      episode.updatesSinceLog = try integer("updatesSinceLog", in: progress)
      episode.observation = try checkpoint.doubles("training/values/observation")
      episode.episodeReturn = try checkpoint.doubles("training/values/episode_return", shape: [1])[0]
      episode.squaredTDErrors = try checkpoint.doubles("training/values/squared_td_errors", shape: [1])[0]
      episodeInProgress = episode
    }
    var labels: [String: String] = [:]
    for (name, value) in labelValues {
      guard let text = value.stringValue else {
        throw ExperimentError.incompatibleCheckpoint("the environment label '\(name)' is not text")
      }
      labels[name] = text
    }
    guard window > 0 else {
      throw ExperimentError.incompatibleCheckpoint("its recent_return_window is \(window), not a positive count")
    }
    let returns = try checkpoint.doubles("training/episodes/return")
    let count = returns.count
    let lengths = try checkpoint.int64s("training/episodes/length", shape: [count])
    let steps = try checkpoint.int64s("training/episodes/step", shape: [count])
    let terminated = try checkpoint.int64s("training/episodes/terminated", shape: [count])
    var episodes: [EpisodeRecord] = []
    episodes.reserveCapacity(count)
    for i in 0..<count {
      guard (1...Int64(maximumCounter)).contains(lengths[i]), (0...Int64(maximumCounter)).contains(steps[i]),
        terminated[i] == 0 || terminated[i] == 1
      else {
        throw ExperimentError.incompatibleCheckpoint("episode record \(i) is invalid")
      }
      episodes.append(
        EpisodeRecord(
          episodeReturn: returns[i], length: Int(lengths[i]), step: Int(steps[i]), index: i,
          terminated: terminated[i] == 1))
    }
    var doubles: [String: [Double]] = [:]
    var integers: [String: [UInt64]] = [:]
    for (name, tensor) in checkpoint.tensors {
      if name.hasPrefix("environment/f64/") {
        guard case .float64(let v) = tensor.data else {
          throw CheckpointError.typeMismatch(name: name, expected: "F64", found: tensor.data.dtype)
        }
        doubles[String(name.dropFirst("environment/f64/".count))] = v
      } else if name.hasPrefix("environment/u64/") {
        guard case .uint64(let v) = tensor.data else {
          throw CheckpointError.typeMismatch(name: name, expected: "U64", found: tensor.data.dtype)
        }
        integers[String(name.dropFirst("environment/u64/".count))] = v
      }
    }
    return AgentTrainingState(
      algorithm: algorithm, loop: loop, episodeInProgress: episodeInProgress, episodes: episodes,
      recentReturnSum: try checkpoint.doubles("training/recent_return_sum", shape: [1])[0], recentReturnWindow: window,
      environment: EnvironmentState(doubles: doubles, integers: integers, labels: labels))
  }

  // MARK: - Restoring an agent

  /// Restores `agent` (freshly made from the same configuration and seed) from `checkpoint`: parameters,
  /// optimizers, generator and loop state, so that `learn` continues exactly.
  ///
  /// - Parameters:
  ///   - agent: An agent made from the same configuration and seed as the one that wrote the checkpoint.
  ///   - checkpoint: A resumable checkpoint (see ``isResumable(_:)``).
  ///   - adjust: Changes the loop state before it is restored (e.g. where the schedules start); nil keeps it.
  /// - Throws: ``ExperimentError/incompatibleCheckpoint(_:)`` for another algorithm or architecture, missing or
  ///   misshapen tensors, optimizers of other roles or a state that does not fit; ``CheckpointError`` for tensors
  ///   of the wrong type; an ``EnvironmentStateError`` for an environment state of another kind.
  ///   Everything in the checkpoint is read and checked before the agent changes, except the environment state,
  ///   which is checked as it is restored: after an error, discard the agent. A snapshot marked
  ///   `exact_resume: false` is refused (``restart(_:from:resetSeed:adjusting:)`` continues from it).
  public static func restore(
    _ agent: any Agent, from checkpoint: Checkpoint, adjusting adjust: ((inout AgentTrainingState) -> Void)? = nil
  ) throws {
    guard checkpoint.metadata["exact_resume"]?.boolValue != false else {
      throw ExperimentError.incompatibleCheckpoint(
        "it is a snapshot that cannot resume exactly (\(inexactReason(of: checkpoint) ?? "no reason given")); "
          + "continue from it with fresh episodes instead")
    }
    let apply = try readModel(of: checkpoint, for: agent, requireOptimizers: true)
    var state = try trainingState(of: checkpoint)
    adjust?(&state)
    try apply()
    try agent.restoreTrainingState(state)
  }

  // MARK: - Snapshots that cannot resume exactly

  /// Marks `checkpoint` as a snapshot that cannot resume the trajectory bit for bit (`exact_resume: false` and
  /// `exact_resume_note: reason` in its metadata).
  ///
  /// - Parameters:
  ///   - checkpoint: The checkpoint marked.
  ///   - reason: Why it cannot resume exactly.
  public static func markInexact(_ checkpoint: inout Checkpoint, reason: String) {
    var metadata = checkpoint.metadata.objectValue ?? [:]
    metadata["exact_resume"] = .bool(false)
    metadata["exact_resume_note"] = .string(reason)
    checkpoint.metadata = .object(metadata)
  }

  /// Whether `checkpoint` resumes its training bit for bit: it holds the training state, environments included
  /// (not a snapshot marked `exact_resume: false`).
  ///
  /// - Parameter checkpoint: The checkpoint looked at.
  public static func isExact(_ checkpoint: Checkpoint) -> Bool {
    isResumable(checkpoint) && checkpoint.metadata["exact_resume"]?.boolValue != false
  }

  /// Why a snapshot cannot resume exactly (its `exact_resume_note`), or nil.
  ///
  /// - Parameter checkpoint: The checkpoint looked at.
  public static func inexactReason(of checkpoint: Checkpoint) -> String? {
    checkpoint.metadata["exact_resume_note"]?.stringValue
  }

  /// Restores `agent` (freshly made from the checkpoint's configuration and seed) from any checkpoint of training,
  /// without its environments: parameters, optimizer state, generator, counters, finished episodes and
  /// normalisation statistics carry on as far as the checkpoint holds them, and the next `learn` starts fresh
  /// episodes, the first reset seeded with `resetSeed`. A model-only checkpoint (no training state, e.g.
  /// `best_checkpoint.safetensors` or an older file) continues from its step count and observation statistics.
  ///
  /// - Parameters:
  ///   - agent: An agent made from the same configuration and seed as the one that wrote the checkpoint.
  ///   - checkpoint: A checkpoint written by training.
  ///   - resetSeed: The seed of the environments' next reset.
  ///   - adjust: Changes the loop state before it is restored (e.g. where the schedules start); nil keeps it.
  /// - Returns: What did not carry on, one sentence each (empty when everything did).
  /// - Throws: ``ExperimentError/incompatibleCheckpoint(_:)`` for another algorithm or architecture, or tensors that
  ///   are missing, misshapen or not finite; ``CheckpointError`` for tensors of the wrong type.
  public static func restart(
    _ agent: any Agent, from checkpoint: Checkpoint, resetSeed: UInt64,
    adjusting adjust: ((inout AgentTrainingState) -> Void)? = nil
  ) throws -> [String] {
    var notes: [String] = []
    let hasOptimizers = checkpoint.metadata["optimizers"] != nil
    if !hasOptimizers {
      notes.append("it holds no optimizer state: the optimizer starts afresh (zero moments, step count 0)")
    }
    let apply = try readModel(of: checkpoint, for: agent, requireOptimizers: hasOptimizers)
    var state: AgentTrainingState
    if isResumable(checkpoint) {
      state = try trainingState(of: checkpoint)
    } else {
      // A model-only checkpoint: the counters from its metadata, the agent's own (fresh) statistics otherwise.
      state = try agent.saveTrainingStateWithoutEnvironments()
      if let loop = checkpoint.metadata["loop"] {
        do {
          state.loop = try JSONDecoder().decode(LoopState.self, from: Data(loop.serialized().utf8))
        } catch {
          throw ExperimentError.incompatibleCheckpoint("its loop counters cannot be read (\(error))")
        }
      } else {
        guard let steps = checkpoint.metadata["env_steps"]?.intValue, (0...maximumCounter).contains(steps) else {
          throw ExperimentError.incompatibleCheckpoint("it does not give its env_steps as a count")
        }
        state.loop.steps = steps
        notes.append("it holds no loop counters besides its \(steps) steps: updates and iterations count from 0")
      }
      let episodes = checkpoint.metadata["episodes"]?.intValue ?? 0
      notes.append(
        "it holds the model without the training state: its \(episodes) finished episodes are not carried (episode "
          + "counts and mean returns start afresh)")
      if let normalizer = try observationNormalizer(of: checkpoint) {
        for name in state.environment.doubles.keys
        where name.hasPrefix("normalization.obs_rms") && name.hasSuffix(".mean") {
          let base = String(name.dropLast(5))
          state.environment.doubles[base + ".mean"] = normalizer.statistics.mean
          state.environment.doubles[base + ".var"] = normalizer.statistics.variance
          state.environment.doubles[base + ".count"] = [normalizer.statistics.count]
        }
      }
      if state.environment.doubles.keys.contains(where: { $0.hasPrefix("normalization.ret_rms") }) {
        notes.append("the reward normalisation statistics are not in it: they start afresh")
      }
    }
    adjust?(&state)
    try apply()
    do {
      try agent.restartTrainingState(state, resetSeed: resetSeed)
    } catch let error as TrainingError {
      throw ExperimentError.incompatibleCheckpoint("\(error)")
    } catch let error as EnvironmentStateError {
      throw ExperimentError.incompatibleCheckpoint("its normalisation statistics do not fit (\(error))")
    }
    return notes
  }

  /// Reads and checks the model part of `checkpoint` (parameters, optimizer states, generator) for `agent`, and
  /// returns what loads it into the agent: everything is read and checked before the agent changes.
  private static func readModel(
    of checkpoint: Checkpoint, for agent: any Agent, requireOptimizers: Bool
  ) throws -> () throws -> Void {
    let algorithm = type(of: agent).algorithmName
    guard let saved = checkpoint.metadata["algorithm"]?.stringValue else {
      throw ExperimentError.incompatibleCheckpoint("it does not name its algorithm")
    }
    guard saved == algorithm else {
      throw ExperimentError.incompatibleCheckpoint("it was written by \(saved), this run trains \(algorithm)")
    }
    try checkArchitecture(of: agent.policy, in: checkpoint)
    try checkPolicyTensors(of: checkpoint, parameterNames: agent.policy.namedParameters().map(\.name))
    for name in checkpoint.tensors.keys.sorted() where name.hasPrefix("optimizer/") {
      try requireFinite(checkpoint, name)
    }

    var parameterValues: [String: Tensor] = [:]
    var shapes: [String: [Int]] = [:]
    for (name, parameter) in agent.policy.namedParameters() {
      let shape = parameter.value.shape.array
      shapes[name] = shape
      parameterValues[name] = Tensor(
        try required { try checkpoint.floats("policy/\(name)", shape: shape) }, shape: shape)
    }
    let optimizerScalars: [String: JSONValue]
    if case .object(let scalars)? = checkpoint.metadata["optimizers"] {
      optimizerScalars = scalars
    } else if requireOptimizers {
      throw ExperimentError.incompatibleCheckpoint("it holds no optimizer state")
    } else {
      optimizerScalars = [:]
    }
    var optimizerStates: [(Optimizer, [String: Double], [String: Tensor])] = []
    for (role, optimizer) in agent.optimizers where requireOptimizers {
      guard case .object(let scalarValues)? = optimizerScalars[role] else {
        throw ExperimentError.incompatibleCheckpoint("it holds no state for the \(role) optimizer")
      }
      let scalars = scalarValues.compactMapValues(\.doubleValue)
      for (name, value) in scalars {
        guard value.isFinite, name != "step" || (0...Double(maximumCounter)).contains(value) && value.rounded() == value
        else {
          throw ExperimentError.incompatibleCheckpoint(
            "the \(role) optimizer's '\(name)' is \(value), not a finite number "
              + "(a step count in 0...\(maximumCounter))")
        }
      }
      var tensors: [String: Tensor] = [:]
      let prefix = "optimizer/\(role)/"
      for name in checkpoint.tensors.keys where name.hasPrefix(prefix) {
        let key = String(name.dropFirst(prefix.count))
        guard let slash = key.firstIndex(of: "/"), let shape = shapes[String(key[key.index(after: slash)...])] else {
          throw ExperimentError.incompatibleCheckpoint("its optimizer tensor \(name) belongs to no parameter")
        }
        tensors[key] = Tensor(try required { try checkpoint.floats(name, shape: shape) }, shape: shape)
      }
      optimizerStates.append((optimizer, scalars, tensors))
    }
    let generator: RandomGenerator
    do {
      generator = try RandomGenerator(snapshot: try required { try checkpoint.uint64s("generator") })
    } catch let error as ExperimentError {
      throw error
    } catch {
      throw ExperimentError.incompatibleCheckpoint("its generator state is invalid (\(error))")
    }

    return {
      try agent.policy.load(parameterValues)
      for (optimizer, scalars, tensors) in optimizerStates {
        do {
          try optimizer.restoreState(scalars: scalars, tensors: tensors)
        } catch {
          throw ExperimentError.incompatibleCheckpoint("\(error)")
        }
      }
      agent.generator = generator
    }
  }

  /// Throws unless the checkpoint's policy description equals `policy`'s.
  static func checkArchitecture(of policy: ActorCriticPolicy, in checkpoint: Checkpoint) throws {
    let saved = try savedPolicyConfiguration(of: checkpoint)
    guard saved == policy.configuration else {
      let savedJSON = checkpoint.metadata["policy"]?.serialized() ?? ""
      throw ExperimentError.incompatibleCheckpoint(
        "its policy architecture differs from this run's (saved \(savedJSON), this run "
          + "\(String(decoding: (try? JSONEncoder().encode(policy.configuration)) ?? Data(), as: UTF8.self)))")
    }
    guard checkpoint.metadata["observation_count"]?.intValue == policy.observationCount else {
      throw ExperimentError.incompatibleCheckpoint(
        "it was trained on \(checkpoint.metadata["observation_count"]?.intValue ?? 0) observation values, this "
          + "environment gives \(policy.observationCount)")
    }
  }

  /// Turns a missing or misshapen tensor into an incompatible-checkpoint error that names it.
  private static func required<T>(_ read: () throws -> T) throws -> T {
    do {
      return try read()
    } catch let error as CheckpointError {
      switch error {
      case .missingTensor, .shapeMismatch, .typeMismatch:
        throw ExperimentError.incompatibleCheckpoint("\(error)")
      default: throw error
      }
    }
  }
}
