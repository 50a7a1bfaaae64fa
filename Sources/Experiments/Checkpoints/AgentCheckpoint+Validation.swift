import Foundation
import PolicyGradient

// MARK: - Checking an agent checkpoint before anything is built from it
//
// A checkpoint's CRC says the file is as it was written, not that what was written makes sense: a file edited and
// re-checksummed (or written by another program) may describe a network of 10^12 units, weights that are NaN, an
// environment with other observations or an algorithm Rein does not have. Everything the metadata claims is checked
// here against the tensors and the environment, before a single network is allocated; each problem is a typed
// ``ExperimentError/incompatibleCheckpoint(_:)`` that names it.

extension AgentCheckpoint {
  /// The widest hidden layer a checkpoint may describe (wider ones are refused before anything is allocated).
  public static let maximumLayerWidth = 1 << 20

  /// The policy description `checkpoint` holds in its `policy` metadata (as `rein train` writes it), unchecked.
  static func savedPolicyConfiguration(of checkpoint: Checkpoint) throws -> PolicyConfiguration {
    guard let policyJSON = checkpoint.metadata["policy"] else {
      throw ExperimentError.incompatibleCheckpoint("it holds no policy description (not written by `rein train`)")
    }
    do {
      return try JSONDecoder().decode(PolicyConfiguration.self, from: Data(policyJSON.serialized().utf8))
    } catch {
      throw ExperimentError.incompatibleCheckpoint("its policy description cannot be read (\(error))")
    }
  }

  /// The policy description of `checkpoint`, checked against its tensors and an environment giving
  /// `observationCount` values per observation.
  static func checkedPolicyConfiguration(
    of checkpoint: Checkpoint, observationCount: Int
  ) throws -> PolicyConfiguration {
    guard let algorithm = checkpoint.metadata["algorithm"]?.stringValue else {
      throw ExperimentError.incompatibleCheckpoint("it does not name its algorithm")
    }
    guard AlgorithmRegistry.shared.names.contains(algorithm) else {
      throw ExperimentError.incompatibleCheckpoint(
        "it names the algorithm '\(algorithm)', which Rein does not have "
          + "(\(AlgorithmRegistry.shared.names.joined(separator: ", ")))")
    }
    let configuration = try savedPolicyConfiguration(of: checkpoint)
    let saved = checkpoint.metadata["observation_count"]?.intValue
    guard saved == observationCount else {
      throw ExperimentError.incompatibleCheckpoint(
        "its observation_count is \(saved.map(String.init) ?? "missing"), but the environment gives "
          + "\(observationCount) observation values")
    }
    let widthLists = [
      ("hiddenCounts", configuration.hiddenCounts), ("valueHiddenCounts", configuration.valueHiddenCounts ?? []),
    ]
    for (key, widths) in widthLists {
      guard widths.allSatisfy({ (1...maximumLayerWidth).contains($0) }) else {
        throw ExperimentError.incompatibleCheckpoint(
          "its policy.\(key) is \(widths); every width must be in 1...\(maximumLayerWidth)")
      }
    }
    let c = configuration
    guard c.logStdInit.isFinite, c.logStdMin.isFinite, c.logStdMax.isFinite, c.logStdMin <= c.logStdMax,
      c.distributionEpsilon.isFinite, c.distributionEpsilon >= 0
    else {
      throw ExperimentError.incompatibleCheckpoint(
        "its policy's log σ settings (init \(c.logStdInit), range \(c.logStdMin)...\(c.logStdMax), epsilon "
          + "\(c.distributionEpsilon)) are not finite or not ordered")
    }
    // The hidden layers' weight matrices alone need this many values; more than the file holds means the
    // description does not belong to the tensors (and would allocate what the tensors cannot fill).
    var needed = 0
    var inputs = observationCount
    for width in configuration.hiddenCounts {
      let (product, overflow) = inputs.multipliedReportingOverflow(by: width)
      let (sum, overflowSum) = needed.addingReportingOverflow(product)
      guard !overflow, !overflowSum else { needed = .max; break }
      needed = sum
      inputs = width
    }
    let stored = checkpoint.tensors.filter { $0.key.hasPrefix("policy/") }.reduce(0) { $0 + $1.value.data.count }
    guard needed <= stored else {
      throw ExperimentError.incompatibleCheckpoint(
        "its policy description (hidden layers \(configuration.hiddenCounts)) needs at least \(needed) parameter "
          + "values, but it stores \(stored)")
    }
    return configuration
  }

  /// Throws unless the checkpoint's `policy/` tensors are exactly the parameters `names` (a network of another
  /// shape, e.g. with the trunk shared or not, leaves some out or has others) and every value is finite.
  static func checkPolicyTensors(of checkpoint: Checkpoint, parameterNames names: [String]) throws {
    let expected = Set(names.map { "policy/" + $0 })
    let stored = Set(checkpoint.tensors.keys.filter { $0.hasPrefix("policy/") })
    if let extra = stored.subtracting(expected).sorted().first {
      throw ExperimentError.incompatibleCheckpoint(
        "it holds the tensor \(extra), which its policy description "
          + "(\(checkpoint.metadata["policy"]?.serialized() ?? "")) has no parameter for: the description does not "
          + "match the tensors")
    }
    if let missing = expected.subtracting(stored).sorted().first {
      throw ExperimentError.incompatibleCheckpoint(
        "it has no tensor \(missing), which its policy description needs: the description does not match the tensors")
    }
    for name in stored.sorted() { try requireFinite(checkpoint, name) }
  }

  /// Throws unless every element of the floating-point tensor `name` is finite.
  static func requireFinite(_ checkpoint: Checkpoint, _ name: String) throws {
    guard let tensor = checkpoint.tensors[name] else { return }
    let index: Int?
    switch tensor.data {
    case .float32(let values): index = values.firstIndex { !$0.isFinite }
    case .float64(let values): index = values.firstIndex { !$0.isFinite }
    case .int64, .uint64: index = nil
    }
    if let index {
      throw ExperimentError.incompatibleCheckpoint(
        "its tensor \(name) holds a non-finite value (NaN or infinity) at element \(index): the model diverged or the "
          + "file was edited; use another checkpoint")
    }
  }
}
