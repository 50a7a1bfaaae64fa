import Foundation
import Gym
import Yams

// MARK: - RunConfiguration

/// A flat, typed configuration: dotted keys (`ppo.clip_range`) to numbers, Booleans, strings or lists.
///
/// Presets are YAML files; nested mappings flatten into dotted keys, so these two presets are the same:
///
///     ppo:                       ppo.clip_range: 0.2
///       clip_range: 0.2          ppo.epochs: 10
///       epochs: 10
///
/// `--set key=value` overrides are applied on top (the value is read as YAML: `0.1`, `true`, `[1, 2]`, `text`);
/// the caller then checks the keys against the ones it knows with ``validate(knownKeys:)``, which names the
/// closest matches of each unknown key.
public struct RunConfiguration: Equatable, Sendable {
  /// The values by key.
  public private(set) var values: [String: ConfigValue]
  /// Keys in the order they were first set (file order, then overrides).
  public private(set) var keys: [String]

  /// An empty configuration.
  public init() {
    values = [:]
    keys = []
  }

  /// A configuration holding `values` (keys ordered by name).
  ///
  /// - Parameter values: The values by dotted key, such as `ppo.clip_range`.
  public init(_ values: [String: ConfigValue]) {
    self.values = values
    keys = values.keys.sorted()
  }

  /// Parses YAML text; `source` names it in errors (e.g. the file path).
  ///
  /// - Parameters:
  ///   - yaml: A YAML mapping; nested mappings become dotted keys. Empty text gives an empty configuration.
  ///   - source: What errors call the text, e.g. the file's path.
  /// - Throws: ``ConfigurationError/malformedYAML(source:reason:)`` for text that does not parse or expands past
  ///   ``maximumNodes`` values, ``ConfigurationError/unsupportedStructure(key:reason:)`` for a top level that
  ///   is not a mapping or a value that is not a scalar or list.
  public init(yaml: String, source: String = "preset") throws {
    self.init()
    let node: Node?
    do {
      node = try Yams.compose(yaml: yaml)
    } catch {
      throw ConfigurationError.malformedYAML(source: source, reason: "\(error)")
    }
    guard let node else { return }
    guard case .mapping(let mapping) = node else {
      throw ConfigurationError.unsupportedStructure(key: "(top level)", reason: "the preset must be a mapping of keys")
    }
    // Aliases share nodes, so a few hundred bytes of them can stand for billions of values: count before expanding.
    var budget = RunConfiguration.maximumNodes
    guard RunConfiguration.countNodes(node, within: &budget) else {
      throw ConfigurationError.malformedYAML(
        source: source,
        reason:
          "it expands to more than \(RunConfiguration.maximumNodes) values (YAML aliases repeating one another?); "
          + "a preset holds a few hundred settings at most")
    }
    try flatten(mapping, prefix: "")
  }

  /// The most values (scalars, lists and mappings, with aliases expanded) a preset may hold.
  public static let maximumNodes = 100_000

  /// Counts the nodes of `node` as expanded, down from `budget`; false once the budget is spent.
  private static func countNodes(_ node: Node, within budget: inout Int) -> Bool {
    budget -= 1
    guard budget >= 0 else { return false }
    switch node {
    case .scalar: return true
    case .sequence(let sequence): return sequence.allSatisfy { countNodes($0, within: &budget) }
    case .mapping(let mapping):
      return mapping.allSatisfy { countNodes($0.0, within: &budget) && countNodes($0.1, within: &budget) }
    }
  }

