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

  /// Adds a batch of `rows` samples (`rows x mean.count` values, row-major) at once, as
  /// `RunningMeanStd.update(batch)` does in Gymnasium and Stable-Baselines3: the batch's mean and (population)
  /// variance summed as numpy sums along axis 0 (row after row; pairwise, numpy's `pairwise_sum`, when there is
  /// one column), then merged with the parallel-moments formula.
  /// - Parameters:
  ///   - batch: the samples, `rows x mean.count` values, row-major.
  ///   - rows: the number of samples.
  public mutating func update(batch: UnsafeBufferPointer<Double>, rows: Int) {
    let d = mean.count
    precondition(rows > 0 && batch.count == rows * d, "RunningMeanStd: a batch of \(rows) rows of \(d) values")
    let n = Double(rows)
    var column = [Double](repeating: 0, count: rows)
    let totalCount = count + n
    for k in 0..<d {
      for i in 0..<rows { column[i] = batch[i * d + k] }
      let batchMean = Self.numpySum(column, pairwise: d == 1) / n
      for i in 0..<rows {
        let x = column[i] - batchMean
        column[i] = x * x
      }
      let batchVariance = Self.numpySum(column, pairwise: d == 1) / n
      let delta = batchMean - mean[k]
      let newMean = mean[k] + delta * n / totalCount
      let m2 = variance[k] * count + batchVariance * n + delta * delta * count * n / totalCount
      mean[k] = newMean
      variance[k] = m2 / totalCount
    }
    count = totalCount
  }

  /// The sum numpy's `add.reduce` computes: in order from 0, or (for a contiguous vector) by numpy's pairwise
  /// summation (blocks of at most 128 values summed in 8 interleaved partial sums, halves of larger ones).
  static func numpySum(_ values: [Double], pairwise: Bool) -> Double {
    guard pairwise else { return values.reduce(0, +) }
    return values.withUnsafeBufferPointer { pairwiseSum($0) }
  }

  private static func pairwiseSum(_ a: UnsafeBufferPointer<Double>) -> Double {
    let n = a.count
    if n < 8 {
      var sum = 0.0
      for x in a { sum += x }
      return sum
    }
    if n <= 128 {
      var r = (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7])
      var i = 8
      while i < n - n % 8 {
        r.0 += a[i]
        r.1 += a[i + 1]
        r.2 += a[i + 2]
        r.3 += a[i + 3]
        r.4 += a[i + 4]
        r.5 += a[i + 5]
        r.6 += a[i + 6]
        r.7 += a[i + 7]
        i += 8
      }
      var sum = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
      while i < n {
        sum += a[i]
        i += 1
      }
      return sum
    }
    var half = n / 2
    half -= half % 8
    return pairwiseSum(UnsafeBufferPointer(rebasing: a[0..<half]))
      + pairwiseSum(UnsafeBufferPointer(rebasing: a[half..<n]))
  }
}
