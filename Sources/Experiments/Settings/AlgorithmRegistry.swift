import Foundation
import PolicyGradient

// MARK: - Algorithms by name
//
// The runner, the plan reader and the CLI know algorithms only through this registry: a definition names the
// algorithm, its typed configuration (whose `init()` holds the defaults the settings table shows), whether it steps
// a vector environment, its default budget and how to build the agent. A test or a program registers its own
// algorithm with ``AlgorithmRegistry/register(_:)`` and runs it through the same code as `rein train`.

/// What an agent factory gets: the plan, the seed and the environments' registry.
public struct AgentContext {
  public let plan: ExperimentPlan
  public let seed: UInt64
  public let environments: EnvironmentRegistry

  /// One environment of the plan (for the algorithms that step a single one).
  public func makeEnvironment() throws -> any Environment {
    try environments.make(plan.environmentID, arguments: plan.environmentArguments)
  }

  /// The plan's vector environment: `n_envs` copies, autoreset in the same step, on threads with `parallel_envs`.
  public func makeVectorEnvironment() throws -> VectorEnvironment {
    if plan.parallelEnvironments {
      return try ParallelVectorEnvironment(
        id: plan.environmentID, count: plan.environmentCount, arguments: plan.environmentArguments,
        autoresetMode: .sameStep, registry: environments)
    }
    return try SyncVectorEnvironment(
      id: plan.environmentID, count: plan.environmentCount, arguments: plan.environmentArguments,
      autoresetMode: .sameStep, registry: environments)
  }
}

/// An algorithm as the experiment tooling sees it.
public struct AlgorithmDefinition: @unchecked Sendable {
  /// How long `rein train` trains when no budget is given.
  public enum DefaultBudget: Sendable, Equatable {
    case episodes(Int)
    case steps(Int)
  }

  /// The name presets use (`algorithm: ppo`).
  public let name: String
  /// True for algorithms that step a vector environment (`n_envs`; plotted by step).
  public let isVectorized: Bool
  public let defaultBudget: DefaultBudget
  /// Settings only this algorithm reads, beside the table's (for algorithms registered from outside).
  public let extraSettings: [Setting]
  let configurationType: any AlgorithmConfiguration.Type
  let makeDefault: () -> any AlgorithmConfiguration
  let finish: (inout any AlgorithmConfiguration) -> Void
  let validate: (any AlgorithmConfiguration, ExperimentPlan) throws -> Void
  let make: (any AlgorithmConfiguration, AgentContext) throws -> any Agent

  /// A definition whose configurations are of type `C`.
  ///
  /// - Parameters:
  ///   - name: The name presets and `rein` use (`algorithm: NAME`); a registry holds one definition per name.
  ///   - configuration: The typed configuration; its `init()` holds the defaults the settings table shows.
  ///   - isVectorized: True when the agent steps a vector environment of `n_envs` copies (and is plotted by step).
  ///   - defaultBudget: How long `rein train` trains when no budget is given.
  ///   - extraSettings: Settings only this algorithm reads, beside the table's.
  ///   - finish: Fills in what follows from the settings (e.g. a value head for REINFORCE's baseline).
  ///   - validate: Checks that need the whole plan (e.g. PPO's minibatch against its rollout).
  ///   - make: Builds the agent for one seed.
  public init<C: AlgorithmConfiguration>(
    name: String, configuration: C.Type, isVectorized: Bool, defaultBudget: DefaultBudget,
    extraSettings: [Setting] = [], finish: ((inout C) -> Void)? = nil,
    validate: ((C, ExperimentPlan) throws -> Void)? = nil, make: @escaping (C, AgentContext) throws -> any Agent
  ) {
    self.name = name
    self.isVectorized = isVectorized
    self.defaultBudget = defaultBudget
    self.extraSettings = extraSettings
    configurationType = C.self
    makeDefault = { C() }
    self.finish = { configuration in
      guard let finish else { return }
      var typed = configuration as! C
      finish(&typed)
      configuration = typed
    }
    self.validate = { configuration, plan in try validate?(configuration as! C, plan) }
    self.make = { configuration, context in try make(configuration as! C, context) }
  }
}

