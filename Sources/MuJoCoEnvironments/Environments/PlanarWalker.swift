import Gym

// MARK: - Planar walkers

/// The reset and step that Hopper and Walker2d share (Gymnasium's classes compute them the same way, in v4 and in
/// v5): a uniformly perturbed start; reward = forward_reward_weight · x velocity + healthy reward - control cost, in
/// that order; termination when unhealthy (if asked); observation = positions (the x position skipped unless
/// asked) and velocities clipped to ±`velocityLimit`.
///
/// v4 pays the healthy reward whenever `terminate_when_unhealthy` is set (so also for the terminating step), v5 only
/// while healthy; v5 reports the reward terms and `z_distance_from_origin` in the step info and the position in the
/// reset info.
struct PlanarWalker {
  let version: MuJoCoVersion
  let simulation: MuJoCoSimulation
  let forwardRewardWeight: Double
  let controlCostWeight: Double
  let healthyReward: Double
  let terminateWhenUnhealthy: Bool
  let resetNoiseScale: Double
  let skippedPositions: Int
  let velocityLimit: Double
  let observationCount: Int

  func reset(
    seed: UInt64?, random: inout NumpyGenerator, into observation: UnsafeMutableBufferPointer<Double>
  ) throws -> Info {
    try simulation.checkObservationBuffer(observation, count: observationCount)
    if let seed { random = NumpyGenerator(seed: seed) }
    try simulation.resetData()
    try simulation.setUniformlyPerturbedState(scale: resetNoiseScale, random: &random)
    simulation.writePositionsAndVelocities(
      skippingPositions: skippedPositions, velocityLimit: velocityLimit, into: observation)
    var info: Info = [:]
    if version == .v5 {
      info["x_position"] = .double(simulation.data.qpos[0])
      info["z_distance_from_origin"] = .double(simulation.data.qpos[1] - simulation.initialPositions[1])
    }
    simulation.reportWarnings(into: &info)
    return info
  }

  func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>,
    isHealthy: () -> Bool
  ) throws -> StepOutcome {
    try simulation.checkObservationBuffer(observation, count: observationCount)
    let data = simulation.data
    let xBefore = data.qpos[0]
    try simulation.simulate(action)
    let xAfter = data.qpos[0]
    let xVelocity = (xAfter - xBefore) / simulation.dt
    let controlCost = Double(NumpyArithmetic.float32ControlCost(weight: controlCostWeight, action: action))
    let forwardReward = forwardRewardWeight * xVelocity
    let healthy = isHealthy()
    let paid: Bool
    switch version {
    case .v4: paid = healthy || terminateWhenUnhealthy
    case .v5: paid = healthy
    }
    let healthyReward = (paid ? 1.0 : 0.0) * self.healthyReward
    simulation.writePositionsAndVelocities(
      skippingPositions: skippedPositions, velocityLimit: velocityLimit, into: observation)
    var info: Info = ["x_position": .double(xAfter), "x_velocity": .double(xVelocity)]
    if version == .v5 {
      info["z_distance_from_origin"] = .double(data.qpos[1] - simulation.initialPositions[1])
      info["reward_forward"] = .double(forwardReward)
      info["reward_ctrl"] = .double(-controlCost)
      info["reward_survive"] = .double(healthyReward)
    }
    simulation.reportWarnings(into: &info)
    return StepOutcome(
      reward: (forwardReward + healthyReward) - controlCost, terminated: terminateWhenUnhealthy && !healthy,
      info: info)
  }
}
