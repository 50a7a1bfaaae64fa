// MARK: - Saved environment state
//
// Exact resume needs every environment to hand over everything its future depends on: physics state, generator
// state, episode flags, wrapper counters and statistics. An ``EnvironmentState`` holds that as named arrays of
// `Double`s and `UInt64`s (exact in binary files: a checkpoint stores them as F64 and U64 tensors) plus short text
// labels, in one flat namespace: a wrapper stores its inner environment's fields under `inner.`, a vector
// environment its sub-environments' under `env0.`, `env1.`, ...

/// Everything an environment's future depends on, as named arrays; see ``Environment/saveState()``.
public struct EnvironmentState: Sendable, Equatable, Codable {
  /// Floating-point fields (physics state, statistics), stored bit for bit.
  public var doubles: [String: [Double]]
  /// Integer fields (generator words, counters, flags as 0/1).
  public var integers: [String: [UInt64]]
  /// Text fields; every environment writes its kind under `kind`.
  public var labels: [String: String]

  /// A state of `kind` with no fields yet.
  public init(kind: String) {
    doubles = [:]
    integers = [:]
    labels = ["kind": kind]
  }

  /// A state from its three maps (as read back from a file).
  public init(doubles: [String: [Double]], integers: [String: [UInt64]], labels: [String: String]) {
    self.doubles = doubles
    self.integers = integers
    self.labels = labels
  }

  /// The kind of environment that wrote the state.
  public var kind: String { labels["kind"] ?? "" }

  // MARK: - Nesting

  /// Stores `child`'s fields under `prefix.`.
  public mutating func nest(_ child: EnvironmentState, under prefix: String) {
    for (key, value) in child.doubles { doubles[prefix + "." + key] = value }
    for (key, value) in child.integers { integers[prefix + "." + key] = value }
    for (key, value) in child.labels { labels[prefix + "." + key] = value }
  }

  /// The fields stored under `prefix.`, as the child's own state.
  public func child(_ prefix: String) -> EnvironmentState {
    let start = prefix + "."
    func strip<V>(_ map: [String: V]) -> [String: V] {
      var result: [String: V] = [:]
      for (key, value) in map where key.hasPrefix(start) { result[String(key.dropFirst(start.count))] = value }
      return result
    }
    return EnvironmentState(doubles: strip(doubles), integers: strip(integers), labels: strip(labels))
  }

  // MARK: - Writing fields

  /// Stores a generator's complete state (six words).
  public mutating func set(_ name: String, generator: NumpyGenerator) {
    let s = generator.state
    integers[name] = [
      s.stateHigh, s.stateLow, s.incrementHigh, s.incrementLow, s.hasUInt32 ? 1 : 0, UInt64(s.bufferedUInt32),
    ]
  }

  /// Stores a flag as 0 or 1.
  public mutating func set(_ name: String, flag: Bool) { integers[name] = [flag ? 1 : 0] }

  /// Stores a non-negative count.
  public mutating func set(_ name: String, count: Int) { integers[name] = [UInt64(max(count, 0))] }

  // MARK: - Reading fields

  /// Throws unless the state was written by an environment of `expectedKind`.
  public func requireKind(_ expectedKind: String) throws {
    guard kind == expectedKind else {
      throw EnvironmentStateError.wrongKind(expected: expectedKind, found: kind)
    }
  }

  /// The floating-point field `name`, which must hold `count` values when `count` is given.
  public func doubles(_ name: String, count: Int? = nil) throws -> [Double] {
    guard let values = doubles[name] else { throw EnvironmentStateError.missingField(kind: kind, field: name) }
    if let count, values.count != count {
      throw EnvironmentStateError.wrongCount(kind: kind, field: name, expected: count, found: values.count)
    }
    return values
  }

  /// The single floating-point value `name`.
  public func double(_ name: String) throws -> Double { try doubles(name, count: 1)[0] }

