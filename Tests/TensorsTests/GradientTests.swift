import TestSupport
import XCTest

@testable import Tensors

/// Every differentiable primitive (and the composites users call) against central finite differences.
final class GradientTests: XCTestCase {
  var generator = RandomGenerator(seed: 7)

  func random(_ shape: [Int], low: Float = -1, high: Float = 1) -> Tensor {
    Tensor.uniform(shape, low: low, high: high, using: &generator)
  }

  func testArithmeticWithBroadcasting() {
    let a = random([3, 4])
    let b = random([4])
    let c = random([3, 1], low: 0.5, high: 2)
    assertGradientsMatchFiniteDifferences(at: [a, b]) { $0[0] + $0[1] }
    assertGradientsMatchFiniteDifferences(at: [a, b]) { $0[0] - $0[1] }
    assertGradientsMatchFiniteDifferences(at: [a, c]) { $0[0] * $0[1] }
    assertGradientsMatchFiniteDifferences(at: [a, c]) { $0[0] / $0[1] }
    assertGradientsMatchFiniteDifferences(at: [b, a]) { $0[0] * $0[1] }  // broadcast on the left
    assertGradientsMatchFiniteDifferences(at: [a]) { -$0[0] }
    assertGradientsMatchFiniteDifferences(at: [a]) { $0[0] * 3 + 2 }
    assertGradientsMatchFiniteDifferences(at: [a]) { 1 - $0[0] / 4 }
    assertGradientsMatchFiniteDifferences(at: [c]) { 2 / $0[0] }
    assertGradientsMatchFiniteDifferences(at: [random([2, 1, 3]), random([4, 1])]) { $0[0] * $0[1] }
  }

  func testUnaryFunctions() {
    let x = random([2, 5], low: -2, high: 2)
    let positive = random([2, 5], low: 0.3, high: 3)
    assertGradientsMatchFiniteDifferences(at: [x]) { exp($0[0]) }
    assertGradientsMatchFiniteDifferences(at: [positive]) { log($0[0]) }
    assertGradientsMatchFiniteDifferences(at: [positive]) { sqrt($0[0]) }
    assertGradientsMatchFiniteDifferences(at: [x]) { tanh($0[0]) }
    assertGradientsMatchFiniteDifferences(at: [x]) { sigmoid($0[0]) }
    assertGradientsMatchFiniteDifferences(at: [x]) { softplus($0[0]) }
    assertGradientsMatchFiniteDifferences(at: [x]) { square($0[0]) }
    assertGradientsMatchFiniteDifferences(at: [positive]) { pow($0[0], 2.5) }
    assertGradientsMatchFiniteDifferences(at: [positive, x]) { pow($0[0], $0[1]) }
  }

  /// Piecewise functions are checked away from their kinks (|x| >= 0.1 > h), where finite differences are valid.
  func testPiecewiseFunctions() {
    let x = Tensor([-1.5, -0.7, -0.2, 0.3, 0.9, 1.6], shape: [2, 3])
    let y = Tensor([0.5, -0.3, 0.6, -0.8, 1.2, 0.1], shape: [2, 3])
    assertGradientsMatchFiniteDifferences(at: [x]) { relu($0[0]) }
    assertGradientsMatchFiniteDifferences(at: [x]) { abs($0[0]) }
    assertGradientsMatchFiniteDifferences(at: [x]) { clamp($0[0], min: -0.5, max: 1) }
    assertGradientsMatchFiniteDifferences(at: [x, y]) { minimum($0[0], $0[1]) }
    assertGradientsMatchFiniteDifferences(at: [x, y]) { maximum($0[0], $0[1]) }
    assertGradientsMatchFiniteDifferences(at: [x, y]) { `where`(x .> 0, $0[0] * 2, $0[1]) }
  }

