import CKernels

// MARK: - Gradients of models

/// Gradients keyed like a model's trainable parameters, in the same order.
public struct Gradients: Sendable {
  public var names: [String]
  public var tensors: [Tensor]

  /// Gradients from names and tensors in matching order.
  ///
  /// - Parameters:
  ///   - names: The parameter names, as ``Module/trainableParameterNames()`` gives them.
  ///   - tensors: One gradient per name, each of its parameter's shape.
  public init(names: [String], tensors: [Tensor]) {
    precondition(names.count == tensors.count, "gradients: \(names.count) names for \(tensors.count) tensors")
    self.names = names
    self.tensors = tensors
  }

  /// The gradient of the parameter named `name`.
  ///
  /// - Parameter name: A parameter name such as `policy.0.weight`.
  /// - Returns: The gradient, or nil when no parameter has that name.
  public subscript(name: String) -> Tensor? {
    guard let i = names.firstIndex(of: name) else { return nil }
    return tensors[i]
  }

  /// The Euclidean norm of all gradients together, as PyTorch's `clip_grad_norm_` measures it.
  public var globalNorm: Float {
    var total: Double = 0
    for t in tensors { total += t.withUnsafeBufferPointer { rein_sum_of_squares($0.baseAddress!, $0.count) } }
    return Float(total.squareRoot())
  }

  /// Scales all gradients so that their global norm is at most `maxNorm`, and returns the norm before clipping.
  ///
  /// Uses PyTorch's factor maxNorm / (norm + 1e-6), applied only when that factor is below 1.
  ///
  /// - Parameter maxNorm: The largest global norm kept; positive.
  /// - Returns: The global norm before clipping.
  @discardableResult
  public mutating func clipNorm(_ maxNorm: Float) -> Float {
    let norm = globalNorm
    let factor = maxNorm / (norm + 1e-6)
    if factor < 1 { scale(by: factor) }
    return norm
  }

  /// Multiplies every gradient by `factor` in place.
  ///
  /// - Parameter factor: The multiplier applied to every element.
  public mutating func scale(by factor: Float) {
    for i in tensors.indices {
      tensors[i].withUnsafeMutableBufferPointer { rein_scale($0.baseAddress!, $0.count, factor) }
    }
  }

  /// The first gradient holding NaN or infinity, named with its index, if any.
  public func firstNonFinite() -> (name: String, index: [Int], value: Float)? {
    for (name, t) in zip(names, tensors) {
      if let (index, value) = t.firstNonFinite() { return (name, index, value) }
    }
    return nil
  }
}

/// Evaluates `loss` on `model` and differentiates it with respect to the model's trainable parameters.
///
/// Returns the loss value and the gradients keyed like `model.trainableParameters()`. While `loss` runs, the
/// model's parameters hold tracked copies of their values, so the same model must not be used concurrently.
///
/// - Parameters:
///   - model: The module whose trainable parameters are differentiated.
///   - loss: Computes a scalar loss from the model; called once.
/// - Returns: The loss and its gradients keyed like `model.trainableParameters()`.
/// - Throws: Rethrows what `loss` throws.
public func valueAndGradient<M: Module>(
  of model: M, _ loss: (M) throws -> Tensor
) rethrows -> (
  value: Tensor, gradients: Gradients
) {
  let parameters = model.trainableParameters()
  let originals = parameters.map { $0.parameter.value }
  let (value, gradients) = try valueAndGradient(at: originals) { tracked in
    for (p, t) in zip(parameters, tracked) { p.parameter.value = t }
    defer { for (p, original) in zip(parameters, originals) { p.parameter.value = original } }
    return try loss(model)
  }
  return (value, Gradients(names: model.trainableParameterNames(), tensors: gradients))
}
