// MARK: - Recorded operations

/// A differentiable primitive as recorded on the gradient tape, with what its backward rule needs.
/// Saved tensors are detached, so computing gradients records nothing.
@usableFromInline enum Operation {
  case leaf(Int)
  case identity
  case scale(Float)
  case add(Shape, Shape)
  case subtract(Shape, Shape)
  case multiply(Tensor, Tensor)
  case divide(Tensor, Tensor)
  case divideScalar(Float, Tensor)
  case multiplyScalarBy(Tensor, Float)
  case exp(Tensor)
  case log(Tensor)
  case sqrt(Tensor)
  case tanh(Tensor)
  case relu(Tensor)
  case sigmoid(Tensor)
  case softplus(Tensor)
  case abs(Tensor)
  case power(Tensor, Float)
  case powerTensor(Tensor, Tensor, Tensor)
  case clamp(Tensor, Float, Float)
  case select(Tensor, Tensor, minimum: Bool)
  case `where`(Tensor, Shape, Shape)
  case sumAll(Shape)
  case meanAll(Shape)
  case sumAxis(Shape, Int)
  case maxAxis(Shape, Int, [Int])
  case reshape(Shape)
  case broadcast(Shape)
  case permute([Int])
  case slice(Shape, Int, Int)
  case gatherRows(Shape, [Int])
  case gather(Shape, Int, [Int])
  case concatenate(Int, [Int])
  case matmul(Tensor, Tensor)
  case linear(Tensor, Tensor, hasBias: Bool)
  /// A linear layer and its activation: input, weight, the activation's output, which activation.
  case linearActivation(Tensor, Tensor, Tensor, Activation, hasBias: Bool)
  case softmax(Tensor, Int)
  case logSoftmax(Tensor, Int)
  /// The entropy of categorical rows from their log-probabilities (kept).
  case categoricalEntropy(Tensor)
  /// mean((p - t)²), keeping p - t.
  case meanSquaredError(Tensor)
  /// An operation whose gradients a rule written outside Tensors computes.
  case custom(any GradientRule)
}
