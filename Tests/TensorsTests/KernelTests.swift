import CKernels
import Foundation
import TestSupport
import XCTest

@testable import Tensors

// MARK: - CKernels against references

/// The C kernels (matrix products, elementwise functions, buffer pool) against double-precision references and
/// against the Swift formulas they replace.
final class KernelTests: XCTestCase {
  // MARK: Elementwise functions

  /// Values that exercise every branch: zero, tiny, the clamps (±9 for tanh, -87 / 88 for exp), beyond them,
  /// infinities and NaN, plus a dense sweep.
  private var probeValues: [Float] {
    var values: [Float] = [
      0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 8.99, 9, 9.01, -9, -9.01, 20, -20, 86.9, 87, 87.1,
      -86.9, -87, -87.1, 88, 88.5, -88.5, 100, -100, .infinity, -.infinity, .nan, .greatestFiniteMagnitude,
      -.greatestFiniteMagnitude, .leastNormalMagnitude,
    ]
    for i in -30_000...30_000 { values.append(Float(i) * 3.3e-3) }
    return values
  }

  private func assertBitwiseEqual(
    _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void, _ reference: (Float) -> Float,
    _ name: String
  ) {
    let input = probeValues
    var output = [Float](repeating: 0, count: input.count)
    input.withUnsafeBufferPointer { x in
      output.withUnsafeMutableBufferPointer { y in kernel(x.baseAddress!, y.baseAddress!, input.count) }
    }
    for (x, y) in zip(input, output) {
      let expected = reference(x)
      if !(expected.bitPattern == y.bitPattern || (expected.isNaN && y.isNaN)) {
        XCTFail("\(name)(\(x)): kernel \(y), Swift formula \(expected)")
        return
      }
    }
  }

  /// The vectorised kernels compute the Swift formulas operation for operation (no fused multiply-adds), so they
  /// agree to the bit on every input, NaN and the infinities included.
  func testElementwiseKernelsMatchSwiftFormulasBitForBit() {
    assertBitwiseEqual({ rein_tanh($0, $1, $2) }, fastTanh, "tanh")
    assertBitwiseEqual({ rein_exp($0, $1, $2) }, fastExp, "exp")
    assertBitwiseEqual({ rein_sigmoid($0, $1, $2) }, fastSigmoid, "sigmoid")
  }

  /// The bits of a float, with every NaN mapped to one pattern (payloads are not specified).
  private func canonicalBits(_ x: Float) -> UInt32 { x.isNaN ? Float.nan.bitPattern : x.bitPattern }

