// MARK: - Replay

/// Replays a list of actions in an environment and reports what happened as JSON lines, the contract of
/// `rein replay` that parity checks against Gymnasium run on.
///
/// `reset(seed:)` first, then one action per step; when an episode ends and actions remain, `reset()` without a
/// seed (the environment's generator carries on, as in the golden recordings). Lines:
/// `{"reset_obs": [...]}` after each reset and `{"obs": [...], "reward": r, "terminated": b, "truncated": b}`
/// per step, with numbers in shortest round-trip form (as Python's `json.dumps`).
public enum EnvironmentReplay {
  /// Parses an actions file: a JSON array with, per step, a number or an array of numbers, every one finite.
  /// Malformed, too deeply nested (over 256 levels) or non-finite input gets a short
  /// ``EnvironmentError/invalidArgument(_:)`` saying where.
  public static func parseActions(_ text: String) throws -> [[Double]] {
    let document: JSONValue
    do {
      document = try JSONValue(parsing: text)
    } catch {
      throw EnvironmentError.invalidArgument("the actions file is not valid JSON (\(error))")
    }
    guard case .array(let items) = document else {
      throw EnvironmentError.invalidArgument("the actions file must hold a JSON array, one action per step")
    }
    return try items.enumerated().map { index, item in
      guard let action = item.doublesValue else {
        throw EnvironmentError.invalidArgument(
          "action \(index) is \(brief(item)), expected a number or a list of numbers")
      }
      guard action.allSatisfy(\.isFinite) else {
        throw EnvironmentError.invalidArgument("action \(index) holds a number out of Double's range")
      }
      return action
    }
  }

  /// At most 60 characters of `value`'s JSON text, for messages.
  static func brief(_ value: JSONValue) -> String {
    let text = value.serialized()
    return text.count <= 60 ? text : text.prefix(57) + "..."
  }

  /// Runs the replay and passes each output line to `emit`.
  public static func run(
    _ env: any Environment, seed: UInt64, actions: [[Double]], emit: (String) throws -> Void
  ) throws {
    var observation = try env.reset(seed: seed).observation
    try emit("{\"reset_obs\": \(json(observation))}")
    for (index, action) in actions.enumerated() {
      guard env.actionSpace.flatCount == action.count else {
        throw EnvironmentError.invalidAction(
          "action \(index) has \(action.count) values; \(env.actionSpace) takes \(env.actionSpace.flatCount)")
      }
      let result = try env.step(action)
      observation = result.observation
      try emit(
        "{\"obs\": \(json(observation)), \"reward\": \(json(result.reward)), "
          + "\"terminated\": \(result.terminated), \"truncated\": \(result.truncated)}")
      if result.done && index + 1 < actions.count {
        observation = try env.reset().observation
        try emit("{\"reset_obs\": \(json(observation))}")
      }
    }
  }

  /// A number as Python's `json.dumps` writes it: the shortest decimal that round-trips, `NaN`, `Infinity`.
  public static func json(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value == .infinity { return "Infinity" }
    if value == -.infinity { return "-Infinity" }
    return value.description
  }

  /// A list of numbers as Python's `json.dumps` writes it.
  public static func json(_ values: [Double]) -> String {
    "[" + values.map(json).joined(separator: ", ") + "]"
  }
}
