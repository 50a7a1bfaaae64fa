import Foundation
import PolicyGradient

// MARK: - Settings
//
// A setting is one key of a preset or of `--set`: its name, its group, its help text, the range its numbers must
// lie in, and its bindings, each of which says where the value goes (a key path into the experiment plan or into an
// algorithm's typed configuration) and so what type it has and what its default is (the typed configuration's own).
// The rows are in SettingsTable.swift; reading, checking, `rein keys` and the README's list all come from them.

/// The groups `rein keys` and the README list the settings in.
public enum SettingGroup: String, CaseIterable, Sendable {
  case experiment = "Experiment"
  case budget = "Budget"
  case environments = "Environments"
  case evaluation = "Evaluation"
  case checkpoints = "Checkpoints and stopping"
  case output = "Printing and plots"
  case algorithm = "Algorithm"
  case policy = "Policy network"
}

/// The interval a setting's numbers must lie in (every number must also be finite).
public struct SettingRange: Sendable, Equatable, CustomStringConvertible {
  public var lower: Double?
  public var lowerIncluded = true
  public var upper: Double?
  public var upperIncluded = true

  /// At least `value`.
  ///
  /// - Parameter value: The lower bound, included.
  public static func atLeast(_ value: Double) -> SettingRange { SettingRange(lower: value) }
  /// More than `value`.
  ///
  /// - Parameter value: The lower bound, excluded.
  public static func above(_ value: Double) -> SettingRange { SettingRange(lower: value, lowerIncluded: false) }
  /// Positive.
  public static let positive = above(0)
  /// From 0 to 1, both included.
  public static let unit = SettingRange(lower: 0, upper: 1)
  /// From `lower` to `upper`, both included.
  ///
  /// - Parameters:
  ///   - lower: The lower bound, included.
  ///   - upper: The upper bound, included.
  public static func from(_ lower: Double, to upper: Double) -> SettingRange {
    SettingRange(lower: lower, upper: upper)
  }

  /// Whether `value` lies in the range (infinite values, which schedules may tend to, only where unbounded).
  ///
  /// - Parameter value: The number checked; NaN is never in a range.
  public func contains(_ value: Double) -> Bool {
    if value.isNaN { return false }
    if let lower, lowerIncluded ? value < lower : value <= lower { return false }
    if let upper, upperIncluded ? value > upper : value >= upper { return false }
    return true
  }

  public var description: String {
    switch (lower, upper) {
    case (nil, nil): return "any finite number"
    case (let low?, nil):
      if low == 0 && !lowerIncluded { return "positive" }
      return (lowerIncluded ? "at least " : "above ") + Self.text(low)
    case (nil, let high?): return (upperIncluded ? "at most " : "below ") + Self.text(high)
    case (let low?, let high?):
      return (lowerIncluded ? "[" : "(") + Self.text(low) + ", " + Self.text(high) + (upperIncluded ? "]" : ")")
    }
  }

  static func text(_ value: Double) -> String {
    if value == value.rounded() && abs(value) < 1e6 { return String(Int(value)) }
    if value == value.rounded() && value > 0, log10(value) == log10(value).rounded() { return "1e\(Int(log10(value)))" }
    return "\(value)"
  }
}

// MARK: - Values

/// A type a setting can hold: how it is read from a configuration value and shown.
public protocol SettingValue: Sendable {
  /// Reads the value; throws a type mismatch naming `key`.
  ///
  /// - Parameters:
  ///   - value: The value as the configuration holds it.
  ///   - key: The setting's key, named in the error.
  /// - Throws: ``ConfigurationError/typeMismatch(key:expected:found:)`` for a value of another type.
  static func read(_ value: ConfigValue, key: String) throws -> Self
  /// The type as `rein keys` names it.
  static var typeName: String { get }
  /// The value as a preset would spell it.
  var settingText: String { get }
  /// The numbers written (each must be finite).
  var writtenNumbers: [Double] { get }
  /// The values it takes (each must be in the setting's range); for a schedule, its extremes over training.
  var reachedNumbers: [Double] { get }
}

extension SettingValue {
  public var writtenNumbers: [Double] { [] }
  public var reachedNumbers: [Double] { writtenNumbers }
}

private func mismatch(_ key: String, _ expected: String, _ value: ConfigValue) -> ConfigurationError {
  .typeMismatch(key: key, expected: expected, found: "\(value.typeName) \(value)")
}

