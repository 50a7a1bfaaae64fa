import Foundation
import Rein
import XCTest

@testable import Experiments

/// `rein export`: the SB3 archive and the ONNX model, parsed back (zip directory, pickles, PyTorch storages, the
/// `data` document, protobuf fields) and the ONNX graph run on observations against Rein's deterministic policy;
/// with the peers' Python stack, SB3's `PPO.load` / `A2C.load` and onnxruntime act as Rein does.
final class ExportTests: RunFolderTestCase {
  override class var rootPrefix: String { "rein-export" }

  // MARK: - Fixtures

  /// A pickled dict's values by string key.
  private struct Keywords {
    var items: [(PickleValue, PickleValue)]
    init(_ items: [(PickleValue, PickleValue)]) { self.items = items }
    subscript(_ key: PickleValue) -> PickleValue? { items.first { $0.0 == key }?.1 }
  }

  private struct Trained {
    var checkpoint: Checkpoint
    var policy: ActorCriticPolicy
    var environment: any Environment
  }

  /// Trains `settings` briefly (seed 1) and loads its final checkpoint.
  private func train(_ settings: String, name: String) throws -> Trained {
    let yaml = settings + "\nseeds: [1]\neval_episodes: 1\nprogress: none\n"
    try run(yaml, in: name)
    let checkpoint = try Checkpoint(contentsOf: root + "/\(name)/seed-1/checkpoint.safetensors")
    let environment = try registry.make(
      AgentCheckpoint.environmentID(of: checkpoint), arguments: AgentCheckpoint.environmentArguments(of: checkpoint))
    return Trained(
      checkpoint: checkpoint, policy: try AgentCheckpoint.loadPolicy(checkpoint, for: environment),
      environment: environment)
  }

  private func exported(_ format: ExportFormat, _ trained: Trained) throws -> [UInt8] {
    try format.export(trained.checkpoint, policy: trained.policy, environment: trained.environment)
  }

  private static let ppoCartPole = """
    algorithm: ppo
    env: CartPole-v1
    steps: 1024
    n_steps: 256
    batch_size: 64
    n_epochs: 2
    learning_rate: 1.0e-3
    policy.hidden: [16, 16]
    policy.orthogonal: false
    """

  private static let a2cPendulum = """
    algorithm: a2c
    env: Pendulum-v1
    steps: 600
    n_steps: 5
    policy.hidden: [16]
    policy.value_hidden: [8, 8]
    policy.activation: relu
    policy.orthogonal: false
    policy.log_std_init: -0.5
    """

  /// Observations met by the deterministic policy (episodes restarted when they end), Rein's actions on them and V(s).
  private func cases(
    _ trained: Trained, count: Int = 64
  ) throws -> (
    observations: [[Double]], actions: [[Double]], values: [Float]
  ) {
    var observations: [[Double]] = []
    var observation = try trained.environment.reset(seed: 3).observation
    for _ in 0..<count {
      observations.append(observation)
      let action = trained.policy.environmentActions(
        trained.policy.distribution(Tensor(observation.map { Float($0) })).mode())
      let step = try trained.environment.step(action)
      observation = step.done ? try trained.environment.reset(seed: nil).observation : step.observation
    }
    let batch = Tensor(observations.map { $0.map { Float($0) } })
    let raw = trained.policy.distribution(batch).mode()
    let width = raw.shape[1]
    let flat = trained.policy.environmentActions(raw)
    let actions = (0..<count).map { Array(flat[($0 * width)..<(($0 + 1) * width)]) }
    return (observations, actions, trained.policy.values(batch).scalars)
  }

  // MARK: - SB3 archive

