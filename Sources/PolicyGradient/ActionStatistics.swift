// MARK: - Action statistics

extension ActorCriticPolicy {
  /// Quantiles (5, 25, 50, 75, 95 %) and the standard deviation of the actions a rollout sent to the environment,
  /// pooled over action dimensions, as `rollout/action_q05` ... `rollout/action_std`; empty for discrete actions.
  /// Logged per update, they show how the action distribution changes over training.
  func actionStatistics(rawActions: ArraySlice<Float>) -> [String: Double] {
    guard case .continuous = actionKind, !rawActions.isEmpty else { return [:] }
    let d = actionKind.storedCount
    let sent = environmentActions(Tensor(Array(rawActions), shape: [rawActions.count / d, d])).sorted()
    func quantile(_ q: Double) -> Double {
      let position = q * Double(sent.count - 1)
      let low = Int(position.rounded(.down))
      let high = Swift.min(low + 1, sent.count - 1)
      return sent[low] + (sent[high] - sent[low]) * (position - Double(low))
    }
    let mean = sent.reduce(0, +) / Double(sent.count)
    let variance = sent.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(sent.count)
    return [
      "rollout/action_q05": quantile(0.05), "rollout/action_q25": quantile(0.25), "rollout/action_q50": quantile(0.5),
      "rollout/action_q75": quantile(0.75), "rollout/action_q95": quantile(0.95),
      "rollout/action_std": variance.squareRoot(),
    ]
  }
}
