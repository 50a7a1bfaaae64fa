import Foundation

// MARK: - The policy distribution

/// The action distribution a policy produces for a batch of observations.
///
/// Actions are handled as a [batch, storedCount] tensor of raw values: the category index for discrete actions,
/// the unsquashed Gaussian sample for continuous ones. That raw action and its log-probability are what the
/// algorithms store; ``ActorCriticPolicy/environmentActions(_:)`` makes the copy the environment receives.
public enum PolicyDistribution {
  case categorical(Categorical)
  case gaussian(DiagonalGaussian, squashed: Bool)

  /// One raw action per row, [batch, storedCount].
  ///
  /// - Parameter generator: The random generator the sample is drawn from; advanced by one draw per row (categorical)
  ///   or per value (Gaussian).
  /// - Returns: The raw actions, [batch, storedCount]: category indices as `Float`, or unsquashed Gaussian samples.
  public func sample(using generator: inout RandomGenerator) -> Tensor {
    switch self {
    case .categorical(let c):
      let actions = c.sample(using: &generator)
      return Tensor(actions.map { Float($0) }, shape: [actions.count, 1])
    case .gaussian(let g, _):
      return g.sample(using: &generator)
    }
  }

  /// The most likely raw action per row (the deterministic action).
  public func mode() -> Tensor {
    switch self {
    case .categorical(let c):
      let actions = c.mode()
      return Tensor(actions.map { Float($0) }, shape: [actions.count, 1])
    case .gaussian(let g, _):
      return g.mode()
    }
  }

  /// log π(a | s) per row, [batch], for raw actions as stored; differentiable in the policy's parameters.
  ///
  /// With squashing, the change of variables a = tanh(u) subtracts Σ log(1 - tanh(u)² + 1e-6).
  ///
  /// - Parameter actions: Raw actions as ``sample(using:)`` returns them, [batch, storedCount]: category indices, or
  ///   unsquashed Gaussian values.
  /// - Returns: log π(a | s) per row, [batch].
  public func logProbability(of actions: Tensor) -> Tensor {
    switch self {
    case .categorical(let c):
      return c.logProbability(of: actions.withUnsafeBufferPointer { $0.map { Int($0) } })
    case .gaussian(let g, let squashed):
      let logp = g.logProbability(of: actions)
      guard squashed else { return logp }
      let t = tanh(actions.detached())
      return logp - log(1 - square(t) + 1e-6).sum(alongAxis: 1)
    }
  }

  /// The entropy per row, [batch]; for a squashed Gaussian, that of the Gaussian before squashing (which has no
  /// closed form after it; SB3 estimates it from samples instead).
  public func entropy() -> Tensor {
    switch self {
    case .categorical(let c): return c.entropy()
    case .gaussian(let g, _): return g.entropy()
    }
  }
}

// MARK: - Actor-critic policy

/// A multilayer-perceptron policy with an optional value head, for Discrete or Box action spaces.
///
/// Parameter names: `policy.*` (actor trunk, or the shared trunk), `value.*` (critic trunk when separate),
/// `action.*` (logits or means), `log_std` / `std.*` (Gaussian σ), `value_head.*`.
public final class ActorCriticPolicy: Module {
  public let configuration: PolicyConfiguration
  public let observationCount: Int
  public let actionKind: ActionKind

  /// The actor's trunk (the shared trunk when ``PolicyConfiguration/sharedTrunk``), named `policy`.
  let trunk: Sequential
  /// The logits or means, named `action`.
  let actionHead: Linear
  /// How a Gaussian's σ is produced (nothing for discrete actions).
  let sigma: SigmaHead
  /// The critic, when the configuration includes a value.
  let critic: Critic?

  /// A Gaussian policy's σ: a state-independent `log_std` parameter, a layer `std` on the trunk's features
  /// (log σ clamped, or softplus σ), or nothing (discrete actions).
  enum SigmaHead {
    case none
    case logStd(Parameter)
    case layer(Linear)
  }

  /// The critic: its own trunk `value` (nil when the trunk is shared) and its head `value_head`.
  struct Critic {
    let trunk: Sequential?
    let head: Linear
  }

