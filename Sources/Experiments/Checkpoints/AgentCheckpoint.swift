import Foundation
import Gym
import PolicyGradient

// MARK: - Agent checkpoints
//
// What a trained seed leaves behind: the policy's parameters (`policy/<name>`, float32, readable by Python's
// safetensors), each optimizer's state (`optimizer/<role>/<slot>/<parameter>`), the agent's generator
// (`generator`, u64) and, in the metadata, the algorithm, environment, counters and the policy's architecture,
// so `rein eval` can rebuild the policy without the preset.

/// Saving and loading the state of a trained agent.
public enum AgentCheckpoint {
  /// Builds the checkpoint of `agent` trained on `environmentID` with `seed`.
  ///
  /// - Parameters:
  ///   - agent: The agent saved: policy, optimizers, generator.
  ///   - environmentID: The environment id it trained on.
  ///   - environmentArguments: The environment's keyword arguments.
  ///   - seed: The run's seed.
  ///   - episodes: The training episodes finished.
  ///   - configuration: The run's configuration, stored in the metadata; nil stores none.
  /// - Throws: What encoding the policy configuration as JSON throws (not expected).
  public static func make(
    _ agent: any Agent, environmentID: String, environmentArguments: EnvironmentArguments, seed: UInt64,
    episodes: Int, configuration: RunConfiguration?
  ) throws -> Checkpoint {
    var tensors: [String: StoredTensor] = [:]
    for (name, parameter) in agent.policy.namedParameters() {
      tensors["policy/\(name)"] = StoredTensor(shape: parameter.value.shape.array, floats: parameter.value.scalars)
    }
    var optimizerScalars: [String: JSONValue] = [:]
    for (role, optimizer) in agent.optimizers {
      let (scalars, state) = optimizer.exportState()
      for (key, tensor) in state {
        tensors["optimizer/\(role)/\(key)"] = StoredTensor(shape: tensor.shape.array, floats: tensor.scalars)
      }
      optimizerScalars[role] = .object(scalars.mapValues { .double($0) })
    }
    tensors["generator"] = StoredTensor(shape: [6], uint64s: agent.generator.snapshot)
    let policyJSON = String(decoding: try JSONEncoder().encode(agent.policy.configuration), as: UTF8.self)
    var metadata: [String: JSONValue] = [
      "algorithm": .string(type(of: agent).algorithmName),
      "env": .string(environmentID),
      "env_kwargs": .object(environmentArguments.mapValues(json)),
      "seed": .int(Int(seed)),
      "env_steps": .int(agent.steps),
      "episodes": .int(episodes),
      "observation_count": .int(agent.policy.observationCount),
      "policy": try JSONValue(parsing: policyJSON),
      "optimizers": .object(optimizerScalars),
    ]
    if let configuration { metadata["configuration"] = configuration.json }
    if let normalizer = agent.observationNormalizer {
      tensors["normalization/obs_mean"] = StoredTensor(
        shape: [normalizer.statistics.mean.count], doubles: normalizer.statistics.mean)
      tensors["normalization/obs_var"] = StoredTensor(
        shape: [normalizer.statistics.variance.count], doubles: normalizer.statistics.variance)
      tensors["normalization/obs_count"] = StoredTensor(shape: [1], doubles: [normalizer.statistics.count])
      metadata["observation_normalization"] = .object([
        "epsilon": .double(normalizer.epsilon), "clip": .double(normalizer.clip),
      ])
    }
    return Checkpoint(metadata: .object(metadata), tensors: tensors)
  }

  /// The frozen observation normalisation a checkpoint's policy was trained behind (`normalization/obs_*`, saved
  /// when `normalize_observation` was on), or nil.
  /// - Parameters:
  ///   - checkpoint: a checkpoint written by training.
  public static func observationNormalizer(of checkpoint: Checkpoint) throws -> ObservationNormalizer? {
    guard let settings = checkpoint.metadata["observation_normalization"] else { return nil }
    guard let epsilon = settings["epsilon"]?.doubleValue, let clip = settings["clip"]?.doubleValue,
      epsilon > 0, clip > 0
    else {
      throw ExperimentError.incompatibleCheckpoint("its observation_normalization needs a positive epsilon and clip")
    }
    let count = checkpoint.metadata["observation_count"]?.intValue ?? -1
    guard count >= 0 else { throw ExperimentError.incompatibleCheckpoint("it does not give its observation_count") }
    var statistics = RunningMeanStd(count: count)
    statistics.mean = try checkpoint.doubles("normalization/obs_mean", shape: [count])
    statistics.variance = try checkpoint.doubles("normalization/obs_var", shape: [count])
    statistics.count = try checkpoint.doubles("normalization/obs_count", shape: [1])[0]
    guard statistics.count > 0, statistics.count.isFinite,
      (statistics.mean + statistics.variance).allSatisfy(\.isFinite), statistics.variance.allSatisfy({ $0 >= 0 })
    else {
      throw ExperimentError.incompatibleCheckpoint(
        "its observation statistics are not finite, or a variance is negative")
    }
    return ObservationNormalizer(statistics: statistics, epsilon: epsilon, clip: clip)
  }