extension Int: SettingValue {
  public static func read(_ value: ConfigValue, key: String) throws -> Int {
    switch value {
    case .int(let i): return i
    case .double(let d) where d == d.rounded() && abs(d) < 9e15: return Int(d)
    default: throw mismatch(key, "an integer", value)
    }
  }
  public static var typeName: String { "integer" }
  public var settingText: String { String(self) }
  public var writtenNumbers: [Double] { [Double(self)] }
}

extension Double: SettingValue {
  public static func read(_ value: ConfigValue, key: String) throws -> Double {
    switch value {
    case .int(let i): return Double(i)
    case .double(let d): return d
    default: throw mismatch(key, "a number", value)
    }
  }
  public static var typeName: String { "number" }
  public var settingText: String { ConfigValue.double(self).description }
  public var writtenNumbers: [Double] { [self] }
}

extension Float: SettingValue {
  public static func read(_ value: ConfigValue, key: String) throws -> Float { Float(try Double.read(value, key: key)) }
  public static var typeName: String { "number" }
  public var settingText: String { Double(self).settingText }
  public var writtenNumbers: [Double] { [Double(self)] }
}

extension Bool: SettingValue {
  public static func read(_ value: ConfigValue, key: String) throws -> Bool {
    guard case .bool(let b) = value else { throw mismatch(key, "true or false", value) }
    return b
  }
  public static var typeName: String { "true/false" }
  public var settingText: String { self ? "true" : "false" }
}

extension String: SettingValue {
  public static func read(_ value: ConfigValue, key: String) throws -> String {
    guard case .string(let s) = value else { throw mismatch(key, "a string", value) }
    return s
  }
  public static var typeName: String { "text" }
  public var settingText: String { self }
}

extension Array: SettingValue where Element: SettingValue {
  public static func read(_ value: ConfigValue, key: String) throws -> [Element] {
    let elements: [ConfigValue] = if case .list(let list) = value { list } else { [value] }
    return try elements.map { element in
      do { return try Element.read(element, key: key) } catch {
        throw mismatch(key, "a list of \(Element.typeName)s", value)
      }
    }
  }
  public static var typeName: String { "list of \(Element.typeName)s" }
  public var settingText: String { "[" + map(\.settingText).joined(separator: ", ") + "]" }
  public var writtenNumbers: [Double] { flatMap(\.writtenNumbers) }
  public var reachedNumbers: [Double] { flatMap(\.reachedNumbers) }
}

extension UInt64: SettingValue {
  public static func read(_ value: ConfigValue, key: String) throws -> UInt64 {
    let i = try Int.read(value, key: key)
    guard i >= 0 else {
      throw ExperimentError.invalidSetting(key: key, value: "\(i)", expected: "non-negative integers")
    }
    return UInt64(i)
  }
  public static var typeName: String { "integer" }
  public var settingText: String { String(self) }
}

extension Optional: SettingValue where Wrapped: SettingValue {
  public static func read(_ value: ConfigValue, key: String) throws -> Wrapped? { try Wrapped.read(value, key: key) }
  public static var typeName: String { Wrapped.typeName }
  public var settingText: String { map(\.settingText) ?? "none" }
  public var writtenNumbers: [Double] { self?.writtenNumbers ?? [] }
  public var reachedNumbers: [Double] { self?.reachedNumbers ?? [] }
}

extension Schedule: SettingValue {
  public static func read(_ value: ConfigValue, key: String) throws -> Schedule {
    switch value {
    case .int(let i): return .constant(Double(i))
    case .double(let d): return .constant(d)
    case .string(let s):
      do { return try Schedule(parsing: s) } catch {
        throw ExperimentError.invalidSetting(key: key, value: s, expected: "a number or a schedule: \(error)")
      }
    default:
      throw ExperimentError.invalidSetting(key: key, value: "\(value)", expected: "a number or a schedule")
    }
  }
  public static var typeName: String { "number or schedule" }
  public var settingText: String {
    if case .constant(let v) = self { return v.settingText }
    return description
  }
  public var writtenNumbers: [Double] {
    switch self {
    case .constant(let v): return [v]
    case .linear(let a, let b), .exponential(let a, let b), .cosine(let a, let b): return [a, b]
    case .step(let a, let f, let n): return [a, f, Double(n)]
    }
  }
  /// The schedule's extremes over any length of training (linear, exponential and cosine run from start to end;
  /// a step schedule goes geometrically from its start towards 0 or infinity).
  public var reachedNumbers: [Double] {
    switch self {
    case .constant(let v): return [v]
    case .linear(let a, let b), .exponential(let a, let b), .cosine(let a, let b): return [a, b]
    case .step(let a, let f, _):
      if a == 0 || f == 1 { return [a] }
      if f == 0 { return [a, 0] }
      if abs(f) >= 1 { return f > 0 ? [a, a * .infinity] : [-.infinity, .infinity] }
      return [a, a * f]  // towards 0 (never reached), from the side of a; a negative factor alternates sides
    }
  }
}

