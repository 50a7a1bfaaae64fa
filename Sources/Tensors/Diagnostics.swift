// MARK: - Errors and diagnostics

/// Errors of the tensor library that callers can handle.
public enum TensorError: Error, Equatable, CustomStringConvertible {
  /// Two shapes that had to agree do not; names both.
  case shapeMismatch(expected: [Int], got: [Int], context: String)
  /// A tensor holds NaN or infinity.
  case nonFinite(name: String, index: [Int], value: Float)
  /// A saved generator state has the wrong form.
  case invalidGeneratorState(Int)

  public var description: String {
    switch self {
    case .shapeMismatch(let expected, let got, let context):
      return "\(context): expected shape \(expected), got \(got)"
    case .nonFinite(let name, let index, let value):
      return "\(name) holds \(value) at index \(index); check the learning rate, the inputs and divisions by zero"
    case .invalidGeneratorState(let count):
      return "a generator state needs 6 words (4 non-zero state words, a flag and a pending value), got \(count)"
    }
  }
}

extension Tensor {
  /// The index and value of the first NaN or infinite element, if any.
  public func firstNonFinite() -> (index: [Int], value: Float)? {
    let p = storage.pointer
    for i in 0..<count where !p[i].isFinite {
      var index = [Int](repeating: 0, count: rank)
      var rest = i
      for axis in stride(from: rank - 1, through: 0, by: -1) {
        index[axis] = rest % shape[axis]
        rest /= shape[axis]
      }
      return (index, p[i])
    }
    return nil
  }

  /// Throws ``TensorError/nonFinite(name:index:value:)`` naming `name` and where, when an element is NaN or infinite.
  public func checkFinite(_ name: String) throws {
    if let (index, value) = firstNonFinite() { throw TensorError.nonFinite(name: name, index: index, value: value) }
  }

  /// Throws ``TensorError/shapeMismatch(expected:got:context:)`` unless the tensor has `expected` shape.
  public func checkShape(_ expected: [Int], _ context: String) throws {
    if shape.array != expected {
      throw TensorError.shapeMismatch(expected: expected, got: shape.array, context: context)
    }
  }
}
