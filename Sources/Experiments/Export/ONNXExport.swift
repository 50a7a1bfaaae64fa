import PolicyGradient

// MARK: - ONNX models

/// Writes a policy's deterministic action as an ONNX model: `Gemm` layers and their activations, then the action.
///
/// Input `observation`, float [batch, observations]. Outputs:
/// - `action`: the action the environment receives: for discrete actions the most likely one (`ArgMax` of the
///   logits, int64 [batch]); for continuous ones the Gaussian's mean, clipped to the action bounds (`Min`, `Max`)
///   or, for a policy that squashes, `tanh(mean)` mapped onto them (`Tanh`, `Mul`, `Add`), float [batch, actions];
/// - `logits` or `mean`: the action head's output before that;
/// - `value`: V(s), float [batch, 1], when the policy has a critic.
///
/// The messages are those of ONNX's `onnx.proto` (IR version 8, the default opset 13), written with a small
/// wire-format encoder (``ProtobufWriter``) instead of generated code: the model needs eight of its messages and a
/// few fields of each. Initialisers carry Rein's parameter names (`policy.0.weight`, ...).
public enum ONNXExport {
  /// The ONNX IR version written.
  public static let irVersion = 8
  /// The opset of the default domain.
  public static let opsetVersion = 13

  /// The model's bytes for `policy`.
  ///
  /// - Parameters:
  ///   - policy: The policy exported: its deterministic action and V(s) when it has a value head.
  ///   - producerVersion: The version written as the model's producer, Rein's.
  /// - Throws: ``ExportError`` for an algorithm or policy the format cannot hold (the format and the reason named).
  public static func model(of policy: ActorCriticPolicy, producerVersion: String = "0.1.0") throws -> [UInt8] {
    var graph = GraphBuilder()
    let c = policy.configuration
    let parameters = Dictionary(policy.namedParameters().map { ($0.0, $0.1.value) }, uniquingKeysWith: { a, _ in a })
    func layer(_ name: String, _ input: String, output: String, biasOffset: Float = 0) throws -> String {
      guard let weight = parameters["\(name).weight"], let bias = parameters["\(name).bias"] else {
        throw ExportError.unsupportedPolicy(format: "ONNX", reason: "it has no layer '\(name)'")
      }
      graph.initializer("\(name).weight", shape: weight.shape.array, values: weight.scalars)
      graph.initializer("\(name).bias", shape: bias.shape.array, values: bias.scalars.map { $0 + biasOffset })
      graph.node("Gemm", [input, "\(name).weight", "\(name).bias"], [output], ints: [("transB", 1)])
      return output
    }
    func trunk(_ prefix: String, widths: [Int]) throws -> String {
      var x = "observation"
      for index in widths.indices {
        x = try layer("\(prefix).\(2 * index)", x, output: "\(prefix).\(2 * index).out")
        if let op = operatorName(c.activation) {
          let activated = "\(prefix).\(2 * index + 1).out"
          graph.node(op, [x], [activated])
          x = activated
        }
      }
      return x
    }
    let features = try trunk("policy", widths: c.hiddenCounts)
    switch (policy.actionKind, c.gaussianHead) {
    case (.discrete(let n), _):
      _ = try layer("action", features, output: "logits")
      graph.node("ArgMax", ["logits"], ["action"], ints: [("axis", 1), ("keepdims", 0)])
      graph.output("logits", type: 1, dimensions: [nil, n])
      graph.output("action", type: 7, dimensions: [nil])
    case (.continuous(let low, let high), _):
      _ = try layer("action", features, output: "mean", biasOffset: c.distributionEpsilon)
      if c.squashActions {
        let scale = zip(low, high).map { ($1 - $0) / 2 }
        let offset = zip(low, high).map { ($1 + $0) / 2 }
        graph.initializer("action_scale", shape: [low.count], values: scale)
        graph.initializer("action_offset", shape: [low.count], values: offset)
        graph.node("Tanh", ["mean"], ["mean.tanh"])
        graph.node("Mul", ["mean.tanh", "action_scale"], ["mean.scaled"])
        graph.node("Add", ["mean.scaled", "action_offset"], ["action"])
      } else {
        graph.initializer("action_low", shape: [low.count], values: low)
        graph.initializer("action_high", shape: [high.count], values: high)
        graph.node("Min", ["mean", "action_high"], ["mean.below_high"])
        graph.node("Max", ["mean.below_high", "action_low"], ["action"])
      }
      graph.output("mean", type: 1, dimensions: [nil, low.count])
      graph.output("action", type: 1, dimensions: [nil, low.count])
    }
    if c.includesValue {
      let valueFeatures = c.sharedTrunk ? features : try trunk("value", widths: c.valueHiddenCounts ?? c.hiddenCounts)
      _ = try layer("value_head", valueFeatures, output: "value")
      graph.output("value", type: 1, dimensions: [nil, 1])
    }

    var model = ProtobufWriter()
    model.int(1, irVersion)  // ir_version
    model.string(2, "rein")  // producer_name
    model.string(3, producerVersion)  // producer_version
    model.string(6, "The deterministic policy of a Rein checkpoint (rein export --format onnx).")  // doc_string
    model.message(7) { graphMessage in  // graph
      for node in graph.nodes { graphMessage.data(1, node) }
      graphMessage.string(2, "rein_policy")
      for tensor in graph.initializers { graphMessage.data(5, tensor) }
      graphMessage.data(11, valueInfo("observation", type: 1, dimensions: [nil, policy.observationCount]))
      for output in graph.outputs { graphMessage.data(12, output) }
    }
    model.message(8) { opset in  // opset_import: the default domain
      opset.string(1, "")
      opset.int(2, opsetVersion)
    }
    return model.bytes
  }

