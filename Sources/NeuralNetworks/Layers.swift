// MARK: - Layers

/// y = x Wᵀ + b, with PyTorch's weight layout [outputs, inputs].
public final class Linear: Module, UnaryLayer {
  public let weight: Parameter
  public let bias: Parameter?

  /// A layer from `inputCount` to `outputCount` features.
  ///
  /// - Parameters:
  ///   - inputCount: The number of input features.
  ///   - outputCount: The number of output features.
  ///   - bias: Whether the layer has a bias.
  ///   - initialization: PyTorch's uniform ±1/sqrt(inputCount) for weight and bias, or an orthogonal weight with the
  ///     gain given and a zero bias.
  ///   - generator: Supplies the initial values.
  public init(
    _ inputCount: Int, _ outputCount: Int, bias: Bool = true, initialization: Initialization = .pytorchDefault,
    generator: inout RandomGenerator
  ) {
    switch initialization {
    case .pytorchDefault:
      let bound = 1 / Float(inputCount).squareRoot()
      weight = Parameter(.uniform([outputCount, inputCount], low: -bound, high: bound, using: &generator))
      self.bias = bias ? Parameter(.uniform([outputCount], low: -bound, high: bound, using: &generator)) : nil
    case .orthogonal(let gain):
      weight = Parameter(.orthogonal(rows: outputCount, columns: inputCount, gain: gain, using: &generator))
      self.bias = bias ? Parameter(.zeros([outputCount])) : nil
    }
  }

  /// A layer with the given weight [outputs, inputs] and optional bias [outputs].
  ///
  /// - Parameters:
  ///   - weight: The weight, [outputs, inputs].
  ///   - bias: The bias, [outputs], or nil for a layer without one.
  public init(weight: Tensor, bias: Tensor?) {
    precondition(weight.rank == 2, "Linear weight must be [outputs, inputs], got \(weight.shape)")
    self.weight = Parameter(weight)
    self.bias = bias.map { Parameter($0) }
  }

  public var inputCount: Int { weight.value.shape[1] }
  public var outputCount: Int { weight.value.shape[0] }

  public func callAsFunction(_ x: Tensor) -> Tensor { linear(x, weight: weight.value, bias: bias?.value) }
}

/// Layers applied one after another; children are named by position (`0`, `1`, ...), as in PyTorch.
public final class Sequential: Module, UnaryLayer {
  public let layers: [any UnaryLayer]
  /// The layers as they are run: a Linear layer and the activation after it form one step, recorded as one
  /// operation with the activation computed in place (same values as running them apart).
  private let steps: [Step]

  private enum Step {
    case linear(Linear, Activation?)
    case other(any UnaryLayer)
  }

  /// A network applying `layers` in order.
  ///
  /// - Parameter layers: The layers, first applied first; they are named by their position (`0`, `1`, ...).
  public init(_ layers: [any UnaryLayer]) {
    self.layers = layers
    var steps: [Step] = []
    var i = 0
    while i < layers.count {
      if let layer = layers[i] as? Linear {
        let next = i + 1 < layers.count ? layers[i + 1] as? ActivationLayer : nil
        steps.append(.linear(layer, next?.activation))
        i += next == nil ? 1 : 2
      } else {
        steps.append(.other(layers[i]))
        i += 1
      }
    }
    self.steps = steps
  }

  public override func namedChildren() -> [(String, Module)] {
    layers.enumerated().map { ("\($0.offset)", $0.element) }
  }

  public func callAsFunction(_ x: Tensor) -> Tensor {
    var h = x
    for step in steps {
      switch step {
      case .linear(let layer, let activation?):
        h = linear(h, weight: layer.weight.value, bias: layer.bias?.value, activation: activation)
      case .linear(let layer, nil): h = layer(h)
      case .other(let layer): h = layer(h)
      }
    }
    return h
  }
}

// MARK: - Activations

/// An activation as a layer without parameters.
public final class ActivationLayer: Module, UnaryLayer {
  public let activation: Activation
  /// A layer applying `activation` element-wise.
  ///
  /// - Parameter activation: The function applied.
  public init(_ activation: Activation) { self.activation = activation }
  public func callAsFunction(_ x: Tensor) -> Tensor { activation(x) }
}

/// A multilayer perceptron: `inputCount -> hidden[0] -> ... -> outputCount`, the activation after every hidden
/// layer and `outputActivation` (default none) after the last; layers are at even positions (`0.weight`, `2.weight`).
///
/// With `outputCount` nil the network ends at the last hidden layer (a trunk). Orthogonal initialisation uses
/// `hiddenGain` for the hidden layers and `outputGain` for the last.
///
/// - Parameters:
///   - inputCount: The number of input features.
///   - hiddenCounts: The widths of the hidden layers, in order; empty gives a single layer (or none without an output).
///   - outputCount: The width of the last layer; nil ends the network at the last hidden layer.
///   - activation: The activation after every hidden layer.
///   - outputActivation: The activation after the output layer; identity adds none.
///   - orthogonal: True for orthogonal initialisation, false for PyTorch's default.
///   - hiddenGain: The orthogonal gain of the hidden layers.
///   - outputGain: The orthogonal gain of the output layer.
///   - generator: Supplies the initial values, layer by layer.
public func makeMLP(
  inputCount: Int, hiddenCounts: [Int], outputCount: Int?, activation: Activation = .tanh,
  outputActivation: Activation = .identity, orthogonal: Bool = false, hiddenGain: Float = Initialization.hiddenGain,
  outputGain: Float = 1, generator: inout RandomGenerator
) -> Sequential {
  var layers: [any UnaryLayer] = []
  var width = inputCount
  for hidden in hiddenCounts {
    let initialization: Initialization = orthogonal ? .orthogonal(gain: hiddenGain) : .pytorchDefault
    layers.append(Linear(width, hidden, initialization: initialization, generator: &generator))
    layers.append(ActivationLayer(activation))
    width = hidden
  }
  if let outputCount {
    let initialization: Initialization = orthogonal ? .orthogonal(gain: outputGain) : .pytorchDefault
    layers.append(Linear(width, outputCount, initialization: initialization, generator: &generator))
    if outputActivation != .identity { layers.append(ActivationLayer(outputActivation)) }
  }
  return Sequential(layers)
}
