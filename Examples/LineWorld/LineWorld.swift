import Rein

// MARK: - A user's own environment

/// LineWorld: a walker on the integer points -size ... size of a line must reach a goal on it.
///
/// - Observation: Box(-1, 1, [2], float32): the walker's position and the goal's, divided by `size`.
/// - Actions: Discrete(3): step left, stay, step right (at the ends, a step outwards stays).
/// - Reward: -0.01 per step, +1 on reaching the goal.
/// - Start: goal and walker drawn uniformly from the line (distinct), from the seeded generator.
/// - Episode end: terminated on reaching the goal; the registration adds a 60-step time limit.
final class LineWorld: Environment {
  let size: Int
  private var random = NumpyGenerator.fromEntropy()
  private var position = 0
  private var goal = 0
  private var running = false

  init(size: Int) throws {
    guard size >= 2 else { throw EnvironmentError.invalidArgument("LineWorld needs size >= 2, got \(size)") }
    self.size = size
  }

  var observationSpace: Space { .box(BoxSpace(low: -1, high: 1, shape: [2])) }
  var actionSpace: Space { .discrete(DiscreteSpace(3)) }

  func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> Info
  {
    if let seed { random = NumpyGenerator(seed: seed) }
    goal = random.integers(low: -size, high: size + 1)
    repeat { position = random.integers(low: -size, high: size + 1) } while position == goal
    running = true
    write(observation)
    return [:]
  }

  func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  ) throws
    -> StepOutcome
  {
    guard running else { throw EnvironmentError.stepAfterEpisodeEnd("LineWorld (or before the first reset)") }
    guard action.count == 1, let move = Int(exactly: action[0]), (0...2).contains(move) else {
      throw EnvironmentError.invalidAction("LineWorld takes 0 (left), 1 (stay) or 2 (right), got \(Array(action))")
    }
    position = min(max(position + move - 1, -size), size)
    let reached = position == goal
    running = !reached
    write(observation)
    return StepOutcome(reward: reached ? 1 : -0.01, terminated: reached)
  }

  /// Float32 observations hold float32 values exactly, as the checker requires.
  private func write(_ observation: UnsafeMutableBufferPointer<Double>) {
    observation[0] = Double(Float(Double(position) / Double(size)))
    observation[1] = Double(Float(Double(goal) / Double(size)))
  }
}
