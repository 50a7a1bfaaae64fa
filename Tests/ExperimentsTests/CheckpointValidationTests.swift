import Foundation
import Rein
import XCTest

@testable import Experiments

/// Checkpoints whose CRC is valid but whose contents lie (issue 17 item 4): the metadata is checked against the
/// tensors and the environment before anything is built, and a structure-aware fuzzer (header and metadata
/// mutations, CRC recomputed) finds no input that crashes decoding, `rein eval`'s loading or `--resume`'s restore.
final class CheckpointValidationTests: RunFolderTestCase {
  private static let yaml = periodicPPOYAML(steps: 128)
  override class var rootPrefix: String { "rein-checkpoint-validation" }

  /// A resumable PPO CartPole checkpoint (the latest periodic one of a short run).
  private func sourceCheckpoint() throws -> Checkpoint {
    try run(Self.yaml, in: "source")
    return try Checkpoint(contentsOf: root + "/source/seed-1/latest_checkpoint.safetensors")
  }

  private func withMetadata(_ checkpoint: Checkpoint, _ change: (inout [String: JSONValue]) -> Void) -> Checkpoint {
    var metadata = checkpoint.metadata.objectValue ?? [:]
    change(&metadata)
    var changed = checkpoint
    changed.metadata = .object(metadata)
    return changed
  }

  private func withPolicy(_ checkpoint: Checkpoint, _ key: String, _ value: JSONValue) -> Checkpoint {
    withMetadata(checkpoint) { metadata in
      var policy = metadata["policy"]?.objectValue ?? [:]
      policy[key] = value
      metadata["policy"] = .object(policy)
    }
  }

  /// Loads the policy as `rein eval` does, after an encode/decode round trip (so the CRC is valid).
  private func loadAsEval(_ checkpoint: Checkpoint) throws -> ActorCriticPolicy {
    let decoded = try Checkpoint(decoding: try checkpoint.encoded())
    let environment = try registry.make(
      AgentCheckpoint.environmentID(of: decoded), arguments: AgentCheckpoint.environmentArguments(of: decoded))
    defer { environment.close() }
    return try AgentCheckpoint.loadPolicy(decoded, for: environment)
  }