  private func tensor(_ value: PickleValue, in torchFile: ZipReader) throws -> (shape: [Int], values: [Float]) {
    guard case .call(.global(module: "torch._utils", name: "_rebuild_tensor_v2"), let arguments) = value,
      arguments.count == 6,
      case .persistent(.tuple(let id)) = arguments[0], id.count == 5, id[0] == .string("storage"),
      id[1] == .global(module: "torch", name: "FloatStorage"), case .string(let key) = id[2], id[3] == .string("cpu"),
      case .int(let count) = id[4], arguments[1] == .int(0), case .tuple(let size) = arguments[2],
      case .tuple(let stride) = arguments[3], arguments[4] == .bool(false),
      arguments[5] == .call(.global(module: "collections", name: "OrderedDict"), [])
    else { throw ReaderError("not a tensor: \(value)") }
    let shape = size.compactMap { if case .int(let n) = $0 { n } else { nil } }
    let strides = stride.compactMap { if case .int(let n) = $0 { n } else { nil } }
    var expected: [Int] = []
    var running = 1
    for dimension in shape.reversed() {
      expected.insert(running, at: 0)
      running *= dimension
    }
    XCTAssertEqual(strides, expected, "row-major strides")
    guard let entry = torchFile.entries.first(where: { $0.name == "archive/data/\(key)" }) else {
      throw ReaderError("no storage \(key)")
    }
    XCTAssertEqual(entry.dataOffset % 64, 0, "storage \(key) is aligned to 64 bytes")
    XCTAssertEqual(entry.contents.count, count * 4)
    return (shape, floats(entry.contents))
  }

  /// The state dict in a `policy.pth` entry, in order.
  private func stateDict(_ bytes: [UInt8]) throws -> [(String, [Int], [Float])] {
    let file = try ZipReader(bytes)
    XCTAssertEqual(
      Set(file.entries.map(\.name)).subtracting(file.entries.filter { $0.name.hasPrefix("archive/data/") }.map(\.name)),
      [
        "archive/data.pkl", "archive/version", "archive/byteorder", "archive/.format_version",
        "archive/.storage_alignment",
      ])
    XCTAssertEqual(file["archive/version"], Array("3\n".utf8))
    XCTAssertEqual(file["archive/byteorder"], Array("little".utf8))
    let root = try unpickle(file["archive/data.pkl"]!)
    guard case .callWithItems(.global(module: "collections", name: "OrderedDict"), [], items: let items) = root
    else { throw ReaderError("policy.pth does not hold an OrderedDict") }
    return try items.map { key, value in
      guard case .string(let name) = key else { throw ReaderError("a key is not a string") }
      let (shape, values) = try tensor(value, in: file)
      return (name, shape, values)
    }
  }

  private func dataDocument(_ archive: ZipReader) throws -> [String: JSONValue] {
    guard let members = try JSONValue(parsing: archive["data"]!).objectValue else { throw ReaderError("data") }
    return members
  }

  private func serialized(_ value: JSONValue?) throws -> PickleValue {
    guard let text = value?[":serialized:"]?.stringValue, let bytes = Data(base64Encoded: text) else {
      throw ReaderError("not a serialized entry: \(String(describing: value))")
    }
    return try unpickle([UInt8](bytes))
  }

