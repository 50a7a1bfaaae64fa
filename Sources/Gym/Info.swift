// MARK: - Info dictionaries

/// A value in an environment's info dictionary.
public indirect enum InfoValue: Sendable, Equatable, Hashable {
  case bool(Bool)
  case int(Int)
  case double(Double)
  case doubles([Double])
  case string(String)
  case info([String: InfoValue])

  /// The value as a `Double` when it is numeric.
  public var doubleValue: Double? {
    switch self {
    case .double(let value): return value
    case .int(let value): return Double(value)
    case .bool(let value): return value ? 1 : 0
    default: return nil
    }
  }
}

/// Gymnasium's `info` dictionary.
public typealias Info = [String: InfoValue]