/// The error for a value that is none of `choices`, naming the closest.
func choiceError(key: String, value: String, choices: [String]) -> ExperimentError {
  var close = closeMatches(to: value, among: choices)
  if close.isEmpty, !value.isEmpty { close = choices.filter { $0.contains(value) } }
  let hint = close.isEmpty ? "" : " (did you mean \(close.map { "'\($0)'" }.joined(separator: " or "))?)"
  return .invalidSetting(key: key, value: "'\(value)'\(hint)", expected: "one of " + choices.joined(separator: ", "))
}

/// An enumeration a setting names by its raw value (`adam`, `relu`, ...).
public protocol ChoiceSettingValue: SettingValue, CaseIterable, RawRepresentable where RawValue == String {}

extension ChoiceSettingValue {
  public static func read(_ value: ConfigValue, key: String) throws -> Self {
    let name = try String.read(value, key: key)
    guard let choice = Self(rawValue: name) else { throw choiceError(key: key, value: name, choices: choices) }
    return choice
  }
  public static var choices: [String] { allCases.map(\.rawValue) }
  public static var typeName: String { choices.joined(separator: " | ") }
  public var settingText: String { rawValue }
}

extension OptimizerKind: ChoiceSettingValue {}
extension Activation: ChoiceSettingValue {}
extension GaussianHead: ChoiceSettingValue {}
extension NormalizationStyle: ChoiceSettingValue {}
extension ValueLossStyle: ChoiceSettingValue {}

// MARK: - Bindings

/// The typed configuration of an algorithm: its defaults are `init()`'s.
public protocol AlgorithmConfiguration: Sendable, Equatable {
  init()
}

/// A configuration with a policy network (the `policy.*` settings apply to it).
public protocol PolicyConfigurable {
  var policy: PolicyConfiguration { get set }
}

/// Where one setting's value goes: a key path into the experiment plan, into one algorithm's configuration or into
/// the policy of every algorithm that has one.
public struct SettingBinding: @unchecked Sendable {
  enum Target: Equatable {
    case plan
    case configuration(ObjectIdentifier)
    case policy
  }

  let target: Target
  let typeName: String
  /// Stores a value read from a configuration.
  let apply: (inout Any, ConfigValue, _ key: String) throws -> Void
  /// Stores the default for an absent key when it depends on other settings (nil: the root's default stands).
  let applyDerivedDefault: ((inout Any) -> Void)?
  /// The value in `root` as text, and its numbers as written and as reached.
  let read: (Any) -> (text: String, written: [Double], reached: [Double])

  /// Whether the binding applies to an algorithm with configurations of `type`.
  func applies(to type: any AlgorithmConfiguration.Type) -> Bool {
    switch target {
    case .plan: return false
    case .configuration(let id): return id == ObjectIdentifier(type)
    case .policy: return type is PolicyConfigurable.Type
    }
  }

  private static func make<Root, Value: SettingValue>(
    _ target: Target, _ path: WritableKeyPath<Root, Value>, derivedDefault: ((Root) -> Value)?
  ) -> SettingBinding {
    SettingBinding(
      target: target, typeName: Value.typeName,
      apply: { root, value, key in
        var typed = root as! Root
        typed[keyPath: path] = try Value.read(value, key: key)
        root = typed
      },
      applyDerivedDefault: derivedDefault.map { derive in
        { root in
          var typed = root as! Root
          typed[keyPath: path] = derive(typed)
          root = typed
        }
      },
      read: { root in
        let value = (root as! Root)[keyPath: path]
        return (value.settingText, value.writtenNumbers, value.reachedNumbers)
      })
  }

  /// A field of an algorithm's configuration; `derivedDefault` gives its value when the key is absent, from the
  /// configuration with every given setting applied.
  ///
  /// - Parameters:
  ///   - path: The field of the algorithm's configuration the setting sets and reads.
  ///   - derivedDefault: Computes the value when the key is absent, from the configuration with the given settings
  ///     applied; nil keeps the configuration's own default.
  public static func on<C: AlgorithmConfiguration, Value: SettingValue>(
    _ path: WritableKeyPath<C, Value>, derivedDefault: ((C) -> Value)? = nil
  ) -> SettingBinding {
    make(.configuration(ObjectIdentifier(C.self)), path, derivedDefault: derivedDefault)
  }