  func testPPOArchiveHoldsSB3sEntriesAndThePolicyUnderSB3sNames() throws {
    let trained = try train(Self.ppoCartPole, name: "ppo")
    let archive = try ZipReader(exported(.sb3, trained))
    XCTAssertEqual(
      archive.entries.map(\.name),
      [
        "data", "pytorch_variables.pth", "policy.pth", "policy.optimizer.pth", "_stable_baselines3_version",
        "system_info.txt",
      ])
    XCTAssertEqual(archive["_stable_baselines3_version"], Array("2.9.2".utf8))

    let parameters = trained.policy.namedParameters()
    let state = try stateDict(archive["policy.pth"]!)
    XCTAssertEqual(
      state.map(\.0),
      [
        "mlp_extractor.policy_net.0.weight", "mlp_extractor.policy_net.0.bias", "mlp_extractor.policy_net.2.weight",
        "mlp_extractor.policy_net.2.bias", "mlp_extractor.value_net.0.weight", "mlp_extractor.value_net.0.bias",
        "mlp_extractor.value_net.2.weight", "mlp_extractor.value_net.2.bias", "action_net.weight", "action_net.bias",
        "value_net.weight", "value_net.bias",
      ])
    XCTAssertEqual(parameters.count, state.count)
    for ((reinName, parameter), (_, shape, values)) in zip(parameters, state) {
      XCTAssertEqual(shape, parameter.value.shape.array, reinName)
      XCTAssertEqual(values, parameter.value.scalars, reinName)
    }

    let data = try dataDocument(archive)
    XCTAssertEqual(
      try serialized(data["policy_class"]),
      .global(module: "stable_baselines3.common.policies", name: "ActorCriticPolicy"))
    let observationSpace = try serialized(data["observation_space"])
    guard case .call(.global(module: "gymnasium.spaces.box", name: "Box"), let box) = observationSpace,
      case .call(.global(module: "numpy", name: "array"), let lowArguments) = box[0],
      case .list(let low) = lowArguments[0]
    else { return XCTFail("observation_space is not a Box call") }
    XCTAssertEqual(lowArguments[1], .string("float32"))
    XCTAssertEqual(low.count, 4)
    XCTAssertEqual(low[0], .float(-4.800000190734863))
    XCTAssertEqual(low[1], .float(-.infinity))
    XCTAssertEqual(
      try serialized(data["action_space"]),
      .call(.global(module: "gymnasium.spaces.discrete", name: "Discrete"), [.int(2), .none, .int(0)]))
    XCTAssertEqual(data["n_steps"], .int(256))
    XCTAssertEqual(data["batch_size"], .int(64))
    XCTAssertEqual(data["learning_rate"], .double(1e-3))
    XCTAssertEqual(data["num_timesteps"], trained.checkpoint.metadata["env_steps"])
    guard case .dict(let keywords) = try serialized(data["policy_kwargs"]) else { return XCTFail("policy_kwargs") }
    let byName = Keywords(keywords)
    XCTAssertEqual(
      byName[.string("net_arch")],
      .dict([(.string("pi"), .list([.int(16), .int(16)])), (.string("vf"), .list([.int(16), .int(16)]))]))
    XCTAssertEqual(byName[.string("activation_fn")], .global(module: "torch.nn.modules.activation", name: "Tanh"))
    XCTAssertEqual(byName[.string("optimizer_class")], .global(module: "torch.optim.adam", name: "Adam"))

    let optimizerFile = try ZipReader(archive["policy.optimizer.pth"]!)
    guard case .dict(let optimizer) = try unpickle(optimizerFile["archive/data.pkl"]!), optimizer.count == 2,
      optimizer[0].0 == .string("state"), optimizer[0].1 == .dict([]), case .list(let groups) = optimizer[1].1,
      case .dict(let group) = groups.first
    else { return XCTFail("policy.optimizer.pth is not an optimizer state dict") }
    XCTAssertEqual(group.last?.1, .list((0..<12).map { .int($0) }))
    XCTAssertEqual(group.first?.1, .float(1e-3))
    XCTAssertEqual(try unpickle(try ZipReader(archive["pytorch_variables.pth"]!)["archive/data.pkl"]!), .dict([]))
  }

