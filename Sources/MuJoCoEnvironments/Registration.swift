import Foundation
import Gym

// MARK: - Registration

/// Registers Rein's MuJoCo environments with Gymnasium's ids, step limits, reward thresholds and keyword arguments.
///
/// Registration needs no MuJoCo: making an environment does, and throws
/// ``EnvironmentError/libraryUnavailable(library:help:)`` saying how to install it when it is missing. Each
/// environment's documentation lists its keyword arguments (Gymnasium's names) and their defaults:
/// - `InvertedPendulum-v4`: `reset_noise_scale` (a v5 argument Rein also takes for v4).
/// - `InvertedDoublePendulum-v4`: `reset_noise_scale` (likewise).
/// - `Reacher-v4`: none.
/// - `Swimmer-v4`, `HalfCheetah-v4`: `forward_reward_weight`, `ctrl_cost_weight`, `reset_noise_scale`,
///   `exclude_current_positions_from_observation`.
/// - `Hopper-v4`: those, and `healthy_reward`, `terminate_when_unhealthy`, `healthy_state_range`, `healthy_z_range`,
///   `healthy_angle_range`.
/// - `Walker2d-v4`: as Hopper without `healthy_state_range`.
/// - `Ant-v4`: `xml_file`, `ctrl_cost_weight`, `use_contact_forces`, `contact_cost_weight`, `healthy_reward`,
///   `terminate_when_unhealthy`, `healthy_z_range`, `contact_force_range`, `reset_noise_scale`,
///   `exclude_current_positions_from_observation`.
/// - `Humanoid-v4`: `forward_reward_weight`, `ctrl_cost_weight`, `healthy_reward`, `terminate_when_unhealthy`,
///   `healthy_z_range`, `reset_noise_scale`, `exclude_current_positions_from_observation`.
/// - `HumanoidStandup-v4`: `reset_noise_scale` (a v5 argument Rein also takes for v4).
/// Ranges are given as two numbers, `[low, high]`. Every one also takes Gymnasium's `width` and `height` of rendered
/// pictures (480 each).
///
/// - Throws: ``EnvironmentError/duplicateRegistration(id:)`` for the first id taken already; every other id is
///   registered all the same, and the id taken keeps its registration.
public func registerMuJoCoEnvironments(in registry: EnvironmentRegistry) throws {
  // Every id is attempted even when one is taken already (say, by a user's own environment); the first failure is
  // thrown at the end.
  var firstError: (any Error)?
  for (spec, factory) in mujocoEnvironments {
    do {
      try registry.register(spec, factory: takingRenderArguments(factory, environment: spec.id))
    } catch {
      firstError = firstError ?? error
    }
  }
  if let firstError { throw firstError }
}

/// Each environment's spec (Gymnasium's step limit and reward threshold) and factory.
private let mujocoEnvironments: [(EnvironmentSpec, EnvironmentRegistry.Factory)] = [
  (
    EnvironmentSpec(id: InvertedPendulum.id, maxEpisodeSteps: 1000, rewardThreshold: 950),
    {
      try $0.requireKnown(["reset_noise_scale"], environment: InvertedPendulum.id)
      return try InvertedPendulum(resetNoiseScale: $0.double("reset_noise_scale", default: 0.01))
    }
  ),
  (
    EnvironmentSpec(id: InvertedDoublePendulum.id, maxEpisodeSteps: 1000, rewardThreshold: 9100),
    {
      try $0.requireKnown(["reset_noise_scale"], environment: InvertedDoublePendulum.id)
      return try InvertedDoublePendulum(resetNoiseScale: $0.double("reset_noise_scale", default: 0.1))
    }
  ),
  (
    EnvironmentSpec(id: Reacher.id, maxEpisodeSteps: 50, rewardThreshold: -3.75),
    {
      try $0.requireKnown([], environment: Reacher.id)
      return try Reacher()
    }
  ),
  (
    EnvironmentSpec(id: Swimmer.id, maxEpisodeSteps: 1000, rewardThreshold: 360),
    { try Swimmer(configuration: swimmerConfiguration($0)) }
  ),
  (
    EnvironmentSpec(id: HalfCheetah.id, maxEpisodeSteps: 1000, rewardThreshold: 4800),
    { try HalfCheetah(configuration: halfCheetahConfiguration($0)) }
  ),
  (
    EnvironmentSpec(id: Hopper.id, maxEpisodeSteps: 1000, rewardThreshold: 3800),
    { try Hopper(configuration: hopperConfiguration($0)) }
  ),
  (
    EnvironmentSpec(id: Walker2d.id, maxEpisodeSteps: 1000),
    { try Walker2d(configuration: walker2dConfiguration($0)) }
  ),
  (
    EnvironmentSpec(id: Ant.id, maxEpisodeSteps: 1000, rewardThreshold: 6000),
    { try Ant(configuration: antConfiguration($0)) }
  ),
  (
    EnvironmentSpec(id: Humanoid.id, maxEpisodeSteps: 1000),
    { try Humanoid(configuration: humanoidConfiguration($0)) }
  ),
  (
    EnvironmentSpec(id: HumanoidStandup.id, maxEpisodeSteps: 1000),
    {
      try $0.requireKnown(["reset_noise_scale"], environment: HumanoidStandup.id)
      return try HumanoidStandup(resetNoiseScale: $0.double("reset_noise_scale", default: 0.01))
    }
  ),
]

