import Foundation
import XCTest

@testable import NeuralNetworks

/// Optimizer steps against the update formulas evaluated by hand in double precision.
final class OptimizerTests: XCTestCase {
  /// A one-parameter model with weight w.
  final class Scalar: Module {
    let w: Parameter
    init(_ value: Float) { w = Parameter(Tensor([value])) }
  }

  func step(_ optimizer: Optimizer, _ model: Scalar, gradient: Float) {
    optimizer.update(model, along: Gradients(names: ["w"], tensors: [Tensor([gradient])]))
  }

  func testSGDWithAndWithoutMomentum() {
    let plain = Scalar(1)
    step(SGD(learningRate: 0.1), plain, gradient: 0.5)
    XCTAssertEqual(plain.w.value.item, 0.95, accuracy: 1e-7)

    let model = Scalar(1)
    let sgd = SGD(learningRate: 0.1, momentum: 0.9)
    step(sgd, model, gradient: 0.5)  // buffer = g = 0.5
    XCTAssertEqual(model.w.value.item, 0.95, accuracy: 1e-7)
    step(sgd, model, gradient: 0.5)  // buffer = 0.9 * 0.5 + 0.5 = 0.95
    XCTAssertEqual(model.w.value.item, 0.95 - 0.095, accuracy: 1e-6)
  }

  func testAdamMatchesTheFormula() {
    let model = Scalar(1)
    let adam = Adam(learningRate: 0.1)
    var (w, m, v) = (1.0, 0.0, 0.0)
    for (t, g) in [0.5, 0.25, -0.75].enumerated() {
      step(adam, model, gradient: Float(g))
      m = 0.9 * m + 0.1 * g
      v = 0.999 * v + 0.001 * g * g
      let n = Double(t + 1)
      w -= 0.1 / (1 - pow(0.9, n)) * m / (v.squareRoot() / (1 - pow(0.999, n)).squareRoot() + 1e-8)
      XCTAssertEqual(Double(model.w.value.item), w, accuracy: 1e-6, "step \(t + 1)")
    }
    XCTAssertEqual(adam.stepCount, 3)
  }

  func testAdamWDecaysWeightsBeforeTheStep() {
    let model = Scalar(2)
    step(AdamW(learningRate: 0.1, weightDecay: 0.5), model, gradient: 0.3)
    // w = 2 (1 - 0.1 · 0.5) = 1.9, then the first Adam step moves it by lr · sign(g).
    XCTAssertEqual(Double(model.w.value.item), 1.9 - 0.1 * 0.3 / (0.3 + 1e-8), accuracy: 1e-6)
    XCTAssertEqual(AdamW().weightDecay, 0.01)
    XCTAssertEqual(AdamW().learningRate, 1e-3)
  }

  func testRMSprop() {
    let model = Scalar(1)
    let rms = RMSprop(learningRate: 0.01, alpha: 0.99, epsilon: 1e-5)
    step(rms, model, gradient: 2)
    // s = 0.01 · 4 = 0.04; w -= 0.01 · 2 / (0.2 + 1e-5)
    XCTAssertEqual(Double(model.w.value.item), 1 - 0.01 * 2 / (0.2 + 1e-5), accuracy: 1e-6)
    step(rms, model, gradient: 1)
    let s = 0.99 * 0.04 + 0.01 * 1
    XCTAssertEqual(
      Double(model.w.value.item), 1 - 0.01 * 2 / (0.2 + 1e-5) - 0.01 / (s.squareRoot() + 1e-5), accuracy: 1e-6)
  }

  /// Exported state restored into a fresh optimizer continues exactly as the original.
  func testStateExportAndRestoreContinueBitForBit() throws {
    var g = RandomGenerator(seed: 9)
    let a = makeMLP(inputCount: 3, hiddenCounts: [5], outputCount: 2, generator: &g)
    let b = makeMLP(inputCount: 3, hiddenCounts: [5], outputCount: 2, generator: &g)
    try b.copyParameters(from: a)
    let x = Tensor.uniform([4, 3], low: -1, high: 1, using: &g)
    let optimizerA = Adam(learningRate: 0.01)
    for _ in 0..<3 { optimizerA.update(a, along: valueAndGradient(of: a) { square($0(x)).mean() }.gradients) }
    try b.copyParameters(from: a)
    let (scalars, tensors) = optimizerA.exportState()
    let optimizerB = Adam(learningRate: 0.5)
    try optimizerB.restoreState(scalars: scalars, tensors: tensors)
    for _ in 0..<3 {
      optimizerA.update(a, along: valueAndGradient(of: a) { square($0(x)).mean() }.gradients)
      optimizerB.update(b, along: valueAndGradient(of: b) { square($0(x)).mean() }.gradients)
    }
    XCTAssertEqual(a.parameterValues(), b.parameterValues())
    XCTAssertThrowsError(try optimizerB.restoreState(scalars: [:], tensors: [:]))
    XCTAssertThrowsError(try optimizerB.restoreState(scalars: scalars, tensors: ["bogus/x": Tensor([1])]))
  }

  /// Training a linear model by gradient descent drives a regression loss to zero.
  func testOptimizersReduceARegressionLoss() {
    for make in [
      { SGD(learningRate: 0.1, momentum: 0.9) as Optimizer }, { Adam(learningRate: 0.05) },
      { RMSprop(learningRate: 0.01) },
    ] {
      var g = RandomGenerator(seed: 11)
      let model = Linear(3, 1, generator: &g)
      let x = Tensor.uniform([32, 3], low: -1, high: 1, using: &g)
      let y = matmul(x, Tensor([[1], [-2], [0.5]])) + 0.3
      let optimizer = make()
      let initial = square(model(x) - y).mean().item
      for _ in 0..<300 {
        optimizer.update(model, along: valueAndGradient(of: model) { square($0(x) - y).mean() }.gradients)
      }
      XCTAssertLessThan(square(model(x) - y).mean().item, initial * 1e-3, "\(type(of: optimizer))")
    }
  }
}