  func testA2CArchiveHasLogStdFirstAndRMSprop() throws {
    let trained = try train(Self.a2cPendulum, name: "a2c")
    let archive = try ZipReader(exported(.sb3, trained))
    let state = try stateDict(archive["policy.pth"]!)
    XCTAssertEqual(
      state.map(\.0),
      [
        "log_std", "mlp_extractor.policy_net.0.weight", "mlp_extractor.policy_net.0.bias",
        "mlp_extractor.value_net.0.weight", "mlp_extractor.value_net.0.bias", "mlp_extractor.value_net.2.weight",
        "mlp_extractor.value_net.2.bias", "action_net.weight", "action_net.bias", "value_net.weight", "value_net.bias",
      ])
    XCTAssertEqual(state[0].2, trained.policy.logStandardDeviation?.scalars)
    let data = try dataDocument(archive)
    guard case .dict(let keywords) = try serialized(data["policy_kwargs"]) else { return XCTFail("policy_kwargs") }
    let byName = Keywords(keywords)
    XCTAssertEqual(byName[.string("optimizer_class")], .global(module: "torch.optim.rmsprop", name: "RMSprop"))
    XCTAssertEqual(byName[.string("activation_fn")], .global(module: "torch.nn.modules.activation", name: "ReLU"))
    XCTAssertEqual(
      byName[.string("net_arch")],
      .dict([(.string("pi"), .list([.int(16)])), (.string("vf"), .list([.int(8), .int(8)]))]))
    let actionSpace = try serialized(data["action_space"])
    guard case .call(.global(module: "gymnasium.spaces.box", name: "Box"), let box) = actionSpace else {
      return XCTFail("action_space is not a Box")
    }
    XCTAssertEqual(
      box[1], .call(.global(module: "numpy", name: "array"), [.list([.float(2)]), .string("float32")]))
  }

  func testPoliciesSB3HasNoCounterpartForAreRefusedWithTypedErrors() throws {
    func assertRefused(_ settings: String, _ name: String, _ check: (ExportError) -> Bool) throws {
      let trained = try train(settings, name: name)
      XCTAssertThrowsError(
        try exported(.sb3, trained)
      ) { error in
        guard let error = error as? ExportError, check(error) else { return XCTFail("unexpected \(error)") }
        XCTAssertTrue(error.description.contains("onnx"), error.description)
      }
      // ONNX takes every one of them.
      XCTAssertNoThrow(try exported(.onnx, trained))
    }
    try assertRefused(Self.ppoCartPole + "\npolicy.shared: true", "shared") {
      if case .unsupportedPolicy(_, let reason) = $0 { reason.contains("share a trunk") } else { false }
    }
    try assertRefused("algorithm: reinforce\nenv: CartPole-v1\nepisodes: 2\npolicy.hidden: [8]", "reinforce") {
      $0 == .unsupportedAlgorithm("reinforce")
    }
    try assertRefused(Self.a2cPendulum + "\npolicy.squash: true", "squash") {
      if case .unsupportedPolicy(_, let reason) = $0 { reason.contains("squashes") } else { false }
    }
  }

  // MARK: - ONNX

