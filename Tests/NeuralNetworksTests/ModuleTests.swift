import Foundation
import TestSupport
import XCTest

@testable import NeuralNetworks

/// The W1 policy shape: a tanh trunk and two heads, to check nested naming.
final class TwoHeadPolicy: Module {
  let trunk: Sequential
  let mean: Linear
  let std: Linear

  init(generator: inout RandomGenerator) {
    trunk = makeMLP(inputCount: 4, hiddenCounts: [16, 32], outputCount: nil, activation: .tanh, generator: &generator)
    mean = Linear(32, 1, generator: &generator)
    std = Linear(32, 1, generator: &generator)
  }

  func callAsFunction(_ x: Tensor) -> (Tensor, Tensor) {
    let h = trunk(x)
    return (mean(h), softplus(std(h)))
  }
}

final class ModuleTests: XCTestCase {
  func testParameterNamesAndCounts() {
    var g = RandomGenerator(seed: 1)
    let mlp = makeMLP(inputCount: 4, hiddenCounts: [128], outputCount: 2, activation: .relu, generator: &g)
    XCTAssertEqual(mlp.namedParameters().map(\.name), ["0.weight", "0.bias", "2.weight", "2.bias"])
    XCTAssertEqual(mlp.parameterCount, 4 * 128 + 128 + 128 * 2 + 2)
    let policy = TwoHeadPolicy(generator: &g)
    XCTAssertEqual(
      policy.namedParameters().map(\.name),
      [
        "trunk.0.weight", "trunk.0.bias", "trunk.2.weight", "trunk.2.bias", "mean.weight", "mean.bias", "std.weight",
        "std.bias",
      ])
    XCTAssertEqual(policy.parameterCount, (4 * 16 + 16) + (16 * 32 + 32) + 33 + 33)
  }

  func testLinearComputesAffineMapWithTorchLayout() {
    let layer = Linear(weight: Tensor([[1, 0, 2], [0, 1, -1]]), bias: Tensor([0.5, -0.5]))
    XCTAssertEqual(layer(Tensor([1, 2, 3])).scalars, [7.5, -1.5])
    XCTAssertEqual(layer(Tensor([[1, 2, 3], [0, 0, 0]])).scalars, [7.5, -1.5, 0.5, -0.5])
    XCTAssertEqual(layer.inputCount, 3)
    XCTAssertEqual(layer.outputCount, 2)
  }

  func testPytorchDefaultInitialisationBounds() {
    var g = RandomGenerator(seed: 2)
    let layer = Linear(64, 32, generator: &g)
    let bound = 1 / Float(64).squareRoot()
    XCTAssertTrue(layer.weight.value.scalars.allSatisfy { Swift.abs($0) <= bound })
    XCTAssertTrue(layer.bias!.value.scalars.allSatisfy { Swift.abs($0) <= bound })
    // Uniform on [-b, b] has variance b²/3: 2048 draws land within 10% of it.
    let w = layer.weight.value
    XCTAssertEqual(Double(w.variance().item), Double(bound * bound / 3), accuracy: 0.1 * Double(bound * bound / 3))
  }

  func testOrthogonalInitialisationIsOrthogonalTimesGain() {
    var g = RandomGenerator(seed: 3)
    for (rows, columns) in [(64, 4), (4, 64), (16, 16)] {
      let w = Tensor.orthogonal(rows: rows, columns: columns, gain: 2, using: &g)
      // The smaller Gram matrix (WᵀW for tall, WWᵀ for wide) is gain² I.
      let gram = rows >= columns ? matmul(w.transposed(), w) : matmul(w, w.transposed())
      let n = Swift.min(rows, columns)
      for i in 0..<n {
        for j in 0..<n { XCTAssertEqual(gram[i, j], i == j ? 4 : 0, accuracy: 1e-4) }
      }
    }
    let layer = Linear(8, 3, initialization: .orthogonal(gain: 0.01), generator: &g)
    XCTAssertEqual(layer.bias!.value.scalars, [0, 0, 0])
  }