  // The parameter names and their order, as reflection gave them when these were stored properties
  // (`log_std`, then `policy`, `value`, `action`, `std`, `value_head`): checkpoints name parameters so.
  public override func namedLocalParameters() -> [(String, Parameter)] {
    if case .logStd(let p) = sigma { return [("log_std", p)] }
    return []
  }

  public override func namedChildren() -> [(String, Module)] {
    var children: [(String, Module)] = [("policy", trunk)]
    if let valueTrunk = critic?.trunk { children.append(("value", valueTrunk)) }
    children.append(("action", actionHead))
    if case .layer(let layer) = sigma { children.append(("std", layer)) }
    if let critic { children.append(("value_head", critic.head)) }
    return children
  }

  // MARK: Parameter groups

  /// A part of the networks, for optimizers that train parts separately and for reports.
  public enum ParameterGroup: Sendable, CaseIterable {
    /// The actor's trunk, or the trunk both share.
    case trunk
    /// The layer giving the logits or the means.
    case actionHead
    /// σ of a Gaussian: the `log_std` parameter or the `std` layer.
    case standardDeviation
    /// The critic's own trunk (none when the trunk is shared).
    case criticTrunk
    /// The layer giving V(s).
    case valueHead
  }

  /// The trainable parameters of `groups`, in the order of ``trainableParameters()``.
  ///
  /// - Parameter groups: The parts of the networks to include; a group the policy does not have (a critic trunk with a
  ///   shared trunk, σ of a discrete policy) adds nothing.
  /// - Returns: The parameters with their checkpoint names, in the order of ``trainableParameters()``.
  public func trainableParameters(in groups: Set<ParameterGroup>) -> [(name: String, parameter: Parameter)] {
    var members = Set<ObjectIdentifier>()
    for group in groups {
      for (_, parameter) in modules(of: group).flatMap({ $0.namedParameters() }) {
        members.insert(ObjectIdentifier(parameter))
      }
      if group == .standardDeviation, case .logStd(let p) = sigma { members.insert(ObjectIdentifier(p)) }
    }
    return trainableParameters().filter { members.contains(ObjectIdentifier($0.parameter)) }
  }

  /// The number of scalars in `group`.
  ///
  /// - Parameter group: The part of the networks to count; 0 for a part the policy does not have.
  public func parameterCount(of group: ParameterGroup) -> Int {
    var count = modules(of: group).reduce(0) { $0 + $1.parameterCount }
    if group == .standardDeviation, case .logStd(let p) = sigma { count += p.value.count }
    return count
  }

  /// The actor's parameters: trunk, action head and σ (the shared trunk included).
  public var actorParameters: [(name: String, parameter: Parameter)] {
    trainableParameters(in: [.trunk, .actionHead, .standardDeviation])
  }

  /// The critic's own parameters: its trunk (when separate) and the value head.
  public var criticParameters: [(name: String, parameter: Parameter)] {
    trainableParameters(in: [.criticTrunk, .valueHead])
  }

  /// The state-independent log σ, when the policy has one.
  public var logStandardDeviation: Tensor? {
    if case .logStd(let p) = sigma { return p.value }
    return nil
  }

  /// True when the critic has a trunk of its own.
  public var hasSeparateCritic: Bool { critic?.trunk != nil }

  private func modules(of group: ParameterGroup) -> [Module] {
    switch group {
    case .trunk: return [trunk]
    case .actionHead: return [actionHead]
    case .standardDeviation:
      if case .layer(let layer) = sigma { return [layer] }
      return []
    case .criticTrunk: return critic?.trunk.map { [$0] } ?? []
    case .valueHead: return critic.map { [$0.head] } ?? []
    }
  }