  func testReductions() {
    let x = random([3, 4, 2])
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].sum() }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].sum(alongAxis: 1) }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].sum(alongAxis: -1, keepingDimension: true) }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].mean() }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].mean(alongAxis: 0) }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].variance() }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].variance(alongAxis: 1, unbiased: true) }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].max(alongAxis: 1) }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].logSumExp(alongAxis: 2) }
  }

  func testShaping() {
    let x = random([2, 3, 4])
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].reshaped([6, 4]) * Tensor.arange(4) }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].permuted([2, 0, 1]) }
    assertGradientsMatchFiniteDifferences(at: [random([3, 5])]) { $0[0].transposed() }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].slice(alongAxis: 1, 1..<3) }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].gatherRows([1, 0, 1]) }
    assertGradientsMatchFiniteDifferences(at: [random([4, 3])]) { $0[0].gather(alongAxis: 1, indices: [2, 0, 1, 1]) }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].gather(alongAxis: 1, indices: [0, 1, 2, 0, 2, 2, 1, 0]) }
    assertGradientsMatchFiniteDifferences(at: [random([2, 3]), random([2, 2])]) {
      Tensor.concatenate([$0[0], $0[1]], alongAxis: 1)
    }
    assertGradientsMatchFiniteDifferences(at: [random([2, 3]), random([2, 3])]) { Tensor.stack([$0[0], $0[1]]) }
    assertGradientsMatchFiniteDifferences(at: [random([1, 3])]) { $0[0].broadcast(to: [4, 3]) }
    assertGradientsMatchFiniteDifferences(at: [random([4])]) { $0[0].expanded(axis: 0).squeezed(axis: 0) }
  }

  func testMatrixProducts() {
    assertGradientsMatchFiniteDifferences(at: [random([3, 4]), random([4, 5])]) { matmul($0[0], $0[1]) }
    assertGradientsMatchFiniteDifferences(at: [random([4]), random([4, 2])]) { matmul($0[0], $0[1]) }
    assertGradientsMatchFiniteDifferences(at: [random([5, 3]), random([2, 3]), random([2])]) {
      linear($0[0], weight: $0[1], bias: $0[2])
    }
    assertGradientsMatchFiniteDifferences(at: [random([3]), random([2, 3])]) {
      linear($0[0], weight: $0[1], bias: nil)
    }
  }

  /// A linear layer fused with its activation: the gradients of each input, and the same values (bit for bit) and
  /// gradients as the two operations apart.
  func testLinearWithActivation() {
    let x = random([5, 3])
    let w = random([4, 3])
    let b = random([4])
    for activation in Activation.allCases {
      // relu's kink may fall within the finite-difference step of a random pre-activation: it is checked through
      // the equality with the unfused operations below (whose gradients testPiecewiseFunctions checks).
      if activation != .relu {
        assertGradientsMatchFiniteDifferences(at: [x, w, b]) {
          linear($0[0], weight: $0[1], bias: $0[2], activation: activation)
        }
        assertGradientsMatchFiniteDifferences(at: [x, w]) {
          linear($0[0], weight: $0[1], bias: nil, activation: activation)
        }
      }
      let loss: ([Tensor]) -> Tensor = {
        (linear($0[0], weight: $0[1], bias: $0[2], activation: activation) * 0.5).sum()
      }
      let apart: ([Tensor]) -> Tensor = { (activation(linear($0[0], weight: $0[1], bias: $0[2])) * 0.5).sum() }
      let fused = valueAndGradient(at: [x, w, b], loss)
      let separate = valueAndGradient(at: [x, w, b], apart)
      XCTAssertEqual(fused.value, separate.value, "\(activation)")
      for (f, s) in zip(fused.gradients, separate.gradients) { XCTAssertEqual(f, s, "\(activation)") }
      XCTAssertEqual(linear(x, weight: w, bias: b, activation: activation), activation(linear(x, weight: w, bias: b)))
      XCTAssertEqual(
        linear(x[row: 0], weight: w, bias: b, activation: activation),
        activation(linear(x[row: 0], weight: w, bias: b)),
        "one observation")
    }
    // Fed a shared upstream gradient (the output used twice), the fused backward must not overwrite it.
    assertGradientsMatchFiniteDifferences(at: [x, w, b]) {
      let y = linear($0[0], weight: $0[1], bias: $0[2], activation: .tanh)
      return y * y + y
    }
  }

  /// The entropy of categorical rows from their log-probabilities, against -Σ p log p, and its gradient.
  func testCategoricalEntropy() {
    let logits = random([3, 4], low: -3, high: 3)
    let l = logits.logSoftmax(alongAxis: 1)
    let expected = -(exp(l) * l).sum(alongAxis: 1)
    for (value, reference) in zip(l.categoricalEntropy().scalars, expected.scalars) {
      XCTAssertEqual(value, reference, accuracy: 1e-6)
    }
    assertGradientsMatchFiniteDifferences(at: [logits]) { $0[0].logSoftmax(alongAxis: 1).categoricalEntropy() }
    // A category of probability zero (log-probability -inf) contributes nothing, to the value or the gradient.
    let (value, gradients) = valueAndGradient(at: [Tensor([0, -.infinity], shape: [1, 2])]) {
      $0[0].categoricalEntropy().sum()
    }
    XCTAssertEqual(value.item, 0)
    XCTAssertEqual(gradients[0].scalars, [-1, 0])
  }

  func testMeanSquaredError() {
    let p = random([3, 2])
    let t = random([3, 2])
    XCTAssertEqual(meanSquaredError(p, t).item, square(p - t).mean().item, accuracy: 1e-7)
    assertGradientsMatchFiniteDifferences(at: [p, t]) { meanSquaredError($0[0], $0[1]) }
  }

  /// A rule written outside Tensors (here for x³ · c with a constant c) receives the output's gradient and
  /// hands back each input's; inputs that are not differentiated are left alone.
  func testHandWrittenGradientRule() {
    struct CubeTimes: GradientRule {
      let x: Tensor
      let c: Tensor
      func inputGradients(outputGradient: Tensor) -> [Tensor?] { [outputGradient * x * x * c * 3, nil] }
    }
    func cubeTimes(_ x: Tensor, _ c: Tensor) -> Tensor {
      (x.detached() * x.detached() * x.detached() * c).recorded(by: CubeTimes(x: x.detached(), c: c), inputs: [x, c])
    }
    let x = random([2, 3])
    let c = random([2, 3])
    assertGradientsMatchFiniteDifferences(at: [x]) { cubeTimes($0[0], c) }
    let (value, gradients) = valueAndGradient(at: [x, c]) { cubeTimes($0[0], $0[1]).sum() }
    XCTAssertEqual(value.item, (x * x * x * c).sum().item, accuracy: 1e-6)
    XCTAssertEqual(gradients[1], Tensor.zeros([2, 3]), "the rule gave no gradient for c")
    XCTAssertFalse(cubeTimes(x, c).isTracked, "nothing is recorded outside differentiation")
  }

  func testSoftmax() {
    let x = random([3, 4], low: -3, high: 3)
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].softmax() }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].logSoftmax(alongAxis: 1) }
    assertGradientsMatchFiniteDifferences(at: [x]) { $0[0].softmax(alongAxis: 0) }
  }

  /// A tensor used twice accumulates both contributions; one not used at all gets a zero gradient.
  func testFanOutAndUnusedInputs() {
    let x = Tensor([1, 2, 3])
    let (value, gradients) = valueAndGradient(at: [x, Tensor([5])]) { ($0[0] * $0[0] + $0[0]).sum() }
    XCTAssertEqual(value.item, 1 + 1 + 4 + 2 + 9 + 3)
    XCTAssertEqual(gradients[0].scalars, [3, 5, 7])
    XCTAssertEqual(gradients[1].scalars, [0])
  }

  /// Outside differentiation nothing is recorded; detached tensors stop gradients.
  func testNoBookkeepingOutsideDifferentiationAndDetach() {
    let y = tanh(Tensor([0.5, 1]) * 2)
    XCTAssertFalse(y.isTracked)
    let g = gradient(at: Tensor([2])) { x in (x * x.detached()).sum() }
    XCTAssertEqual(g.scalars, [2])  // d/dx of x·c with c = 2 held constant
  }
}
