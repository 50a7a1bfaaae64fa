import Foundation

// MARK: - The registry

/// Makes environments by id, as Gymnasium's `gym.make`, and lets users register their own.
///
/// A registered factory receives the merged keyword arguments (the spec's defaults overridden by the caller's)
/// and returns the bare environment; `make` then adds the ``TimeLimit`` wrapper when the spec has a step limit.
public final class EnvironmentRegistry: @unchecked Sendable {
  public typealias Factory = @Sendable (EnvironmentArguments) throws -> any Environment

  private struct Entry {
    var spec: EnvironmentSpec
    var factory: Factory
  }

  private let lock = NSLock()
  private var entries: [String: Entry] = [:]

  public init() {}

  /// The process-wide registry that `rein` and ``make(_:arguments:)`` use.
  public static let shared = EnvironmentRegistry()

  /// Registers `factory` under `spec.id`.
  public func register(_ spec: EnvironmentSpec, replace: Bool = false, factory: @escaping Factory) throws {
    try lock.withLock {
      if !replace, entries[spec.id] != nil { throw EnvironmentError.duplicateRegistration(id: spec.id) }
      entries[spec.id] = Entry(spec: spec, factory: factory)
    }
  }

  /// The spec registered under `id`.
  public func spec(_ id: String) throws -> EnvironmentSpec {
    try lock.withLock {
      guard let entry = entries[id] else {
        throw EnvironmentError.unknownEnvironment(id: id, known: entries.keys.sorted())
      }
      return entry.spec
    }
  }

  /// Every registered id, sorted.
  public var ids: [String] { lock.withLock { entries.keys.sorted() } }

  /// Every registered spec, sorted by id.
  public var specs: [EnvironmentSpec] { lock.withLock { entries.values.map(\.spec).sorted { $0.id < $1.id } } }

  /// Builds the bare environment registered under `id` with `arguments` overriding the spec's defaults.
  public func makeUnwrapped(_ id: String, arguments: EnvironmentArguments = [:]) throws -> any Environment {
    let entry: Entry = try lock.withLock {
      guard let entry = entries[id] else {
        throw EnvironmentError.unknownEnvironment(id: id, known: entries.keys.sorted())
      }
      return entry
    }
    let merged = entry.spec.arguments.merging(arguments) { _, new in new }
    return try entry.factory(merged)
  }
}
