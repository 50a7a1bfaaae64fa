// MARK: - Elementwise kernels
//
// Loops over raw buffers that the compiler vectorises. Unary kernels reuse their input's buffer when the caller
// handed over the only reference (a temporary in a chain such as `tanh(linear(x))`) and it is not being
// differentiated.

@inlinable @inline(__always)
func mapStorage(_ x: consuming Tensor, _ f: (Float) -> Float) -> TensorStorage {
  let n = x.count
  if x.node == nil, isKnownUniquelyReferenced(&x.storage) {
    let p = x.storage.pointer
    for i in 0..<n { p[i] = f(p[i]) }
    return x.storage
  }
  let out = TensorStorage.make(uninitializedCount: n)
  let src = x.storage.pointer
  let dst = out.pointer
  for i in 0..<n { dst[i] = f(src[i]) }
  return out
}

@inlinable @inline(__always)
func zipStorage(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> TensorStorage {
  precondition(a.count == b.count)
  let n = a.count
  let out = TensorStorage.make(uninitializedCount: n)
  let pa = a.storage.pointer
  let pb = b.storage.pointer
  let po = out.pointer
  for i in 0..<n { po[i] = f(pa[i], pb[i]) }
  return out
}

/// Applies `f` elementwise under numpy's broadcasting rules and returns the result's shape and values.
@inlinable @inline(__always)
func broadcastStorage(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> (Shape, TensorStorage) {
  if a.shape == b.shape { return (a.shape, zipStorage(a, b, f)) }
  guard let shape = Shape.broadcast(a.shape, b.shape) else {
    preconditionFailure("shapes \(a.shape) and \(b.shape) do not broadcast together")
  }
  let n = shape.elementCount
  let out = TensorStorage.make(uninitializedCount: n)
  let pa = a.storage.pointer
  let pb = b.storage.pointer
  let po = out.pointer
  if b.count == 1 {
    let s = pb[0]
    if a.count == n {
      for i in 0..<n { po[i] = f(pa[i], s) }
      return (shape, out)
    }
  }
  if a.count == 1, b.count == n {
    let s = pa[0]
    for i in 0..<n { po[i] = f(s, pb[i]) }
    return (shape, out)
  }
  // General case: walk the output row by row (its last axis), with each input's stride along that axis 0 or 1.
  let rank = shape.count
  let sa = broadcastStrides(a.shape, to: shape)
  let sb = broadcastStrides(b.shape, to: shape)
  let inner = rank == 0 ? 1 : shape[rank - 1]
  let ia = rank == 0 ? 0 : sa[rank - 1]
  let ib = rank == 0 ? 0 : sb[rank - 1]
  let rows = inner == 0 ? 0 : n / inner
  var index = [Int](repeating: 0, count: Swift.max(rank - 1, 0))
  var oa = 0
  var ob = 0
  for row in 0..<rows {
    let dst = po + row * inner
    if ia == 1 && ib == 1 {
      for j in 0..<inner { dst[j] = f(pa[oa + j], pb[ob + j]) }
    } else if ia == 1 {
      let s = pb[ob]
      for j in 0..<inner { dst[j] = f(pa[oa + j], s) }
    } else if ib == 1 {
      let s = pa[oa]
      for j in 0..<inner { dst[j] = f(s, pb[ob + j]) }
    } else {
      let s = f(pa[oa], pb[ob])
      for j in 0..<inner { dst[j] = s }
    }
    // Advance the multi-index over the leading axes.
    var axis = rank - 2
    while axis >= 0 {
      index[axis] += 1
      oa += sa[axis]
      ob += sb[axis]
      if index[axis] < shape[axis] { break }
      oa -= sa[axis] * shape[axis]
      ob -= sb[axis] * shape[axis]
      index[axis] = 0
      axis -= 1
    }
  }
  return (shape, out)
}

/// The strides (in elements) with which a tensor of `shape` is read when broadcast to `target`: 0 on broadcast axes.
@usableFromInline func broadcastStrides(_ shape: Shape, to target: Shape) -> [Int] {
  let offset = target.count - shape.count
  let own = shape.strides
  var result = [Int](repeating: 0, count: target.count)
  for i in 0..<shape.count where shape[i] != 1 || target[i + offset] == 1 {
    result[i + offset] = shape[i] == 1 ? 0 : own[i]
  }
  return result
}

// MARK: - Fast transcendental functions

/// Splits e^x into 2^n and expm1(r) with x = n ln 2 + r, |r| <= ln 2 / 2, branch-free so loops vectorise.
///
/// expm1(r) is a degree-7 Taylor polynomial (truncation error below 6e-9 relative on that interval); 2^n is built
/// from its exponent bits. x is limited to [-87, 88], where 2^n stays a normal float.
@inlinable @inline(__always)
func exponentParts(_ x: Float) -> (twoToN: Float, expm1R: Float) {
  let x = Swift.min(Swift.max(x, -87.0), 88.0)
  let magic: Float = 12_582_912  // 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits
  let shifted = x * 1.442_695_04 + magic
  let n = shifted - magic
  let r = (x - n * 0.693_145_751_953_125) - n * 1.428_606_765_330_187_1e-6
  let nBits = Int32(bitPattern: shifted.bitPattern) &- Int32(bitPattern: magic.bitPattern)
  let twoToN = Float(bitPattern: UInt32(bitPattern: (nBits &+ 127) &<< 23))
  let p =
    r
    * (1 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040)))))))
  return (twoToN, p)
}

/// `exp(x)` as 2^n (1 + expm1(r)); 0 below -87.
@inlinable @inline(__always)
func fastExp(_ x: Float) -> Float {
  let (twoToN, p) = exponentParts(x)
  let e = twoToN + twoToN * p
  return x < -87 ? 0 : e
}

/// `tanh(x)` as expm1(2x) / (expm1(2x) + 2), branch-free; about 3 ulp, exact ±1 beyond |x| = 9.
///
/// expm1 is evaluated as in ``exponentParts(_:)`` but with fused multiply-adds (fewer, exactly rounded steps:
/// CKernels' vectorised tanh does the same, so the two agree bit for bit on every instruction set).
@inlinable @inline(__always)
func fastTanh(_ x: Float) -> Float {
  let y = 2 * Swift.min(Swift.max(x, -9), 9)
  let magic: Float = 12_582_912
  let shifted = magic.addingProduct(y, 1.442_695_04)
  let n = shifted - magic
  let r = y.addingProduct(n, -0.693_145_751_953_125).addingProduct(n, -1.428_606_765_330_187_1e-6)
  let nBits = Int32(bitPattern: shifted.bitPattern) &- Int32(bitPattern: magic.bitPattern)
  let twoToN = Float(bitPattern: UInt32(bitPattern: (nBits &+ 127) &<< 23))
  var q = (1.0 / 720 as Float).addingProduct(r, 1.0 / 5040)
  q = (1.0 / 120 as Float).addingProduct(r, q)
  q = (1.0 / 24 as Float).addingProduct(r, q)
  q = (1.0 / 6 as Float).addingProduct(r, q)
  q = (0.5 as Float).addingProduct(r, q)
  q = (1 as Float).addingProduct(r, q)
  let e = (twoToN - 1).addingProduct(twoToN, r * q)
  return e / (e + 2)
}

/// The logistic sigmoid 1 / (1 + exp(-x)).
@inlinable @inline(__always)
func fastSigmoid(_ x: Float) -> Float {
  1 / (1 + fastExp(-x))
}
