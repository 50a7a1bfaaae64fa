import CKernels

// MARK: - Activations

/// A nonlinearity, by name (as presets spell it).
///
/// `tanh`, `relu` and `sigmoid` have gradients that need only their output, so a linear layer followed by one of
/// them is recorded as a single operation (``linear(_:weight:bias:activation:)``).
public enum Activation: String, Sendable, Codable, CaseIterable {
  case tanh, relu, sigmoid, softplus, identity

  /// Applies the function.
  public func callAsFunction(_ x: consuming Tensor) -> Tensor {
    switch self {
    case .tanh: return Tensors.tanh(consume x)
    case .relu: return Tensors.relu(consume x)
    case .sigmoid: return Tensors.sigmoid(consume x)
    case .softplus: return Tensors.softplus(consume x)
    case .identity: return x
    }
  }

  /// True for the activations whose gradient is computed from their output alone.
  @usableFromInline var differentiatesFromOutput: Bool {
    switch self {
    case .tanh, .relu, .sigmoid: return true
    case .softplus, .identity: return false
    }
  }

  /// Applies an output-differentiable activation to `count` values in place.
  @usableFromInline func applyInPlace(_ values: UnsafeMutablePointer<Float>, count: Int) {
    switch self {
    case .tanh: rein_tanh(values, values, count)
    case .relu: rein_relu(values, values, count)
    case .sigmoid: rein_sigmoid(values, values, count)
    case .softplus, .identity: preconditionFailure("\(self) is not applied in place")
    }
  }

  /// dy · f'(x) from the output y = f(x), written into `dx` (which may be `dy`).
  func backward(
    _ dy: UnsafePointer<Float>, output y: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    switch self {
    case .tanh: rein_tanh_backward(dy, y, dx, count)
    case .relu: rein_relu_backward(dy, y, dx, count)
    case .sigmoid: rein_sigmoid_backward(dy, y, dx, count)
    case .softplus, .identity: preconditionFailure("\(self) is not differentiated from its output")
    }
  }
}
