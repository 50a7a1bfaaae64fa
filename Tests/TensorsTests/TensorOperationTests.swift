import Foundation
import TestSupport
import XCTest

@testable import Tensors

/// Forward values of the tensor operations against hand-computed results.
final class TensorOperationTests: XCTestCase {
  func testConstructionAndAccess() {
    let t = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
    XCTAssertEqual(t.shape, [2, 3])
    XCTAssertEqual(t[1, 2], 6)
    XCTAssertEqual(t.rank, 2)
    XCTAssertEqual(Tensor([[1, 2], [3, 4]]).scalars, [1, 2, 3, 4])
    XCTAssertEqual(Tensor(3).item, 3)
    XCTAssertEqual(Tensor.zeros([2, 2]).scalars, [0, 0, 0, 0])
    XCTAssertEqual(t.description, "[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]")
  }

  func testCopyOnWrite() {
    let a = Tensor([1, 2, 3])
    var b = a
    b[0] = 10
    XCTAssertEqual(a.scalars, [1, 2, 3])
    XCTAssertEqual(b.scalars, [10, 2, 3])
  }

  /// An activation applied to a temporary may reuse its buffer, but never one another tensor still shares.
  func testInPlaceReuseNeverTouchesSharedStorage() {
    let a = Tensor([0.5, -0.5])
    let alias = a
    let t = tanh(a)
    XCTAssertEqual(a.scalars, [0.5, -0.5])
    XCTAssertEqual(alias.scalars, [0.5, -0.5])
    assertClose(t.scalars, [Float(Foundation.tanh(0.5)), Float(Foundation.tanh(-0.5))])
    let chained = relu(tanh(a * 2))
    XCTAssertEqual(chained.scalars[1], 0)
    XCTAssertEqual(a.scalars, [0.5, -0.5])
  }

  func testBroadcastingRules() {
    XCTAssertEqual(Shape.broadcast([3, 1], [1, 4]), [3, 4])
    XCTAssertEqual(Shape.broadcast([2, 3, 4], [4]), [2, 3, 4])
    XCTAssertNil(Shape.broadcast([3], [4]))
    let a = Tensor([1, 2, 3], shape: [3, 1])
    let b = Tensor([10, 20], shape: [1, 2])
    XCTAssertEqual((a + b).scalars, [11, 21, 12, 22, 13, 23])
    XCTAssertEqual((Tensor([[1, 2], [3, 4]]) * Tensor([10, 100])).scalars, [10, 200, 30, 400])
    XCTAssertEqual((Tensor([2, 4]) / 2).scalars, [1, 2])
    XCTAssertEqual((1 - Tensor([2, 4])).scalars, [-1, -3])
  }

  func testElementwiseFunctionsAgainstFoundation() {
    let values: [Float] = [-20, -5, -1, -0.1, -1e-3, 0, 1e-4, 0.05, 0.7, 2, 8.5, 30]
    let x = Tensor(values)
    // The fast exp/tanh kernels: a few float32 ulps against the correctly rounded double results.
    for (got, v) in zip(tanh(x).scalars, values) {
      XCTAssertEqual(Double(got), Foundation.tanh(Double(v)), accuracy: 4e-7 * Swift.max(1e-3, Swift.abs(Double(got))))
    }
    for (got, v) in zip(exp(x).scalars, values) {
      XCTAssertEqual(Double(got), Foundation.exp(Double(v)), accuracy: 4e-7 * Foundation.exp(Double(v)))
    }
    for (got, v) in zip(sigmoid(x).scalars, values) {
      XCTAssertEqual(Double(got), 1 / (1 + Foundation.exp(-Double(v))), accuracy: 1e-6)
    }
    for (got, v) in zip(softplus(x).scalars, values) {
      XCTAssertEqual(
        Double(got), Foundation.log1p(Foundation.exp(Double(v))), accuracy: 1e-6 * (1 + Double(Swift.abs(v))))
    }
    XCTAssertEqual(relu(Tensor([-1, 0, 2])).scalars, [0, 0, 2])
    XCTAssertEqual(clamp(Tensor([-3, 0.5, 3]), min: -1, max: 1).scalars, [-1, 0.5, 1])
    XCTAssertEqual(minimum(Tensor([1, 5]), Tensor([3, 2])).scalars, [1, 2])
    XCTAssertEqual(maximum(Tensor([1, 5]), Tensor(3)).scalars, [3, 5])
    XCTAssertEqual(pow(Tensor([2, 3]), 2).scalars, [4, 9])
    XCTAssertEqual((Tensor([1, 2, 3]) .> Tensor(2)).scalars, [0, 0, 1])
    XCTAssertEqual(`where`(Tensor([1, 0]), Tensor([5, 5]), Tensor([7, 7])).scalars, [5, 7])
  }

  /// tanh over a dense grid: the fast kernel stays within 3e-7 absolute of the exact value everywhere.
  func testFastTanhAccuracyOverDenseGrid() {
    var worst = 0.0
    for i in -200_000...200_000 {
      let x = Float(i) * 1e-4
      worst = Swift.max(worst, Swift.abs(Double(fastTanh(x)) - Foundation.tanh(Double(x))))
    }
    XCTAssertLessThan(worst, 3e-7)
  }