/// The algorithms known by name.
public final class AlgorithmRegistry: @unchecked Sendable {
  /// The registry `rein` and the runner use, holding the built-in algorithms.
  public static let shared = AlgorithmRegistry(BuiltInAlgorithms.all)

  private let lock = NSLock()
  private var definitions: [AlgorithmDefinition]

  /// A registry holding `definitions`.
  ///
  /// - Parameter definitions: The algorithms, in registration order; names should be distinct.
  public init(_ definitions: [AlgorithmDefinition] = []) {
    self.definitions = definitions
  }

  /// A new registry holding the built-in algorithms (to add others to without changing ``shared``).
  public static func withBuiltIns() -> AlgorithmRegistry { AlgorithmRegistry(BuiltInAlgorithms.all) }

  /// Adds `definition`, replacing one of the same name.
  ///
  /// - Parameter definition: The algorithm added; it replaces a definition of the same name.
  public func register(_ definition: AlgorithmDefinition) {
    lock.withLock {
      definitions.removeAll { $0.name == definition.name }
      definitions.append(definition)
    }
  }

  /// Every definition, in registration order.
  public var all: [AlgorithmDefinition] { lock.withLock { definitions } }

  /// The names, in registration order.
  public var names: [String] { all.map(\.name) }

  /// The definition of `name`; throws naming the known ones (and the closest) for an unknown name.
  ///
  /// - Parameter name: The algorithm's name, as presets write it.
  /// - Throws: ``ExperimentError/invalidSetting(key:value:expected:)`` for an unknown name, naming the known ones and
  ///   the closest.
  public func definition(named name: String) throws -> AlgorithmDefinition {
    let known = all
    if let found = known.first(where: { $0.name == name }) { return found }
    let close = closeMatches(to: name, among: known.map(\.name))
    let hint = close.isEmpty ? "" : " (did you mean \(close.map { "'\($0)'" }.joined(separator: " or "))?)"
    throw ExperimentError.invalidSetting(
      key: "algorithm", value: "'\(name)'\(hint)", expected: "one of " + known.map(\.name).joined(separator: ", "))
  }
}

// MARK: - The built-in algorithms

extension REINFORCEConfiguration: AlgorithmConfiguration, PolicyConfigurable {}
extension ActorCriticConfiguration: AlgorithmConfiguration, PolicyConfigurable {}
extension A2CConfiguration: AlgorithmConfiguration, PolicyConfigurable {}
extension PPOConfiguration: AlgorithmConfiguration, PolicyConfigurable {}

enum BuiltInAlgorithms {
  static let all: [AlgorithmDefinition] = [
    AlgorithmDefinition(
      name: REINFORCE.algorithmName, configuration: REINFORCEConfiguration.self, isVectorized: false,
      defaultBudget: .episodes(1000), finish: { $0.policy.includesValue = $0.baseline }
    ) { configuration, context in
      try REINFORCE(environment: context.makeEnvironment(), configuration: configuration, seed: context.seed)
    },
    AlgorithmDefinition(
      name: OneStepActorCritic.algorithmName, configuration: ActorCriticConfiguration.self, isVectorized: false,
      defaultBudget: .episodes(1000)
    ) { configuration, context in
      try OneStepActorCritic(environment: context.makeEnvironment(), configuration: configuration, seed: context.seed)
    },
    AlgorithmDefinition(
      name: A2C.algorithmName, configuration: A2CConfiguration.self, isVectorized: true,
      defaultBudget: .steps(100_000)
    ) { configuration, context in
      try A2C(environments: context.makeVectorEnvironment(), configuration: configuration, seed: context.seed)
    },
    AlgorithmDefinition(
      name: PPO.algorithmName, configuration: PPOConfiguration.self, isVectorized: true,
      defaultBudget: .steps(100_000),
      validate: { configuration, plan in
        let rollout = configuration.stepsPerEnvironment * plan.environmentCount
        guard configuration.batchSize <= rollout else {
          throw ExperimentError.invalidSetting(
            key: "batch_size", value: "\(configuration.batchSize)",
            expected: "at most the rollout, n_steps x n_envs = \(configuration.stepsPerEnvironment) x "
              + "\(plan.environmentCount) = \(rollout)")
        }
      }
    ) { configuration, context in
      try PPO(environments: context.makeVectorEnvironment(), configuration: configuration, seed: context.seed)
    },
  ]
}
