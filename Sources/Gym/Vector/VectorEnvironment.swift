import Foundation

// MARK: - Vector environments

/// How a vector environment restarts a sub-environment whose episode ended, as Gymnasium's `AutoresetMode`.
public enum AutoresetMode: String, Sendable, Equatable, Codable {
  /// Gymnasium's default: the step that ends an episode returns its last observation; the *next* step resets
  /// that sub-environment (its action is ignored) and returns the first observation of the new episode with
  /// reward 0 and both flags false.
  case nextStep = "next-step"
  /// The step that ends an episode resets the sub-environment at once: `observations` holds the first
  /// observation of the new episode and `finalObservations` the last one of the ended episode (for bootstrapping
  /// a truncated episode's value).
  case sameStep = "same-step"
}

/// An episode that ended during the last step, for logging.
public struct FinishedEpisode: Sendable, Equatable {
  /// Which sub-environment it ran in.
  public var environmentIndex: Int
  /// The sum of its rewards.
  public var episodeReturn: Double
  /// Its number of steps.
  public var length: Int
  /// True when it ended by termination, false when it was truncated.
  public var terminated: Bool

  public init(environmentIndex: Int, episodeReturn: Double, length: Int, terminated: Bool) {
    self.environmentIndex = environmentIndex
    self.episodeReturn = episodeReturn
    self.length = length
    self.terminated = terminated
  }
}

/// A batch of environments stepped together, as Gymnasium's `VectorEnv`, with results in preallocated buffers.
///
/// ```swift
/// let envs = try SyncVectorEnvironment(id: "CartPole-v1", count: 16)   // or ParallelVectorEnvironment
/// try envs.reset(seed: 42)                   // sub-environment i is seeded with 42 + i
/// while training {
///   let batch = envs.observations            // [Float], count x observationCount, row-major
///   try envs.step(discreteActions: actions)  // or step(actions) with count x actionCount Doubles
///   envs.rewards; envs.terminated; envs.truncated; envs.finishedEpisodes
/// }
/// ```
///
/// After `step` the buffers hold, per sub-environment i: the observation (row i of `observations`), the reward,
/// the two flags and the info; `finishedEpisodes` lists the episodes that ended in that step (in index order).
/// The buffers are overwritten in place by the next call, so in the steady state a step allocates nothing; if
/// you keep a reference to one of the arrays across a step, Swift's copy-on-write gives you a snapshot (and the
/// step pays one copy). The sequential ``SyncVectorEnvironment`` and the multi-threaded
/// ``ParallelVectorEnvironment`` give identical results for the same seeds and actions.
///
/// When a sub-environment throws (an invalid action, a failed simulation), `step` throws its error after the other
/// sub-environments have stepped; reset the batch before using it again. A vector environment is driven from one
/// thread at a time (the parallel one uses its own threads inside `step`).
public class VectorEnvironment {
  let core: VectorCore

  /// The number of sub-environments.
  public var count: Int { core.count }
  /// The sub-environments, in order.
  public var environments: [any Environment] { core.environments }
  /// The space of one sub-environment's observation.
  public let singleObservationSpace: Space
  /// The space of one sub-environment's action.
  public let singleActionSpace: Space
  /// Values per observation row.
  public var observationCount: Int { core.observationCount }
  /// Values per action row.
  public var actionCount: Int { core.actionCount }
  /// How ended episodes restart.
  public var autoresetMode: AutoresetMode { core.autoresetMode }
  /// The normalisation of observations and rewards, once installed (``installNormalization(_:gamma:)``).
  public private(set) var normalization: VectorNormalization?

  // MARK: Batch buffers

  /// Observations, `count x observationCount` float32 values, row-major.
  public var observations: [Float] { observationsStorage }
  /// Rewards of the last step.
  public var rewards: [Double] { rewardsStorage }
  /// Termination flags of the last step.
  public var terminated: [Bool] { terminatedStorage }
  /// Truncation flags of the last step.
  public var truncated: [Bool] { truncatedStorage }
  /// Per sub-environment info of the last step (the reset info for a sub-environment that was reset).
  public var infos: [Info] { infosStorage }
  /// Same-step mode: rows of sub-environments whose episode ended in the last step hold its last observation.
  public var finalObservations: [Float] { finalObservationsStorage }
  /// Same-step mode: which rows of `finalObservations` are valid for the last step.
  public var hasFinalObservation: [Bool] { hasFinalObservationStorage }
  /// Same-step mode: the info of the step that ended the episode.
  public var finalInfos: [Info] { finalInfosStorage }
  /// The episodes that ended in the last step.
  public var finishedEpisodes: [FinishedEpisode] { finishedEpisodesStorage }