// MARK: - Keyword arguments

private func swimmerConfiguration(_ arguments: EnvironmentArguments) throws -> Swimmer.Configuration {
  try arguments.requireKnown(
    [
      "forward_reward_weight", "ctrl_cost_weight", "reset_noise_scale", "exclude_current_positions_from_observation",
    ], environment: Swimmer.id)
  var c = Swimmer.Configuration()
  c.forwardRewardWeight = try arguments.double("forward_reward_weight", default: c.forwardRewardWeight)
  c.controlCostWeight = try arguments.double("ctrl_cost_weight", default: c.controlCostWeight)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  c.excludeCurrentPositionsFromObservation = try arguments.bool(
    "exclude_current_positions_from_observation", default: c.excludeCurrentPositionsFromObservation)
  return c
}

private func halfCheetahConfiguration(_ arguments: EnvironmentArguments) throws -> HalfCheetah.Configuration {
  try arguments.requireKnown(
    [
      "forward_reward_weight", "ctrl_cost_weight", "reset_noise_scale", "exclude_current_positions_from_observation",
    ], environment: HalfCheetah.id)
  var c = HalfCheetah.Configuration()
  c.forwardRewardWeight = try arguments.double("forward_reward_weight", default: c.forwardRewardWeight)
  c.controlCostWeight = try arguments.double("ctrl_cost_weight", default: c.controlCostWeight)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  c.excludeCurrentPositionsFromObservation = try arguments.bool(
    "exclude_current_positions_from_observation", default: c.excludeCurrentPositionsFromObservation)
  return c
}

private func hopperConfiguration(_ arguments: EnvironmentArguments) throws -> Hopper.Configuration {
  try arguments.requireKnown(
    [
      "forward_reward_weight", "ctrl_cost_weight", "healthy_reward", "terminate_when_unhealthy",
      "healthy_state_range", "healthy_z_range", "healthy_angle_range", "reset_noise_scale",
      "exclude_current_positions_from_observation",
    ], environment: Hopper.id)
  var c = Hopper.Configuration()
  c.forwardRewardWeight = try arguments.double("forward_reward_weight", default: c.forwardRewardWeight)
  c.controlCostWeight = try arguments.double("ctrl_cost_weight", default: c.controlCostWeight)
  c.healthyReward = try arguments.double("healthy_reward", default: c.healthyReward)
  c.terminateWhenUnhealthy = try arguments.bool("terminate_when_unhealthy", default: c.terminateWhenUnhealthy)
  c.healthyStateRange = try arguments.range("healthy_state_range", default: c.healthyStateRange, Hopper.id)
  c.healthyZRange = try arguments.range("healthy_z_range", default: c.healthyZRange, Hopper.id)
  c.healthyAngleRange = try arguments.range("healthy_angle_range", default: c.healthyAngleRange, Hopper.id)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  c.excludeCurrentPositionsFromObservation = try arguments.bool(
    "exclude_current_positions_from_observation", default: c.excludeCurrentPositionsFromObservation)
  return c
}

