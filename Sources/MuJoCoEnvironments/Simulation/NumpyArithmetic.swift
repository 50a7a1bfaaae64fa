// MARK: - numpy's order of operations

/// The arithmetic of Gymnasium's reward code, in numpy's order of operations, so that rewards match to the bit.
///
/// Checked against numpy 2.4 on the golden machine: `np.sum` of a contiguous array is a pairwise sum (blocks of
/// eight partial sums, as `pairwise_sum` in numpy's loops); `x.dot(x)` of a short vector and
/// `np.einsum("b,bj->j", m, x)` accumulate in index order without fused multiply-adds. A control cost of a float32
/// action (`w * np.sum(np.square(action))`) stays in float32 throughout: numpy squares and sums in float32, and
/// under NEP 50 a Python float times a float32 scalar is a float32 product.
enum NumpyArithmetic {
  /// `np.sum` of `count` values given by `element`: numpy's pairwise summation.
  @inline(__always)
  static func sum<T: BinaryFloatingPoint>(count: Int, _ element: (Int) -> T) -> T {
    pairwiseSum(start: 0, count: count, element)
  }

  private static func pairwiseSum<T: BinaryFloatingPoint>(start: Int, count n: Int, _ a: (Int) -> T) -> T {
    if n < 8 {
      var result: T = 0
      for i in 0..<n { result += a(start + i) }
      return result
    }
    if n <= 128 {
      var r0 = a(start), r1 = a(start + 1), r2 = a(start + 2), r3 = a(start + 3)
      var r4 = a(start + 4), r5 = a(start + 5), r6 = a(start + 6), r7 = a(start + 7)
      var i = 8
      while i < n - n % 8 {
        r0 += a(start + i)
        r1 += a(start + i + 1)
        r2 += a(start + i + 2)
        r3 += a(start + i + 3)
        r4 += a(start + i + 4)
        r5 += a(start + i + 5)
        r6 += a(start + i + 6)
        r7 += a(start + i + 7)
        i += 8
      }
      var result = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
      while i < n {
        result += a(start + i)
        i += 1
      }
      return result
    }
    var half = n / 2
    half -= half % 8
    return pairwiseSum(start: start, count: half, a) + pairwiseSum(start: start + half, count: n - half, a)
  }

  /// `np.sum(np.square(values))` in float64.
  @inline(__always)
  static func sumOfSquares(_ values: UnsafeMutableBufferPointer<Double>) -> Double {
    sum(count: values.count) { values[$0] * values[$0] }
  }

  /// `weight * np.sum(np.square(action))` for a float32 action: the whole computation in float32.
  @inline(__always)
  static func float32ControlCost(weight: Double, action: UnsafeBufferPointer<Double>) -> Float {
    let squares = sum(count: action.count) { (i: Int) -> Float in
      let a = Float(action[i])
      return a * a
    }
    return Float(weight) * squares
  }

  /// `np.clip(x, low, high)` (NaN stays NaN).
  @inline(__always)
  static func clip(_ x: Double, _ low: Double, _ high: Double) -> Double {
    x < low ? low : (x > high ? high : x)
  }

  /// `np.linalg.norm` of a short vector: the square root of the dot product accumulated in order.
  @inline(__always)
  static func norm(_ x: Double, _ y: Double) -> Double {
    (x * x + y * y).squareRoot()
  }

  /// `np.linalg.norm` of a 3-vector.
  @inline(__always)
  static func norm(_ x: Double, _ y: Double, _ z: Double) -> Double {
    (x * x + y * y + z * z).squareRoot()
  }
}
