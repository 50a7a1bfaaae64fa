import Tensors
import XCTest

// MARK: - Finite-difference gradient checks

/// Checks the gradients of `f` (any output shape) at `inputs` against central finite differences.
///
/// The scalar differentiated is Σ f(x) ⊙ w with fixed pseudo-random weights w, so every output element counts with
/// a different weight. Tolerance: f runs in float32, so each evaluation carries a relative rounding error of about
/// 2^-24 · (number of terms); the central difference with step h divides that by h (h = 1e-2 here, so ~1e-5 of the
/// value's scale) and adds a truncation error of h² f''' / 6 (~1e-5 for the smooth functions tested). An absolute
/// plus relative tolerance of 2e-3 sits well above both, and far below the error of any wrong rule (order 1).
public func assertGradientsMatchFiniteDifferences(
  at inputs: [Tensor], step h: Float = 1e-2, tolerance: Float = 2e-3, file: StaticString = #filePath,
  line: UInt = #line, _ f: @escaping ([Tensor]) -> Tensor
) {
  let probe = f(inputs)
  var weightGenerator = RandomGenerator(seed: 1234)
  let weights = Tensor.uniform(probe.shape.array, low: 0.5, high: 1.5, using: &weightGenerator)
  let scalar: ([Tensor]) -> Tensor = { (f($0) * weights).sum() }
  let analytic = valueAndGradient(at: inputs, scalar).gradients
  for (which, input) in inputs.enumerated() {
    for i in 0..<input.count {
      var plus = inputs
      var minus = inputs
      plus[which].withUnsafeMutableBufferPointer { $0[i] += h }
      minus[which].withUnsafeMutableBufferPointer { $0[i] -= h }
      let numeric = (Double(scalar(plus).item) - Double(scalar(minus).item)) / Double(2 * h)
      let got = Double(analytic[which].scalars[i])
      let allowed = Double(tolerance) * (1 + Swift.abs(numeric))
      if Swift.abs(got - numeric) > allowed {
        XCTFail(
          "input \(which) element \(i): analytic gradient \(got), finite difference \(numeric)", file: file, line: line)
        return
      }
    }
  }
}

/// Asserts two float arrays agree elementwise within `accuracy`.
public func assertClose(
  _ a: [Float], _ b: [Float], accuracy: Float = 1e-5, _ message: String = "", file: StaticString = #filePath,
  line: UInt = #line
) {
  XCTAssertEqual(a.count, b.count, "lengths differ \(message)", file: file, line: line)
  for (i, (x, y)) in zip(a, b).enumerated() where Swift.abs(x - y) > accuracy * (1 + Swift.abs(y)) {
    XCTFail("element \(i): \(x) vs \(y) \(message)", file: file, line: line)
    return
  }
}