  /// Runs the ONNX graph in `model` on `observations` with the operators the export writes.
  private func run(
    onnx model: [UInt8], _ observations: [[Double]]
  ) throws -> [String: (shape: [Int], values: [Float])] {
    let graph = try ProtobufMessage(model).message(7)
    var values: [String: (shape: [Int], values: [Float])] = [
      "observation": ([observations.count, observations[0].count], observations.flatMap { $0.map { Float($0) } })
    ]
    for tensor in try graph.messages(5) {
      XCTAssertEqual(tensor.int(2), 1, "float initialiser")
      values[tensor.string(8)!] = (try tensor.packedInts(1), floats(tensor.bytes(9) ?? []))
    }
    for node in try graph.messages(1) {
      let inputs = try node.strings(1).map { name -> (shape: [Int], values: [Float]) in
        guard let value = values[name] else { throw ReaderError("\(name) is used before it is computed") }
        return value
      }
      let op = node.string(4)!
      let result: (shape: [Int], values: [Float])
      func elementwise(_ f: (Float) -> Float) -> (shape: [Int], values: [Float]) {
        (inputs[0].shape, inputs[0].values.map(f))
      }
      func broadcast(_ f: (Float, Float) -> Float) -> (shape: [Int], values: [Float]) {
        let (a, b) = (inputs[0], inputs[1])
        return (a.shape, a.values.indices.map { f(a.values[$0], b.values[$0 % b.values.count]) })
      }
      switch op {
      case "Gemm":
        let (x, w, b) = (inputs[0], inputs[1], inputs[2])
        let (n, k, m) = (x.shape[0], x.shape[1], w.shape[0])
        XCTAssertEqual(w.shape[1], k)
        var out = [Float](repeating: 0, count: n * m)
        for row in 0..<n {
          for column in 0..<m {
            var sum: Float = 0
            for i in 0..<k { sum += x.values[row * k + i] * w.values[column * k + i] }
            out[row * m + column] = sum + b.values[column]
          }
        }
        result = ([n, m], out)
      case "Tanh": result = elementwise { Foundation.tanh($0) }
      case "Relu": result = elementwise { max($0, 0) }
      case "Min": result = broadcast { min($0, $1) }
      case "Max": result = broadcast { max($0, $1) }
      case "Mul": result = broadcast(*)
      case "Add": result = broadcast(+)
      case "ArgMax":
        let (n, m) = (inputs[0].shape[0], inputs[0].shape[1])
        result = (
          [n],
          (0..<n).map { row in
            let slice = inputs[0].values[(row * m)..<((row + 1) * m)]
            return Float(slice.firstIndex(of: slice.max()!)! - row * m)
          }
        )
      default: throw ReaderError("unexpected operator \(op)")
      }
      values[node.strings(2)[0]] = result
    }
    return values
  }

  func testONNXModelsFieldsAndGraphActAsReinsDeterministicPolicy() throws {
    let trained = try train(Self.ppoCartPole, name: "onnx-ppo")
    let bytes = try exported(.onnx, trained)
    let model = try ProtobufMessage(bytes)
    XCTAssertEqual(model.int(1), 8)
    XCTAssertEqual(model.string(2), "rein")
    let opset = try model.message(8)
    XCTAssertEqual(opset.string(1), "")
    XCTAssertEqual(opset.int(2), 13)
    let graph = try model.message(7)
    XCTAssertEqual(
      try graph.messages(1).map { $0.string(4)! },
      ["Gemm", "Tanh", "Gemm", "Tanh", "Gemm", "ArgMax", "Gemm", "Tanh", "Gemm", "Tanh", "Gemm"])
    let gemm = try graph.messages(1)[0].message(5)
    XCTAssertEqual(gemm.string(1), "transB")
    XCTAssertEqual(gemm.int(3), 1)
    XCTAssertEqual(gemm.int(20), 2)
    XCTAssertEqual(
      try graph.messages(5).map { $0.string(8)! }.sorted(), trained.policy.namedParameters().map(\.0).sorted())
    let input = try graph.message(11)
    XCTAssertEqual(input.string(1), "observation")
    let dimensions = try input.message(2).message(1).message(2).messages(1)
    XCTAssertEqual(dimensions.map { $0.string(2) ?? String($0.int(1)!) }, ["batch", "4"])
    XCTAssertEqual(try graph.messages(12).map { $0.string(1)! }, ["logits", "action", "value"])

    let (observations, actions, expectedValues) = try cases(trained)
    let outputs = try run(onnx: bytes, observations)
    XCTAssertEqual(outputs["action"]!.values.map { Double($0) }, actions.map { $0[0] })
    for (value, expected) in zip(outputs["value"]!.values, expectedValues) {
      XCTAssertEqual(value, expected, accuracy: 1e-5)
    }
  }

