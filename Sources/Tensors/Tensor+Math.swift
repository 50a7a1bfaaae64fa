import CKernels
import Foundation

// MARK: - Elementwise functions

/// Applies `f` elementwise; when `x` is tracked, records `operation(input, output)` for differentiation.
@inlinable @inline(__always)
func unary(
  _ x: consuming Tensor, _ f: (Float) -> Float, _ operation: (_ input: Tensor, _ output: Tensor) -> Operation
) -> Tensor {
  guard let node = x.node else {
    let shape = x.shape
    return Tensor(shape: shape, storage: mapStorage(x, f))
  }
  let input = x.detached()
  let output = Tensor(shape: input.shape, storage: mapStorage(input.detached(), f))
  return Tensor(
    shape: output.shape, storage: output.storage, node: Node(operation(input, output), input: node, count: 1))
}

/// Applies a CKernels loop `kernel(input, output, count)` elementwise (the output may overwrite the input).
///
/// For functions whose gradient needs only their output (exp, tanh, sigmoid) the input's buffer is reused whenever
/// the caller handed over its only reference, tracked or not: the input's own node never holds its output.
@inline(__always)
func unaryKernel(
  _ x: consuming Tensor, _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
  _ operation: (_ output: Tensor) -> Operation
) -> Tensor {
  let shape = x.shape
  let node = x.node
  let storage: TensorStorage
  if isKnownUniquelyReferenced(&x.storage) {
    storage = x.storage
    kernel(storage.pointer, storage.pointer, storage.count)
  } else {
    storage = TensorStorage.make(uninitializedCount: x.count)
    kernel(x.storage.pointer, storage.pointer, storage.count)
  }
  guard let node else { return Tensor(shape: shape, storage: storage) }
  let output = Tensor(shape: shape, storage: storage)
  return Tensor(shape: shape, storage: storage, node: Node(operation(output), input: node, count: 1))
}

/// e^x.
public func exp(_ x: consuming Tensor) -> Tensor { unaryKernel(x, { rein_exp($0, $1, $2) }) { .exp($0) } }

/// The natural logarithm.
public func log(_ x: consuming Tensor) -> Tensor { unary(x, { Foundation.log($0) }) { x, _ in .log(x) } }

/// The square root.
public func sqrt(_ x: consuming Tensor) -> Tensor { unary(x, { $0.squareRoot() }) { _, y in .sqrt(y) } }

/// The hyperbolic tangent.
public func tanh(_ x: consuming Tensor) -> Tensor { unaryKernel(x, { rein_tanh($0, $1, $2) }) { .tanh($0) } }

/// max(x, 0).
public func relu(_ x: consuming Tensor) -> Tensor { unaryKernel(x, { rein_relu($0, $1, $2) }) { .relu($0) } }

/// 1 / (1 + e^-x).
public func sigmoid(_ x: consuming Tensor) -> Tensor {
  unaryKernel(x, { rein_sigmoid($0, $1, $2) }) { .sigmoid($0) }
}

/// log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) so it neither overflows nor loses small values.
public func softplus(_ x: consuming Tensor) -> Tensor {
  unary(x, { Swift.max($0, 0) + Foundation.log1p(fastExp(-Swift.abs($0))) }) { x, _ in .softplus(x) }
}

/// |x| (its gradient at 0 is taken as 0).
public func abs(_ x: consuming Tensor) -> Tensor { unary(x, { Swift.abs($0) }) { x, _ in .abs(x) } }

/// x².
public func square(_ x: consuming Tensor) -> Tensor { unary(x, { $0 * $0 }) { x, _ in .multiplyScalarBy(x, 2) } }

/// x^p for a constant exponent.
public func pow(_ x: consuming Tensor, _ p: Float) -> Tensor {
  unary(x, { Foundation.pow($0, p) }) { x, _ in .power(x, p) }
}

/// a^b elementwise with broadcasting (the gradient with respect to `b` needs a > 0).
public func pow(_ a: Tensor, _ b: Tensor) -> Tensor {
  let (shape, storage) = broadcastStorage(a, b) { Foundation.pow($0, $1) }
  let output = Tensor(shape: shape, storage: storage)
  return output.recording(.powerTensor(a.detached(), b.detached(), output), a, b)
}

/// x limited to [low, high]; the gradient passes where low <= x <= high.
public func clamp(_ x: consuming Tensor, min low: Float = -.infinity, max high: Float = .infinity) -> Tensor {
  precondition(low <= high, "clamp needs min <= max, got \(low) and \(high)")
  return unary(x, { Swift.min(Swift.max($0, low), high) }) { x, _ in .clamp(x, low, high) }
}

/// The elementwise minimum, with broadcasting; ties send the gradient to `a`.
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
  let (shape, storage) = broadcastStorage(a, b) { $1 < $0 ? $1 : $0 }
  return Tensor(shape: shape, storage: storage).recording(.select(a.detached(), b.detached(), minimum: true), a, b)
}

/// The elementwise maximum, with broadcasting; ties send the gradient to `a`.
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
  let (shape, storage) = broadcastStorage(a, b) { $1 > $0 ? $1 : $0 }
  return Tensor(shape: shape, storage: storage).recording(.select(a.detached(), b.detached(), minimum: false), a, b)
}

// MARK: - Comparisons and selection

extension Tensor {
  /// 1 where a < b, else 0 (not differentiable).
  public static func .< (a: Tensor, b: Tensor) -> Tensor { compare(a, b) { $0 < $1 } }
  /// 1 where a <= b, else 0.
  public static func .<= (a: Tensor, b: Tensor) -> Tensor { compare(a, b) { $0 <= $1 } }
  /// 1 where a > b, else 0.
  public static func .> (a: Tensor, b: Tensor) -> Tensor { compare(a, b) { $0 > $1 } }
  /// 1 where a >= b, else 0.
  public static func .>= (a: Tensor, b: Tensor) -> Tensor { compare(a, b) { $0 >= $1 } }
  /// 1 where a == b, else 0.
  public static func .== (a: Tensor, b: Tensor) -> Tensor { compare(a, b) { $0 == $1 } }
  /// 1 where a < b, else 0.
  public static func .< (a: Tensor, b: Float) -> Tensor { compare(a, Tensor(b)) { $0 < $1 } }
  /// 1 where a > b, else 0.
  public static func .> (a: Tensor, b: Float) -> Tensor { compare(a, Tensor(b)) { $0 > $1 } }

  static func compare(_ a: Tensor, _ b: Tensor, _ test: (Float, Float) -> Bool) -> Tensor {
    let (shape, storage) = broadcastStorage(a, b) { test($0, $1) ? 1 : 0 }
    return Tensor(shape: shape, storage: storage)
  }
}

/// Elements of `a` where `condition` is non-zero, else of `b`, with broadcasting of all three.
public func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
  guard let shape = Shape.broadcast(condition.shape, a.shape).flatMap({ Shape.broadcast($0, b.shape) }) else {
    preconditionFailure("where: shapes \(condition.shape), \(a.shape) and \(b.shape) do not broadcast together")
  }
  let c = condition.broadcast(to: shape).detached()
  let x = a.broadcast(to: shape).detached()
  let y = b.broadcast(to: shape).detached()
  let storage = TensorStorage.make(uninitializedCount: shape.elementCount)
  for i in 0..<shape.elementCount {
    storage.pointer[i] = c.storage.pointer[i] != 0 ? x.storage.pointer[i] : y.storage.pointer[i]
  }
  return Tensor(shape: shape, storage: storage).recording(.where(c, a.shape, b.shape), a, b)
}