  /// A field of the policy network, for every algorithm whose configuration has one.
  ///
  /// - Parameter path: The field of the policy configuration, set in the configuration of whichever algorithm is
  ///   chosen.
  public static func policy<Value: SettingValue>(_ path: WritableKeyPath<PolicyConfiguration, Value>) -> SettingBinding
  {
    var binding = make(.policy, path, derivedDefault: nil)
    let apply = binding.apply
    let read = binding.read
    binding = SettingBinding(
      target: .policy, typeName: binding.typeName,
      apply: { root, value, key in
        var configured = root as! any PolicyConfigurable
        var policy: Any = configured.policy
        try apply(&policy, value, key)
        configured.policy = policy as! PolicyConfiguration
        root = configured
      },
      applyDerivedDefault: nil, read: { root in read((root as! any PolicyConfigurable).policy) })
    return binding
  }

  /// A field of the experiment plan.
  static func plan<Value: SettingValue>(
    _ path: WritableKeyPath<ExperimentPlan, Value>, derivedDefault: ((ExperimentPlan) -> Value)? = nil
  ) -> SettingBinding {
    make(.plan, path, derivedDefault: derivedDefault)
  }
}

// MARK: - The row type

/// One setting: declared once, in ``SettingsTable``.
public struct Setting: Sendable {
  /// The key as presets and `--set` write it (`n_steps`, `policy.hidden`).
  public let key: String
  public let group: SettingGroup
  /// What it means, in a line.
  public let help: String
  /// The interval its numbers must lie in (nil: any finite number).
  public let range: SettingRange?
  /// The values a text setting may take (nil: any).
  public let choices: [String]?
  /// The default as `rein keys` shows it, where it is not the typed configuration's plain value.
  public let shownDefault: String?
  /// Whether a configuration must give it.
  public let required: Bool
  let bindings: [SettingBinding]

  /// A row of the settings table.
  ///
  /// - Parameters:
  ///   - key: The key as presets and `--set` write it.
  ///   - group: The group `rein keys` and the README list it under.
  ///   - help: What it means, in a line.
  ///   - range: The interval its numbers must lie in; nil accepts any finite number.
  ///   - choices: The values a text setting may take; nil accepts any.
  ///   - shownDefault: The default as `rein keys` shows it, where the typed default is not what a user writes; nil
  ///     shows the typed default.
  ///   - required: True when every configuration must give it.
  ///   - bindings: Where the value goes: a field of the plan, of an algorithm's configuration or of the policy; an
  ///     algorithm uses the setting when one binding targets its configuration.
  public init(
    _ key: String, _ group: SettingGroup, _ help: String, in range: SettingRange? = nil, choices: [String]? = nil,
    shownDefault: String? = nil, required: Bool = false, _ bindings: SettingBinding...
  ) {
    self.choices = choices
    self.key = key
    self.group = group
    self.help = help
    self.range = range
    self.shownDefault = shownDefault
    self.required = required
    self.bindings = bindings
  }

  /// Whether it is a setting of the experiment (every algorithm), not of an algorithm's configuration.
  public var isExperimentSetting: Bool { bindings.isEmpty || bindings.contains { $0.target == .plan } }

  /// The binding that applies to `algorithm`, if any.
  func binding(for algorithm: AlgorithmDefinition) -> SettingBinding? {
    bindings.first { $0.target == .plan || $0.applies(to: algorithm.configurationType) }
  }

  /// Throws unless every number of the value in `root` read by `binding` is finite and in range.
  func check(_ root: Any, through binding: SettingBinding) throws {
    let (text, written, reached) = binding.read(root)
    if written.contains(where: { !$0.isFinite }) {
      throw ExperimentError.invalidSetting(key: key, value: text, expected: "a finite number, \(expectedText)")
    }
    if let choices, !choices.contains(text) { throw choiceError(key: key, value: text, choices: choices) }
    if let range, let outside = reached.first(where: { !range.contains($0) }) {
      let reaches = reached.count > 1 || written != reached ? " (it reaches \(outside.settingText))" : ""
      throw ExperimentError.invalidSetting(key: key, value: text + reaches, expected: expectedText)
    }
  }

  var rangeText: String { range.map(\.description) ?? "any finite number" }

  /// The range as an error says it ("in [1, 1e15]", "positive").
  private var expectedText: String {
    rangeText.hasPrefix("[") || rangeText.hasPrefix("(") ? "in " + rangeText : rangeText
  }
}
