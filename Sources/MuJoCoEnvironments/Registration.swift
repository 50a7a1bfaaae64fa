import Foundation
import Gym

// MARK: - Registration

/// Registers Rein's MuJoCo environments with Gymnasium's ids, step limits, reward thresholds and keyword arguments:
/// the eleven v5 tasks (InvertedPendulum, InvertedDoublePendulum, Reacher, Pusher, Swimmer, HalfCheetah, Hopper,
/// Walker2d, Ant, Humanoid, HumanoidStandup), which Gymnasium recommends, and the ten v4 tasks, kept to reproduce
/// older results. `Pusher-v4` is recorded as unavailable, so that asking for it says why (Gymnasium runs it on MuJoCo 2
/// only) and names Pusher-v5.
///
/// Registration needs no MuJoCo: making an environment does, and throws
/// ``EnvironmentError/libraryUnavailable(library:help:)`` saying how to install it when it is missing. Each
/// environment's documentation lists its keyword arguments (Gymnasium's names) and their defaults. In short:
/// - every v5 task takes `xml_file` (the path of the user's own MJCF model, or the task's own file name) and
///   `frame_skip`, besides its own arguments;
/// - `InvertedPendulum-v4`: `reset_noise_scale` (a v5 argument Rein also takes for v4); v5 the same.
/// - `InvertedDoublePendulum-v4`: `reset_noise_scale` (likewise); v5 also `healthy_reward`.
/// - `Reacher-v4`: none; v5 `reward_dist_weight`, `reward_control_weight`.
/// - `Pusher-v5`: `reward_near_weight`, `reward_dist_weight`, `reward_control_weight`.
/// - `Swimmer-v4`, `HalfCheetah-v4` and their v5: `forward_reward_weight`, `ctrl_cost_weight`, `reset_noise_scale`,
///   `exclude_current_positions_from_observation`.
/// - `Hopper-v4`/`-v5`: those, and `healthy_reward`, `terminate_when_unhealthy`, `healthy_state_range`,
///   `healthy_z_range`, `healthy_angle_range`.
/// - `Walker2d-v4`/`-v5`: as Hopper without `healthy_state_range`.
/// - `Ant-v4`: `xml_file`, `ctrl_cost_weight`, `use_contact_forces`, `contact_cost_weight`, `healthy_reward`,
///   `terminate_when_unhealthy`, `healthy_z_range`, `contact_force_range`, `reset_noise_scale`,
///   `exclude_current_positions_from_observation`; v5 the same without `use_contact_forces`, with
///   `forward_reward_weight`, `main_body`, `include_cfrc_ext_in_observation`.
/// - `Humanoid-v4`: `forward_reward_weight`, `ctrl_cost_weight`, `healthy_reward`, `terminate_when_unhealthy`,
///   `healthy_z_range`, `reset_noise_scale`, `exclude_current_positions_from_observation`; v5 also
///   `contact_cost_weight`, `contact_cost_range` and the four `include_*_in_observation`.
/// - `HumanoidStandup-v4`: `reset_noise_scale` (a v5 argument Rein also takes for v4); v5 also `uph_cost_weight`,
///   `ctrl_cost_weight`, `impact_cost_weight`, `impact_cost_range`, `exclude_current_positions_from_observation`
///   and the four `include_*_in_observation`.
/// Ranges are given as two numbers, `[low, high]`. Every one also takes Gymnasium's `width` and `height` of rendered
/// pictures (480 each), and every v5 task Gymnasium's `default_camera_config` as `default_camera_config.distance`,
/// `.azimuth`, `.elevation`, `.lookat` and `.trackbodyid` arguments.
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
  registry.registerUnavailable("Pusher-v4", because: pusherV4Unavailable)
  if let firstError { throw firstError }
}

/// Why `Pusher-v4` cannot be made.
let pusherV4Unavailable = EnvironmentError.libraryUnavailable(
  library: "MuJoCo 2 (Pusher-v4)",
  help: "Gymnasium runs Pusher-v4 only on MuJoCo 2.x (mujoco < 3): its model does not behave as recorded on MuJoCo "
    + "3 and later, and Rein is built for MuJoCo \(MuJoCo.requiredVersion). Use Pusher-v5, the same task with a "
    + "model made for MuJoCo 3+ (Gymnasium says the same of Pusher-v4).")

/// Each environment's spec (Gymnasium's step limit and reward threshold) and factory, v5 first.
private let mujocoEnvironments = versionedEnvironments(.v5) + pusherEnvironments + versionedEnvironments(.v4)

