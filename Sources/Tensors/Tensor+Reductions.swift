import CKernels
import Foundation

// MARK: - Reductions

/// How a reduction views its input: `outer` blocks of `length` values along the axis, each `inner` apart.
@usableFromInline struct AxisLayout {
  @usableFromInline let outer: Int
  @usableFromInline let length: Int
  @usableFromInline let inner: Int

  @usableFromInline init(_ shape: Shape, axis: Int) {
    var outer = 1
    var inner = 1
    for i in 0..<axis { outer *= shape[i] }
    for i in (axis + 1)..<shape.count { inner *= shape[i] }
    self.outer = outer
    self.length = shape[axis]
    self.inner = inner
  }

  /// The shape after reducing `axis`, keeping it as a dimension of 1 or dropping it.
  @usableFromInline static func reducedShape(_ shape: Shape, axis: Int, keepingDimension: Bool) -> Shape {
    var dims = shape.dims
    if keepingDimension {
      dims[axis] = 1
      return Shape(dims: dims, count: shape.count)
    }
    for i in axis..<(Shape.maxRank - 1) { dims[i] = dims[i + 1] }
    dims[Shape.maxRank - 1] = 1
    return Shape(dims: dims, count: shape.count - 1)
  }
}

extension Tensor {
  /// The sum of all elements, as a scalar.
  public func sum() -> Tensor {
    var total: Float = 0
    let p = storage.pointer
    for i in 0..<count { total += p[i] }
    return Tensor(total).recording(.sumAll(shape), self)
  }

  /// The sum along `axis` (negative counts from the end).
  public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
    let axis = shape.axis(axis)
    let layout = AxisLayout(shape, axis: axis)
    let outShape = AxisLayout.reducedShape(shape, axis: axis, keepingDimension: keepingDimension)
    let out = TensorStorage.make(uninitializedCount: layout.outer * layout.inner)
    rein_sum_along_axis(storage.pointer, out.pointer, layout.outer, layout.length, layout.inner)
    return Tensor(shape: outShape, storage: out).recording(.sumAxis(shape, axis), self)
  }

  /// The mean of all elements, as a scalar.
  public func mean() -> Tensor {
    var total: Float = 0
    let p = storage.pointer
    for i in 0..<count { total += p[i] }
    return Tensor(total / Float(Swift.max(count, 1))).recording(.meanAll(shape), self)
  }

  /// The mean along `axis`.
  public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
    let n = shape[shape.axis(axis)]
    return sum(alongAxis: axis, keepingDimension: keepingDimension) / Float(Swift.max(n, 1))
  }

  /// The variance of all elements; `unbiased` divides by n - 1 (Bessel's correction) instead of n.
  public func variance(unbiased: Bool = false) -> Tensor {
    let centered = self - mean()
    return square(centered).sum() / Float(Swift.max(count - (unbiased ? 1 : 0), 1))
  }

  /// The variance along `axis`.
  public func variance(alongAxis axis: Int, unbiased: Bool = false, keepingDimension: Bool = false) -> Tensor {
    let n = shape[shape.axis(axis)]
    let centered = self - mean(alongAxis: axis, keepingDimension: true)
    return square(centered).sum(alongAxis: axis, keepingDimension: keepingDimension)
      / Float(Swift.max(n - (unbiased ? 1 : 0), 1))
  }

  /// The standard deviation of all elements.
  public func standardDeviation(unbiased: Bool = false) -> Tensor { sqrt(variance(unbiased: unbiased)) }

  /// The maximum along `axis`; the gradient goes to the first maximal element.
  public func max(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
    let axis = shape.axis(axis)
    precondition(shape[axis] > 0, "max along an empty axis of shape \(shape)")
    let layout = AxisLayout(shape, axis: axis)
    let outShape = AxisLayout.reducedShape(shape, axis: axis, keepingDimension: keepingDimension)
    let out = TensorStorage.make(uninitializedCount: layout.outer * layout.inner)
    var argmax = [Int](repeating: 0, count: layout.outer * layout.inner)
    let src = storage.pointer
    for o in 0..<layout.outer {
      for j in 0..<layout.inner {
        var best = src[o * layout.length * layout.inner + j]
        var bestIndex = 0
        for k in 1..<layout.length {
          let v = src[(o * layout.length + k) * layout.inner + j]
          if v > best {
            best = v
            bestIndex = k
          }
        }
        out.pointer[o * layout.inner + j] = best
        argmax[o * layout.inner + j] = bestIndex
      }
    }
    return Tensor(shape: outShape, storage: out).recording(.maxAxis(shape, axis, argmax), self)
  }

  /// The largest element, as a scalar.
  public func max() -> Tensor { reshaped([count]).max(alongAxis: 0) }

  /// The index of the largest element along the last axis of a matrix or vector (first one on ties).
  public func argmax(alongAxis axis: Int = -1) -> [Int] {
    let axis = shape.axis(axis)
    let layout = AxisLayout(shape, axis: axis)
    var result = [Int](repeating: 0, count: layout.outer * layout.inner)
    let src = storage.pointer
    for o in 0..<layout.outer {
      for j in 0..<layout.inner {
        var best = -Float.infinity
        for k in 0..<layout.length {
          let v = src[(o * layout.length + k) * layout.inner + j]
          if v > best || k == 0 {
            best = v
            result[o * layout.inner + j] = k
          }
        }
      }
    }
    return result
  }

  /// log(sum(exp(x))) along `axis`, computed stably by shifting by the maximum.
  public func logSumExp(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
    let axis = shape.axis(axis)
    let shift = max(alongAxis: axis, keepingDimension: true).detached()
    let finiteShift = Tensors.where(shift .== Tensor(-Float.infinity), Tensor(0), shift)
    let summed = exp(self - finiteShift).sum(alongAxis: axis, keepingDimension: true)
    let result = log(summed) + finiteShift
    return keepingDimension ? result : result.squeezed(axis: axis)
  }
}
