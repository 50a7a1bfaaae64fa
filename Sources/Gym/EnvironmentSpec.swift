// MARK: - Specs and keyword arguments

/// A keyword argument for an environment constructor, as in `gym.make("Pendulum-v1", g=9.81)`.
public enum EnvironmentArgument: Sendable, Equatable, Hashable, CustomStringConvertible {
  case bool(Bool)
  case int(Int)
  case double(Double)
  case doubles([Double])
  case string(String)

  public var description: String {
    switch self {
    case .bool(let v): return String(v)
    case .int(let v): return String(v)
    case .double(let v): return String(v)
    case .doubles(let v): return "[" + v.map { String($0) }.joined(separator: ", ") + "]"
    case .string(let v): return v
    }
  }
}

/// Keyword arguments by name.
public typealias EnvironmentArguments = [String: EnvironmentArgument]

extension Dictionary where Key == String, Value == EnvironmentArgument {
  /// A numeric argument, or `defaultValue` when absent; throws when present with a non-numeric value.
  public func double(_ name: String, default defaultValue: Double) throws -> Double {
    guard let value = self[name] else { return defaultValue }
    switch value {
    case .double(let v): return v
    case .int(let v): return Double(v)
    default: throw EnvironmentError.invalidArgument("'\(name)' must be a number, got \(value)")
    }
  }

  /// An integer argument, or `defaultValue` when absent.
  public func int(_ name: String, default defaultValue: Int) throws -> Int {
    guard let value = self[name] else { return defaultValue }
    switch value {
    case .int(let v): return v
    case .double(let v) where v.rounded() == v: return Int(v)
    default: throw EnvironmentError.invalidArgument("'\(name)' must be an integer, got \(value)")
    }
  }

  /// A Boolean argument, or `defaultValue` when absent.
  public func bool(_ name: String, default defaultValue: Bool) throws -> Bool {
    guard let value = self[name] else { return defaultValue }
    switch value {
    case .bool(let v): return v
    case .int(let v) where v == 0 || v == 1: return v == 1
    default: throw EnvironmentError.invalidArgument("'\(name)' must be true or false, got \(value)")
    }
  }

  /// A list of numbers, or `defaultValue` when absent.
  public func doubles(_ name: String, default defaultValue: [Double]) throws -> [Double] {
    guard let value = self[name] else { return defaultValue }
    switch value {
    case .doubles(let v): return v
    case .double(let v): return [v]
    case .int(let v): return [Double(v)]
    default: throw EnvironmentError.invalidArgument("'\(name)' must be a list of numbers, got \(value)")
    }
  }

  /// Throws when an argument is not one the environment knows, naming the ones it does.
  public func requireKnown(_ known: Set<String>, environment: String) throws {
    for key in keys where !known.contains(key) {
      throw EnvironmentError.invalidArgument(
        "\(environment) has no argument '\(key)'; it takes \(known.sorted().joined(separator: ", "))")
    }
  }
}

/// What the registry knows about an environment id, as Gymnasium's `EnvSpec`.
public struct EnvironmentSpec: Sendable {
  /// The id, such as `CartPole-v1`.
  public var id: String
  /// The step limit the ``TimeLimit`` wrapper enforces, if any.
  public var maxEpisodeSteps: Int?
  /// The mean return over 100 episodes at which the task counts as solved, if one is defined.
  public var rewardThreshold: Double?
  /// Default keyword arguments (a user's arguments at `make` override them).
  public var arguments: EnvironmentArguments
  /// True for environments whose dynamics never end an episode by themselves.
  public var nondeterministic: Bool

  public init(
    id: String, maxEpisodeSteps: Int? = nil, rewardThreshold: Double? = nil, arguments: EnvironmentArguments = [:],
    nondeterministic: Bool = false
  ) {
    self.id = id
    self.maxEpisodeSteps = maxEpisodeSteps
    self.rewardThreshold = rewardThreshold
    self.arguments = arguments
    self.nondeterministic = nondeterministic
  }
}