/// Pusher-v5 (Pusher-v4 is registered as unavailable, with ``pusherV4Unavailable``).
private let pusherEnvironments: [(EnvironmentSpec, EnvironmentRegistry.Factory)] = [
  (
    EnvironmentSpec(id: Pusher.id, maxEpisodeSteps: 100, rewardThreshold: 0),
    { try Pusher(configuration: pusherConfiguration($0)) }
  )
]

/// The ten tasks that Rein has in both versions, with `version`'s ids.
private func versionedEnvironments(_ version: MuJoCoVersion) -> [(EnvironmentSpec, EnvironmentRegistry.Factory)] {
  [
    (
      EnvironmentSpec(id: InvertedPendulum.id(version), maxEpisodeSteps: 1000, rewardThreshold: 950),
      { try InvertedPendulum(configuration: invertedPendulumConfiguration($0, version)) }
    ),
    (
      EnvironmentSpec(id: InvertedDoublePendulum.id(version), maxEpisodeSteps: 1000, rewardThreshold: 9100),
      { try InvertedDoublePendulum(configuration: invertedDoublePendulumConfiguration($0, version)) }
    ),
    (
      EnvironmentSpec(id: Reacher.id(version), maxEpisodeSteps: 50, rewardThreshold: -3.75),
      { try Reacher(configuration: reacherConfiguration($0, version)) }
    ),
    (
      EnvironmentSpec(id: Swimmer.id(version), maxEpisodeSteps: 1000, rewardThreshold: 360),
      { try Swimmer(configuration: swimmerConfiguration($0, version)) }
    ),
    (
      EnvironmentSpec(id: HalfCheetah.id(version), maxEpisodeSteps: 1000, rewardThreshold: 4800),
      { try HalfCheetah(configuration: halfCheetahConfiguration($0, version)) }
    ),
    (
      EnvironmentSpec(id: Hopper.id(version), maxEpisodeSteps: 1000, rewardThreshold: 3800),
      { try Hopper(configuration: hopperConfiguration($0, version)) }
    ),
    (
      EnvironmentSpec(id: Walker2d.id(version), maxEpisodeSteps: 1000),
      { try Walker2d(configuration: walker2dConfiguration($0, version)) }
    ),
    (
      EnvironmentSpec(id: Ant.id(version), maxEpisodeSteps: 1000, rewardThreshold: 6000),
      { try Ant(configuration: antConfiguration($0, version)) }
    ),
    (
      EnvironmentSpec(id: Humanoid.id(version), maxEpisodeSteps: 1000),
      { try Humanoid(configuration: humanoidConfiguration($0, version)) }
    ),
    (
      EnvironmentSpec(id: HumanoidStandup.id(version), maxEpisodeSteps: 1000),
      { try HumanoidStandup(configuration: humanoidStandupConfiguration($0, version)) }
    ),
  ]
}

// MARK: - Keyword arguments

/// The arguments every v5 task takes besides its own.
private let modelArguments: Set<String> = ["xml_file", "frame_skip"]

/// The names `version` takes: `common`, plus `v5` and the model arguments for v5 (or `v4` for v4).
private func known(
  _ common: Set<String>, v4: Set<String> = [], v5: Set<String> = [], _ version: MuJoCoVersion
)
  -> Set<String>
{
  switch version {
  case .v4: return common.union(v4)
  case .v5: return common.union(v5).union(modelArguments)
  }
}

extension Dictionary where Key == String, Value == EnvironmentArgument {
  /// `xml_file` (a string) and `frame_skip` (a positive integer) into `xmlFile` and `frameSkip`.
  fileprivate func model(_ xmlFile: inout String?, _ frameSkip: inout Int, _ environment: String) throws {
    switch self["xml_file"] {
    case nil: break
    case .string(let path): xmlFile = path
    case let other?:
      throw EnvironmentError.invalidArgument("\(environment): 'xml_file' must be a path, got \(other)")
    }
    frameSkip = try int("frame_skip", default: frameSkip)
    guard frameSkip >= 1 else {
      throw EnvironmentError.invalidArgument("\(environment): frame_skip must be at least 1, got \(frameSkip)")
    }
  }
}

