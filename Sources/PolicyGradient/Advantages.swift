// MARK: - Returns and advantages

/// Discounted returns G_t = r_t + γ G_{t+1} of one episode, computed backwards (G after the last step is
/// `bootstrap`, 0 for an episode that terminated).
///
/// - Parameters:
///   - rewards: The rewards of one episode (or a piece of one), in order.
///   - gamma: The discount factor γ, usually in [0, 1].
///   - bootstrap: The return after the last reward: 0 for an episode that terminated, an estimate V(s) for one cut
///     short.
/// - Returns: G_t for every t, as many values as `rewards`.
public func discountedReturns(_ rewards: [Double], gamma: Double, bootstrap: Double = 0) -> [Double] {
  var returns = [Double](repeating: 0, count: rewards.count)
  var g = bootstrap
  for t in stride(from: rewards.count - 1, through: 0, by: -1) {
    g = rewards[t] + gamma * g
    returns[t] = g
  }
  return returns
}

/// (x - mean) / (std + ε), the standard deviation taken with `correction` degrees of freedom removed: by default the
/// Bessel-corrected one (divisor n - 1), as PyTorch's `Tensor.std()` computes it in the REINFORCE write-ups;
/// `correction: 0` gives the population standard deviation (NumPy's `std` default). Fewer than `correction + 1`
/// values have no standard deviation: they are returned minus their mean (a single value becomes 0).
///
/// - Parameters:
///   - values: The values to standardise; empty gives empty.
///   - correction: Degrees of freedom removed from the count in the variance's divisor: 1 (Bessel, PyTorch) or 0
///     (population, NumPy).
///   - epsilon: Added to the standard deviation before dividing, so that constant values do not divide by 0.
/// - Returns: The standardised values, in the same order.
public func standardized(_ values: [Double], correction: Int = 1, epsilon: Double = 1e-9) -> [Double] {
  guard !values.isEmpty else { return [] }
  let mean = values.reduce(0, +) / Double(values.count)
  guard values.count > correction else { return values.map { $0 - mean } }
  let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
  let standardDeviation = (squares / Double(values.count - correction)).squareRoot()
  let scale = 1 / (standardDeviation + epsilon)
  return values.map { ($0 - mean) * scale }
}

/// (x - mean) / (std + 1e-8) with the Bessel-corrected std, in place, in `Float`: how PPO (per minibatch) and A2C
/// (per rollout) normalise advantages, SB3's `(a - a.mean()) / (a.std() + 1e-8)`. Bit for bit the values of the
/// tensor expression `(x - x.mean()) / (x.standardDeviation(unbiased: true) + 1e-8)` (the same sums in the same
/// order, one division per element; AdvantageTests checks it), without its ten operations. A single value is left
/// as it is. ``standardized(_:correction:epsilon:)`` above is REINFORCE's return standardisation: in `Double`, with
/// ε 1e-9 and a multiplication by 1 / (std + ε), so its values differ in the last bits and the two stay apart.
func standardizeInPlace(_ x: UnsafeMutableBufferPointer<Float>) {
  let n = x.count
  guard n > 1 else { return }
  var total: Float = 0
  for v in x { total += v }
  let mean = total / Float(n)
  var squares: Float = 0
  for v in x { squares += (v - mean) * (v - mean) }
  let denominator = (squares / Float(n - 1)).squareRoot() + 1e-8
  for i in 0..<n { x[i] = (x[i] - mean) / denominator }
}

/// Generalised advantage estimates (Schulman et al. 2016) for a [steps, environments] rollout, and the returns
/// A + V the critic is trained towards.
///
/// Time limits are handled exactly: `nextValues[t][i]` is V of the observation that followed step t in
/// environment i: the next row's observation inside an episode, the final observation of an episode that ended
/// by truncation, or anything for a terminated step, which bootstraps from 0. So
///   δ_t = r_t + γ (1 - terminated_t) V(s_{t+1}) - V(s_t),
///   A_t = δ_t + γ λ (1 - done_t) A_{t+1},   done = terminated or truncated,
/// and λ = 1 gives the n-step returns A2C uses, bootstrapped at the rollout's end.
///
/// - Parameters:
///   - rewards: The rewards, row-major [steps, environments]: entry t * n + i is step t of environment i.
///   - values: V(s_t) of each step's observation, laid out as `rewards`.
///   - nextValues: V of the observation that followed each step (see above), laid out as `rewards`.
///   - terminated: Whether each step ended its episode by termination (bootstraps from 0).
///   - truncated: Whether each step ended its episode by truncation (bootstraps from `nextValues`, stops the
///     recursion).
///   - n: The number of environments, the width of a row; must divide the number of entries.
///   - gamma: The discount factor γ.
///   - lambda: GAE's λ in [0, 1]: 1 gives n-step returns, 0 one-step TD errors.
/// - Returns: The advantages A_t and the returns A_t + V(s_t), laid out as `rewards`.
public func generalizedAdvantages(
  rewards: [Double], values: [Double], nextValues: [Double], terminated: [Bool], truncated: [Bool],
  environmentCount n: Int, gamma: Double, lambda: Double
) -> (advantages: [Double], returns: [Double]) {
  let count = rewards.count
  precondition(
    values.count == count && nextValues.count == count && terminated.count == count && truncated.count == count,
    "generalizedAdvantages: arrays differ in length")
  precondition(n > 0 && count % n == 0, "generalizedAdvantages: \(count) entries do not fill rows of \(n)")
  var advantages = [Double](repeating: 0, count: count)
  var next = [Double](repeating: 0, count: n)
  for t in stride(from: count / n - 1, through: 0, by: -1) {
    for i in 0..<n {
      let k = t * n + i
      let bootstrap = terminated[k] ? 0 : nextValues[k]
      let delta = rewards[k] + gamma * bootstrap - values[k]
      let continues = !(terminated[k] || truncated[k])
      next[i] = delta + (continues ? gamma * lambda * next[i] : 0)
      advantages[k] = next[i]
    }
  }
  return (advantages, zip(advantages, values).map(+))
}
