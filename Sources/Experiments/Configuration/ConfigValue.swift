import Foundation
import Gym

// MARK: - Configuration values

/// A value of a flat configuration: a number, a Boolean, a string, or a list of them.
public enum ConfigValue: Hashable, Sendable, CustomStringConvertible {
  case int(Int)
  case double(Double)
  case bool(Bool)
  case string(String)
  case list([ConfigValue])

  /// The name of the value's type as errors show it.
  public var typeName: String {
    switch self {
    case .int: "integer"
    case .double: "number"
    case .bool: "Boolean"
    case .string: "string"
    case .list: "list"
    }
  }

  /// The value as YAML flow text (`0.2`, `true`, `"text"`, `[1, 2]`), which ``RunConfiguration`` reads back unchanged.
  public var description: String {
    switch self {
    case .int(let value): String(value)
    case .double(let value):
      if value.isNaN {
        ".nan"
      } else if value.isInfinite {
        value > 0 ? ".inf" : "-.inf"
      } else {
        value == value.rounded() && abs(value) < 1e15 ? String(format: "%.1f", value) : String(describing: value)
      }
    case .bool(let value): value ? "true" : "false"
    case .string(let value): JSONValue.quoted(value)
    case .list(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
    }
  }

  /// The value as JSON.
  public var json: JSONValue {
    switch self {
    case .int(let value): .int(value)
    case .double(let value): .double(value)
    case .bool(let value): .bool(value)
    case .string(let value): .string(value)
    case .list(let values): .array(values.map(\.json))
    }
  }
}

// MARK: - Close matches

/// The candidates closest to `word` by edit distance (at most a third of its length, at least 2 edits allowed),
/// plus those sharing its last dotted component; best first, at most `limit`.
func closeMatches(to word: String, among candidates: [String], limit: Int = 3) -> [String] {
  let allowed = max(2, word.count / 3)
  let lastComponent = word.split(separator: ".").last.map(String.init) ?? word
  var scored: [(String, Int)] = []
  for candidate in candidates {
    let distance = editDistance(word, candidate)
    if distance <= allowed {
      scored.append((candidate, distance))
    } else if candidate.split(separator: ".").last.map(String.init) == lastComponent {
      scored.append((candidate, allowed + 1))
    }
  }
  return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(limit).map(\.0)
}

/// Levenshtein distance between two strings (insertions, deletions and substitutions of characters).
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}