private func invertedPendulumConfiguration(
  _ arguments: EnvironmentArguments, _ version: MuJoCoVersion
) throws -> InvertedPendulum.Configuration {
  let id = InvertedPendulum.id(version)
  try arguments.requireKnown(known(["reset_noise_scale"], version), environment: id)
  var c = InvertedPendulum.Configuration(version: version)
  try arguments.model(&c.xmlFile, &c.frameSkip, id)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  return c
}

private func invertedDoublePendulumConfiguration(
  _ arguments: EnvironmentArguments, _ version: MuJoCoVersion
) throws -> InvertedDoublePendulum.Configuration {
  let id = InvertedDoublePendulum.id(version)
  try arguments.requireKnown(known(["reset_noise_scale"], v5: ["healthy_reward"], version), environment: id)
  var c = InvertedDoublePendulum.Configuration(version: version)
  try arguments.model(&c.xmlFile, &c.frameSkip, id)
  c.healthyReward = try arguments.double("healthy_reward", default: c.healthyReward)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  return c
}

private func reacherConfiguration(
  _ arguments: EnvironmentArguments, _ version: MuJoCoVersion
) throws -> Reacher.Configuration {
  let id = Reacher.id(version)
  try arguments.requireKnown(known([], v5: ["reward_dist_weight", "reward_control_weight"], version), environment: id)
  var c = Reacher.Configuration(version: version)
  try arguments.model(&c.xmlFile, &c.frameSkip, id)
  c.rewardDistanceWeight = try arguments.double("reward_dist_weight", default: c.rewardDistanceWeight)
  c.rewardControlWeight = try arguments.double("reward_control_weight", default: c.rewardControlWeight)
  return c
}

private func pusherConfiguration(_ arguments: EnvironmentArguments) throws -> Pusher.Configuration {
  try arguments.requireKnown(
    known([], v5: ["reward_near_weight", "reward_dist_weight", "reward_control_weight"], .v5),
    environment: Pusher.id)
  var c = Pusher.Configuration()
  try arguments.model(&c.xmlFile, &c.frameSkip, Pusher.id)
  c.rewardNearWeight = try arguments.double("reward_near_weight", default: c.rewardNearWeight)
  c.rewardDistanceWeight = try arguments.double("reward_dist_weight", default: c.rewardDistanceWeight)
  c.rewardControlWeight = try arguments.double("reward_control_weight", default: c.rewardControlWeight)
  return c
}

private func swimmerConfiguration(
  _ arguments: EnvironmentArguments, _ version: MuJoCoVersion
) throws -> Swimmer.Configuration {
  let id = Swimmer.id(version)
  try arguments.requireKnown(
    known(
      [
        "forward_reward_weight", "ctrl_cost_weight", "reset_noise_scale",
        "exclude_current_positions_from_observation",
      ], version), environment: id)
  var c = Swimmer.Configuration(version: version)
  try arguments.model(&c.xmlFile, &c.frameSkip, id)
  c.forwardRewardWeight = try arguments.double("forward_reward_weight", default: c.forwardRewardWeight)
  c.controlCostWeight = try arguments.double("ctrl_cost_weight", default: c.controlCostWeight)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  c.excludeCurrentPositionsFromObservation = try arguments.bool(
    "exclude_current_positions_from_observation", default: c.excludeCurrentPositionsFromObservation)
  return c
}

private func halfCheetahConfiguration(
  _ arguments: EnvironmentArguments, _ version: MuJoCoVersion
) throws -> HalfCheetah.Configuration {
  let id = HalfCheetah.id(version)
  try arguments.requireKnown(
    known(
      [
        "forward_reward_weight", "ctrl_cost_weight", "reset_noise_scale",
        "exclude_current_positions_from_observation",
      ], version), environment: id)
  var c = HalfCheetah.Configuration(version: version)
  try arguments.model(&c.xmlFile, &c.frameSkip, id)
  c.forwardRewardWeight = try arguments.double("forward_reward_weight", default: c.forwardRewardWeight)
  c.controlCostWeight = try arguments.double("ctrl_cost_weight", default: c.controlCostWeight)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  c.excludeCurrentPositionsFromObservation = try arguments.bool(
    "exclude_current_positions_from_observation", default: c.excludeCurrentPositionsFromObservation)
  return c
}

