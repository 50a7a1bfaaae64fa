// MARK: - Replay

/// Replays a list of actions in an environment and reports what happened as JSON lines, the contract of
/// `rein replay` that parity checks against Gymnasium run on.
///
/// `reset(seed:)` first, then one action per step; when an episode ends and actions remain, `reset()` without a
/// seed (the environment's generator carries on, as in the golden recordings). Lines:
/// `{"reset_obs": [...]}` after each reset and `{"obs": [...], "reward": r, "terminated": b, "truncated": b}`
/// per step, with numbers in shortest round-trip form (as Python's `json.dumps`). Where the reset or the step
/// reports numeric info entries (the v5 MuJoCo tasks' reward terms and positions), the line also holds
/// `"info": {...}`: those entries with their keys sorted, numbers as above, integers as integers, arrays as lists
/// (entries of other kinds, such as MuJoCo's nested warning report, are left out).
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
    let first = try env.reset(seed: seed)
    var observation = first.observation
    try emit("{\"reset_obs\": \(json(observation))\(infoMember(first.info))}")
    for (index, action) in actions.enumerated() {
      guard env.actionSpace.flatCount == action.count else {
        throw EnvironmentError.invalidAction(
          "action \(index) has \(action.count) values; \(env.actionSpace) takes \(env.actionSpace.flatCount)")
      }
      let result = try env.step(action)
      observation = result.observation
      try emit(
        "{\"obs\": \(json(observation)), \"reward\": \(json(result.reward)), "
          + "\"terminated\": \(result.terminated), \"truncated\": \(result.truncated)\(infoMember(result.info))}")
      if result.done && index + 1 < actions.count {
        let next = try env.reset()
        observation = next.observation
        try emit("{\"reset_obs\": \(json(observation))\(infoMember(next.info))}")
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

  /// The numeric entries of `info` as a JSON object with sorted keys, or nil when it has none.
  public static func json(numericInfo info: Info) -> String? {
    var members: [String] = []
    for key in info.keys.sorted() {
      let value: String
      switch info[key]! {
      case .double(let x): value = json(x)
      case .int(let n): value = String(n)
      case .doubles(let xs): value = json(xs)
      default: continue
      }
      members.append(json(key: key) + ": " + value)
    }
    return members.isEmpty ? nil : "{" + members.joined(separator: ", ") + "}"
  }

  /// `, "info": {...}` for a line, or nothing when `info` has no numeric entry.
  private static func infoMember(_ info: Info) -> String {
    json(numericInfo: info).map { ", \"info\": " + $0 } ?? ""
  }

  /// A key as a JSON string (quotes, backslashes and control characters escaped, as `json.dumps` does).
  private static func json(key: String) -> String {
    var text = "\""
    for scalar in key.unicodeScalars {
      switch scalar {
      case "\"": text += "\\\""
      case "\\": text += "\\\\"
      case "\n": text += "\\n"
      case "\t": text += "\\t"
      case "\r": text += "\\r"
      case _ where scalar.value < 0x20 || scalar.value > 0x7e:
        for unit in String(scalar).utf16 {
          let hex = String(unit, radix: 16)
          text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
      default: text.unicodeScalars.append(scalar)
      }
    }
    return text + "\""
  }

  /// A list of numbers as Python's `json.dumps` writes it.
  public static func json(_ values: [Double]) -> String {
    "[" + values.map(json).joined(separator: ", ") + "]"
  }
}
