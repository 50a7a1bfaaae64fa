import Gym

// MARK: - Registration

/// Registers the classic-control environments under Gymnasium's ids, with its step limits, reward thresholds and
/// keyword arguments:
///
/// | id                         | step limit | reward threshold | arguments                      |
/// |----------------------------|-----------:|-----------------:|--------------------------------|
/// | `CartPole-v0`              | 200        | 195              | `sutton_barto_reward` (false)  |
/// | `CartPole-v1`              | 500        | 475              | `sutton_barto_reward` (false)  |
/// | `Pendulum-v1`              | 200        | none             | `g` (10.0)                     |
/// | `Acrobot-v1`               | 500        | -100             |                                |
/// | `MountainCar-v0`           | 200        | -110             | `goal_velocity` (0)            |
/// | `MountainCarContinuous-v0` | 999        | 90               | `goal_velocity` (0)            |
///
/// An id that is already registered is left as it is, so calling this twice, or after registering one of these
/// ids yourself, is harmless.
public func registerClassicControlEnvironments(in registry: EnvironmentRegistry) throws {
  func add(_ spec: EnvironmentSpec, _ factory: @escaping EnvironmentRegistry.Factory) throws {
    if registry.contains(spec.id) { return }
    try registry.register(spec, factory: factory)
  }
  for (id, steps, threshold) in [("CartPole-v0", 200, 195.0), ("CartPole-v1", 500, 475.0)] {
    try add(EnvironmentSpec(id: id, maxEpisodeSteps: steps, rewardThreshold: threshold)) { arguments in
      try arguments.requireKnown(["sutton_barto_reward"], environment: id)
      return CartPole(suttonBartoReward: try arguments.bool("sutton_barto_reward", default: false))
    }
  }
  try add(EnvironmentSpec(id: "Pendulum-v1", maxEpisodeSteps: 200)) { arguments in
    try arguments.requireKnown(["g"], environment: "Pendulum-v1")
    let g = try arguments.double("g", default: 10.0)
    guard g.isFinite else { throw EnvironmentError.invalidArgument("Pendulum-v1: g must be finite, got \(g)") }
    return Pendulum(gravity: g)
  }
  try add(EnvironmentSpec(id: "Acrobot-v1", maxEpisodeSteps: 500, rewardThreshold: -100)) { arguments in
    try arguments.requireKnown([], environment: "Acrobot-v1")
    return Acrobot()
  }
  try add(EnvironmentSpec(id: "MountainCar-v0", maxEpisodeSteps: 200, rewardThreshold: -110)) { arguments in
    try arguments.requireKnown(["goal_velocity"], environment: "MountainCar-v0")
    return MountainCar(goalVelocity: try arguments.double("goal_velocity", default: 0))
  }
  try add(EnvironmentSpec(id: "MountainCarContinuous-v0", maxEpisodeSteps: 999, rewardThreshold: 90)) {
    arguments in
    try arguments.requireKnown(["goal_velocity"], environment: "MountainCarContinuous-v0")
    return MountainCarContinuous(goalVelocity: try arguments.double("goal_velocity", default: 0))
  }
}