  private func assertIncompatible(
    _ body: @autoclosure () throws -> Any, _ needle: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
      guard case ExperimentError.incompatibleCheckpoint(let message)? = error as? ExperimentError else {
        return XCTFail("expected an incompatible-checkpoint error, got \(error)", file: file, line: line)
      }
      XCTAssertTrue(message.contains(needle), "'\(needle)' not in: \(message)", file: file, line: line)
    }
  }

  // MARK: - The issue's cases

  func testMetadataThatContradictsTheTensorsOrTheEnvironmentIsRefused() throws {
    let checkpoint = try sourceCheckpoint()
    XCTAssertNoThrow(try loadAsEval(checkpoint))
    // A width of 10^12 aborted in the allocator; now it is refused before anything is allocated.
    assertIncompatible(try loadAsEval(withPolicy(checkpoint, "hiddenCounts", [1_000_000_000_000])), "hiddenCounts")
    assertIncompatible(try loadAsEval(withPolicy(checkpoint, "hiddenCounts", [4000, 4000])), "needs at least")
    assertIncompatible(try loadAsEval(withPolicy(checkpoint, "valueHiddenCounts", [0])), "valueHiddenCounts")
    assertIncompatible(try loadAsEval(withMetadata(checkpoint) { $0["observation_count"] = 7 }), "observation_count")
    assertIncompatible(try loadAsEval(withMetadata(checkpoint) { $0["algorithm"] = "dqn" }), "dqn")
    // The trunk shared where it was not: the critic's own trunk is left in the file unused.
    let shared = !(checkpoint.metadata["policy"]?["sharedTrunk"]?.boolValue ?? false)
    assertIncompatible(try loadAsEval(withPolicy(checkpoint, "sharedTrunk", .bool(shared))), "does not match")
    for bad in [Float.nan, .infinity, -.infinity] {
      var damaged = checkpoint
      let name = checkpoint.tensors.keys.sorted().first { $0.hasPrefix("policy/") }!
      var values = try checkpoint.floats(name)
      values[values.count / 2] = bad
      damaged.tensors[name] = StoredTensor(shape: checkpoint.tensors[name]!.shape, floats: values)
      assertIncompatible(try loadAsEval(damaged), "non-finite")
      let agent = try ExperimentRunner(
        configuration: RunConfiguration(yaml: Self.yaml), registry: registry,
        folder: RunFolder(creatingAt: root + "/p"),
        write: { _ in }
      ).makeAgent(ExperimentPlan(RunConfiguration(yaml: Self.yaml)), seed: 1)
      defer { agent.close() }
      assertIncompatible(try AgentCheckpoint.restore(agent, from: damaged), "non-finite")
    }
  }

  func testOverlappingOrGappedDataOffsetsAreRefusedEvenWithAValidChecksum() throws {
    let checkpoint = Checkpoint(
      metadata: ["a": 1],
      tensors: ["a": StoredTensor(shape: [2], floats: [1, 2]), "b": StoredTensor(shape: [2], floats: [3, 4])])
    let bytes = try checkpoint.encoded()
    // b's data moved onto a's: [8, 16] -> [4, 12] (same length), checksum recomputed.
    var (header, data) = try CheckpointFuzzer.split(bytes)
    var members = header.objectValue!
    var b = members["b"]!.objectValue!
    b["data_offsets"] = [4, 12]
    members["b"] = .object(b)
    header = .object(members)
    XCTAssertThrowsError(try Checkpoint(decoding: CheckpointFuzzer.assemble(header, data))) { error in
      guard case .malformedHeader(let reason)? = error as? CheckpointError else { return XCTFail("\(error)") }
      XCTAssertTrue(reason.contains("overlaps"), reason)
    }
    // A hole: b starts after a gap of 4 bytes nobody owns.
    b["data_offsets"] = [12, 20]
    members["b"] = .object(b)
    data += [0, 0, 0, 0]
    XCTAssertThrowsError(try Checkpoint(decoding: CheckpointFuzzer.assemble(.object(members), data))) { error in
      guard case .malformedHeader(let reason)? = error as? CheckpointError else { return XCTFail("\(error)") }
      XCTAssertTrue(reason.contains("belong to no tensor"), reason)
    }
    // An end offset near Int.max overflowed the size computation (a trap); now it is a typed error.
    b["data_offsets"] = [8, .int(Int.max - 3)]
    b["shape"] = [.int((Int.max - 11) / 4)]
    members["b"] = .object(b)
    XCTAssertThrowsError(try Checkpoint(decoding: CheckpointFuzzer.assemble(.object(members), data))) { error in
      XCTAssertNotNil(error as? CheckpointError, "\(error)")
    }
    // The untouched file still round-trips.
    XCTAssertEqual(try Checkpoint(decoding: bytes), checkpoint)
  }

  // MARK: - Fuzzing

  func testStructureAwareFuzzingFindsNoCrash() throws {
    let checkpoint = try sourceCheckpoint()
    let runner = try ExperimentRunner(
      configuration: RunConfiguration(yaml: Self.yaml), registry: registry,
      folder: RunFolder(creatingAt: root + "/probe"), write: { _ in })
    let plan = try ExperimentPlan(RunConfiguration(yaml: Self.yaml))
    var fuzzer = CheckpointFuzzer(source: checkpoint, seed: 17)
    let cases = 4000
    var refusedOnDecoding = 0
    var refusedByEval = 0
    var acceptedByEval = 0
    var refusedByResume = 0
    var acceptedByResume = 0
    let start = Date()
    for _ in 0..<cases {
      let bytes = fuzzer.nextCase()
      let decoded: Checkpoint
      do {
        decoded = try Checkpoint(decoding: bytes)
      } catch {
        XCTAssertNotNil(error as? CheckpointError, "decoding threw an untyped error: \(error)")
        refusedOnDecoding += 1
        continue
      }
      do {
        let environment = try registry.make(
          AgentCheckpoint.environmentID(of: decoded), arguments: AgentCheckpoint.environmentArguments(of: decoded))
        defer { environment.close() }
        let policy = try AgentCheckpoint.loadPolicy(decoded, for: environment)
        // What was accepted is usable: finite parameters, sizes that fit the environment, and it acts.
        XCTAssertEqual(policy.observationCount, environment.observationSpace.flatCount)
        for (name, parameter) in policy.namedParameters() {
          XCTAssertTrue(parameter.value.scalars.allSatisfy(\.isFinite), "accepted non-finite \(name)")
        }
        var generator = RandomGenerator(seed: 0)
        let (observation, _) = try environment.reset(seed: 0)
        _ = try environment.step(policy.predict(observation, deterministic: true, generator: &generator))
        acceptedByEval += 1
      } catch {
        XCTAssertFalse("\(error)".isEmpty)
        refusedByEval += 1
      }
      do {
        let agent = try runner.makeAgent(plan, seed: 1)
        defer { agent.close() }
        _ = try SeedCheckpoints.restore(agent, from: decoded)
        XCTAssertLessThanOrEqual(agent.steps, AgentCheckpoint.maximumCounter)
        acceptedByResume += 1
      } catch {
        XCTAssertFalse("\(error)".isEmpty)
        refusedByResume += 1
      }
    }
    let seconds = Date().timeIntervalSince(start)
    print(
      "checkpoint fuzz: \(cases) cases in \(String(format: "%.1f", seconds)) s, 0 crashes; refused on decoding "
        + "\(refusedOnDecoding); of the rest, eval refused \(refusedByEval) and accepted \(acceptedByEval), resume "
        + "refused \(refusedByResume) and accepted \(acceptedByResume)")
    XCTAssertGreaterThan(refusedOnDecoding, cases / 10, "header mutations reach the decoder's checks")
    XCTAssertGreaterThan(refusedByEval, cases / 10, "metadata mutations reach the loader's checks")
    XCTAssertGreaterThan(acceptedByEval, 0, "harmless mutations still load")
  }
}

