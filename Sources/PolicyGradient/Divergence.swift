// MARK: - Divergence
//
// A learning rate too high (or a reward too large) sends the losses, then the gradients, then the parameters to
// infinity or NaN. Every algorithm checks each update's loss, its gradients and, after the optimizer step, the
// parameters, and stops at the first value that is not finite with ``TrainingError/nonFinite(_:)`` ("training
// diverged: ..."), naming what held it and at which update. The error leaves `learn`, so the experiment tooling
// never saves the diverged weights as a final model.

/// The checks an update makes on its loss, gradients and parameters.
enum Divergence {
  /// Throws unless `loss` is finite.
  /// - Parameters:
  ///   - loss: the update's loss.
  ///   - name: what the loss is called in the message (`the loss`, `the policy loss`).
  ///   - update: the number of the update, counted from 0 as the algorithm counts them.
  static func check(loss: Float, name: String = "the loss", update: Int) throws {
    guard loss.isFinite else { throw TrainingError.nonFinite("\(name) is \(loss) at update \(update)") }
  }

  /// Throws unless every gradient is finite.
  /// - Parameters:
  ///   - gradients: the update's gradients.
  ///   - norm: their global norm when the caller computed it: a finite norm means every gradient is finite, so
  ///     only a non-finite one is searched.
  ///   - update: the number of the update.
  static func check(_ gradients: Gradients, norm: Float? = nil, update: Int) throws {
    if let norm, norm.isFinite { return }
    if norm == nil, gradients.tensors.allSatisfy(allFinite) { return }
    if let bad = gradients.firstNonFinite() {
      throw TrainingError.nonFinite("the gradient of \(bad.name) holds \(bad.value) at update \(update)")
    }
  }

  /// Throws unless every parameter of `model` is finite (after an optimizer step).
  /// - Parameters:
  ///   - model: the networks just updated.
  ///   - update: the number of the update that was applied.
  static func checkParameters(of model: Module, update: Int) throws {
    for (name, parameter) in model.namedParameters() where !allFinite(parameter.value) {
      if let (index, value) = parameter.value.firstNonFinite() {
        throw TrainingError.nonFinite("the parameter \(name)\(index) holds \(value) after update \(update)")
      }
    }
  }

  /// True when no element is NaN or infinite, i.e. no exponent field is all ones: the largest exponent field is
  /// a reduction the compiler vectorises (a per-element `isFinite` test is several times slower).
  static func allFinite(_ tensor: Tensor) -> Bool {
    tensor.withUnsafeBufferPointer { values in
      values.withMemoryRebound(to: UInt32.self) { bits in
        var largest: UInt32 = 0
        for b in bits { largest = Swift.max(largest, b & 0x7f80_0000) }
        return largest != 0x7f80_0000
      }
    }
  }
}
