// MARK: - Rolling window

/// The last `capacity` values of a stream and their mean, e.g. the returns of the last 100 episodes behind SB3's
/// `rollout/ep_rew_mean` and the `final_return_mean` of `summary.json`.
public struct RollingWindow: Sendable, Equatable {
  /// The most values kept.
  public let capacity: Int
  /// The kept values, oldest first.
  public private(set) var values: [Double] = []
  private var sum = 0.0

  /// Creates an empty window.
  public init(capacity: Int) {
    self.capacity = max(capacity, 1)
    values.reserveCapacity(self.capacity)
  }

  /// Adds a value, dropping the oldest when full.
  public mutating func append(_ value: Double) {
    if values.count == capacity { values.removeFirst() }
    values.append(value)
    sum = values.reduce(0, +)  // recomputed, so no rounding drift over long runs
  }

  /// The mean of the kept values; NaN when empty.
  public var mean: Double { values.isEmpty ? .nan : sum / Double(values.count) }

  /// Whether the window is full.
  public var isFull: Bool { values.count == capacity }
}