// MARK: - A structure-aware checkpoint fuzzer

/// Mutates a checkpoint at two levels and always produces a file with a valid CRC, so that every case gets past the
/// checksum and exercises what comes after it: the metadata document and the tensors (through
/// ``Checkpoint/encoded()``), or the safetensors header itself (tensor entries' dtype, shape and data_offsets, the
/// format fields), re-assembled with a recomputed CRC.
struct CheckpointFuzzer {
  let source: Checkpoint
  private var random: FuzzRandom

  init(source: Checkpoint, seed: UInt64) {
    self.source = source
    random = FuzzRandom(seed: seed)
  }

  private mutating func below(_ n: Int) -> Int { random.below(n) }
  private mutating func pick<T>(_ items: [T]) -> T { random.pick(items) }

  private static let integers: [Int] = [
    0, 1, -1, 2, 4, 7, 8, 64, 255, 1 << 20, (1 << 20) + 1, 1 << 31, 1 << 53, 1_000_000_000_000, Int.max, Int.min,
    Int.max - 7,
  ]

  private mutating func randomValue(depth: Int = 0) -> JSONValue {
    switch below(depth > 2 ? 6 : 8) {
    case 0: return .int(pick(Self.integers))
    case 1: return .double(pick([0.5, -0.0, 1e308, -1e308, 1e-300, 3.4e39, 2.5]))
    case 2: return .string(pick(["", "ppo", "a2c", "reinforce", "actor-critic", "dqn", "tanh", "CartPole-v1", "x"]))
    case 3: return .bool(below(2) == 0)
    case 4: return .null
    case 5: return .array((0..<below(4)).map { _ in .int(pick(Self.integers)) })
    case 6: return .array((0..<below(3)).map { _ in randomValue(depth: depth + 1) })
    default:
      return .object(Dictionary((0..<below(3)).map { ("k\($0)", randomValue(depth: depth + 1)) }) { a, _ in a })
    }
  }

  /// Replaces or removes a random member somewhere in `value`.
  private mutating func mutate(_ value: JSONValue, depth: Int = 0) -> JSONValue {
    switch value {
    case .object(var members) where !members.isEmpty && (depth == 0 || below(3) > 0):
      let key = pick(members.keys.sorted())
      switch below(4) {
      case 0: members[key] = nil
      case 1: members[key] = randomValue()
      default: members[key] = mutate(members[key]!, depth: depth + 1)
      }
      return .object(members)
    case .array(var items) where !items.isEmpty && below(3) > 0:
      let index = below(items.count)
      switch below(4) {
      case 0: items.remove(at: index)
      case 1: items.append(randomValue())
      default: items[index] = mutate(items[index], depth: depth + 1)
      }
      return .array(items)
    default:
      return randomValue()
    }
  }

