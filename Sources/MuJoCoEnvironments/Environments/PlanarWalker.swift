import Gym

// MARK: - Planar walkers

/// The reset and step that Hopper-v4 and Walker2d-v4 share (Gymnasium's two v4 classes compute them the same way):
/// a uniformly perturbed start; reward = forward_reward_weight · x velocity + healthy reward - control cost, in that
/// order; termination when unhealthy (if asked); observation = positions (the x position skipped unless asked)
/// and velocities clipped to ±`velocityLimit`.
struct PlanarWalker {
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
    let healthyReward = (healthy || terminateWhenUnhealthy ? 1.0 : 0.0) * self.healthyReward
    simulation.writePositionsAndVelocities(
      skippingPositions: skippedPositions, velocityLimit: velocityLimit, into: observation)
    var info: Info = ["x_position": .double(xAfter), "x_velocity": .double(xVelocity)]
    simulation.reportWarnings(into: &info)
    return StepOutcome(
      reward: (forwardReward + healthyReward) - controlCost, terminated: terminateWhenUnhealthy && !healthy,
      info: info)
  }
}