  /// Builds the networks for `observationCount` inputs and `actionKind`, initialised from `generator`.
  ///
  /// - Parameters:
  ///   - observationCount: The length of a flattened observation; must be positive.
  ///   - actionKind: The actions to produce: the number of categories, or the bounds of each continuous value.
  ///   - configuration: Trunk widths, activation, initialisation, Gaussian head and whether there is a value head.
  ///   - generator: The generator the weights are drawn from, advanced by the initialisation.
  /// - Throws: ``PolicyError/invalidConfiguration(_:)`` when `observationCount` or a hidden width is not positive.
  public init(
    observationCount: Int, actionKind: ActionKind, configuration: PolicyConfiguration = PolicyConfiguration(),
    generator: inout RandomGenerator
  ) throws {
    guard observationCount > 0 else { throw PolicyError.invalidConfiguration("observations must have values") }
    guard configuration.hiddenCounts.allSatisfy({ $0 > 0 }) else {
      throw PolicyError.invalidConfiguration("hidden layer widths must be positive, got \(configuration.hiddenCounts)")
    }
    self.configuration = configuration
    self.observationCount = observationCount
    self.actionKind = actionKind
    let c = configuration
    trunk = makeMLP(
      inputCount: observationCount, hiddenCounts: c.hiddenCounts, outputCount: nil, activation: c.activation,
      orthogonal: c.orthogonalInitialization, generator: &generator)
    let features = c.hiddenCounts.last ?? observationCount
    // Initialised in this order (actor trunk, critic trunk, action head, σ, value head), as before.
    var valueTrunk: Sequential?
    if c.includesValue && !c.sharedTrunk {
      valueTrunk = makeMLP(
        inputCount: observationCount, hiddenCounts: c.valueHiddenCounts ?? c.hiddenCounts, outputCount: nil,
        activation: c.activation, orthogonal: c.orthogonalInitialization, generator: &generator)
    }
    let initialization = { (gain: Float) -> Initialization in
      c.orthogonalInitialization ? .orthogonal(gain: gain) : .pytorchDefault
    }
    actionHead = Linear(features, actionKind.headCount, initialization: initialization(0.01), generator: &generator)
    switch (actionKind, c.gaussianHead) {
    case (.discrete, _):
      sigma = .none
    case (.continuous(let low, _), .stateIndependentLogStd):
      sigma = .logStd(Parameter(Tensor(repeating: c.logStdInit, shape: [low.count])))
    case (.continuous(let low, _), _):
      sigma = .layer(Linear(features, low.count, initialization: initialization(0.01), generator: &generator))
    }
    if c.includesValue {
      let valueFeatures = c.sharedTrunk ? features : (c.valueHiddenCounts ?? c.hiddenCounts).last ?? observationCount
      critic = Critic(
        trunk: valueTrunk, head: Linear(valueFeatures, 1, initialization: initialization(1), generator: &generator))
    } else {
      critic = nil
    }
  }

  /// A policy for an environment's spaces.
  ///
  /// - Parameters:
  ///   - environment: Gives the observation count (its flattened observation space) and the action kind (its action
  ///     space).
  ///   - configuration: Trunk widths, activation, initialisation, Gaussian head and whether there is a value head.
  ///   - generator: The generator the weights are drawn from, advanced by the initialisation.
  /// - Throws: ``PolicyError/unsupportedSpace(_:)`` for an action space other than Discrete (from 0) or Box, and
  ///   ``PolicyError/invalidConfiguration(_:)`` as the designated initialiser.
  public convenience init(
    for environment: any Environment, configuration: PolicyConfiguration = PolicyConfiguration(),
    generator: inout RandomGenerator
  ) throws {
    try self.init(
      observationCount: environment.observationSpace.flatCount, actionKind: ActionKind(environment.actionSpace),
      configuration: configuration, generator: &generator)
  }

  /// A policy for the spaces of one of a vector environment's copies (A2C and PPO).
  ///
  /// - Parameters:
  ///   - environments: Gives the observation count and the single action space (not the batched one).
  ///   - configuration: Trunk widths, activation, initialisation, Gaussian head and whether there is a value head.
  ///   - generator: The generator the weights are drawn from, advanced by the initialisation.
  /// - Throws: As ``init(for:configuration:generator:)``.
  public convenience init(
    for environments: VectorEnvironment, configuration: PolicyConfiguration = PolicyConfiguration(),
    generator: inout RandomGenerator
  ) throws {
    try self.init(
      observationCount: environments.observationCount, actionKind: ActionKind(environments.singleActionSpace),
      configuration: configuration, generator: &generator)
  }

