import Gym

// MARK: - Registration

/// Registers Rein's MuJoCo environments, with Gymnasium's ids, step limits, reward thresholds and keyword
/// arguments.
///
/// Registration needs no MuJoCo: making an environment does, and throws
/// ``EnvironmentError/libraryUnavailable(library:help:)`` with install instructions when it is missing.
///
/// Keyword arguments (Gymnasium's names; each environment's documentation gives the defaults):
/// - `InvertedPendulum-v4`: `reset_noise_scale`.
public func registerMuJoCoEnvironments(in registry: EnvironmentRegistry) throws {
  try registry.register(
    EnvironmentSpec(id: InvertedPendulum.id, maxEpisodeSteps: 1000, rewardThreshold: 950)
  ) { arguments in
    try arguments.requireKnown(["reset_noise_scale"], environment: InvertedPendulum.id)
    return try InvertedPendulum(resetNoiseScale: arguments.double("reset_noise_scale", default: 0.01))
  }
}