  func testReductions() {
    let t = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
    XCTAssertEqual(t.sum().item, 21)
    XCTAssertEqual(t.sum(alongAxis: 0).scalars, [5, 7, 9])
    XCTAssertEqual(t.sum(alongAxis: 1).scalars, [6, 15])
    XCTAssertEqual(t.sum(alongAxis: 1, keepingDimension: true).shape, [2, 1])
    XCTAssertEqual(t.mean().item, 3.5)
    XCTAssertEqual(t.mean(alongAxis: 0).scalars, [2.5, 3.5, 4.5])
    XCTAssertEqual(t.max(alongAxis: 1).scalars, [3, 6])
    XCTAssertEqual(t.max().item, 6)
    XCTAssertEqual(t.argmax(alongAxis: 1), [2, 2])
    XCTAssertEqual(Tensor([1, 2, 3, 4]).variance().item, 1.25)
    XCTAssertEqual(Tensor([1, 2, 3, 4]).variance(unbiased: true).item, 5.0 / 3, accuracy: 1e-6)
    let lse = Tensor([1000, 1000, 1000]).logSumExp(alongAxis: 0).item
    XCTAssertEqual(Double(lse), 1000 + Foundation.log(3.0), accuracy: 1e-3)
  }

  func testSoftmaxIsStableForLargeLogits() {
    let logits = Tensor([[1000, 0, -1000], [5, 5, 5]])
    let p = logits.softmax()
    assertClose(p.scalars, [1, 0, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3])
    let logp = logits.logSoftmax()
    XCTAssertEqual(logp[0, 0], 0)
    XCTAssertEqual(logp[0, 1], -1000)
    XCTAssertEqual(Double(logp[1, 2]), -Foundation.log(3.0), accuracy: 1e-6)
    XCTAssertTrue(logp.scalars.allSatisfy { $0.isFinite })
  }

  func testMatmulMatchesNaiveProduct() {
    var g = RandomGenerator(seed: 3)
    for (m, k, n) in [(1, 4, 16), (7, 5, 3), (64, 64, 64), (2048, 4, 64)] {
      let a = Tensor.uniform([m, k], low: -1, high: 1, using: &g)
      let b = Tensor.uniform([k, n], low: -1, high: 1, using: &g)
      let c = matmul(a, b)
      var expected = [Float](repeating: 0, count: m * n)
      for i in 0..<m {
        for j in 0..<n {
          var s: Double = 0
          for p in 0..<k { s += Double(a[i, p]) * Double(b[p, j]) }
          expected[i * n + j] = Float(s)
        }
      }
      assertClose(c.scalars, expected, accuracy: 1e-4, "\(m)x\(k)x\(n)")
    }
    let w = Tensor([[1, 2], [3, 4], [5, 6]])  // [outputs 3, inputs 2]
    XCTAssertEqual(linear(Tensor([1, 1]), weight: w, bias: Tensor([0, 0, 1])).scalars, [3, 7, 12])
  }

  func testShaping() {
    let t = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
    XCTAssertEqual(t.reshaped([3, -1]).shape, [3, 2])
    XCTAssertEqual(t.transposed().scalars, [1, 4, 2, 5, 3, 6])
    XCTAssertEqual(t.slice(alongAxis: 1, 1..<3).scalars, [2, 3, 5, 6])
    XCTAssertEqual(t[row: 1].scalars, [4, 5, 6])
    XCTAssertEqual(t.gather(alongAxis: 1, indices: [2, 0]).scalars, [3, 4])
    XCTAssertEqual(t.gatherRows([1, 1, 0]).scalars, [4, 5, 6, 4, 5, 6, 1, 2, 3])
    XCTAssertEqual(Tensor.concatenate([t, t], alongAxis: 1).shape, [2, 6])
    XCTAssertEqual(Tensor.concatenate([t, t], alongAxis: 1).scalars, [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6])
    XCTAssertEqual(Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], alongAxis: 1).scalars, [1, 3, 2, 4])
    let cube = Tensor(shape: [2, 3, 4]) { Float($0) }
    XCTAssertEqual(cube.permuted([2, 0, 1])[3, 1, 2], cube[1, 2, 3])
  }

  func testNonFiniteFinderNamesTheIndex() {
    let t = Tensor([1, 2, .nan, 4], shape: [2, 2])
    XCTAssertEqual(t.firstNonFinite()?.index, [1, 0])
    XCTAssertThrowsError(try t.checkFinite("policy.0.weight")) { error in
      XCTAssertTrue("\(error)".contains("policy.0.weight"))
      XCTAssertTrue("\(error)".contains("[1, 0]"))
    }
    XCTAssertNoThrow(try Tensor([1, 2]).checkFinite("x"))
    XCTAssertThrowsError(try t.checkShape([4], "observation")) { error in
      XCTAssertEqual("\(error)", "observation: expected shape [4], got [2, 2]")
    }
  }

  func testRandomGeneratorIsDeterministicAndRestorable() throws {
    var a = RandomGenerator(seed: 42)
    var b = RandomGenerator(seed: 42)
    XCTAssertEqual((0..<5).map { _ in a.next() }, (0..<5).map { _ in b.next() })
    _ = a.nextNormal()  // leaves a spare deviate pending
    var restored = try RandomGenerator(snapshot: a.snapshot)
    XCTAssertEqual((0..<5).map { _ in a.nextNormal() }, (0..<5).map { _ in restored.nextNormal() })
    XCTAssertThrowsError(try RandomGenerator(snapshot: [1, 2]))
    var c = RandomGenerator(seed: 43)
    XCTAssertNotEqual(RandomGenerator(seed: 42).snapshot, c.snapshot)
    // Sample moments of 200,000 normals: mean within 5 standard errors of 0, variance within 2% of 1.
    let n = 200_000
    var sum = 0.0
    var sumSquares = 0.0
    for _ in 0..<n {
      let z = c.nextNormal()
      sum += z
      sumSquares += z * z
    }
    XCTAssertEqual(sum / Double(n), 0, accuracy: 5 / Double(n).squareRoot())
    XCTAssertEqual(sumSquares / Double(n), 1, accuracy: 0.02)
    XCTAssertEqual(c.permutation(10).sorted(), Array(0..<10))
  }
}
