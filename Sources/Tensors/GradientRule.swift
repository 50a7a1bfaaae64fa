// MARK: - Operations with hand-written gradients

/// The gradient rule of an operation computed outside Tensors' primitives, as PyTorch's `autograd.Function`:
/// compute the output however is fastest, then attach the rule with ``Tensor/recorded(by:inputs:)``.
///
/// Fusing a chain of small operations into one (a loss over a minibatch, say) records one node on the tape instead
/// of one per step, which is most of the cost of differentiating small tensors. Check every rule against central
/// finite differences, as the primitives are.
public protocol GradientRule {
  /// The gradients of the inputs, in the order they were given to ``Tensor/recorded(by:inputs:)`` and with their
  /// shapes (nil for an input that takes none), from the gradient of the output (which has the output's shape).
  func inputGradients(outputGradient: Tensor) -> [Tensor?]
}

extension Tensor {
  /// This tensor as the output of an operation on `inputs` whose gradients `rule` computes.
  ///
  /// When none of `inputs` is being differentiated the tensor is returned as it is and nothing is recorded.
  public func recorded(by rule: some GradientRule, inputs: [Tensor]) -> Tensor {
    switch inputs.count {
    case 1: return detached().recording(.custom(rule), inputs[0])
    case 2: return detached().recording(.custom(rule), inputs[0], inputs[1])
    case 3: return detached().recording(.custom(rule), inputs[0], inputs[1], inputs[2])
    default: return detached().recording(.custom(rule), inputs: inputs)
    }
  }
}

// MARK: - Mean squared error

/// mean((prediction - target)²) over all elements, as one recorded operation; both tensors must have one shape.
public func meanSquaredError(_ prediction: Tensor, _ target: Tensor) -> Tensor {
  precondition(
    prediction.shape == target.shape,
    "meanSquaredError: prediction \(prediction.shape) and target \(target.shape) must have the same shape")
  let n = prediction.count
  let difference = TensorStorage.make(uninitializedCount: n)
  let p = prediction.storage.pointer
  let t = target.storage.pointer
  let d = difference.pointer
  var total: Float = 0
  for i in 0..<n {
    d[i] = p[i] - t[i]
    total += d[i] * d[i]
  }
  let value = Tensor(total / Float(Swift.max(n, 1)))
  return value.recording(.meanSquaredError(Tensor(shape: prediction.shape, storage: difference)), prediction, target)
}

/// The gradients of the mean squared error: ±2 (prediction - target) / n times the output's gradient.
func meanSquaredErrorBackward(_ dy: Tensor, _ difference: Tensor) -> (prediction: Tensor, target: Tensor) {
  let n = difference.count
  let factor = 2 * dy.item / Float(Swift.max(n, 1))
  let prediction = TensorStorage.make(uninitializedCount: n)
  let target = TensorStorage.make(uninitializedCount: n)
  let d = difference.storage.pointer
  for i in 0..<n {
    prediction.pointer[i] = factor * d[i]
    target.pointer[i] = -(factor * d[i])
  }
  return (Tensor(shape: difference.shape, storage: prediction), Tensor(shape: difference.shape, storage: target))
}