  /// The integer field `name`, which must hold `count` values when `count` is given.
  public func integers(_ name: String, count: Int? = nil) throws -> [UInt64] {
    guard let values = integers[name] else { throw EnvironmentStateError.missingField(kind: kind, field: name) }
    if let count, values.count != count {
      throw EnvironmentStateError.wrongCount(kind: kind, field: name, expected: count, found: values.count)
    }
    return values
  }

  /// The flag `name` (0 or 1).
  public func flag(_ name: String) throws -> Bool {
    let value = try integers(name, count: 1)[0]
    guard value <= 1 else {
      throw EnvironmentStateError.invalidValue(kind: kind, field: name, reason: "a flag must be 0 or 1")
    }
    return value == 1
  }

  /// The count `name`.
  public func count(_ name: String) throws -> Int {
    let value = try integers(name, count: 1)[0]
    guard value <= UInt64(Int.max) else {
      throw EnvironmentStateError.invalidValue(kind: kind, field: name, reason: "\(value) is out of range")
    }
    return Int(value)
  }

  /// The generator stored under `name`.
  public func generator(_ name: String) throws -> NumpyGenerator {
    let words = try integers(name, count: 6)
    guard words[4] <= 1, words[5] <= UInt64(UInt32.max), words[3] & 1 == 1 else {
      throw EnvironmentStateError.invalidValue(kind: kind, field: name, reason: "not a PCG64 generator state")
    }
    var generator = NumpyGenerator(seed: 0)
    generator.state = NumpyGeneratorState(
      stateHigh: words[0], stateLow: words[1], incrementHigh: words[2], incrementLow: words[3],
      hasUInt32: words[4] == 1,
      bufferedUInt32: UInt32(words[5]))
    return generator
  }
}

// MARK: - Errors

/// Why an environment's state could not be saved or restored.
public enum EnvironmentStateError: Error, Equatable, CustomStringConvertible {
  /// The environment cannot save its state exactly.
  case unsupported(environment: String, reason: String)
  /// The state was written by another kind of environment.
  case wrongKind(expected: String, found: String)
  /// A field the environment needs is missing.
  case missingField(kind: String, field: String)
  /// A field has the wrong number of values.
  case wrongCount(kind: String, field: String, expected: Int, found: Int)
  /// A field holds a value the environment cannot take.
  case invalidValue(kind: String, field: String, reason: String)

  public var description: String {
    switch self {
    case .unsupported(let environment, let reason):
      return "\(environment) cannot save or restore its state exactly: \(reason)"
    case .wrongKind(let expected, let found):
      return "the saved environment state belongs to \(found.isEmpty ? "an unknown environment" : found), not to "
        + "\(expected); restore it into the same environment (and wrappers) that saved it"
    case .missingField(let kind, let field):
      return "the saved state of \(kind) lacks the field '\(field)'; it is incomplete or from another version"
    case .wrongCount(let kind, let field, let expected, let found):
      return "the saved state of \(kind) holds \(found) values in '\(field)' where \(expected) are needed; it comes "
        + "from a differently configured environment"
    case .invalidValue(let kind, let field, let reason):
      return "the saved state of \(kind) has an invalid '\(field)': \(reason)"
    }
  }
}

// MARK: - Defaults

extension Environment {
  /// Environments that do not implement saving throw ``EnvironmentStateError/unsupported(environment:reason:)``.
  public func saveState() throws -> EnvironmentState {
    throw EnvironmentStateError.unsupported(
      environment: name, reason: "\(type(of: self)) does not implement saveState()/restoreState(_:)")
  }

  /// Environments that do not implement restoring throw ``EnvironmentStateError/unsupported(environment:reason:)``.
  public func restoreState(_ state: EnvironmentState) throws {
    throw EnvironmentStateError.unsupported(
      environment: name, reason: "\(type(of: self)) does not implement saveState()/restoreState(_:)")
  }
}
