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
  /// Ids Gymnasium has that cannot be made here, with the error that says why (not listed in ``ids``).
  private var unavailable: [String: EnvironmentError] = [:]
  /// Serialises ``registerGroupOnce(_:_:)``; separate from `lock`, which the group's body takes.
  private let groupLock = NSLock()
  private var registeredGroups: Set<String> = []

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

  /// Records that `id` (one of Gymnasium's) cannot be made here: asking for it throws `reason` instead of
  /// ``EnvironmentError/unknownEnvironment(id:known:)``, so that the error says why and what to use instead. The id
  /// is not listed in ``ids`` and may still be registered later.
  public func registerUnavailable(_ id: String, because reason: EnvironmentError) {
    lock.withLock { unavailable[id] = reason }
  }

  /// The error for an id without an entry (call with `lock` held).
  private func missing(_ id: String) -> EnvironmentError {
    unavailable[id] ?? EnvironmentError.unknownEnvironment(id: id, known: entries.keys.sorted())
  }

  /// Runs `body` (which registers a group of environments) the first time it is called with `group`, and does
  /// nothing afterwards; concurrent callers wait until the first has finished. When `body` throws, the group
  /// counts as not registered.
  public func registerGroupOnce(_ group: String, _ body: (EnvironmentRegistry) throws -> Void) rethrows {
    groupLock.lock()
    defer { groupLock.unlock() }
    guard !registeredGroups.contains(group) else { return }
    try body(self)
    registeredGroups.insert(group)
  }

  /// True when an environment is registered under `id`.
  public func contains(_ id: String) -> Bool { lock.withLock { entries[id] != nil } }

  /// The spec registered under `id`.
  public func spec(_ id: String) throws -> EnvironmentSpec {
    try lock.withLock {
      guard let entry = entries[id] else { throw missing(id) }
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
      guard let entry = entries[id] else { throw missing(id) }
      return entry
    }
    var merged = entry.spec.arguments.merging(arguments) { _, new in new }
    // `render_mode` is taken by every environment, as in Gymnasium: it is checked here, not by each factory.
    if let mode = merged.removeValue(forKey: RenderMode.argumentName) { _ = try RenderMode(argument: mode) }
    return try entry.factory(merged)
  }
}

// MARK: - Making environments

extension EnvironmentRegistry {
  /// Makes the environment registered under `id`, as `gym.make(id, **arguments)`: the bare environment, wrapped
  /// in ``TimeLimit`` when the spec has a step limit.
  public func make(_ id: String, arguments: EnvironmentArguments = [:]) throws -> any Environment {
    try make(id, arguments: arguments, maxEpisodeSteps: nil)
  }

  /// Makes the environment registered under `id` with a step limit that overrides the spec's
  /// (`gym.make(id, max_episode_steps=...)`); `nil` keeps the spec's limit.
  public func make(
    _ id: String, arguments: EnvironmentArguments = [:], maxEpisodeSteps: Int?
  ) throws
    -> any Environment
  {
    let spec = try spec(id)
    let environment = try makeUnwrapped(id, arguments: arguments)
    guard let limit = maxEpisodeSteps ?? spec.maxEpisodeSteps else { return environment }
    return try TimeLimit(environment, maxEpisodeSteps: limit)
  }
}

/// Makes an environment from the shared registry, as `gym.make(id, **arguments)`.
///
/// Built-in environments are registered by `registerBuiltinEnvironments()` (module `Rein`); call it once before.
public func makeEnvironment(_ id: String, arguments: EnvironmentArguments = [:]) throws -> any Environment {
  try EnvironmentRegistry.shared.make(id, arguments: arguments)
}
