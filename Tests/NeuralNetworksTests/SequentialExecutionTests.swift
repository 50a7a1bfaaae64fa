import Foundation
import TestSupport
import XCTest

@testable import NeuralNetworks

/// Sequential runs a Linear layer and the activation after it as one step (the activation overwrites the layer's
/// output in place); these tests pin that this changes nothing observable.
final class SequentialExecutionTests: XCTestCase {
  /// Layers applied one by one, the reference for the fused steps.
  private func layerByLayer(_ network: Sequential, _ x: Tensor) -> Tensor {
    var h = x
    for layer in network.layers { h = layer(h) }
    return h
  }

  func testFusedStepsGiveTheValuesOfLayerByLayerExecution() {
    var g = RandomGenerator(seed: 21)
    for activation in Activation.allCases {
      let network = makeMLP(
        inputCount: 5, hiddenCounts: [16, 7], outputCount: 3, activation: activation, outputActivation: .sigmoid,
        generator: &g)
      for shape in [[5], [1, 5], [9, 5], [300, 5]] {
        let x = Tensor.uniform(shape, low: -2, high: 2, using: &g)
        let fused = network(x)
        let reference = layerByLayer(network, x)
        XCTAssertEqual(fused.shape, reference.shape)
        XCTAssertEqual(fused.scalars, reference.scalars, "\(activation) on \(shape)")
      }
    }
  }

  func testGradientsThroughFusedStepsMatchLayerByLayerAndFiniteDifferences() {
    var g = RandomGenerator(seed: 22)
    let network = makeMLP(inputCount: 3, hiddenCounts: [6], outputCount: 2, activation: .tanh, generator: &g)
    let x = Tensor.uniform([4, 3], low: -1, high: 1, using: &g)
    let fused = valueAndGradient(of: network) { square($0(x)).sum() }
    let reference = valueAndGradient(of: network) { square(self.layerByLayer($0, x)).sum() }
    XCTAssertEqual(fused.value.item, reference.value.item)
    XCTAssertEqual(fused.gradients.names, reference.gradients.names)
    for (a, b) in zip(fused.gradients.tensors, reference.gradients.tensors) { XCTAssertEqual(a.scalars, b.scalars) }
    let weights = network.trainableParameters().map { $0.parameter.value }
    assertGradientsMatchFiniteDifferences(at: [x] + weights) { inputs in
      let h = tanh(linear(inputs[0], weight: inputs[1], bias: inputs[2]))
      return linear(h, weight: inputs[3], bias: inputs[4])
    }
  }

  /// Running a network must never modify its input or its parameters, whatever is reused in place.
  func testInputsAndParametersAreNeverOverwritten() {
    var g = RandomGenerator(seed: 23)
    let network = makeMLP(inputCount: 4, hiddenCounts: [8, 8], outputCount: nil, activation: .tanh, generator: &g)
    let x = Tensor.uniform([2, 4], low: -1, high: 1, using: &g)
    let before = x.scalars
    let parameters = network.parameterValues().mapValues(\.scalars)
    _ = network(x)
    _ = valueAndGradient(of: network) { $0(x).sum() }
    XCTAssertEqual(x.scalars, before)
    XCTAssertEqual(network.parameterValues().mapValues(\.scalars), parameters)
  }
}