  func testONNXOfAContinuousPolicyClipsOrSquashesTheMeanAsRein() throws {
    for (name, settings) in [("clip", Self.a2cPendulum), ("squash", Self.a2cPendulum + "\npolicy.squash: true")] {
      let trained = try train(settings, name: name)
      let bytes = try exported(.onnx, trained)
      let graph = try ProtobufMessage(bytes).message(7)
      let ops = try graph.messages(1).map { $0.string(4)! }
      XCTAssertEqual(
        Array(ops.prefix(5)),
        name == "clip" ? ["Gemm", "Relu", "Gemm", "Min", "Max"] : ["Gemm", "Relu", "Gemm", "Tanh", "Mul"])
      let (observations, actions, _) = try cases(trained)
      let outputs = try run(onnx: bytes, observations)
      for (value, expected) in zip(outputs["action"]!.values, actions.flatMap { $0 }) {
        XCTAssertEqual(Double(value), expected, accuracy: 1e-5, name)
      }
    }
  }

  // MARK: - With the peers' Python stack

  /// The peers' Python (`REIN_PEERS_PYTHON`, else ~/.cache/rein-peers/bin/python) when it has SB3 and onnxruntime.
  private func peersPython() throws -> String {
    let python =
      ProcessInfo.processInfo.environment["REIN_PEERS_PYTHON"]
      ?? NSHomeDirectory() + "/.cache/rein-peers/bin/python"
    guard FileManager.default.isExecutableFile(atPath: python) else {
      throw XCTSkip(
        "the peers' Python stack is not installed (\(python)); run shared/peers/setup.sh to check exports with SB3 "
          + "and onnxruntime")
    }
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: python)
    probe.arguments = ["-c", "import stable_baselines3, onnxruntime, onnx"]
    probe.standardError = FileHandle.nullDevice
    try probe.run()
    probe.waitUntilExit()
    guard probe.terminationStatus == 0 else {
      throw XCTSkip("\(python) lacks stable_baselines3, onnx or onnxruntime; install them to check exports")
    }
    return python
  }

  func testSB3AndOnnxruntimeActAsReinOnTheSameObservations() throws {
    let python = try peersPython()
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Benchmarks/peers/check_export.py").path
    let runs: [(String, String, String?)] = [
      ("ppo", Self.ppoCartPole, "PPO"), ("a2c", Self.a2cPendulum, "A2C"),
      ("shared", Self.ppoCartPole + "\npolicy.shared: true", nil),
      ("squash", Self.a2cPendulum + "\npolicy.squash: true", nil),
    ]
    var casePaths: [String] = []
    var expectedChecks = 0
    for (name, settings, sb3Class) in runs {
      let trained = try train(settings, name: name)
      let (observations, actions, values) = try cases(trained)
      let discrete = if case .discrete = trained.policy.actionKind { true } else { false }
      let onnxPath = root + "/\(name).onnx"
      try Data(try exported(.onnx, trained))
        .write(to: URL(fileURLWithPath: onnxPath))
      var document: [String: JSONValue] = [
        "observations": .array(observations.map { .array($0.map { .double($0) }) }),
        "actions": .array(actions.map { discrete ? .int(Int($0[0])) : .array($0.map { .double($0) }) }),
        "values": .array(values.map { .double(Double($0)) }),
        "onnx": .string(onnxPath),
      ]
      if let sb3Class {
        let zipPath = root + "/\(name).zip"
        try Data(try exported(.sb3, trained))
          .write(to: URL(fileURLWithPath: zipPath))
        document["sb3"] = .string(zipPath)
        document["algorithm"] = .string(sb3Class)
      }
      let casesPath = root + "/\(name).json"
      try Data(JSONValue.object(document).serialized().utf8).write(to: URL(fileURLWithPath: casesPath))
      casePaths.append(casesPath)
      expectedChecks += sb3Class == nil ? 2 : 4
    }
    // One Python process for all four (importing torch and SB3 is most of its time).
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script] + casePaths
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, text)
    let checks = text.split(separator: "\n").filter { $0.hasPrefix("{\"check\"") }
    XCTAssertEqual(checks.count, expectedChecks, text)
    XCTAssertTrue(checks.allSatisfy { $0.contains("\"ok\": true") }, text)
  }
}