  /// In place (output = input, as for a temporary the caller handed over), the kernels compute the same values.
  func testElementwiseKernelsInPlace() {
    let input = probeValues
    for (kernel, name) in [
      (rein_tanh as (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void, "tanh"), (rein_exp, "exp"),
      (rein_sigmoid, "sigmoid"),
    ] {
      var separate = [Float](repeating: 0, count: input.count)
      var inPlace = input
      input.withUnsafeBufferPointer { x in
        separate.withUnsafeMutableBufferPointer { kernel(x.baseAddress!, $0.baseAddress!, input.count) }
      }
      inPlace.withUnsafeMutableBufferPointer { kernel($0.baseAddress!, $0.baseAddress!, input.count) }
      XCTAssertEqual(separate.map(canonicalBits), inPlace.map(canonicalBits), name)
    }
    let temporary = tanh(Tensor(input) * 1)
    XCTAssertEqual(temporary.scalars.map(canonicalBits), input.map { canonicalBits(fastTanh($0)) })
  }

  /// Accuracy against Foundation in double precision: tanh within 3e-7 absolute, exp and sigmoid within 4 ulp
  /// relative (the Taylor polynomial's 6e-9 plus a few roundings), through the public tensor functions.
  func testElementwiseFunctionsAgainstFoundation() {
    let values = (-4000...4000).map { Float($0) * 5e-3 }
    let x = Tensor(values)
    let tanhValues = tanh(x).scalars
    let expValues = exp(x).scalars
    let sigmoidValues = sigmoid(x).scalars
    for (i, v) in values.enumerated() {
      let d = Double(v)
      XCTAssertEqual(Double(tanhValues[i]), Foundation.tanh(d), accuracy: 3e-7, "tanh(\(v))")
      let e = Foundation.exp(d)
      XCTAssertEqual(Double(expValues[i]), e, accuracy: 4.8e-7 * e, "exp(\(v))")
      let s = 1 / (1 + Foundation.exp(-d))
      XCTAssertEqual(Double(sigmoidValues[i]), s, accuracy: 4.8e-7 * s, "sigmoid(\(v))")
    }
    XCTAssertTrue(tanh(Tensor([.nan])).item.isNaN, "NaN must propagate so non-finite checks see it")
    XCTAssertEqual(tanh(Tensor([.infinity, -.infinity])).scalars, [1, -1])
    XCTAssertEqual(exp(Tensor([-.infinity, -100])).scalars, [0, 0])
  }

  func testActivationBackwardKernels() {
    let dy = Tensor([0.5, -2, 3, 0, 1.5])
    let y = Tensor([0.1, -0.9, 0.99, 0.5, 0])
    let pairs = Array(zip(dy.scalars, y.scalars))
    XCTAssertEqual(activationBackward(dy, y, .tanh).scalars, pairs.map { $0 * (1 - $1 * $1) })
    XCTAssertEqual(activationBackward(dy, y, .relu).scalars, pairs.map { $1 > 0 ? $0 : $0 * 0 })
    XCTAssertEqual(activationBackward(dy, y, .sigmoid).scalars, pairs.map { $0 * $1 * (1 - $1) })
    XCTAssertEqual(dy.scalars, [0.5, -2, 3, 0, 1.5], "a shared upstream gradient must not be overwritten")
  }

  func testReluKernelMatchesSwiftMaximum() {
    let x: [Float] = [-2, -0.0, 0, 1e-30, 3.5, -.infinity, .infinity]
    XCTAssertEqual(relu(Tensor(x)).scalars, x.map { Swift.max($0, 0) })
    XCTAssertTrue(relu(Tensor([.nan])).item.isNaN, "NaN must propagate so non-finite checks see it")
  }

  // MARK: Matrix products

  private func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
  }

  /// op(A) op(B) (+ bias) (+ C) in double precision.
  private func referenceProduct(
    _ a: [Float], transposeA: Bool, _ b: [Float], transposeB: Bool, m: Int, n: Int, k: Int, bias: [Float]?,
    initial: [Float]?
  ) -> [Double] {
    var c = [Double](repeating: 0, count: m * n)
    for r in 0..<m {
      for j in 0..<n {
        var total = 0.0
        for p in 0..<k {
          let av = transposeA ? a[p * m + r] : a[r * k + p]
          let bv = transposeB ? b[j * k + p] : b[p * n + j]
          total += Double(av) * Double(bv)
        }
        c[r * n + j] = total + Double(bias?[j] ?? 0) + Double(initial?[r * n + j] ?? 0)
      }
    }
    return c
  }

