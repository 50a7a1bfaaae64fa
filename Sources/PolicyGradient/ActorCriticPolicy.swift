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

  let policy: Sequential
  let value: Sequential?
  let action: Linear
  let std: Linear?
  let log_std: Parameter?
  let value_head: Linear?

  /// Builds the networks for `observationCount` inputs and `actionKind`, initialised from `generator`.
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
    policy = makeMLP(
      inputCount: observationCount, hiddenCounts: c.hiddenCounts, outputCount: nil, activation: c.activation,
      orthogonal: c.orthogonalInitialization, generator: &generator)
    let features = c.hiddenCounts.last ?? observationCount
    if c.includesValue && !c.sharedTrunk {
      value = makeMLP(
        inputCount: observationCount, hiddenCounts: c.valueHiddenCounts ?? c.hiddenCounts, outputCount: nil,
        activation: c.activation, orthogonal: c.orthogonalInitialization, generator: &generator)
    } else {
      value = nil
    }
    let initialization = { (gain: Float) -> Initialization in
      c.orthogonalInitialization ? .orthogonal(gain: gain) : .pytorchDefault
    }
    action = Linear(features, actionKind.headCount, initialization: initialization(0.01), generator: &generator)
    switch (actionKind, c.gaussianHead) {
    case (.discrete, _):
      std = nil
      log_std = nil
    case (.continuous(let low, _), .stateIndependentLogStd):
      std = nil
      log_std = Parameter(Tensor(repeating: c.logStdInit, shape: [low.count]))
    case (.continuous(let low, _), _):
      std = Linear(features, low.count, initialization: initialization(0.01), generator: &generator)
      log_std = nil
    }
    if c.includesValue {
      let valueFeatures = c.sharedTrunk ? features : (c.valueHiddenCounts ?? c.hiddenCounts).last ?? observationCount
      value_head = Linear(valueFeatures, 1, initialization: initialization(1), generator: &generator)
    } else {
      value_head = nil
    }
  }

  /// A policy for an environment's spaces.
  public convenience init(
    for environment: any Environment, configuration: PolicyConfiguration = PolicyConfiguration(),
    generator: inout RandomGenerator
  ) throws {
    try self.init(
      observationCount: environment.observationSpace.flatCount, actionKind: ActionKind(environment.actionSpace),
      configuration: configuration, generator: &generator)
  }

  // MARK: Forward passes

  /// The action distribution for a [batch, observationCount] batch (or one observation vector).
  public func distribution(_ observations: Tensor) -> PolicyDistribution {
    distribution(features: policy(batch(observations)))
  }

  /// State values V(s), [batch]. Requires a value head.
  public func values(_ observations: Tensor) -> Tensor {
    let x = batch(observations)
    return valueFromTrunk(configuration.sharedTrunk ? policy(x) : nil, x)
  }

  /// The distribution and the values together, sharing the trunk's forward pass when it is shared.
  public func evaluate(_ observations: Tensor) -> (distribution: PolicyDistribution, values: Tensor) {
    let x = batch(observations)
    let features = policy(x)
    return (distribution(features: features), valueFromTrunk(configuration.sharedTrunk ? features : nil, x))
  }

  public var hasValueHead: Bool { value_head != nil }

  private func batch(_ observations: Tensor) -> Tensor {
    observations.rank == 1 ? observations.reshaped([1, -1]) : observations
  }

  private func valueFromTrunk(_ sharedFeatures: Tensor?, _ x: Tensor) -> Tensor {
    guard let value_head else { preconditionFailure("this policy has no value head (includesValue is false)") }
    let features = sharedFeatures ?? value!(x)
    return value_head(features).reshaped([-1])
  }

  private func distribution(features: Tensor) -> PolicyDistribution {
    let head = action(features)
    switch actionKind {
    case .discrete:
      return .categorical(Categorical(logits: head))
    case .continuous:
      let c = configuration
      let mean = c.distributionEpsilon == 0 ? head : head + c.distributionEpsilon
      let gaussian: DiagonalGaussian
      switch c.gaussianHead {
      case .stateIndependentLogStd:
        gaussian = DiagonalGaussian(mean: mean, logStandardDeviation: log_std!.value)
      case .stateDependentLogStd:
        gaussian = DiagonalGaussian(
          mean: mean, logStandardDeviation: clamp(std!(features), min: c.logStdMin, max: c.logStdMax))
      case .softplusStd:
        gaussian = DiagonalGaussian(mean: mean, standardDeviation: softplus(std!(features)) + c.distributionEpsilon)
      }
      return .gaussian(gaussian, squashed: c.squashActions)
    }
  }

  // MARK: Acting

  /// The actions the environment receives for raw actions [batch, storedCount], row-major: category indices, or
  /// continuous values squashed into the bounds (``PolicyConfiguration/squashActions``) or clipped to them.
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