  /// Loads a YAML preset file.
  ///
  /// - Parameter path: The YAML file.
  /// - Throws: ``ConfigurationError/unreadable(path:reason:)`` when it cannot be read, and what ``init(yaml:source:)``
  ///   throws.
  public init(contentsOfFile path: String) throws {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw ConfigurationError.unreadable(path: path, reason: (error as NSError).localizedDescription)
    }
    try self.init(yaml: text, source: path)
  }

  // MARK: - Changing values

  /// Sets `key` to `value`.
  ///
  /// - Parameters:
  ///   - key: A dotted key; a new one is added after the others.
  ///   - value: Its value, replacing any.
  public mutating func set(_ key: String, _ value: ConfigValue) {
    if values[key] == nil { keys.append(key) }
    values[key] = value
  }

  /// Applies overrides of the form `key=value`. A value for an existing key must have a compatible type (an
  /// integer may replace a number, and so may a schedule such as `linear(1e-3, 0)`; anything may replace a string
  /// when written in quotes).
  ///
  /// - Parameter overrides: `key=value` texts, applied in order; the value is read as YAML reads a scalar or flow list.
  /// - Throws: ``ConfigurationError/malformedOverride(_:)`` without `=` or a key,
  ///   ``ConfigurationError/typeMismatch(key:expected:found:)`` for a value that cannot replace the one there.
  public mutating func apply(overrides: [String]) throws {
    for override in overrides {
      guard let equals = override.firstIndex(of: "=") else { throw ConfigurationError.malformedOverride(override) }
      let key = override[..<equals].trimmingCharacters(in: .whitespaces)
      let text = String(override[override.index(after: equals)...])
      guard !key.isEmpty else { throw ConfigurationError.malformedOverride(override) }
      var value = try RunConfiguration.parseScalar(text, key: key)
      if let existing = values[key] {
        value = try RunConfiguration.coerce(value, toTypeOf: existing, key: key)
      }
      set(key, value)
    }
  }

  /// Throws ``ConfigurationError/unknownKeys(_:)`` when a key is not in `knownKeys`, naming close matches.
  ///
  /// - Parameter knownKeys: Every key the configuration may hold.
  public func validate(knownKeys: [String]) throws {
    let known = Set(knownKeys)
    let unknown = keys.filter { !known.contains($0) }
    guard unknown.isEmpty else {
      throw ConfigurationError.unknownKeys(
        unknown.map { .init(key: $0, suggestions: closeMatches(to: $0, among: knownKeys)) })
    }
  }

  /// The keys whose names start with `prefix` followed by a dot (e.g. every `ppo.` setting).
  ///
  /// - Parameter prefix: The leading part of the keys, without the dot.
  public func keys(under prefix: String) -> [String] {
    keys.filter { $0.hasPrefix(prefix + ".") }
  }

  // MARK: - Typed access

  /// The integer at `key`, or `defaultValue` when missing; throws on a wrong type or a missing required key.
  ///
  /// - Parameters:
  ///   - key: The dotted key.
  ///   - defaultValue: The integer when the key is missing; nil makes the key required.
  /// - Throws: ``ConfigurationError/missingKey(_:)`` for a missing key without a default,
  ///   ``ConfigurationError/typeMismatch(key:expected:found:)`` for a value of another type.
  public func int(_ key: String, default defaultValue: Int? = nil) throws -> Int {
    switch try value(key, defaultValue.map(ConfigValue.int)) {
    case .int(let value): return value
    case .double(let value) where value == value.rounded() && abs(value) < 9e15: return Int(value)
    case let other: throw ConfigurationError.typeMismatch(key: key, expected: "an integer", found: describe(other))
    }
  }

  /// The number at `key` (integers convert), or `defaultValue` when missing.
  ///
  /// - Parameters:
  ///   - key: The dotted key.
  ///   - defaultValue: The number when the key is missing; nil makes the key required.
  /// - Throws: ``ConfigurationError/missingKey(_:)`` for a missing key without a default,
  ///   ``ConfigurationError/typeMismatch(key:expected:found:)`` for a value of another type.
  public func double(_ key: String, default defaultValue: Double? = nil) throws -> Double {
    switch try value(key, defaultValue.map(ConfigValue.double)) {
    case .int(let value): return Double(value)
    case .double(let value): return value
    case let other: throw ConfigurationError.typeMismatch(key: key, expected: "a number", found: describe(other))
    }
  }

  /// The Boolean at `key`, or `defaultValue` when missing.
  ///
  /// - Parameters:
  ///   - key: The dotted key.
  ///   - defaultValue: The Boolean when the key is missing; nil makes the key required.
  /// - Throws: ``ConfigurationError/missingKey(_:)`` for a missing key without a default,
  ///   ``ConfigurationError/typeMismatch(key:expected:found:)`` for a value of another type.
  public func bool(_ key: String, default defaultValue: Bool? = nil) throws -> Bool {
    switch try value(key, defaultValue.map(ConfigValue.bool)) {
    case .bool(let value): return value
    case let other: throw ConfigurationError.typeMismatch(key: key, expected: "true or false", found: describe(other))
    }
  }

  /// The string at `key`, or `defaultValue` when missing.
  ///
  /// - Parameters:
  ///   - key: The dotted key.
  ///   - defaultValue: The string when the key is missing; nil makes the key required.
  /// - Throws: ``ConfigurationError/missingKey(_:)`` for a missing key without a default,
  ///   ``ConfigurationError/typeMismatch(key:expected:found:)`` for a value of another type.
  public func string(_ key: String, default defaultValue: String? = nil) throws -> String {
    switch try value(key, defaultValue.map(ConfigValue.string)) {
    case .string(let value): return value
    case let other: throw ConfigurationError.typeMismatch(key: key, expected: "a string", found: describe(other))
    }
  }

  /// The list of integers at `key` (a single integer is a list of one), or `defaultValue` when missing.
  ///
  /// - Parameters:
  ///   - key: The dotted key.
  ///   - defaultValue: The list when the key is missing; nil makes the key required.
  /// - Throws: ``ConfigurationError/missingKey(_:)`` for a missing key without a default,
  ///   ``ConfigurationError/typeMismatch(key:expected:found:)`` for a value of another type.
  public func ints(_ key: String, default defaultValue: [Int]? = nil) throws -> [Int] {
    let stored = try value(key, defaultValue.map { .list($0.map(ConfigValue.int)) })
    let elements: [ConfigValue] = if case .list(let list) = stored { list } else { [stored] }
    return try elements.map { element in
      guard case .int(let value) = element else {
        throw ConfigurationError.typeMismatch(key: key, expected: "a list of integers", found: describe(stored))
      }
      return value
    }
  }

  /// The list of numbers at `key` (a single number is a list of one), or `defaultValue` when missing.
  ///
  /// - Parameters:
  ///   - key: The dotted key.
  ///   - defaultValue: The list when the key is missing; nil makes the key required.
  /// - Throws: ``ConfigurationError/missingKey(_:)`` for a missing key without a default,
  ///   ``ConfigurationError/typeMismatch(key:expected:found:)`` for a value of another type.
  public func doubles(_ key: String, default defaultValue: [Double]? = nil) throws -> [Double] {
    let stored = try value(key, defaultValue.map { .list($0.map(ConfigValue.double)) })
    let elements: [ConfigValue] = if case .list(let list) = stored { list } else { [stored] }
    return try elements.map { element in
      switch element {
      case .int(let value): return Double(value)
      case .double(let value): return value
      default:
        throw ConfigurationError.typeMismatch(key: key, expected: "a list of numbers", found: describe(stored))
      }
    }
  }

  private func value(_ key: String, _ defaultValue: ConfigValue?) throws -> ConfigValue {
    if let stored = values[key] { return stored }
    if let defaultValue { return defaultValue }
    throw ConfigurationError.missingKey(key)
  }

  private func describe(_ value: ConfigValue) -> String { "\(value.typeName) \(value)" }

  // MARK: - Output

  /// The configuration as YAML, one `key: value` line per setting in key order; loading it gives back an equal
  /// configuration.
  public func yaml() -> String {
    keys.map { key in "\(RunConfiguration.yamlKey(key)): \(values[key]!)" }.joined(separator: "\n") + "\n"
  }

  /// The configuration as a JSON object keyed by the dotted keys.
  public var json: JSONValue {
    .object(values.mapValues(\.json))
  }

  static func yamlKey(_ key: String) -> String {
    let plain = key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" || $0 == "/" }
    return plain && !key.isEmpty ? key : JSONValue.quoted(key)
  }

  // MARK: - YAML helpers

  private mutating func flatten(_ mapping: Node.Mapping, prefix: String) throws {
    for (keyNode, valueNode) in mapping {
      guard let name = keyNode.string else {
        throw ConfigurationError.unsupportedStructure(key: prefix, reason: "a key is not a string")
      }
      let key = prefix.isEmpty ? name : prefix + "." + name
      guard values[key] == nil else {
        throw ConfigurationError.unsupportedStructure(
          key: key, reason: "it is given twice in the preset (the second would silently win); keep one")
      }
      if case .mapping(let nested) = valueNode {
        try flatten(nested, prefix: key)
      } else {
        set(key, try RunConfiguration.value(of: valueNode, key: key))
      }
    }
  }

  static func value(of node: Node, key: String) throws -> ConfigValue {
    switch node {
    case .scalar(let scalar):
      // Only plain (unquoted) scalars are typed; quoting makes anything a string.
      if scalar.style == .plain {
        if node.null != nil {
          throw ConfigurationError.unsupportedStructure(key: key, reason: "it has no value")
        }
        if let value = node.bool { return .bool(value) }
        if let value = node.int { return .int(value) }
        if let value = node.float { return .double(value) }
      }
      return .string(scalar.string)
    case .sequence(let sequence):
      return .list(
        try sequence.map { element in
          if case .scalar = element { return try value(of: element, key: key) }
          if case .sequence = element { return try value(of: element, key: key) }
          throw ConfigurationError.unsupportedStructure(key: key, reason: "a list holds a mapping")
        })
    case .mapping:
      throw ConfigurationError.unsupportedStructure(key: key, reason: "a mapping inside a list")
    }
  }

  static func parseScalar(_ text: String, key: String) throws -> ConfigValue {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty { return .string("") }
    // Parsed as the value of a one-key mapping, exactly as a preset line would be.
    let document: Node?
    do {
      document = try Yams.compose(yaml: "value: " + trimmed)
    } catch {
      return .string(trimmed)
    }
    guard case .mapping(let mapping)? = document, mapping.count == 1, let node = mapping.first?.value else {
      return .string(trimmed)
    }
    if case .mapping = node { return .string(trimmed) }
    return try value(of: node, key: key)
  }

  /// `name(arguments)`, the shape of a schedule such as `linear(3e-4, 0)`.
  static func isScheduleLike(_ text: String) -> Bool {
    guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else { return false }
    let name = text[..<open]
    return !name.isEmpty && name.allSatisfy { $0.isLetter || $0 == "_" }
  }

  static func coerce(_ value: ConfigValue, toTypeOf existing: ConfigValue, key: String) throws -> ConfigValue {
    switch (existing, value) {
    case (.double, .int(let number)): return .double(Double(number))
    case (.int, .double(let number)) where number == number.rounded() && abs(number) < 9e15: return .int(Int(number))
    case (.list, .list), (.int, .int), (.double, .double), (.bool, .bool), (.string, .string): return value
    // A schedule (`linear(1e-3, 0)`) may replace a number: the settings that take one read and check it.
    case (.double, .string(let text)) where isScheduleLike(text), (.int, .string(let text)) where isScheduleLike(text):
      return value
    case (.list(let elements), _) where !elements.isEmpty: return .list([value])
    case (.string, _): return .string(value.description.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
    default:
      throw ConfigurationError.typeMismatch(key: key, expected: existing.typeName, found: "\(value.typeName) \(value)")
    }
  }
}
