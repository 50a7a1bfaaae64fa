import Gym

// MARK: - Registration

/// Registers Gymnasium's Box2D environments (`LunarLander-v3`, `LunarLanderContinuous-v3`,
/// `BipedalWalker-v3`, `BipedalWalkerHardcore-v3`) with Gymnasium's
/// step limits, reward thresholds and keyword arguments.
///
/// Registration works without Box2D; making one of these environments then throws
/// ``EnvironmentError/libraryUnavailable(library:help:)`` saying how to install it.
public func registerBox2DEnvironments(in registry: EnvironmentRegistry) throws {
  try registry.register(EnvironmentSpec(id: "LunarLander-v3", maxEpisodeSteps: 1000, rewardThreshold: 200)) {
    try LunarLander(lunarLanderConfiguration($0, id: "LunarLander-v3"))
  }
  try registry.register(
    EnvironmentSpec(
      id: "LunarLanderContinuous-v3", maxEpisodeSteps: 1000, rewardThreshold: 200,
      arguments: ["continuous": .bool(true)])
  ) {
    try LunarLander(lunarLanderConfiguration($0, id: "LunarLanderContinuous-v3"))
  }
  try registry.register(EnvironmentSpec(id: "BipedalWalker-v3", maxEpisodeSteps: 1600, rewardThreshold: 300)) {
    try BipedalWalker(hardcore: bipedalWalkerHardcore($0, id: "BipedalWalker-v3"))
  }
  try registry.register(
    EnvironmentSpec(
      id: "BipedalWalkerHardcore-v3", maxEpisodeSteps: 2000, rewardThreshold: 300,
      arguments: ["hardcore": .bool(true)])
  ) {
    try BipedalWalker(hardcore: bipedalWalkerHardcore($0, id: "BipedalWalkerHardcore-v3"))
  }
}

/// Maps Gymnasium's keyword arguments (`continuous`, `gravity`, `enable_wind`, `wind_power`, `turbulence_power`)
/// onto a configuration; `render_mode` is accepted and ignored (Rein does not render).
func lunarLanderConfiguration(_ arguments: EnvironmentArguments, id: String) throws -> LunarLander.Configuration {
  try arguments.requireKnown(
    ["continuous", "gravity", "enable_wind", "wind_power", "turbulence_power", "render_mode"], environment: id)
  return LunarLander.Configuration(
    continuous: try arguments.bool("continuous", default: false),
    gravity: try arguments.double("gravity", default: -10),
    enableWind: try arguments.bool("enable_wind", default: false),
    windPower: try arguments.double("wind_power", default: 15),
    turbulencePower: try arguments.double("turbulence_power", default: 1.5))
}

/// Maps Gymnasium's `hardcore` keyword argument; `render_mode` is accepted and ignored.
func bipedalWalkerHardcore(_ arguments: EnvironmentArguments, id: String) throws -> Bool {
  try arguments.requireKnown(["hardcore", "render_mode"], environment: id)
  return try arguments.bool("hardcore", default: false)
}
