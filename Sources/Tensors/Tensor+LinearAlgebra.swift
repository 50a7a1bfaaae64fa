import CKernels

#if canImport(Accelerate)
  import Accelerate
#else
  import CBLAS
#endif

// MARK: - Matrix products

/// C = op(A) op(B) (+ C when `accumulate`) (+ `bias` on every row), row-major.
/// op(A) is m x k, op(B) is k x n; `transposeA` means A is stored k x m, `transposeB` means B is stored n x k.
///
/// Runs CKernels' register-blocked kernel where it was measured faster than BLAS (x86-64 with AVX2 or AVX-512,
/// the sizes of RL networks; `rein-bench kernels` compares both), and BLAS's sgemm otherwise.
@usableFromInline func gemm(
  _ a: UnsafePointer<Float>, transposeA: Bool, _ b: UnsafePointer<Float>, transposeB: Bool,
  _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, accumulate: Bool = false,
  bias: UnsafePointer<Float>? = nil
) {
  if m == 0 || n == 0 { return }
  if rein_gemm_preferred(m, n, k) {
    rein_gemm(
      m, n, k, a, transposeA ? 1 : k, transposeA ? m : 1, b, transposeB ? 1 : n, transposeB ? k : 1, c, n, 1, bias,
      accumulate)
    return
  }
  var accumulate = accumulate
  if let bias {
    for r in 0..<m {
      let row = c + r * n
      if accumulate {
        for j in 0..<n { row[j] += bias[j] }
      } else {
        row.update(from: bias, count: n)
      }
    }
    accumulate = true
  }
  if k == 0 {
    if !accumulate { c.update(repeating: 0, count: m * n) }
    return
  }
  cblas_sgemm(
    CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), 1, a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n),
    accumulate ? 1 : 0, c, Int32(n))
}

/// The instruction set Rein's own kernels run with on this machine: "avx512", "avx2" or "baseline".
public var kernelInstructionSet: String { String(cString: rein_kernel_isa()) }

/// Limits BLAS to one thread (the default in Rein: its matrices are small, and parallel runs use the cores).
public func setLinearAlgebraThreads(_ count: Int) {
  #if !canImport(Accelerate)
    openblas_set_num_threads(Int32(count))
  #endif
}

extension Tensor {
  /// The product of op(a) and op(b) for matrices, with optional transposition of either.
  static func matrixProduct(_ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false) -> Tensor {
    precondition(a.rank == 2 && b.rank == 2, "matmul needs matrices, got shapes \(a.shape) and \(b.shape)")
    let m = transposeA ? a.shape[1] : a.shape[0]
    let k = transposeA ? a.shape[0] : a.shape[1]
    let kb = transposeB ? b.shape[1] : b.shape[0]
    let n = transposeB ? b.shape[0] : b.shape[1]
    precondition(
      k == kb,
      "matmul: inner dimensions differ for shapes \(a.shape)\(transposeA ? "ᵀ" : "") and \(b.shape)\(transposeB ? "ᵀ" : "")"
    )
    let out = TensorStorage.make(uninitializedCount: m * n)
    gemm(
      a.storage.pointer, transposeA: transposeA, b.storage.pointer, transposeB: transposeB, out.pointer, m: m, n: n,
      k: k)
    return Tensor(shape: Shape(rows: m, columns: n), storage: out)
  }
}

/// The matrix product a b of an [m, k] and a [k, n] matrix; a vector on either side is treated as a row or column.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
  if a.rank == 1 { return matmul(a.reshaped([1, -1]), b).squeezed(axis: 0) }
  if b.rank == 1 { return matmul(a, b.reshaped([-1, 1])).squeezed(axis: 1) }
  return Tensor.matrixProduct(a, b).recording(.matmul(a.detached(), b.detached()), a, b)
}

/// x Wᵀ + b, the affine map of a `Linear` layer with PyTorch's weight layout [outputs, inputs].
///
/// `x` is [batch, inputs] or a single [inputs] vector (then the result is a vector); `bias` is [outputs] or nil.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
  if x.rank == 1 {
    guard x.node == nil, weight.node == nil, bias?.node == nil, weight.rank == 2, weight.shape[1] == x.count else {
      return linear(x.reshaped([1, -1]), weight: weight, bias: bias).reshaped([-1])
    }
    // One untracked vector (acting in an environment): the product without the reshapes around it.
    let outputs = weight.shape[0]
    if let bias {
      precondition(
        bias.shape == Shape(vector: outputs), "linear: bias \(bias.shape) does not match weight \(weight.shape)")
    }
    let out = TensorStorage.make(uninitializedCount: outputs)
    gemm(
      x.storage.pointer, transposeA: false, weight.storage.pointer, transposeB: true, out.pointer, m: 1, n: outputs,
      k: x.count, bias: bias.map { UnsafePointer($0.storage.pointer) })
    return Tensor(shape: Shape(vector: outputs), storage: out)
  }
  precondition(weight.rank == 2, "linear: weight must be [outputs, inputs], got \(weight.shape)")
  precondition(
    x.rank == 2 && x.shape[1] == weight.shape[1],
    "linear: input \(x.shape) does not match weight \(weight.shape) (expected [batch, \(weight.shape[1])])")
  let batch = x.shape[0]
  let outputs = weight.shape[0]
  let out = TensorStorage.make(uninitializedCount: batch * outputs)
  if let bias {
    precondition(
      bias.shape == Shape(vector: outputs), "linear: bias \(bias.shape) does not match weight \(weight.shape)")
  }
  gemm(
    x.storage.pointer, transposeA: false, weight.storage.pointer, transposeB: true, out.pointer, m: batch, n: outputs,
    k: weight.shape[1], bias: bias.map { UnsafePointer($0.storage.pointer) })
  let result = Tensor(shape: Shape(rows: batch, columns: outputs), storage: out)
  if let bias {
    return result.recording(.linear(x.detached(), weight.detached(), hasBias: true), x, weight, bias)
  }
  return result.recording(.linear(x.detached(), weight.detached(), hasBias: false), x, weight)
}

/// `activation`(x Wᵀ + b), recorded as one operation when the activation is differentiated from its output (tanh,
/// relu, sigmoid): the activation overwrites the product in place, and the backward pass goes through both at once.
/// The same values as `activation(linear(x, weight: weight, bias: bias))`.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?, activation: Activation) -> Tensor {
  guard activation.differentiatesFromOutput else { return activation(linear(x, weight: weight, bias: bias)) }
  let tracked = x.node != nil || weight.node != nil || bias?.node != nil
  guard tracked, x.rank == 2 else {
    var z = linear(x, weight: weight, bias: bias)
    if tracked { return activation(z) }
    z.withUnsafeMutableBufferPointer { activation.applyInPlace($0.baseAddress!, count: $0.count) }
    return z
  }
  let z = linear(x.detached(), weight: weight.detached(), bias: bias?.detached())
  activation.applyInPlace(z.storage.pointer, count: z.count)
  let y = z.detached()
  if let bias {
    return y.recording(
      .linearActivation(x.detached(), weight.detached(), y, activation, hasBias: true), x, weight, bias)
  }
  return y.recording(.linearActivation(x.detached(), weight.detached(), y, activation, hasBias: false), x, weight)
}