  /// `environment` as the checkpoint's policy expects it: behind the saved observation normalisation, if any.
  /// - Parameters:
  ///   - environment: an environment of the checkpoint's task.
  ///   - checkpoint: the checkpoint whose policy will act in it.
  public static func evaluationEnvironment(
    _ environment: any Environment, for checkpoint: Checkpoint
  ) throws -> any Environment {
    guard let normalizer = try observationNormalizer(of: checkpoint) else { return environment }
    return try FrozenObservationNormalization(environment, normalizer: normalizer)
  }

  /// The policy stored in `checkpoint`, rebuilt for `environment` and loaded with the saved parameters.
  ///
  /// - Parameters:
  ///   - checkpoint: A checkpoint written by
  ///     ``make(_:environmentID:environmentArguments:seed:episodes:configuration:)``.
  ///   - environment: The environment the policy acts in; its observation count must match the checkpoint's.
  /// - Throws: ``ExperimentError/incompatibleCheckpoint(_:)`` naming what does not fit; ``CheckpointError`` for a
  ///   tensor of the wrong type or shape.
  public static func loadPolicy(_ checkpoint: Checkpoint, for environment: any Environment) throws -> ActorCriticPolicy
  {
    let configuration = try checkedPolicyConfiguration(
      of: checkpoint, observationCount: environment.observationSpace.flatCount)
    var generator = RandomGenerator(seed: 0)
    let policy = try ActorCriticPolicy(for: environment, configuration: configuration, generator: &generator)
    try checkPolicyTensors(of: checkpoint, parameterNames: policy.namedParameters().map(\.name))
    var values: [String: Tensor] = [:]
    for (name, parameter) in policy.namedParameters() {
      let floats = try checkpoint.floats("policy/\(name)", shape: parameter.value.shape.array)
      values[name] = Tensor(floats, shape: parameter.value.shape.array)
    }
    try policy.load(values)
    return policy
  }

  /// The environment keyword arguments a checkpoint was trained with.
  ///
  /// - Parameter checkpoint: The checkpoint read.
  /// - Throws: ``ExperimentError/incompatibleCheckpoint(_:)`` for an argument that is not a number, Boolean, text or
  ///   list of numbers.
  public static func environmentArguments(of checkpoint: Checkpoint) throws -> EnvironmentArguments {
    guard case .object(let members)? = checkpoint.metadata["env_kwargs"] else { return [:] }
    var arguments: EnvironmentArguments = [:]
    for (key, value) in members {
      switch value {
      case .bool(let b): arguments[key] = .bool(b)
      case .int(let i): arguments[key] = .int(i)
      case .double(let d): arguments[key] = .double(d)
      case .string(let s): arguments[key] = .string(s)
      case .array(let items) where items.allSatisfy({ $0.doubleValue != nil }):
        arguments[key] = .doubles(items.compactMap(\.doubleValue))
      default: throw ExperimentError.incompatibleCheckpoint("its environment argument '\(key)' cannot be read")
      }
    }
    return arguments
  }

  static func json(_ argument: EnvironmentArgument) -> JSONValue {
    switch argument {
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .double(let d): return .double(d)
    case .doubles(let v): return .array(v.map { .double($0) })
    case .string(let s): return .string(s)
    }
  }

  /// The environment id a checkpoint was trained on.
  ///
  /// - Parameter checkpoint: The checkpoint read.
  /// - Throws: ``ExperimentError/incompatibleCheckpoint(_:)`` when it names no environment.
  public static func environmentID(of checkpoint: Checkpoint) throws -> String {
    guard let id = checkpoint.metadata["env"]?.stringValue else {
      throw ExperimentError.incompatibleCheckpoint("it does not name its environment")
    }
    return id
  }
}
