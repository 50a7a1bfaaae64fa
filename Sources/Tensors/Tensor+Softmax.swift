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