private func hopperConfiguration(
  _ arguments: EnvironmentArguments, _ version: MuJoCoVersion
) throws -> Hopper.Configuration {
  let id = Hopper.id(version)
  try arguments.requireKnown(
    known(
      [
        "forward_reward_weight", "ctrl_cost_weight", "healthy_reward", "terminate_when_unhealthy",
        "healthy_state_range", "healthy_z_range", "healthy_angle_range", "reset_noise_scale",
        "exclude_current_positions_from_observation",
      ], version), environment: id)
  var c = Hopper.Configuration(version: version)
  try arguments.model(&c.xmlFile, &c.frameSkip, id)
  c.forwardRewardWeight = try arguments.double("forward_reward_weight", default: c.forwardRewardWeight)
  c.controlCostWeight = try arguments.double("ctrl_cost_weight", default: c.controlCostWeight)
  c.healthyReward = try arguments.double("healthy_reward", default: c.healthyReward)
  c.terminateWhenUnhealthy = try arguments.bool("terminate_when_unhealthy", default: c.terminateWhenUnhealthy)
  c.healthyStateRange = try arguments.range("healthy_state_range", default: c.healthyStateRange, id)
  c.healthyZRange = try arguments.range("healthy_z_range", default: c.healthyZRange, id)
  c.healthyAngleRange = try arguments.range("healthy_angle_range", default: c.healthyAngleRange, id)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  c.excludeCurrentPositionsFromObservation = try arguments.bool(
    "exclude_current_positions_from_observation", default: c.excludeCurrentPositionsFromObservation)
  return c
}

private func walker2dConfiguration(
  _ arguments: EnvironmentArguments, _ version: MuJoCoVersion
) throws -> Walker2d.Configuration {
  let id = Walker2d.id(version)
  try arguments.requireKnown(
    known(
      [
        "forward_reward_weight", "ctrl_cost_weight", "healthy_reward", "terminate_when_unhealthy",
        "healthy_z_range", "healthy_angle_range", "reset_noise_scale", "exclude_current_positions_from_observation",
      ], version), environment: id)
  var c = Walker2d.Configuration(version: version)
  try arguments.model(&c.xmlFile, &c.frameSkip, id)
  c.forwardRewardWeight = try arguments.double("forward_reward_weight", default: c.forwardRewardWeight)
  c.controlCostWeight = try arguments.double("ctrl_cost_weight", default: c.controlCostWeight)
  c.healthyReward = try arguments.double("healthy_reward", default: c.healthyReward)
  c.terminateWhenUnhealthy = try arguments.bool("terminate_when_unhealthy", default: c.terminateWhenUnhealthy)
  c.healthyZRange = try arguments.range("healthy_z_range", default: c.healthyZRange, id)
  c.healthyAngleRange = try arguments.range("healthy_angle_range", default: c.healthyAngleRange, id)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  c.excludeCurrentPositionsFromObservation = try arguments.bool(
    "exclude_current_positions_from_observation", default: c.excludeCurrentPositionsFromObservation)
  return c
}

private func antConfiguration(
  _ arguments: EnvironmentArguments, _ version: MuJoCoVersion
) throws -> Ant.Configuration {
  let id = Ant.id(version)
  try arguments.requireKnown(
    known(
      [
        "xml_file", "ctrl_cost_weight", "contact_cost_weight", "healthy_reward", "terminate_when_unhealthy",
        "healthy_z_range", "contact_force_range", "reset_noise_scale", "exclude_current_positions_from_observation",
      ], v4: ["use_contact_forces"], v5: ["forward_reward_weight", "main_body", "include_cfrc_ext_in_observation"],
      version), environment: id)
  var c = Ant.Configuration(version: version)
  try arguments.model(&c.xmlFile, &c.frameSkip, id)
  c.forwardRewardWeight = try arguments.double("forward_reward_weight", default: c.forwardRewardWeight)
  c.controlCostWeight = try arguments.double("ctrl_cost_weight", default: c.controlCostWeight)
  c.useContactForces = try arguments.bool("use_contact_forces", default: c.useContactForces)
  c.includeContactForcesInObservation = try arguments.bool(
    "include_cfrc_ext_in_observation", default: c.includeContactForcesInObservation)
  c.contactCostWeight = try arguments.double("contact_cost_weight", default: c.contactCostWeight)
  c.healthyReward = try arguments.double("healthy_reward", default: c.healthyReward)
  switch arguments["main_body"] {
  case nil: break
  case .int(let index): c.mainBody = .index(index)
  case .string(let name): c.mainBody = .name(name)
  case let other?:
    throw EnvironmentError.invalidArgument("\(id): 'main_body' must be a body's index or name, got \(other)")
  }
  c.terminateWhenUnhealthy = try arguments.bool("terminate_when_unhealthy", default: c.terminateWhenUnhealthy)
  c.healthyZRange = try arguments.range("healthy_z_range", default: c.healthyZRange, id)
  c.contactForceRange = try arguments.range("contact_force_range", default: c.contactForceRange, id)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  c.excludeCurrentPositionsFromObservation = try arguments.bool(
    "exclude_current_positions_from_observation", default: c.excludeCurrentPositionsFromObservation)
  return c
}

