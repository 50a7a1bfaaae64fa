import Foundation

// MARK: - Categorical

/// A categorical distribution over `0 ..< n` per row, from unnormalised log-probabilities (logits).
///
/// Batched: `logits` is [batch, n] (a single [n] vector is treated as one row). Log-probabilities and entropy are
/// differentiable with respect to the logits; sampling is not.
public struct Categorical {
  /// Normalised log-probabilities, [batch, n].
  public let logProbabilities: Tensor

  /// The distribution whose log-probabilities are the log-softmax of `logits` along each row.
  ///
  /// - Parameter logits: Unnormalised log-probabilities, [batch, n] or one row [n]; differentiable.
  public init(logits: Tensor) {
    let rows = logits.rank == 1 ? logits.reshaped([1, -1]) : logits
    precondition(rows.rank == 2, "Categorical needs logits of shape [batch, n] or [n], got \(logits.shape)")
    logProbabilities = rows.logSoftmax(alongAxis: 1)
  }

  /// The number of categories.
  public var categoryCount: Int { logProbabilities.shape[1] }
  /// The batch size.
  public var batchCount: Int { logProbabilities.shape[0] }
  /// The probabilities, [batch, n].
  public var probabilities: Tensor { exp(logProbabilities) }

  /// One category per row, drawn by inverting the cumulative distribution with one uniform draw per row.
  ///
  /// - Parameter generator: Supplies one uniform draw per row.
  /// - Returns: One category index in `0 ..< n` per row.
  public func sample(using generator: inout RandomGenerator) -> [Int] {
    let n = categoryCount
    let p = probabilities.detached()
    return p.withUnsafeBufferPointer { p in
      (0..<batchCount).map { row in
        let u = Float(generator.nextDouble())
        var cumulative: Float = 0
        for k in 0..<n {
          cumulative += p[row * n + k]
          if u < cumulative { return k }
        }
        // Rounding left the total just below u: take the last category with non-zero probability.
        return (0..<n).last { p[row * n + $0] > 0 } ?? n - 1
      }
    }
  }

  /// log p(action) per row, [batch].
  ///
  /// - Parameter actions: One category index per row, as many as the batch has rows.
  public func logProbability(of actions: [Int]) -> Tensor {
    precondition(actions.count == batchCount, "Categorical: \(actions.count) actions for a batch of \(batchCount)")
    return logProbabilities.gather(alongAxis: 1, indices: actions)
  }

  /// The entropy -Σ p log p per row, [batch].
  public func entropy() -> Tensor { logProbabilities.categoricalEntropy() }

  /// The most probable category per row (the first on ties).
  public func mode() -> [Int] { logProbabilities.argmax(alongAxis: 1) }
}

// MARK: - Diagonal Gaussian

/// Independent normal distributions per action dimension, batched: mean and standard deviation are [batch, d].
///
/// Log-probabilities are summed over the action dimensions. Both parameters are differentiable.
public struct DiagonalGaussian {
  public let mean: Tensor
  public let standardDeviation: Tensor
  /// log σ, kept as given when the distribution is made from it (more accurate than log of σ).
  public let logStandardDeviation: Tensor

  /// From a mean and a positive standard deviation of the same shape (or broadcastable to it).
  ///
  /// - Parameters:
  ///   - mean: The means, [batch, d] or one row [d].
  ///   - standardDeviation: σ, positive, [batch, d], [d] or anything that broadcasts to the mean's shape.
  public init(mean: Tensor, standardDeviation: Tensor) {
    self.mean = mean.rank == 1 ? mean.reshaped([1, -1]) : mean
    let std = standardDeviation.rank == 1 ? standardDeviation.reshaped([1, -1]) : standardDeviation
    self.standardDeviation = std.broadcast(to: self.mean.shape)
    self.logStandardDeviation = log(self.standardDeviation)
  }

  /// From a mean and log σ (SB3's state-independent parameter, or a clamped log-std head).
  ///
  /// - Parameters:
  ///   - mean: The means, [batch, d] or one row [d].
  ///   - logStandardDeviation: log σ, [batch, d], [d] or anything that broadcasts to the mean's shape.
  public init(mean: Tensor, logStandardDeviation: Tensor) {
    self.mean = mean.rank == 1 ? mean.reshaped([1, -1]) : mean
    let logStd = logStandardDeviation.rank == 1 ? logStandardDeviation.reshaped([1, -1]) : logStandardDeviation
    self.logStandardDeviation = logStd.broadcast(to: self.mean.shape)
    self.standardDeviation = exp(self.logStandardDeviation)
  }

  /// The batch size.
  public var batchCount: Int { mean.shape[0] }
  /// The number of action dimensions.
  public var dimensionCount: Int { mean.shape[1] }

  /// One draw per row, mean + σ · ε with ε standard normal; not differentiable.
  ///
  /// - Parameter generator: Supplies one standard normal draw per value, row-major.
  /// - Returns: The samples, [batch, d].
  public func sample(using generator: inout RandomGenerator) -> Tensor {
    let mu = mean.detached()
    let sigma = standardDeviation.detached()
    return Tensor(shape: mu.shape.array) { i in
      mu.withUnsafeBufferPointer { $0[i] } + sigma.withUnsafeBufferPointer { $0[i] } * Float(generator.nextNormal())
    }
  }

  /// Σ_d log N(a_d; μ_d, σ_d) per row, [batch].
  ///
  /// - Parameter actions: The actions, [batch, d] (or one row [d]), the shape of the mean.
  public func logProbability(of actions: Tensor) -> Tensor {
    let a = actions.rank == 1 ? actions.reshaped([1, -1]) : actions
    precondition(a.shape == mean.shape, "DiagonalGaussian: actions \(actions.shape) for a mean of shape \(mean.shape)")
    let z = (a - mean) / standardDeviation
    let perDimension = square(z) * -0.5 - logStandardDeviation - Float(0.5 * Foundation.log(2 * Double.pi))
    return perDimension.sum(alongAxis: 1)
  }

  /// The entropy Σ_d (½ + ½ log 2π + log σ_d) per row, [batch].
  public func entropy() -> Tensor {
    (logStandardDeviation + Float(0.5 + 0.5 * Foundation.log(2 * Double.pi))).sum(alongAxis: 1)
  }

  /// The mean (the deterministic action).
  public func mode() -> Tensor { mean.detached() }
}
