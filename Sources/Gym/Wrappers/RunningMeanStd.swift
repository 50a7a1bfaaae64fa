// MARK: - Running statistics

/// A running mean and variance over batches, as Gymnasium's `RunningMeanStd` (parallel-moments update of Chan
/// et al.), starting from mean 0, variance 1 and a count of `1e-4`.
///
/// It is a plain value: save it (it is `Codable`; Doubles round-trip exactly through JSON) and assign it back to
/// restore normalisation exactly.
public struct RunningMeanStd: Sendable, Equatable, Codable {
  public var mean: [Double]
  public var variance: [Double]
  public var count: Double

  public init(count dimension: Int, initialCount: Double = 1e-4) {
    mean = [Double](repeating: 0, count: dimension)
    variance = [Double](repeating: 1, count: dimension)
    count = initialCount
  }

  /// Adds one sample (a batch of one, whose variance is zero).
  public mutating func update(_ sample: UnsafeBufferPointer<Double>) {
    precondition(sample.count == mean.count, "RunningMeanStd: sample of \(sample.count), statistics of \(mean.count)")
    let batchCount = 1.0
    let totalCount = count + batchCount
    for k in 0..<mean.count {
      let delta = sample[k] - mean[k]
      let newMean = mean[k] + delta * batchCount / totalCount
      let m2 = variance[k] * count + 0 * batchCount + delta * delta * count * batchCount / totalCount
      mean[k] = newMean
      variance[k] = m2 / totalCount
    }
    count = totalCount
  }

  /// Adds one scalar sample.
  public mutating func update(_ value: Double) {
    withUnsafePointer(to: value) { update(UnsafeBufferPointer(start: $0, count: 1)) }
  }
}
