import Foundation

// MARK: - Elementary functions as numpy computes them

/// Elementary functions that give numpy's results to the bit, for environments that must match Gymnasium.
///
/// - `pow(x, 2)` is how numpy evaluates `x ** 2` on float64 scalars (the C library's `pow`), which differs from
///   `x * x` in about one case in a thousand. The compiler rewrites a visible `pow(x, 2.0)` into `x * x`, so these
///   wrappers are opaque to it.
/// - `float32Sin` / `float32Cos` are numpy's float32 `np.sin` / `np.cos`: a Cody-Waite reduction by pi/2 and
///   minimax polynomials evaluated with fused multiply-adds, which differ from the correctly rounded values in a
///   few cases in ten thousand.
public enum NumpyMath {
  // MARK: C library powers

  /// The C library's `pow(x, y)` for doubles, as numpy's `float64 ** float`.
  @inline(never)
  public static func pow(_ x: Double, _ y: Double) -> Double {
    Foundation.pow(x, y)
  }

  /// The C library's `powf(x, y)`, as numpy's `float32 ** number`.
  @inline(never)
  public static func pow(_ x: Float, _ y: Float) -> Float {
    Foundation.pow(x, y)
  }

  /// `pow(x, 2)` as the C library computes it (numpy's `float64 ** 2`), mostly without calling `pow`.
  ///
  /// The exact square is `p + e`, with `p = x * x` rounded and the residual `e` found exactly by Dekker's
  /// product. glibc's `pow` is accurate to 0.54 ulp, so whenever `|e| <= 0.44 ulp(p)` every other double is more
  /// than 0.56 ulp away from the exact square and `pow` must return `p`; only the remaining near-halfway cases,
  /// powers of two and extreme magnitudes call `pow`. The result is bit-identical to ``pow(_:_:)-(Double,Double)`` (the tests
  /// compare millions of values).
  @inline(__always)
  public static func square(_ x: Double) -> Double {
    let magnitude = abs(x)
    guard magnitude > 0x1p-400, magnitude < 0x1p400 else { return pow(x, 2) }
    let p = x * x
    // Veltkamp split of x into two 26-bit halves, then the exact residual of x * x.
    let split = x * 134_217_729.0  // 2^27 + 1
    let high = split - (split - x)
    let low = x - high
    let cross = high * low
    let residual = (((high * high - p) + cross) + cross) + low * low
    // At a power of two the ulp below is half as large, so leave those to pow.
    if abs(residual) <= 0.44 * p.ulp && p.significandBitPattern != 0 { return p }
    return pow(x, 2)
  }

  // MARK: numpy's float32 sine and cosine

  /// Past this magnitude numpy leaves the reduction to the C library.
  static let largestReducedArgument: Float = 71476.0625

  /// numpy's float32 `np.sin(x)`.
  public static func float32Sin(_ x: Float) -> Float {
    sinCos(x, cosine: false)
  }

  /// numpy's float32 `np.cos(x)`.
  public static func float32Cos(_ x: Float) -> Float {
    sinCos(x, cosine: true)
  }

  private static func sinCos(_ x: Float, cosine: Bool) -> Float {
    if x.isNaN || x.isInfinite { return .nan }
    if abs(x) > largestReducedArgument {
      return cosine ? Foundation.cos(x) : Foundation.sin(x)
    }
    // Quadrant: x * 2/pi rounded to the nearest integer with the 1.5 * 2^23 trick.
    let roundingMagic: Float = 0x1.8p23
    var quadrant = x * (0x1.45f306p-1 as Float)
    quadrant = (quadrant + roundingMagic) - roundingMagic
    // Cody-Waite: r = x - quadrant * pi/2, with pi/2 split into three parts.
    var r = fma(quadrant, -0x1.921fb0p+00, x)
    r = fma(quadrant, -0x1.5110b4p-22, r)
    r = fma(quadrant, -0x1.846988p-48, r)
    let r2 = r * r
    // cos(r) on [-pi/4, pi/4].
    var c = fma(0x1.98e616p-16, r2, -0x1.6c06dcp-10)
    c = fma(c, r2, 0x1.55553cp-05)
    c = fma(c, r2, -0x1.000000p-01)
    c = fma(c, r2, 0x1.000000p+00)
    // sin(r) on [-pi/4, pi/4].
    var s = fma(0x1.7d3bbcp-19, r2, -0x1.a06bbap-13)
    s = fma(s, r2, 0x1.11119ap-07)
    s = fma(s, r2, -0x1.555556p-03)
    s = fma(s, r2, 0)
    s = fma(s, r, r)
    var index = Int32(quadrant)
    if cosine { index &+= 1 }
    var result = index & 1 == 0 ? s : c
    if index & 2 != 0 { result = -result }
    return result
  }

  @inline(__always)
  private static func fma(_ a: Float, _ b: Float, _ c: Float) -> Float {
    c.addingProduct(a, b)
  }
}
