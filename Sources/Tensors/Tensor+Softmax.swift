import CKernels
import Foundation

// MARK: - Softmax

extension Tensor {
  /// exp(x) / sum(exp(x)) along `axis`, shifted by the maximum so it cannot overflow.
  public func softmax(alongAxis axis: Int = -1) -> Tensor {
    let axis = shape.axis(axis)
    let out = softmaxValues(axis: axis, logarithm: false)
    return out.recording(.softmax(out, axis), self)
  }

  /// log(softmax(x)) along `axis`, computed as x - max - log(sum(exp(x - max))).
  public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
    let axis = shape.axis(axis)
    let out = softmaxValues(axis: axis, logarithm: true)
    return out.recording(.logSoftmax(out, axis), self)
  }

  private func softmaxValues(axis: Int, logarithm: Bool) -> Tensor {
    let layout = AxisLayout(shape, axis: axis)
    let out = TensorStorage.make(uninitializedCount: count)
    let src = storage.pointer
    let dst = out.pointer
    let n = layout.length
    let s = layout.inner
    for o in 0..<layout.outer {
      for j in 0..<s {
        let base = o * n * s + j
        var m = -Float.infinity
        for k in 0..<n { m = Swift.max(m, src[base + k * s]) }
        if m == -.infinity { m = 0 }
        var total: Float = 0
        for k in 0..<n {
          let e = fastExp(src[base + k * s] - m)
          dst[base + k * s] = e
          total += e
        }
        if logarithm {
          let logTotal = Foundation.log(total) + m
          for k in 0..<n { dst[base + k * s] = src[base + k * s] - logTotal }
        } else {
          let inverse = 1 / total
          for k in 0..<n { dst[base + k * s] *= inverse }
        }
      }
    }
    return Tensor(shape: shape, storage: out)
  }
}

// MARK: - Categorical entropy

extension Tensor {
  /// The entropy -Σ_k p_k log p_k of each row of a [batch, n] tensor of normalised log-probabilities (the output
  /// of ``logSoftmax(alongAxis:)``), as a [batch] tensor; categories of probability zero contribute zero.
  ///
  /// One recorded operation instead of the four of `-(exp(l) * l).sum(alongAxis: 1)`, with the same values.
  public func categoricalEntropy() -> Tensor {
    precondition(rank == 2, "categoricalEntropy needs log-probabilities of shape [batch, n], got \(shape)")
    let rows = shape[0]
    let n = shape[1]
    let out = TensorStorage.make(uninitializedCount: rows)
    let l = storage.pointer
    let entropies = out.pointer
    let probabilities = TensorStorage.make(uninitializedCount: count)
    rein_exp(l, probabilities.pointer, count)
    let p = probabilities.pointer
    for r in 0..<rows {
      var total: Float = 0
      for k in 0..<n where p[r * n + k] != 0 { total += p[r * n + k] * l[r * n + k] }
      entropies[r] = -total
    }
    let result = Tensor(shape: Shape(vector: rows), storage: out)
    return result.recording(.categoricalEntropy(detached()), self)
  }
}

/// The gradient of the rows' entropies with respect to their log-probabilities: -g_r p_rk (l_rk + 1).
func categoricalEntropyBackward(_ dy: Tensor, _ logProbabilities: Tensor) -> Tensor {
  let rows = logProbabilities.shape[0]
  let n = logProbabilities.shape[1]
  precondition(dy.shape == Shape(vector: rows), "entropy backward: gradient \(dy.shape) for \(rows) rows")
  let out = TensorStorage.make(uninitializedCount: rows * n)
  let l = logProbabilities.storage.pointer
  let g = dy.storage.pointer
  let dl = out.pointer
  rein_exp(l, dl, rows * n)
  for r in 0..<rows {
    for k in 0..<n {
      let p = dl[r * n + k]
      dl[r * n + k] = p == 0 ? 0 : -g[r] * p * (l[r * n + k] + 1)
    }
  }
  return Tensor(shape: logProbabilities.shape, storage: out)
}
