import Gym

// MARK: - Built-in environments

/// Registers every environment that ships with Rein in `registry` (by default the shared one that
/// `makeEnvironment` and the `rein` command use).
///
/// Idempotent and thread-safe: the first call registers, later calls (from any thread) do nothing. An id a user
/// registered before this call keeps the user's registration. Each environment module exposes one
/// `register<Module>Environments(in:)` function; add a line per module below.
public func registerBuiltinEnvironments(in registry: EnvironmentRegistry = .shared) {
  registry.registerGroupOnce("rein.builtin") { registry in
    registerModule(registerClassicControlEnvironments, in: registry)
    registerModule(registerBox2DEnvironments, in: registry)
    registerModule(registerMuJoCoEnvironments, in: registry)
  }
}

/// Runs one module's registration; the only error it can raise is a duplicate id, which means the user
/// registered that id on purpose, so theirs is kept.
private func registerModule(_ register: (EnvironmentRegistry) throws -> Void, in registry: EnvironmentRegistry) {
  do {
    try register(registry)
  } catch {
    // Only a duplicate id can fail here: the registration made first stays in place.
  }
}