  // Private storage lets whole-module optimisation drop the run-time exclusivity checks of each step.
  private var observationsStorage: [Float]
  private var rewardsStorage: [Double]
  private var terminatedStorage: [Bool]
  private var truncatedStorage: [Bool]
  private var infosStorage: [Info]
  private var finalObservationsStorage: [Float]
  private var hasFinalObservationStorage: [Bool]
  private var finalInfosStorage: [Info]
  private var finishedEpisodesStorage: [FinishedEpisode]

  /// Throws unless there is at least one environment and all have the same spaces.
  static func validate(_ environments: [any Environment]) throws {
    guard let first = environments.first else {
      throw EnvironmentError.invalidArgument("a vector environment needs at least one environment")
    }
    for (index, env) in environments.enumerated() {
      guard env.observationSpace == first.observationSpace, env.actionSpace == first.actionSpace else {
        throw EnvironmentError.invalidArgument(
          "environment \(index) has other spaces than environment 0; a vector environment needs identical ones")
      }
    }
  }

  /// Takes over `core`, whose environments passed ``validate(_:)``.
  init(core: VectorCore) {
    let environments = core.environments
    singleObservationSpace = environments[0].observationSpace
    singleActionSpace = environments[0].actionSpace
    self.core = core
    let n = environments.count
    observationsStorage = [Float](repeating: 0, count: n * core.observationCount)
    rewardsStorage = [Double](repeating: 0, count: n)
    terminatedStorage = [Bool](repeating: false, count: n)
    truncatedStorage = [Bool](repeating: false, count: n)
    infosStorage = [Info](repeating: [:], count: n)
    finalObservationsStorage = [Float](repeating: 0, count: n * core.observationCount)
    hasFinalObservationStorage = [Bool](repeating: false, count: n)
    finalInfosStorage = [Info](repeating: [:], count: n)
    finishedEpisodesStorage = []
    finishedEpisodesStorage.reserveCapacity(n)
  }

  deinit {
    core.deallocate()
  }

  // MARK: - Normalisation

  /// Normalises what the environments return from now on as `configuration` says (VectorNormalization.swift):
  /// `observations`, `finalObservations` and `rewards` become the normalised ones, `finishedEpisodes` keeps the
  /// environments' own returns. `gamma` discounts the return that scales the rewards. Install it before the first
  /// reset; it needs same-step autoreset.
  /// - Parameters:
  ///   - configuration: what to normalise, in which style; nothing is installed when it normalises nothing.
  ///   - gamma: the discount of the running return (the algorithm's).
  public func installNormalization(_ configuration: NormalizationConfiguration, gamma: Double) throws {
    guard configuration.isEnabled else { return }
    guard autoresetMode == .sameStep else {
      throw EnvironmentError.invalidArgument("normalisation needs a vector environment in same-step autoreset mode")
    }
    guard normalization == nil else {
      throw EnvironmentError.invalidArgument("this vector environment already normalises")
    }
    guard configuration.clipObservation > 0, configuration.clipReward > 0, configuration.epsilon > 0,
      (0...1).contains(gamma)
    else {
      throw EnvironmentError.invalidArgument(
        "normalisation needs positive clip ranges and epsilon and a gamma in [0, 1]")
    }
    normalization = VectorNormalization(
      configuration, gamma: gamma, environmentCount: count, observationCount: observationCount)
    core.keepsFinalScratch = true
  }

  // MARK: - Running

  /// Runs `core.process` over all sub-environments; the parallel subclass spreads them over threads.
  func execute() {
    core.process(0..<core.count)
  }

  /// Resets every sub-environment; with a seed, sub-environment i gets `seed + i` (as Gymnasium).
  public func reset(seed: UInt64? = nil, options: ResetOptions? = nil) throws {
    core.task = .reset(seed: seed, options: options)
    execute()
    core.task = .step
    if let normalization, !core.hasErrors { normalization.processReset(core) }
    try publish()
  }

