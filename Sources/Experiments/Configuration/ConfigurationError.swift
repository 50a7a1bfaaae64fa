// MARK: - Configuration errors

/// Why a preset or an override could not be used; each case says what is wrong and how to fix it.
public enum ConfigurationError: Error, CustomStringConvertible, Equatable {
  /// The preset file could not be read.
  case unreadable(path: String, reason: String)
  /// The YAML text could not be parsed.
  case malformedYAML(source: String, reason: String)
  /// The YAML has a shape a flat configuration cannot hold (e.g. a list of mappings).
  case unsupportedStructure(key: String, reason: String)
  /// An override is not of the form `key=value`.
  case malformedOverride(String)
  /// Keys that are not known, each with the closest known keys.
  case unknownKeys([UnknownKey])
  /// A key has a value of the wrong type.
  case typeMismatch(key: String, expected: String, found: String)
  /// A required key is missing.
  case missingKey(String)
  /// A setting the chosen algorithm does not read (`usedBy`: the algorithms that do).
  case unusedSetting(key: String, algorithm: String, usedBy: [String])

  /// An unknown key and the known keys that resemble it.
  public struct UnknownKey: Equatable, Sendable {
    /// The key as written.
    public var key: String
    /// Known keys close to it, best first (may be empty).
    public var suggestions: [String]

    /// Creates an entry.
    ///
    /// - Parameters:
    ///   - key: The key as written.
    ///   - suggestions: Known keys close to it, best first.
    public init(key: String, suggestions: [String]) {
      self.key = key
      self.suggestions = suggestions
    }
  }

  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      return "cannot read preset \(path): \(reason); check the path or pass a preset name"
    case .malformedYAML(let source, let reason):
      return "\(source) is not valid YAML: \(reason)"
    case .unsupportedStructure(let key, let reason):
      return "setting '\(key)' cannot be used: \(reason); settings hold numbers, Booleans, strings or lists of them"
    case .malformedOverride(let text):
      return "override '\(text)' is not of the form key=value (e.g. --set ppo.clip_range=0.1)"
    case .unknownKeys(let keys):
      let parts = keys.map { entry in
        entry.suggestions.isEmpty
          ? "'\(entry.key)'"
          : "'\(entry.key)' (did you mean \(entry.suggestions.map { "'\($0)'" }.joined(separator: " or "))?)"
      }
      return "unknown setting\(keys.count == 1 ? "" : "s") \(parts.joined(separator: ", ")); "
        + "check the spelling; `rein keys` lists the settings"
    case .typeMismatch(let key, let expected, let found):
      return "setting '\(key)' must be \(expected) but is \(found)"
    case .unusedSetting(let key, let algorithm, let users):
      let readers =
        users.isEmpty ? "" : " (only \(users.joined(separator: ", ")) read\(users.count == 1 ? "s" : "") it)"
      return "setting '\(key)' is not used by \(algorithm)\(readers); remove it or choose another algorithm"
    case .missingKey(let key):
      return "setting '\(key)' is required but missing; add it to the preset or pass --set \(key)=VALUE"
    }
  }
}