  // MARK: Forward passes

  /// The action distribution for a [batch, observationCount] batch (or one observation vector).
  ///
  /// - Parameter observations: A [batch, observationCount] tensor, or a single observation of rank 1 (treated as a
  ///   batch of one).
  public func distribution(_ observations: Tensor) -> PolicyDistribution {
    distribution(features: trunk(batch(observations)))
  }

  /// State values V(s), [batch]. Requires a value head.
  ///
  /// - Parameter observations: A [batch, observationCount] tensor, or a single observation of rank 1 (treated as a
  ///   batch of one).
  public func values(_ observations: Tensor) -> Tensor {
    let x = batch(observations)
    return valueFromTrunk(configuration.sharedTrunk ? trunk(x) : nil, x)
  }

  /// The distribution and the values together, sharing the trunk's forward pass when it is shared.
  ///
  /// - Parameter observations: A [batch, observationCount] tensor, or a single observation of rank 1 (treated as a
  ///   batch of one).
  public func evaluate(_ observations: Tensor) -> (distribution: PolicyDistribution, values: Tensor) {
    let x = batch(observations)
    let features = trunk(x)
    return (distribution(features: features), valueFromTrunk(configuration.sharedTrunk ? features : nil, x))
  }

  public var hasValueHead: Bool { critic != nil }

  private func batch(_ observations: Tensor) -> Tensor {
    observations.rank == 1 ? observations.reshaped([1, -1]) : observations
  }

  private func valueFromTrunk(_ sharedFeatures: Tensor?, _ x: Tensor) -> Tensor {
    guard let critic else { preconditionFailure("this policy has no value head (includesValue is false)") }
    let features = critic.trunk.map { $0(x) } ?? sharedFeatures ?? x
    return critic.head(features).reshaped([-1])
  }

  private func distribution(features: Tensor) -> PolicyDistribution {
    let head = actionHead(features)
    let c = configuration
    let mean = { c.distributionEpsilon == 0 ? head : head + c.distributionEpsilon }
    switch sigma {
    case .none:  // discrete actions
      return .categorical(Categorical(logits: head))
    case .logStd(let logStd):
      return .gaussian(DiagonalGaussian(mean: mean(), logStandardDeviation: logStd.value), squashed: c.squashActions)
    case .layer(let layer) where c.gaussianHead == .softplusStd:
      let gaussian = DiagonalGaussian(
        mean: mean(), standardDeviation: softplus(layer(features)) + c.distributionEpsilon)
      return .gaussian(gaussian, squashed: c.squashActions)
    case .layer(let layer):
      let gaussian = DiagonalGaussian(
        mean: mean(), logStandardDeviation: clamp(layer(features), min: c.logStdMin, max: c.logStdMax))
      return .gaussian(gaussian, squashed: c.squashActions)
    }
  }

  // MARK: Acting

  /// The actions the environment receives for raw actions [batch, storedCount], row-major: category indices, or
  /// continuous values squashed into the bounds (``PolicyConfiguration/squashActions``) or clipped to them.
  ///
  /// - Parameter raw: Raw actions as the distribution samples them, [batch, storedCount].
  /// - Returns: The actions row-major, as `Double`, ready for ``Environment/step(_:)`` (one environment) or a vector
  ///   environment (all rows).
  public func environmentActions(_ raw: Tensor) -> [Double] {
    switch actionKind {
    case .discrete:
      return raw.scalars.map { Double($0) }
    case .continuous(let low, let high):
      let d = low.count
      let values = raw.scalars
      return values.indices.map { i in
        let (lo, hi) = (low[i % d], high[i % d])
        if configuration.squashActions {
          return Double(lo + (Foundation.tanh(values[i]) + 1) / 2 * (hi - lo))
        }
        return Double(Swift.min(Swift.max(values[i], lo), hi))
      }
    }
  }
}
