@_exported import Gym
@_exported import NeuralNetworks

// MARK: - Policy configuration

/// How a Gaussian policy produces its standard deviation.
public enum GaussianHead: String, Sendable, Codable, CaseIterable {
  /// A learned log σ per action dimension, independent of the state (SB3's default).
  case stateIndependentLogStd = "state-independent-log-std"
  /// A linear head from the features to log σ, clamped to ``PolicyConfiguration/logStdRange`` (W7).
  case stateDependentLogStd = "state-dependent-log-std"
  /// A linear head from the features to σ through softplus (W1, the Gymnasium REINFORCE tutorial).
  case softplusStd = "softplus-std"
}

/// The architecture of an actor-critic policy. Defaults are Stable-Baselines3's `MlpPolicy`: separate actor and
/// critic networks of two 64-unit tanh layers, orthogonal initialisation (gain √2 for hidden layers, 0.01 for the
/// action head, 1 for the value head), and a state-independent log σ starting at 0.
public struct PolicyConfiguration: Sendable, Equatable, Codable {
  /// Hidden layer widths of the actor (and of the shared trunk when ``sharedTrunk``).
  public var hiddenCounts: [Int] = [64, 64]
  /// Hidden layer widths of the critic; nil means the same as the actor's.
  public var valueHiddenCounts: [Int]? = nil
  /// One trunk feeding both the action head and the value head (W4-W7) instead of two networks.
  public var sharedTrunk = false
  /// The nonlinearity after every hidden layer.
  public var activation: Activation = .tanh
  /// Orthogonal initialisation with SB3's gains; false keeps PyTorch's default initialisation.
  public var orthogonalInitialization = true
  /// How a Gaussian policy gets its standard deviation (ignored for discrete actions).
  public var gaussianHead: GaussianHead = .stateIndependentLogStd
  /// The initial log σ of a state-independent head.
  public var logStdInit: Float = 0
  /// The clamp range of a state-dependent log σ head.
  public var logStdMin: Float = -20
  public var logStdMax: Float = 2
  /// Added to the mean and to σ of a Gaussian policy (W1 uses 1e-6, as its write-up does).
  public var distributionEpsilon: Float = 0
  /// Squash Gaussian samples with tanh into the action bounds, correcting the log-probability; otherwise the
  /// raw sample is stored and only the copy sent to the environment is clipped to the bounds.
  public var squashActions = false
  /// Whether the policy has a value head at all (plain REINFORCE has none).
  public var includesValue = true

  public init() {}
}

/// What the policy acts in: a discrete choice or a box of continuous values.
public enum ActionKind: Sendable, Equatable {
  case discrete(count: Int)
  case continuous(low: [Float], high: [Float])

  /// Reads the kind from a Gym action space; only Discrete and one-dimensional Box spaces are supported.
  ///
  /// - Parameter space: A Discrete space starting at 0, or a Box (its bounds are the continuous bounds).
  /// - Throws: ``PolicyError/unsupportedSpace(_:)`` for a Discrete space not starting at 0 or any other kind of space.
  public init(_ space: Space) throws {
    switch space {
    case .discrete(let d):
      guard d.start == 0 else {
        throw PolicyError.unsupportedSpace("Discrete spaces must start at 0 for a policy (got start \(d.start))")
      }
      self = .discrete(count: d.n)
    case .box(let box):
      self = .continuous(low: box.low.map { Float($0) }, high: box.high.map { Float($0) })
    default:
      throw PolicyError.unsupportedSpace(
        "policies act in Discrete or Box spaces, not \(space); flatten or wrap the environment")
    }
  }

  /// Values per action row stored by the algorithms (1 for discrete).
  public var storedCount: Int {
    switch self {
    case .discrete: return 1
    case .continuous(let low, _): return low.count
    }
  }

  /// Outputs of the action head (logits or means).
  public var headCount: Int {
    switch self {
    case .discrete(let n): return n
    case .continuous(let low, _): return low.count
    }
  }
}

/// Errors raised when a policy cannot be built for an environment.
public enum PolicyError: Error, Equatable, CustomStringConvertible {
  case unsupportedSpace(String)
  case invalidConfiguration(String)

  public var description: String {
    switch self {
    case .unsupportedSpace(let message): return "unsupported space: \(message)"
    case .invalidConfiguration(let message): return "invalid policy configuration: \(message)"
    }
  }
}

// MARK: - Sizes

extension PolicyConfiguration {
  /// The number of values (weights and biases) of the policy this configuration builds for `observationCount`
  /// inputs and `actionKind`, counted without building it (so that a memory estimate can refuse a size that could
  /// not be allocated). Equal to the built policy's parameter count; a Double, so that absurd widths do not overflow.
  /// - Parameters:
  ///   - observationCount: the number of values in one observation.
  ///   - actionKind: what the policy acts in (its head's width follows from it).
  public func parameterValueCount(observationCount: Int, actionKind: ActionKind) -> Double {
    func mlp(_ widths: [Int]) -> (values: Double, features: Double) {
      var values = 0.0
      var inputs = Double(observationCount)
      for width in widths {
        values += (inputs + 1) * Double(width)
        inputs = Double(width)
      }
      return (values, inputs)
    }
    let actor = mlp(hiddenCounts)
    var values = actor.values + (actor.features + 1) * Double(actionKind.headCount)
    if case .continuous(let low, _) = actionKind {
      let dimensions = Double(low.count)
      values += gaussianHead == .stateIndependentLogStd ? dimensions : (actor.features + 1) * dimensions
    }
    if includesValue {
      if sharedTrunk {
        values += actor.features + 1
      } else {
        let critic = mlp(valueHiddenCounts ?? hiddenCounts)
        values += critic.values + critic.features + 1
      }
    }
    return values
  }

  /// The values one observation's forward pass produces in every layer (inputs, hidden layers of the actor and the
  /// critic, heads): the activations a batch row keeps for the backward pass.
  /// - Parameters:
  ///   - observationCount: the number of values in one observation.
  ///   - actionKind: what the policy acts in.
  public func activationValueCount(observationCount: Int, actionKind: ActionKind) -> Double {
    let actor = hiddenCounts.reduce(0.0) { $0 + Double($1) }
    let critic = includesValue && !sharedTrunk ? (valueHiddenCounts ?? hiddenCounts).reduce(0.0) { $0 + Double($1) } : 0
    return Double(observationCount) + actor + critic + 2 * Double(actionKind.headCount) + 1
  }
}