  // MARK: Cases

  /// The next case: one to three mutations of the source, encoded with a valid CRC.
  mutating func nextCase() -> [UInt8] {
    var checkpoint = source
    for _ in 0..<(1 + below(3)) { checkpoint = mutateContents(checkpoint) }
    guard var bytes = try? checkpoint.encoded() else { return [] }
    if below(3) == 0, let mutated = mutateHeader(bytes) { bytes = mutated }
    return bytes
  }

  /// Metadata and tensor mutations, through the writer (so the file layer is valid).
  private mutating func mutateContents(_ checkpoint: Checkpoint) -> Checkpoint {
    var result = checkpoint
    var metadata = checkpoint.metadata.objectValue ?? [:]
    var policy = metadata["policy"]?.objectValue ?? [:]
    switch below(12) {
    case 0, 1:
      result.metadata = mutate(checkpoint.metadata)
      return result
    case 2:
      policy["hiddenCounts"] = .array((0..<below(4)).map { _ in .int(pick(Self.integers)) })
    case 3:
      let key = pick(["sharedTrunk", "includesValue", "orthogonalInitialization", "squashActions"])
      policy[key] = .bool(!(policy[key]?.boolValue ?? false))
    case 4:
      let key = pick(["activation", "gaussianHead", "logStdInit", "logStdMin", "logStdMax", "valueHiddenCounts"])
      policy[key] = randomValue()
    case 5: metadata["observation_count"] = .int(pick(Self.integers))
    case 6: metadata["algorithm"] = randomValue()
    case 7:
      metadata["env"] = .string(pick(["CartPole-v1", "Pendulum-v1", "Acrobot-v1", "MountainCar-v0", "Nope-v0", ""]))
    case 8:
      let key = pick(["x", "sutton_barto_reward", "xml_file"])
      metadata["env_kwargs"] = .object(["render_mode": randomValue(), key: randomValue()])
    case 9:
      // A tensor's values: a non-finite or extreme element.
      let names = checkpoint.tensors.keys.sorted()
      if !names.isEmpty {
        let name = pick(names)
        result.tensors[name] = corrupt(checkpoint.tensors[name]!)
      }
      return result
    case 10:
      // A tensor removed, added or reshaped.
      let names = checkpoint.tensors.keys.sorted()
      let name = names.isEmpty ? "policy/extra" : pick(names)
      switch below(3) {
      case 0: result.tensors[name] = nil
      case 1: result.tensors["policy/extra.weight"] = StoredTensor(shape: [2], floats: [1, 2])
      default:
        if let tensor = checkpoint.tensors[name] {
          let count = tensor.data.count
          result.tensors[name] = StoredTensor(shape: below(2) == 0 ? [count] : [1, count], data: tensor.data)
        }
      }
      return result
    default:
      var training = metadata["training"]?.objectValue ?? [:]
      var loop = training["loop"]?.objectValue ?? [:]
      let counter = pick(["steps", "updates", "iterations", "epochs", "started", "episodesStarted", "lastReport", "x"])
      loop[counter] = below(4) == 0 ? randomValue() : .int(pick(Self.integers))
      training["loop"] = .object(loop)
      if below(3) == 0 { training["recent_return_window"] = .int(pick(Self.integers)) }
      metadata["training"] = .object(training)
    }
    if !policy.isEmpty { metadata["policy"] = .object(policy) }
    result.metadata = .object(metadata)
    return result
  }

  private mutating func corrupt(_ tensor: StoredTensor) -> StoredTensor {
    var data = tensor.data
    let count = data.count
    guard count > 0 else { return tensor }
    let index = below(count)
    switch data {
    case .float32(var values):
      values[index] = pick([Float.nan, .infinity, -.infinity, .greatestFiniteMagnitude, 0])
      data = .float32(values)
    case .float64(var values):
      values[index] = pick([Double.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -1, 1e300])
      data = .float64(values)
    case .int64(var values):
      values[index] = pick([Int64.max, .min, -1, 0, 1 << 53])
      data = .int64(values)
    case .uint64(var values):
      values[index] = pick([UInt64.max, 0, 2, 1 << 63])
      data = .uint64(values)
    }
    return StoredTensor(shape: tensor.shape, data: data)
  }