  func testModelGradientsMatchFiniteDifferencesAndAreKeyedLikeParameters() {
    var g = RandomGenerator(seed: 4)
    let policy = TwoHeadPolicy(generator: &g)
    let x = Tensor.uniform([5, 4], low: -1, high: 1, using: &g)
    let target = Tensor.uniform([5, 1], low: -1, high: 1, using: &g)
    func loss(_ p: TwoHeadPolicy) -> Tensor {
      let (mean, std) = p(x)
      return (square(mean - target) * std).mean()
    }
    let (value, gradients) = valueAndGradient(of: policy, loss)
    XCTAssertEqual(gradients.names, policy.trainableParameters().map(\.name))
    XCTAssertEqual(value.item, loss(policy).item)
    XCTAssertFalse(policy.namedParameters().contains { $0.parameter.value.isTracked })
    // Finite differences on a few weights of every parameter.
    for (name, parameter) in policy.namedParameters() {
      for i in [0, parameter.value.count - 1] {
        let original = parameter.value
        let h: Float = 1e-2
        parameter.value[flat: i] += h
        let plus = Double(loss(policy).item)
        parameter.value = original
        parameter.value[flat: i] -= h
        let minus = Double(loss(policy).item)
        parameter.value = original
        let numeric = (plus - minus) / Double(2 * h)
        XCTAssertEqual(Double(gradients[name]!.scalars[i]), numeric, accuracy: 2e-3 * (1 + Swift.abs(numeric)), name)
      }
    }
  }

  func testFrozenParametersGetNoGradient() {
    var g = RandomGenerator(seed: 5)
    let mlp = makeMLP(inputCount: 2, hiddenCounts: [3], outputCount: 1, generator: &g)
    mlp.namedParameters()[0].parameter.isTrainable = false
    let (_, gradients) = valueAndGradient(of: mlp) { $0(Tensor([1, 2])).sum() }
    XCTAssertEqual(gradients.names, ["0.bias", "2.weight", "2.bias"])
  }

  func testLoadingParametersChecksNamesAndShapes() throws {
    var g = RandomGenerator(seed: 6)
    let a = makeMLP(inputCount: 4, hiddenCounts: [8], outputCount: 2, generator: &g)
    let b = makeMLP(inputCount: 4, hiddenCounts: [8], outputCount: 2, generator: &g)
    try b.copyParameters(from: a)
    XCTAssertEqual(b(Tensor([1, 2, 3, 4])).scalars, a(Tensor([1, 2, 3, 4])).scalars)
    let wider = makeMLP(inputCount: 4, hiddenCounts: [16], outputCount: 2, generator: &g)
    XCTAssertThrowsError(try wider.copyParameters(from: a)) { error in
      XCTAssertTrue("\(error)".contains("expected shape [16, 4], got [8, 4]"), "\(error)")
    }
    var values = a.parameterValues()
    values["2.bias"] = nil
    XCTAssertThrowsError(try b.load(values)) { XCTAssertEqual($0 as? ModuleError, .missingParameter("2.bias")) }
    values = a.parameterValues()
    values["extra"] = Tensor([1])
    XCTAssertThrowsError(try b.load(values)) { XCTAssertEqual($0 as? ModuleError, .unexpectedParameter("extra")) }
  }

  func testGradientClippingReportsNormAndScales() {
    var gradients = Gradients(names: ["a", "b"], tensors: [Tensor([3, 0]), Tensor([4])])
    XCTAssertEqual(gradients.globalNorm, 5)
    let norm = gradients.clipNorm(0.5)
    XCTAssertEqual(norm, 5)
    XCTAssertEqual(gradients.globalNorm, 0.5, accuracy: 1e-6)
    XCTAssertEqual(gradients["a"]!.scalars[0], 3 * 0.5 / (5 + 1e-6), accuracy: 1e-7)
    var small = Gradients(names: ["a"], tensors: [Tensor([0.1])])
    small.clipNorm(1)
    XCTAssertEqual(small.tensors[0].scalars, [0.1])
  }
}

extension Tensor {
  /// Element access by flat index, for tests.
  subscript(flat index: Int) -> Float {
    get { scalars[index] }
    set { withUnsafeMutableBufferPointer { $0[index] = newValue } }
  }
}
