import CKernels
import Foundation

// MARK: - Backward rules
//
// Each rule maps the gradient of an operation's output to the gradients of its inputs (nil for inputs that take
// none). Gradients of broadcast inputs are summed back to the input's shape. Every rule is checked against central
// finite differences in the tests.

extension Tensor {
  /// Sums a gradient over the axes along which an input of `shape` was broadcast.
  func unbroadcast(to target: Shape) -> Tensor {
    if shape == target { return self }
    var g = self
    while g.rank > target.count { g = g.sum(alongAxis: 0) }
    for axis in 0..<target.count where target[axis] == 1 && g.shape[axis] != 1 {
      g = g.sum(alongAxis: axis, keepingDimension: true)
    }
    return g.reshaped(target.array)
  }
}

extension Operation {
  /// The gradients of the inputs; `needs(i)` is false for inputs that take none (untracked), whose gradients
  /// the costlier rules then skip.
  func backward(_ dy: consuming Tensor, needs: (Int) -> Bool) -> [Tensor?] {
    switch self {
    case .leaf:
      return []
    case .identity:
      return [dy]
    case .scale(let c):
      return [dy * c]
    case .add(let a, let b):
      return [dy.unbroadcast(to: a), dy.unbroadcast(to: b)]
    case .subtract(let a, let b):
      return [dy.unbroadcast(to: a), (-dy).unbroadcast(to: b)]
    case .multiply(let a, let b):
      return [(dy * b).unbroadcast(to: a.shape), (dy * a).unbroadcast(to: b.shape)]
    case .divide(let a, let b):
      return [(dy / b).unbroadcast(to: a.shape), (-(dy * a) / (b * b)).unbroadcast(to: b.shape)]
    case .divideScalar(let c, let x):
      return [dy * (-c) / (x * x)]
    case .multiplyScalarBy(let x, let c):
      return [dy * x * c]
    case .exp(let y):
      return [dy * y]
    case .log(let x):
      return [dy / x]
    case .sqrt(let y):
      return [dy / (y * 2)]
    case .tanh(let y):
      return [tanhBackward(dy, y)]
    case .relu(let y):
      return [dy * (y .> 0)]
    case .sigmoid(let y):
      return [dy * y * (1 - y)]
    case .softplus(let x):
      return [dy * Tensors.sigmoid(x)]
    case .abs(let x):
      return [dy * ((x .> 0) - (x .< 0))]
    case .power(let x, let p):
      return [dy * Tensors.pow(x, p - 1) * p]
    case .powerTensor(let a, let b, let y):
      let da = dy * b * Tensors.pow(a, b - 1)
      let db = dy * y * Tensors.log(a)
      return [da.unbroadcast(to: a.shape), db.unbroadcast(to: b.shape)]
    case .clamp(let x, let low, let high):
      return [dy * (x .>= Tensor(low)) * (x .<= Tensor(high))]
    case .select(let a, let b, let minimum):
      let chooseA = minimum ? (a .<= b) : (a .>= b)
      return [(dy * chooseA).unbroadcast(to: a.shape), (dy * (1 - chooseA)).unbroadcast(to: b.shape)]
    case .where(let condition, let a, let b):
      let zero = Tensor(0)
      return [
        Tensors.where(condition, dy, zero).unbroadcast(to: a),
        Tensors.where(condition, zero, dy).unbroadcast(to: b),
      ]
    case .sumAll(let shape):
      return [Tensor(repeating: dy.item, shape: shape.array)]
    case .sumAxis(let shape, let axis):
      var kept = shape.array
      kept[axis] = 1
      return [dy.reshaped(kept).broadcast(to: shape)]
    case .maxAxis(let shape, let axis, let argmax):
      let layout = AxisLayout(shape, axis: axis)
      var dx = Tensor.zeros(shape.array)
      dy.withUnsafeBufferPointer { g in
        dx.withUnsafeMutableBufferPointer { out in
          for o in 0..<layout.outer {
            for j in 0..<layout.inner {
              let k = argmax[o * layout.inner + j]
              out[(o * layout.length + k) * layout.inner + j] = g[o * layout.inner + j]
            }
          }
        }
      }
      return [dx]
    case .reshape(let shape):
      return [dy.reshaped(shape.array)]
    case .broadcast(let shape):
      return [dy.unbroadcast(to: shape)]
    case .permute(let inverse):
      return [dy.permuted(inverse)]
    case .slice(let shape, let axis, let start):
      let layout = AxisLayout(shape, axis: axis)
      let length = dy.shape[axis]
      var dx = Tensor.zeros(shape.array)
      dy.withUnsafeBufferPointer { g in
        dx.withUnsafeMutableBufferPointer { out in
          let block = length * layout.inner
          for o in 0..<layout.outer {
            let target = out.baseAddress! + (o * layout.length + start) * layout.inner
            target.update(from: g.baseAddress! + o * block, count: block)
          }
        }
      }
      return [dx]
    case .gatherRows(let shape, let indices):
      var dx = Tensor.zeros(shape.array)
      let rowSize = shape.count == 0 ? 1 : shape.elementCount / Swift.max(shape[0], 1)
      dy.withUnsafeBufferPointer { g in
        dx.withUnsafeMutableBufferPointer { out in
          for (i, r) in indices.enumerated() {
            for j in 0..<rowSize { out[r * rowSize + j] += g[i * rowSize + j] }
          }
        }
      }
      return [dx]
    case .gather(let shape, let axis, let indices):
      let layout = AxisLayout(shape, axis: axis)
      var dx = Tensor.zeros(shape.array)
      dy.withUnsafeBufferPointer { g in
        dx.withUnsafeMutableBufferPointer { out in
          for o in 0..<layout.outer {
            for j in 0..<layout.inner {
              let k = indices[o * layout.inner + j]
              out[(o * layout.length + k) * layout.inner + j] += g[o * layout.inner + j]
            }
          }
        }
      }
      return [dx]
    case .concatenate(let axis, let sizes):
      var offset = 0
      return sizes.map { size in
        defer { offset += size }
        return dy.slice(alongAxis: axis, offset..<(offset + size))
      }
    case .matmul(let a, let b):
      return [
        needs(0) ? Tensor.matrixProduct(dy, b, transposeB: true) : nil,
        needs(1) ? Tensor.matrixProduct(a, transposeA: true, dy) : nil,
      ]
    case .linear(let x, let w, let hasBias):
      let dx = needs(0) ? Tensor.matrixProduct(dy, w) : nil
      let dw = needs(1) ? Tensor.matrixProduct(dy, transposeA: true, x) : nil
      return hasBias ? [dx, dw, needs(2) ? dy.sum(alongAxis: 0) : nil] : [dx, dw]
    case .softmax(let y, let axis):
      return [y * (dy - (dy * y).sum(alongAxis: axis, keepingDimension: true))]
    case .logSoftmax(let y, let axis):
      return [dy - Tensors.exp(y) * dy.sum(alongAxis: axis, keepingDimension: true)]
    }
  }
}

/// dy (1 - y²), the gradient of tanh from its output y, in one pass (into dy's buffer when it is not shared).
func tanhBackward(_ dy: consuming Tensor, _ y: Tensor) -> Tensor {
  precondition(dy.shape == y.shape, "tanh backward: gradient \(dy.shape) for an output of shape \(y.shape)")
  let shape = dy.shape
  let storage: TensorStorage
  if isKnownUniquelyReferenced(&dy.storage) {
    storage = dy.storage
  } else {
    storage = TensorStorage.make(uninitializedCount: dy.count)
  }
  rein_tanh_backward(dy.storage.pointer, y.storage.pointer, storage.pointer, storage.count)
  return Tensor(shape: shape, storage: storage)
}