  /// Header mutations, re-assembled with a recomputed CRC.
  private mutating func mutateHeader(_ bytes: [UInt8]) -> [UInt8]? {
    guard var (header, data) = try? Self.split(bytes), var members = header.objectValue else { return nil }
    let names = members.keys.filter { $0 != "__metadata__" }.sorted()
    switch below(6) {
    case 0, 1, 2:
      guard !names.isEmpty else { return nil }
      let name = pick(names)
      var entry = members[name]?.objectValue ?? [:]
      switch below(6) {
      case 0:
        let other = members[pick(names)]?["data_offsets"] ?? [0, 0]
        entry["data_offsets"] = below(2) == 0 ? other : .array([.int(pick(Self.integers)), .int(pick(Self.integers))])
      case 1:
        let offsets = entry["data_offsets"]?.arrayValue?.compactMap(\.intValue) ?? [0, 0]
        let shift = pick([-8, -4, 4, 8])
        entry["data_offsets"] = .array(offsets.map { .int($0 + shift) })
      case 2: entry["shape"] = .array((0..<below(4)).map { _ in .int(pick(Self.integers)) })
      case 3: entry["dtype"] = .string(pick(["F32", "F64", "I64", "U64", "F16", "BOOL", ""]))
      case 4: entry = mutate(.object(entry)).objectValue ?? [:]
      default: members[name] = randomValue()
      }
      if case .object = members[name] ?? .null { members[name] = .object(entry) }
    case 3:
      var file = members["__metadata__"]?.objectValue ?? [:]
      let key = pick(["format", "format_version", "metadata", "x"])
      file[key] =
        below(2) == 0 ? .string(pick(["1", "2", "0", "-1", "rein.checkpoint", "{}", "[", ""])) : randomValue()
      members["__metadata__"] = .object(file)
    case 4:
      // Data cut or extended (the header then disagrees with the size).
      if below(2) == 0 {
        data.removeLast(min(data.count, 1 + below(16)))
      } else {
        data += [UInt8](repeating: 0, count: 8)
      }
    default:
      members[pick(["policy/new", "__metadata__2", ""])] = .object([
        "dtype": "F32", "shape": [1], "data_offsets": .array([.int(data.count), .int(data.count + 4)]),
      ])
      data += [0, 0, 0x80, 0x7F]
    }
    header = .object(members)
    return Self.assemble(header, data)
  }

  // MARK: File layout

  /// The header document and the data bytes of a checkpoint file.
  static func split(_ bytes: [UInt8]) throws -> (JSONValue, [UInt8]) {
    var length = 0
    for index in 0..<8 { length |= Int(bytes[index]) << (8 * index) }
    return (try JSONValue(parsing: Array(bytes[8..<(8 + length)])), Array(bytes[(8 + length)...]))
  }

  /// A file from a header document and data, its checksum field (when there is one) set to the file's CRC-32.
  static func assemble(_ header: JSONValue, _ data: [UInt8]) -> [UInt8] {
    var members = header.objectValue ?? [:]
    let hasChecksum = members["__metadata__"]?["checksum_crc32"] != nil
    if var file = members["__metadata__"]?.objectValue, hasChecksum {
      file["checksum_crc32"] = "00000000"
      members["__metadata__"] = .object(file)
    }
    var text = Array(JSONValue.object(members).serialized().utf8)
    while text.count % 8 != 0 { text.append(0x20) }
    var file: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: text.count >> (8 * $0)) } + text + data
    let pattern = Array("\"checksum_crc32\":\"00000000\"".utf8)
    if hasChecksum,
      let start = (8..<(8 + text.count - pattern.count)).first(where: {
        Array(file[$0..<($0 + pattern.count)]) == pattern
      })
    {
      let digits = String(crc32(file), radix: 16)
      let hex = Array((String(repeating: "0", count: 8 - digits.count) + digits).utf8)
      file.replaceSubrange((start + pattern.count - 9)..<(start + pattern.count - 1), with: hex)
    }
    return file
  }

  /// CRC-32 (IEEE, reflected), bit by bit: the test's own, independent of the one under test.
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }
}

/// SplitMix64: the fuzzers' deterministic choices.
struct FuzzRandom {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
  mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