  static func operatorName(_ activation: Activation) -> String? {
    switch activation {
    case .tanh: "Tanh"
    case .relu: "Relu"
    case .sigmoid: "Sigmoid"
    case .softplus: "Softplus"
    case .identity: nil
    }
  }

  /// A ValueInfoProto of a tensor with element type `type` (1 float, 7 int64); nil dimensions are `batch`.
  static func valueInfo(_ name: String, type: Int, dimensions: [Int?]) -> [UInt8] {
    var info = ProtobufWriter()
    info.string(1, name)
    info.message(2) { typeProto in
      typeProto.message(1) { tensorType in
        tensorType.int(1, type)
        tensorType.message(2) { shape in
          for dimension in dimensions {
            shape.message(1) { dim in
              if let dimension { dim.int(1, dimension) } else { dim.string(2, "batch") }
            }
          }
        }
      }
    }
    return info.bytes
  }

  /// The graph's parts, each already encoded.
  struct GraphBuilder {
    var nodes: [[UInt8]] = []
    var initializers: [[UInt8]] = []
    var outputs: [[UInt8]] = []

    mutating func node(_ op: String, _ inputs: [String], _ outputs: [String], ints: [(String, Int)] = []) {
      var node = ProtobufWriter()
      for input in inputs { node.string(1, input) }
      for output in outputs { node.string(2, output) }
      node.string(3, "\(op)_\(nodes.count)")
      node.string(4, op)
      for (name, value) in ints {
        node.message(5) { attribute in
          attribute.string(1, name)
          attribute.int(3, value)  // i
          attribute.int(20, 2)  // type INT
        }
      }
      nodes.append(node.bytes)
    }

    mutating func initializer(_ name: String, shape: [Int], values: [Float]) {
      var tensor = ProtobufWriter()
      tensor.packedInts(1, shape)  // dims
      tensor.int(2, 1)  // data_type FLOAT
      tensor.string(8, name)
      var raw: [UInt8] = []
      raw.reserveCapacity(values.count * 4)
      for value in values {
        for byte in 0..<4 { raw.append(UInt8(truncatingIfNeeded: value.bitPattern >> (8 * byte))) }
      }
      tensor.data(9, raw)  // raw_data, little-endian
      initializers.append(tensor.bytes)
    }

    mutating func output(_ name: String, type: Int, dimensions: [Int?]) {
      outputs.append(ONNXExport.valueInfo(name, type: type, dimensions: dimensions))
    }
  }
}
