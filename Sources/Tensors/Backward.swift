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

/// The gradients of an operation's inputs, by position (nil where an input takes none): the first three inline,
/// so that passing them back allocates nothing; more (concatenation) in `rest`.
struct InputGradients {
  var first: Tensor?
  var second: Tensor?
  var third: Tensor?
  var rest: [Tensor?] = []

  init(_ first: Tensor? = nil, _ second: Tensor? = nil, _ third: Tensor? = nil) {
    self.first = first
    self.second = second
    self.third = third
  }

  init(all gradients: [Tensor?]) {
    first = gradients.count > 0 ? gradients[0] : nil
    second = gradients.count > 1 ? gradients[1] : nil
    third = gradients.count > 2 ? gradients[2] : nil
    rest = gradients.count > 3 ? Array(gradients[3...]) : []
  }

  /// Moves the gradient of input `i` out.
  mutating func take(_ i: Int) -> Tensor? {
    switch i {
    case 0: return first.take()
    case 1: return second.take()
    case 2: return third.take()
    default: return i - 3 < rest.count ? rest[i - 3].take() : nil
    }
  }
}

extension Operation {
  /// The gradients of the inputs; `needs(i)` is false for inputs that take none (untracked), whose gradients
  /// the costlier rules then skip.
  func backward(_ dy: consuming Tensor, needs: (Int) -> Bool) -> InputGradients {
    switch self {
    case .leaf:
      return InputGradients()
    case .identity:
      return InputGradients(dy)
    case .scale(let c):
      return InputGradients(dy * c)
    case .add(let a, let b):
      return InputGradients(dy.unbroadcast(to: a), dy.unbroadcast(to: b))
    case .subtract(let a, let b):
      return InputGradients(dy.unbroadcast(to: a), (-dy).unbroadcast(to: b))
    case .multiply(let a, let b):
      return InputGradients((dy * b).unbroadcast(to: a.shape), (dy * a).unbroadcast(to: b.shape))
    case .divide(let a, let b):
      return InputGradients((dy / b).unbroadcast(to: a.shape), (-(dy * a) / (b * b)).unbroadcast(to: b.shape))
    case .divideScalar(let c, let x):
      return InputGradients(dy * (-c) / (x * x))
    case .multiplyScalarBy(let x, let c):
      return InputGradients(dy * x * c)
    case .exp(let y):
      return InputGradients(dy * y)
    case .log(let x):
      return InputGradients(dy / x)
    case .sqrt(let y):
      return InputGradients(dy / (y * 2))
    case .tanh(let y):
      return InputGradients(activationBackward(dy, y, .tanh))
    case .relu(let y):
      return InputGradients(activationBackward(dy, y, .relu))
    case .sigmoid(let y):
      return InputGradients(activationBackward(dy, y, .sigmoid))
    case .softplus(let x):
      return InputGradients(dy * Tensors.sigmoid(x))
    case .abs(let x):
      return InputGradients(dy * ((x .> 0) - (x .< 0)))
    case .power(let x, let p):
      return InputGradients(dy * Tensors.pow(x, p - 1) * p)
    case .powerTensor(let a, let b, let y):
      let da = dy * b * Tensors.pow(a, b - 1)
      let db = dy * y * Tensors.log(a)
      return InputGradients(da.unbroadcast(to: a.shape), db.unbroadcast(to: b.shape))
    case .clamp(let x, let low, let high):
      return InputGradients(dy * (x .>= Tensor(low)) * (x .<= Tensor(high)))
    case .select(let a, let b, let minimum):
      let chooseA = minimum ? (a .<= b) : (a .>= b)
      return InputGradients((dy * chooseA).unbroadcast(to: a.shape), (dy * (1 - chooseA)).unbroadcast(to: b.shape))
    case .where(let condition, let a, let b):
      let zero = Tensor(0)
      return InputGradients(
        Tensors.where(condition, dy, zero).unbroadcast(to: a),
        Tensors.where(condition, zero, dy).unbroadcast(to: b)
      )
    case .sumAll(let shape):
      return InputGradients(Tensor(repeating: dy.item, shape: shape.array))
    case .meanAll(let shape):
      return InputGradients(Tensor(repeating: dy.item / Float(Swift.max(shape.elementCount, 1)), shape: shape.array))
    case .sumAxis(let shape, let axis):
      var kept = shape.array
      kept[axis] = 1
      return InputGradients(dy.reshaped(kept).broadcast(to: shape))
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
      return InputGradients(dx)
    case .reshape(let shape):
      return InputGradients(dy.reshaped(shape.array))
    case .broadcast(let shape):
      return InputGradients(dy.unbroadcast(to: shape))
    case .permute(let inverse):
      return InputGradients(dy.permuted(inverse))
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
      return InputGradients(dx)
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
      return InputGradients(dx)
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
      return InputGradients(dx)
    case .concatenate(let axis, let sizes):
      var offset = 0
      return InputGradients(
        all: sizes.map { size in
          defer { offset += size }
          return dy.slice(alongAxis: axis, offset..<(offset + size))
        })
    case .matmul(let a, let b):
      return InputGradients(
        needs(0) ? Tensor.matrixProduct(dy, b, transposeB: true) : nil,
        needs(1) ? Tensor.matrixProduct(a, transposeA: true, dy) : nil
      )
    case .linear(let x, let w, let hasBias):
      let dx = needs(0) ? Tensor.matrixProduct(dy, w) : nil
      let dw = needs(1) ? Tensor.matrixProduct(dy, transposeA: true, x) : nil
      return InputGradients(dx, dw, hasBias && needs(2) ? dy.sum(alongAxis: 0) : nil)
    case .linearActivation(let x, let w, let y, let activation, let hasBias):
      // Through the activation first (in dy's buffer when nothing else holds it), then as `linear`.
      let dz = activationBackward(dy, y, activation)
      let dx = needs(0) ? Tensor.matrixProduct(dz, w) : nil
      let dw = needs(1) ? Tensor.matrixProduct(dz, transposeA: true, x) : nil
      return InputGradients(dx, dw, hasBias && needs(2) ? dz.sum(alongAxis: 0) : nil)
    case .softmax(let y, let axis):
      return InputGradients(y * (dy - (dy * y).sum(alongAxis: axis, keepingDimension: true)))
    case .categoricalEntropy(let logProbabilities):
      return InputGradients(categoricalEntropyBackward(dy, logProbabilities))
    case .meanSquaredError(let difference):
      let (prediction, target) = meanSquaredErrorBackward(dy, difference)
      return InputGradients(needs(0) ? prediction : nil, needs(1) ? target : nil)
    case .custom(let rule):
      return InputGradients(all: rule.inputGradients(outputGradient: dy))
    case .logSoftmax(let y, let axis):
      return InputGradients(dy - Tensors.exp(y) * dy.sum(alongAxis: axis, keepingDimension: true))
    }
  }
}

/// dy · f'(x) from the output y = f(x) of an output-differentiable activation, in one pass (into dy's buffer when
/// it is not shared).
func activationBackward(_ dy: consuming Tensor, _ y: Tensor, _ activation: Activation) -> Tensor {
  precondition(dy.shape == y.shape, "\(activation) backward: gradient \(dy.shape) for an output of shape \(y.shape)")
  let shape = dy.shape
  let storage: TensorStorage
  if isKnownUniquelyReferenced(&dy.storage) {
    storage = dy.storage
  } else {
    storage = TensorStorage.make(uninitializedCount: dy.count)
  }
  activation.backward(dy.storage.pointer, output: y.storage.pointer, into: storage.pointer, count: storage.count)
  return Tensor(shape: shape, storage: storage)
}