  /// Steps every sub-environment with its row of `actions` (`count x actionCount` values, row-major; a discrete
  /// action is one value holding the integer).
  public func step(_ actions: [Double]) throws {
    guard actions.count == core.actions.count else {
      throw EnvironmentError.invalidAction(
        "expected \(core.actions.count) action values (\(count) x \(actionCount)), got \(actions.count)")
    }
    actions.withUnsafeBufferPointer { source in
      _ = core.actions.initialize(from: source)
    }
    execute()
    if let normalization, !core.hasErrors { normalization.processStep(core) }
    try publish()
  }

  /// Steps with one integer action per sub-environment (discrete action spaces).
  public func step(discreteActions actions: [Int]) throws {
    guard actionCount == 1, actions.count == count else {
      throw EnvironmentError.invalidAction(
        "expected \(count) integer actions for \(count) environments with one action value each, got \(actions.count)")
    }
    for index in 0..<count { core.actions[index] = Double(actions[index]) }
    execute()
    if let normalization, !core.hasErrors { normalization.processStep(core) }
    try publish()
  }

  /// Copies the results from the workers' buffers into the public arrays and throws the first error.
  private func publish() throws {
    for index in 0..<count {
      if let error = core.errors[index] {
        core.clearErrors()
        throw error
      }
    }
    observationsStorage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: core.observations) }
    rewardsStorage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: core.rewards) }
    terminatedStorage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: core.terminated) }
    truncatedStorage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: core.truncated) }
    finishedEpisodesStorage.removeAll(keepingCapacity: true)
    for index in 0..<count {
      // Most infos are empty: skip the copy (and its reference counting) then.
      if !(core.infos[index].isEmpty && infosStorage[index].isEmpty) { infosStorage[index] = core.infos[index] }
      if core.finished[index] {
        finishedEpisodesStorage.append(
          FinishedEpisode(
            environmentIndex: index, episodeReturn: core.finishedReturns[index],
            length: core.finishedLengths[index], terminated: core.terminated[index]))
      }
    }
    if core.autoresetMode == .sameStep {
      finalObservationsStorage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: core.finalObservations) }
      hasFinalObservationStorage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: core.finished) }
      for index in 0..<count where core.finished[index] { finalInfosStorage[index] = core.finalInfos[index] }
    }
  }

  /// Closes every sub-environment.
  public func close() {
    for env in core.environments { env.close() }
  }

  // MARK: - Saving and restoring

  /// Everything the vector environment's future depends on: the batch buffers (observations, final observations,
  /// rewards, flags), the running episode returns and lengths, the pending next-step resets, and every
  /// sub-environment's own state (under `env0.`, `env1.`, ...). Infos are not saved: after a restore they are
  /// empty until the next step.
  public func saveState() throws -> EnvironmentState {
    var state = EnvironmentState(kind: "VectorEnvironment")
    state.labels["autoreset_mode"] = autoresetMode.rawValue
    state.set("count", count: count)
    state.doubles["observations"] = core.observations.map { Double($0) }
    state.doubles["final_observations"] = core.finalObservations.map { Double($0) }
    state.doubles["rewards"] = Array(core.rewards)
    state.integers["terminated"] = core.terminated.map { $0 ? 1 : 0 }
    state.integers["truncated"] = core.truncated.map { $0 ? 1 : 0 }
    state.integers["finished"] = core.finished.map { $0 ? 1 : 0 }
    state.integers["needs_reset"] = core.needsReset.map { $0 ? 1 : 0 }
    state.doubles["episode_returns"] = Array(core.episodeReturns)
    state.integers["episode_lengths"] = core.episodeLengths.map { UInt64(max($0, 0)) }
    state.doubles["finished_returns"] = Array(core.finishedReturns)
    state.integers["finished_lengths"] = core.finishedLengths.map { UInt64(max($0, 0)) }
    for (index, environment) in core.environments.enumerated() {
      state.nest(try environment.saveState(), under: "env\(index)")
    }
    normalization?.save(into: &state)
    return state
  }

  /// Restores a state from ``saveState()`` of an identically made vector environment.
  public func restoreState(_ state: EnvironmentState) throws {
    try state.requireKind("VectorEnvironment")
    guard try state.count("count") == count else {
      throw EnvironmentStateError.invalidValue(
        kind: "VectorEnvironment", field: "count", reason: "saved with another number of environments than \(count)")
    }
    guard state.labels["autoreset_mode"] == autoresetMode.rawValue else {
      throw EnvironmentStateError.invalidValue(
        kind: "VectorEnvironment", field: "autoreset_mode",
        reason: "saved in \(state.labels["autoreset_mode"] ?? "no") mode, this one is \(autoresetMode.rawValue)")
    }
    let rows = count * observationCount
    let observations = try state.doubles("observations", count: rows)
    let finals = try state.doubles("final_observations", count: rows)
    let rewards = try state.doubles("rewards", count: count)
    func flags(_ name: String) throws -> [Bool] {
      let values = try state.integers(name, count: count)
      guard values.allSatisfy({ $0 <= 1 }) else {
        throw EnvironmentStateError.invalidValue(kind: "VectorEnvironment", field: name, reason: "flags must be 0 or 1")
      }
      return values.map { $0 == 1 }
    }
    func counts(_ name: String) throws -> [Int] {
      let values = try state.integers(name, count: count)
      guard values.allSatisfy({ $0 <= UInt64(Int.max) }) else {
        throw EnvironmentStateError.invalidValue(kind: "VectorEnvironment", field: name, reason: "out of range")
      }
      return values.map { Int($0) }
    }
    let terminated = try flags("terminated")
    let truncated = try flags("truncated")
    let finished = try flags("finished")
    let needsReset = try flags("needs_reset")
    let episodeReturns = try state.doubles("episode_returns", count: count)
    let episodeLengths = try counts("episode_lengths")
    let finishedReturns = try state.doubles("finished_returns", count: count)
    let finishedLengths = try counts("finished_lengths")
    if let normalization {
      try normalization.restore(from: state)
    } else if state.labels["normalization.style"] != nil {
      throw EnvironmentStateError.invalidValue(
        kind: "VectorEnvironment", field: "normalization", reason: "saved with normalisation, this one has none")
    }
    for (index, environment) in core.environments.enumerated() {
      try environment.restoreState(state.child("env\(index)"))
    }
    for k in 0..<rows {
      core.observations[k] = Float(observations[k])
      core.finalObservations[k] = Float(finals[k])
    }
    for i in 0..<count {
      core.rewards[i] = rewards[i]
      core.terminated[i] = terminated[i]
      core.truncated[i] = truncated[i]
      core.finished[i] = finished[i]
      core.needsReset[i] = needsReset[i]
      core.episodeReturns[i] = episodeReturns[i]
      core.episodeLengths[i] = episodeLengths[i]
      core.finishedReturns[i] = finishedReturns[i]
      core.finishedLengths[i] = finishedLengths[i]
      core.infos[i] = [:]
      core.finalInfos[i] = [:]
    }
    core.task = .step
    try publish()
  }

  // MARK: - Conveniences

  /// The observation row of sub-environment `index`.
  public func observation(_ index: Int) -> ArraySlice<Float> {
    observationsStorage[index * observationCount..<(index + 1) * observationCount]
  }
}

// MARK: - Sequential

/// A vector environment that steps its sub-environments one after the other on the calling thread, as
/// Gymnasium's `SyncVectorEnv`.
public final class SyncVectorEnvironment: VectorEnvironment {
  /// `count` environments built by `make` (which receives the index).
  public init(
    count: Int, autoresetMode: AutoresetMode = .nextStep, make: (Int) throws -> any Environment
  ) throws {
    guard count > 0 else {
      throw EnvironmentError.invalidArgument("a vector environment needs count > 0, got \(count)")
    }
    let environments = try (0..<count).map(make)
    try Self.validate(environments)
    super.init(core: VectorCore(environments: environments, autoresetMode: autoresetMode))
  }

  /// `count` environments made from `registry` by id, each wrapped as `make` wraps it (time limit included).
  public convenience init(
    id: String, count: Int, arguments: EnvironmentArguments = [:], autoresetMode: AutoresetMode = .nextStep,
    registry: EnvironmentRegistry = .shared
  ) throws {
    try self.init(count: count, autoresetMode: autoresetMode) { _ in try registry.make(id, arguments: arguments) }
  }
}