/// The four `include_*_in_observation` of the v5 humanoids.
private let humanoidGroupArguments: Set<String> = [
  "include_cinert_in_observation", "include_cvel_in_observation", "include_qfrc_actuator_in_observation",
  "include_cfrc_ext_in_observation",
]

extension Dictionary where Key == String, Value == EnvironmentArgument {
  fileprivate func humanoidGroups(_ groups: HumanoidObservation.Groups) throws -> HumanoidObservation.Groups {
    var g = groups
    g.comInertia = try bool("include_cinert_in_observation", default: g.comInertia)
    g.comVelocity = try bool("include_cvel_in_observation", default: g.comVelocity)
    g.actuatorForces = try bool("include_qfrc_actuator_in_observation", default: g.actuatorForces)
    g.contactForces = try bool("include_cfrc_ext_in_observation", default: g.contactForces)
    return g
  }
}

private func humanoidConfiguration(
  _ arguments: EnvironmentArguments, _ version: MuJoCoVersion
) throws -> Humanoid.Configuration {
  let id = Humanoid.id(version)
  try arguments.requireKnown(
    known(
      [
        "forward_reward_weight", "ctrl_cost_weight", "healthy_reward", "terminate_when_unhealthy", "healthy_z_range",
        "reset_noise_scale", "exclude_current_positions_from_observation",
      ], v5: humanoidGroupArguments.union(["contact_cost_weight", "contact_cost_range"]), version), environment: id)
  var c = Humanoid.Configuration(version: version)
  try arguments.model(&c.xmlFile, &c.frameSkip, id)
  c.forwardRewardWeight = try arguments.double("forward_reward_weight", default: c.forwardRewardWeight)
  c.controlCostWeight = try arguments.double("ctrl_cost_weight", default: c.controlCostWeight)
  c.contactCostWeight = try arguments.double("contact_cost_weight", default: c.contactCostWeight)
  c.contactCostRange = try arguments.range("contact_cost_range", default: c.contactCostRange, id)
  c.healthyReward = try arguments.double("healthy_reward", default: c.healthyReward)
  c.terminateWhenUnhealthy = try arguments.bool("terminate_when_unhealthy", default: c.terminateWhenUnhealthy)
  c.healthyZRange = try arguments.range("healthy_z_range", default: c.healthyZRange, id)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  c.excludeCurrentPositionsFromObservation = try arguments.bool(
    "exclude_current_positions_from_observation", default: c.excludeCurrentPositionsFromObservation)
  c.observedGroups = try arguments.humanoidGroups(c.observedGroups)
  return c
}

private func humanoidStandupConfiguration(
  _ arguments: EnvironmentArguments, _ version: MuJoCoVersion
) throws -> HumanoidStandup.Configuration {
  let id = HumanoidStandup.id(version)
  try arguments.requireKnown(
    known(
      ["reset_noise_scale"],
      v5: humanoidGroupArguments.union([
        "uph_cost_weight", "ctrl_cost_weight", "impact_cost_weight", "impact_cost_range",
        "exclude_current_positions_from_observation",
      ]), version), environment: id)
  var c = HumanoidStandup.Configuration(version: version)
  try arguments.model(&c.xmlFile, &c.frameSkip, id)
  c.uphillCostWeight = try arguments.double("uph_cost_weight", default: c.uphillCostWeight)
  c.controlCostWeight = try arguments.double("ctrl_cost_weight", default: c.controlCostWeight)
  c.impactCostWeight = try arguments.double("impact_cost_weight", default: c.impactCostWeight)
  c.impactCostRange = try arguments.range("impact_cost_range", default: c.impactCostRange, id)
  c.resetNoiseScale = try arguments.double("reset_noise_scale", default: c.resetNoiseScale)
  c.excludeCurrentPositionsFromObservation = try arguments.bool(
    "exclude_current_positions_from_observation", default: c.excludeCurrentPositionsFromObservation)
  c.observedGroups = try arguments.humanoidGroups(c.observedGroups)
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
