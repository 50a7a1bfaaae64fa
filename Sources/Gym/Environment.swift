// MARK: - The environment protocol

/// A Gymnasium 1.x environment over flat numeric observations and actions.
///
/// Observations are written as `Double`s into a caller-provided buffer of `observationSpace.flatCount` values
/// (a float32 observation is stored exactly, since every `Float` is a `Double`); actions arrive the same way, one
/// value per flat action dimension (a `Discrete` action is a single value holding the integer). The buffer form
/// lets vector environments step without allocating; the extension below gives the familiar array form.
///
/// Semantics follow Gymnasium: `reset(seed:)` with a seed re-creates the environment's numpy-compatible
/// generator; `reset(seed: nil)` keeps using it (creating one from entropy the first time). Truncation belongs to
/// the ``TimeLimit`` wrapper, so a bare environment only ever reports `terminated`. Stepping before the first reset
/// throws ``EnvironmentError/stepBeforeReset``.
public protocol Environment: AnyObject {
  /// The space every observation belongs to.
  var observationSpace: Space { get }
  /// The space every action must belong to.
  var actionSpace: Space { get }

  /// Starts an episode and writes its first observation into `observation`.
  func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> Info

  /// Applies `action` for one step, writes the next observation into `observation` and returns the outcome.
  func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> StepOutcome

  /// Releases native resources early; an environment must not be used afterwards. The default does nothing.
  func close()

  /// A short name for messages, such as `CartPole`; the default is the type's name.
  var name: String { get }

  /// Everything the environment's future depends on (physics, generator, episode flags, wrapper counters), so
  /// that ``restoreState(_:)`` on an identically made environment continues bit for bit. The default throws
  /// ``EnvironmentStateError/unsupported(environment:reason:)``.
  func saveState() throws -> EnvironmentState

  /// Restores a state from ``saveState()`` of an identically made environment; throws an
  /// ``EnvironmentStateError`` for a state of another kind or shape (leaving the environment needing a reset).
  func restoreState(_ state: EnvironmentState) throws

  /// Draws the current state as an RGB ``Frame`` (Gymnasium's `render()` in `rgb_array` mode). The default
  /// forwards through wrappers and otherwise throws ``RenderError/notSupported(environment:)``.
  func render() throws -> Frame

  /// Frames per second at which recordings play in real time (Gymnasium's `metadata["render_fps"]`); nil for an
  /// environment that does not render. The default forwards through wrappers.
  var renderFramesPerSecond: Double? { get }
}

extension Environment {
  public func close() {}

  public var name: String { String(describing: type(of: self)) }
}

/// What one step returns besides the observation.
public struct StepOutcome: Sendable, Equatable {
  public var reward: Double
  public var terminated: Bool
  public var truncated: Bool
  public var info: Info

  public init(reward: Double, terminated: Bool, truncated: Bool = false, info: Info = [:]) {
    self.reward = reward
    self.terminated = terminated
    self.truncated = truncated
    self.info = info
  }

  /// True when the episode is over for either reason.
  public var done: Bool { terminated || truncated }
}

/// Options passed to `reset`, as in Gymnasium's `reset(options=...)` (for example `low` and `high` of the start
/// state in the classic-control environments).
public typealias ResetOptions = [String: Double]

// MARK: - Array conveniences

/// A full step result with its observation, in Gymnasium's order.
public struct Step: Sendable, Equatable {
  public var observation: [Double]
  public var reward: Double
  public var terminated: Bool
  public var truncated: Bool
  public var info: Info

  /// True when the episode is over for either reason.
  public var done: Bool { terminated || truncated }
}

extension Environment {
  /// Starts an episode and returns the first observation and the info.
  public func reset(seed: UInt64? = nil, options: ResetOptions? = nil) throws -> (observation: [Double], info: Info) {
    var observation = [Double](repeating: 0, count: observationSpace.flatCount)
    let info = try observation.withUnsafeMutableBufferPointer { try reset(seed: seed, options: options, into: $0) }
    return (observation, info)
  }

  /// Steps with an action given as its flat values (for a `Box` action space).
  public func step(_ action: [Double]) throws -> Step {
    var observation = [Double](repeating: 0, count: observationSpace.flatCount)
    let outcome = try action.withUnsafeBufferPointer { a in
      try observation.withUnsafeMutableBufferPointer { try step(a, into: $0) }
    }
    return Step(
      observation: observation, reward: outcome.reward, terminated: outcome.terminated,
      truncated: outcome.truncated, info: outcome.info)
  }

  /// Steps with a discrete action.
  public func step(_ action: Int) throws -> Step {
    try step([Double(action)])
  }
}

// MARK: - Errors

/// Errors raised by environments, wrappers and the registry. Each message says what went wrong and what to do.
public enum EnvironmentError: Error, Equatable, CustomStringConvertible {
  case stepBeforeReset(String)
  case stepAfterEpisodeEnd(String)
  case invalidAction(String)
  case invalidObservationBuffer(expected: Int, got: Int)
  case unknownEnvironment(id: String, known: [String])
  case duplicateRegistration(id: String)
  case invalidArgument(String)
  case libraryUnavailable(library: String, help: String)
  case simulationFailed(String)

  public var description: String {
    switch self {
    case .stepBeforeReset(let env):
      return "\(env): step() was called before reset(); call reset(seed:) to start an episode first."
    case .stepAfterEpisodeEnd(let env):
      return "\(env): step() was called after the episode ended; call reset() to start a new one."
    case .invalidAction(let message):
      return "invalid action: \(message)"
    case .invalidObservationBuffer(let expected, let got):
      return "observation buffer holds \(got) values but the observation space needs \(expected)."
    case .unknownEnvironment(let id, let known):
      let close = known.filter { $0.lowercased().contains(id.lowercased().prefix(4)) }
      let hint = close.isEmpty ? "run `rein envs` to list them" : "did you mean \(close.joined(separator: ", "))?"
      return "no environment is registered as '\(id)'; \(hint)"
    case .duplicateRegistration(let id):
      return "an environment is already registered as '\(id)'; choose another id or pass `replace: true`."
    case .invalidArgument(let message):
      return "invalid argument: \(message)"
    case .libraryUnavailable(let library, let help):
      return "\(library) is not available: \(help)"
    case .simulationFailed(let message):
      return "simulation failed: \(message)"
    }
  }
}