private func walker2dConfiguration(_ arguments: EnvironmentArguments) throws -> Walker2d.Configuration {
  try arguments.requireKnown(
    [
      "forward_reward_weight", "ctrl_cost_weight", "healthy_reward", "terminate_when_unhealthy", "healthy_z_range",
      "healthy_angle_range", "reset_noise_scale", "exclude_current_positions_from_observation",
    ], environment: Walker2d.id)
  var c = Walker2d.Configuration()
  c.forwardRewardWeight = try arguments.double("forward_reward_weight", default: c.forwardRewardWeight)
  c.controlCostWeight = try arguments.double("ctrl_cost_weight", default: c.controlCostWeight)
  c.healthyReward = try arguments.double("healthy_reward", default: c.healthyReward)
  c.terminateWhenUnhealthy = try arguments.bool("terminate_when_unhealthy", default: c.terminateWhenUnhealthy)
  c.healthyZRange = try arguments.range("healthy_z_range", default: c.healthyZRange, Walker2d.id)
  c.healthyAngleRange = try arguments.range("healthy_angle_range", default: c.healthyAngleRange, Walker2d.id)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  c.excludeCurrentPositionsFromObservation = try arguments.bool(
    "exclude_current_positions_from_observation", default: c.excludeCurrentPositionsFromObservation)
  return c
}

private func antConfiguration(_ arguments: EnvironmentArguments) throws -> Ant.Configuration {
  try arguments.requireKnown(
    [
      "xml_file", "ctrl_cost_weight", "use_contact_forces", "contact_cost_weight", "healthy_reward",
      "terminate_when_unhealthy", "healthy_z_range", "contact_force_range", "reset_noise_scale",
      "exclude_current_positions_from_observation",
    ], environment: Ant.id)
  var c = Ant.Configuration()
  switch arguments["xml_file"] {
  case nil, .string("ant.xml"): break
  case .string(let path):
    do {
      c.modelXML = try String(contentsOfFile: (path as NSString).expandingTildeInPath, encoding: .utf8)
    } catch {
      throw EnvironmentError.invalidArgument("\(Ant.id): cannot read xml_file '\(path)': \(error.localizedDescription)")
    }
  case let other?:
    throw EnvironmentError.invalidArgument("\(Ant.id): 'xml_file' must be a path, got \(other)")
  }
  c.controlCostWeight = try arguments.double("ctrl_cost_weight", default: c.controlCostWeight)
  c.useContactForces = try arguments.bool("use_contact_forces", default: c.useContactForces)
  c.contactCostWeight = try arguments.double("contact_cost_weight", default: c.contactCostWeight)
  c.healthyReward = try arguments.double("healthy_reward", default: c.healthyReward)
  c.terminateWhenUnhealthy = try arguments.bool("terminate_when_unhealthy", default: c.terminateWhenUnhealthy)
  c.healthyZRange = try arguments.range("healthy_z_range", default: c.healthyZRange, Ant.id)
  c.contactForceRange = try arguments.range("contact_force_range", default: c.contactForceRange, Ant.id)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  c.excludeCurrentPositionsFromObservation = try arguments.bool(
    "exclude_current_positions_from_observation", default: c.excludeCurrentPositionsFromObservation)
  return c
}

private func humanoidConfiguration(_ arguments: EnvironmentArguments) throws -> Humanoid.Configuration {
  try arguments.requireKnown(
    [
      "forward_reward_weight", "ctrl_cost_weight", "healthy_reward", "terminate_when_unhealthy", "healthy_z_range",
      "reset_noise_scale", "exclude_current_positions_from_observation",
    ], environment: Humanoid.id)
  var c = Humanoid.Configuration()
  c.forwardRewardWeight = try arguments.double("forward_reward_weight", default: c.forwardRewardWeight)
  c.controlCostWeight = try arguments.double("ctrl_cost_weight", default: c.controlCostWeight)
  c.healthyReward = try arguments.double("healthy_reward", default: c.healthyReward)
  c.terminateWhenUnhealthy = try arguments.bool("terminate_when_unhealthy", default: c.terminateWhenUnhealthy)
  c.healthyZRange = try arguments.range("healthy_z_range", default: c.healthyZRange, Humanoid.id)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  c.excludeCurrentPositionsFromObservation = try arguments.bool(
    "exclude_current_positions_from_observation", default: c.excludeCurrentPositionsFromObservation)
  return c
}

extension Dictionary where Key == String, Value == EnvironmentArgument {
  /// A `[low, high]` argument as a closed range, or `defaultValue` when absent.
  fileprivate func range(
    _ name: String, default defaultValue: ClosedRange<Double>, _ environment: String
  ) throws
    -> ClosedRange<Double>
  {
    guard self[name] != nil else { return defaultValue }
    let values = try doubles(name, default: [])
    guard values.count == 2, !values[0].isNaN, !values[1].isNaN, values[0] <= values[1] else {
      throw EnvironmentError.invalidArgument(
        "\(environment): '\(name)' must be two numbers [low, high] with low <= high, got \(values)")
    }
    return values[0]...values[1]
  }
}
