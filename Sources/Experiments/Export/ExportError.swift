import PolicyGradient

// MARK: - Export errors

/// Why a checkpoint could not be exported; each case says what to do instead.
public enum ExportError: Error, CustomStringConvertible, Equatable {
  /// The policy has a part the target format has no counterpart for.
  case unsupportedPolicy(format: String, reason: String)
  /// The checkpoint's algorithm has no class in the target library.
  case unsupportedAlgorithm(String)
  /// A space the target format cannot describe.
  case unsupportedSpace(String)
  /// The output would be larger than the format can hold.
  case tooLarge(String)
  /// An unknown `--format`.
  case unknownFormat(String)

  public var description: String {
    switch self {
    case .unsupportedPolicy(let format, let reason):
      "cannot export this policy as \(format): \(reason)"
    case .unsupportedAlgorithm(let name):
      "cannot export a '\(name)' checkpoint for Stable-Baselines3, which has PPO and A2C of these algorithms; "
        + "export it with --format onnx instead"
    case .unsupportedSpace(let reason):
      "cannot export: \(reason); export it with --format onnx instead"
    case .tooLarge(let reason):
      "cannot export: \(reason)"
    case .unknownFormat(let name):
      "unknown export format '\(name)'; use sb3 or onnx"
    }
  }
}

// MARK: - Formats

/// What `rein export` writes.
public enum ExportFormat: String, CaseIterable, Sendable {
  /// A Stable-Baselines3 2.x archive (`PPO.load` / `A2C.load`).
  case sb3
  /// The deterministic policy as an ONNX model.
  case onnx

  /// The bytes of `checkpoint`'s policy (already loaded as `policy`, for `environment`) in this format.
  ///
  /// - Parameters:
  ///   - checkpoint: The checkpoint the policy was loaded from (its algorithm, configuration and metadata).
  ///   - policy: The policy loaded from it.
  ///   - environment: The environment it acts in (its spaces).
  /// - Throws: ``ExportError`` for an algorithm or policy the format cannot hold (the format and the reason named).
  public func export(
    _ checkpoint: Checkpoint, policy: ActorCriticPolicy, environment: any Environment
  ) throws -> [UInt8] {
    if try AgentCheckpoint.observationNormalizer(of: checkpoint) != nil {
      // The network alone would act on raw observations it was never trained on.
      throw ExportError.unsupportedPolicy(
        format: rawValue,
        reason: "it was trained with normalize_observation, and the export does not carry the observation "
          + "statistics yet (they are in the checkpoint's normalization/obs_mean and obs_var tensors); evaluate it "
          + "with `rein eval` or `rein record`, which apply them")
    }
    switch self {
    case .sb3: return try StableBaselines3Export.archive(of: checkpoint, policy: policy, environment: environment)
    case .onnx: return try ONNXExport.model(of: policy)
    }
  }
}