  /// Every path of the kernel (register tiles of each height and width, zero-padded column remainders, the
  /// dot-product path for narrow x Wᵀ, the transposed path for narrow Aᵀ B, k = 0 and 1) against a double-precision
  /// reference. Tolerance: each result sums k products of floats, so its error is at most about k · 2^-24 times
  /// Σ|a b|; 4e-7 · (k + 1) · Σ|a b| bounds that with margin, while any indexing error is of the order of Σ|a b|.
  func testMatrixKernelAgainstDoublePrecision() {
    var g = RandomGenerator(seed: 11)
    let sizes = [
      (1, 1, 1), (1, 16, 4), (1, 1, 32), (3, 5, 7), (7, 17, 3), (13, 64, 64), (64, 64, 64), (65, 130, 9),
      (100, 2, 64), (100, 1, 20), (2048, 2, 64), (64, 4, 64), (5, 3, 0), (6, 48, 1), (37, 33, 70), (8, 15, 16),
      (40, 48, 48), (12, 16, 3), (1, 32, 16), (5, 40, 37), (1, 16, 64),
    ]
    for (m, n, k) in sizes {
      for transposeA in [false, true] {
        for transposeB in [false, true] {
          for (withBias, accumulate) in [(false, false), (true, false), (false, true), (true, true)] {
            // One spare element keeps the buffers non-empty when k = 0.
            let a = (0...(m * k)).map { _ in Float(g.nextDouble() * 2 - 1) }
            let b = (0...(k * n)).map { _ in Float(g.nextDouble() * 2 - 1) }
            let bias = withBias ? (0..<n).map { _ in Float(g.nextDouble() * 2 - 1) } : nil
            let initial = (0..<(m * n)).map { _ in Float(g.nextDouble() * 2 - 1) }
            var c = accumulate ? initial : [Float](repeating: .nan, count: m * n)
            a.withUnsafeBufferPointer { a in
              b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                  withOptionalPointer(bias) { biasPointer in
                    rein_gemm(
                      m, n, k, a.baseAddress!, transposeA ? 1 : k, transposeA ? m : 1, b.baseAddress!,
                      transposeB ? 1 : n, transposeB ? k : 1, c.baseAddress!, n, 1, biasPointer, accumulate)
                  }
                }
              }
            }
            let expected = referenceProduct(
              a, transposeA: transposeA, b, transposeB: transposeB, m: m, n: n, k: k, bias: bias,
              initial: accumulate ? initial : nil)
            for r in 0..<m {
              for j in 0..<n {
                var magnitude = Swift.abs(Double(bias?[j] ?? 0))
                if accumulate { magnitude += Swift.abs(Double(initial[r * n + j])) }
                for p in 0..<k {
                  let av = transposeA ? a[p * m + r] : a[r * k + p]
                  let bv = transposeB ? b[j * k + p] : b[p * n + j]
                  magnitude += Swift.abs(Double(av) * Double(bv))
                }
                let error = Swift.abs(Double(c[r * n + j]) - expected[r * n + j])
                if !(error <= 4e-7 * Double(k + 1) * Swift.max(magnitude, 1e-30)) {
                  XCTFail(
                    "\(m)x\(n)x\(k) transposeA \(transposeA) transposeB \(transposeB) bias \(withBias) accumulate "
                      + "\(accumulate): C[\(r), \(j)] = \(c[r * n + j]), expected \(expected[r * n + j])")
                  return
                }
              }
            }
          }
        }
      }
    }
  }

  /// Strided output (the transposed path writes C by columns) and a leading dimension other than n are honoured.
  func testMatrixKernelWritesOnlyItsOwnElements() {
    let m = 40
    let n = 3
    let k = 20
    let a = (0..<(m * k)).map { Float($0 % 7) - 3 }
    let b = (0..<(k * n)).map { Float($0 % 5) - 2 }
    let ldc = 8
    var c = [Float](repeating: 42, count: m * ldc)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          rein_gemm(m, n, k, a.baseAddress!, 1, m, b.baseAddress!, n, 1, c.baseAddress!, ldc, 1, nil, false)
        }
      }
    }
    let expected = referenceProduct(
      a, transposeA: true, b, transposeB: false, m: m, n: n, k: k, bias: nil, initial: nil)
    for r in 0..<m {
      for j in 0..<ldc {
        if j < n {
          XCTAssertEqual(Double(c[r * ldc + j]), expected[r * n + j], accuracy: 1e-4)
        } else {
          XCTAssertEqual(c[r * ldc + j], 42, "padding column \(j) of row \(r) was written")
        }
      }
    }
  }

  /// The layer shapes of RL networks, through the public linear and matmul, against BLAS-free double references,
  /// with gradients of the narrow cases (dot-product and transposed paths) against finite differences.
  func testLinearLayersOfNetworkShapes() {
    var g = RandomGenerator(seed: 5)
    for (batch, inputs, outputs) in [(1, 4, 16), (64, 4, 64), (64, 64, 2), (64, 64, 1), (2048, 64, 2), (3, 32, 1)] {
      let x = Tensor.uniform([batch, inputs], low: -1, high: 1, using: &g)
      let w = Tensor.uniform([outputs, inputs], low: -1, high: 1, using: &g)
      let bias = Tensor.uniform([outputs], low: -1, high: 1, using: &g)
      let y = linear(x, weight: w, bias: bias).scalars
      let expected = referenceProduct(
        x.scalars, transposeA: false, w.scalars, transposeB: true, m: batch, n: outputs, k: inputs,
        bias: bias.scalars, initial: nil)
      for i in 0..<y.count {
        XCTAssertEqual(Double(y[i]), expected[i], accuracy: 1e-5 * Double(inputs), "\(batch)x\(inputs)->\(outputs)")
      }
    }
    let x = Tensor.uniform([20, 17], low: -1, high: 1, using: &g)
    let w = Tensor.uniform([2, 17], low: -1, high: 1, using: &g)
    let bias = Tensor.uniform([2], low: -1, high: 1, using: &g)
    assertGradientsMatchFiniteDifferences(at: [x, w, bias]) { linear($0[0], weight: $0[1], bias: $0[2]) }
    let narrow = Tensor.uniform([18, 3], low: -1, high: 1, using: &g)
    let wide = Tensor.uniform([3, 20], low: -1, high: 1, using: &g)
    assertGradientsMatchFiniteDifferences(at: [narrow, wide]) { matmul($0[0], $0[1]) }
    assertGradientsMatchFiniteDifferences(at: [x, Tensor.uniform([17, 3], low: -1, high: 1, using: &g)]) {
      tanh(matmul($0[0], $0[1]))
    }
  }

  /// Gradients through chains whose temporaries are overwritten in place (tanh of a linear layer, tracked).
  func testInPlaceActivationsKeepGradientsCorrect() {
    var g = RandomGenerator(seed: 8)
    let x = Tensor.uniform([5, 4], low: -1, high: 1, using: &g)
    let w1 = Tensor.uniform([6, 4], low: -1, high: 1, using: &g)
    let b1 = Tensor.uniform([6], low: -1, high: 1, using: &g)
    let w2 = Tensor.uniform([3, 6], low: -1, high: 1, using: &g)
    assertGradientsMatchFiniteDifferences(at: [x, w1, b1, w2]) {
      let h = tanh(linear($0[0], weight: $0[1], bias: $0[2]))
      return sigmoid(exp(linear(h, weight: $0[3], bias: nil) * 0.5))
    }
  }

  // MARK: Buffer pool

  /// Large buffers are recycled: tensors made after others were dropped hold their own values, and a tensor
  /// still alive is never handed out again.
  func testBufferPoolRecyclesWithoutAliasing() {
    let elements = 300_000  // 1.2 MB, well above the pool's 64 KiB threshold
    var kept: [Tensor] = []
    for round in 0..<6 {
      let temporary = Tensor(repeating: Float(round), shape: [elements])
      let doubled = temporary * 2
      XCTAssertEqual(doubled.scalars.first, Float(2 * round))
      kept.append(doubled + 1)
    }
    for (round, t) in kept.enumerated() {
      XCTAssertTrue(t.scalars.allSatisfy { $0 == Float(2 * round + 1) }, "tensor \(round) was overwritten")
    }
    let pointers = Set(kept.map { $0.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress!) } })
    XCTAssertEqual(pointers.count, kept.count)
  }

  func testKernelInstructionSetIsReported() {
    XCTAssertTrue(["avx512", "avx2", "baseline"].contains(kernelInstructionSet))
  }
}
