// MARK: - Render modes

/// How an environment renders, Gymnasium's `render_mode` keyword argument.
///
/// Rein renders off screen only: `rgb_array` returns a ``Frame`` per call. There is no window (`human`); to watch
/// an agent, record it (`rein record CHECKPOINT --out run.gif`) and open the file.
public enum RenderMode: String, Sendable, CaseIterable {
  /// `render()` returns the current picture as a ``Frame``.
  case rgbArray = "rgb_array"

  /// The keyword argument's name in `make(_:arguments:)`, as in `gym.make(id, render_mode="rgb_array")`.
  public static let argumentName = "render_mode"

  /// Parses the keyword argument; throws for a mode Rein does not offer, saying which ones it does.
  public init(argument: EnvironmentArgument) throws {
    guard case .string(let text) = argument, let mode = RenderMode(rawValue: text) else {
      let hint =
        argument == .string("human")
        ? " Rein opens no windows: record the agent instead (`rein record CHECKPOINT --out run.gif`)."
        : ""
      throw EnvironmentError.invalidArgument(
        "render_mode '\(argument)' is not supported; use \"rgb_array\" (render() then returns a Frame).\(hint)")
    }
    self = mode
  }
}

// MARK: - Errors

/// Why an environment could not render.
public enum RenderError: Error, Equatable, CustomStringConvertible {
  /// The environment has no renderer.
  case notSupported(environment: String)
  /// `render()` was called before the first `reset()`, so there is no state to draw.
  case renderBeforeReset(environment: String)
  /// The renderer needs a native library or device that is missing; `help` says how to get it.
  case unavailable(environment: String, reason: String, help: String)
  /// A frame's size and bytes do not agree.
  case invalidFrame(String)

  public var description: String {
    switch self {
    case .notSupported(let environment):
      return "\(environment) does not render (it has no rgb_array renderer); record or watch another environment, "
        + "or implement render() in your Environment type."
    case .renderBeforeReset(let environment):
      return "\(environment): render() was called before reset(); call reset(seed:) first, there is nothing to draw."
    case .unavailable(let environment, let reason, let help):
      return "\(environment) cannot render: \(reason). \(help)"
    case .invalidFrame(let message):
      return "invalid frame: \(message)"
    }
  }
}

// MARK: - Rendering through wrappers

extension Environment {
  /// Draws the current state, as Gymnasium's `env.render()` with `render_mode="rgb_array"`.
  ///
  /// The default throws ``RenderError/notSupported(environment:)`` (a wrapper forwards to the environment it wraps,
  /// see ``EnvironmentWrapper``). Rendering never changes the environment's state or its random stream, so a
  /// recorded episode is the same as an unrecorded one.
  public func render() throws -> Frame { throw RenderError.notSupported(environment: name) }

  /// The default: nil, an environment without a renderer (a wrapper forwards to the environment it wraps).
  public var renderFramesPerSecond: Double? { nil }

  /// True when `render()` can draw this environment (it, or the environment it wraps, has a renderer).
  public var canRender: Bool { renderFramesPerSecond != nil }
}
