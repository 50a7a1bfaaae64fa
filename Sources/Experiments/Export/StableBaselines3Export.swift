import Foundation
import PolicyGradient

// MARK: - Stable-Baselines3 archives

/// Writes a checkpoint as the zip `PPO.load` / `A2C.load` of Stable-Baselines3 2.x opens.
///
/// SB3's archive (`save_util.save_to_zip_file`) holds:
/// - `data`: a JSON object of the algorithm's attributes; values JSON cannot hold are pickles, stored as
///   `{":type:": ..., ":serialized:": base64}`. Rein writes only names and constructor calls there (no code):
///   `policy_class` (`stable_baselines3.common.policies.ActorCriticPolicy`, i.e. `MlpPolicy`), the
///   `observation_space` and `action_space` (`gymnasium.spaces.Box(numpy.array(low), numpy.array(high), None,
///   dtype)` or `Discrete(n)`), and `policy_kwargs` (`net_arch`, `activation_fn`, the optimizer class); the run's
///   hyperparameters that SB3 names alike (`learning_rate`, `n_steps`, `gamma`, ...) are plain JSON.
/// - `policy.pth`: the policy's state dict in PyTorch's format (``TorchFile``), names mapped one to one by
///   ``stateDictName(of:)``.
/// - `policy.optimizer.pth`: the optimizer's state dict with SB3's hyperparameters and no moments (as a model SB3
///   has not trained yet): training continued in SB3 starts its optimizer afresh.
/// - `pytorch_variables.pth` (an empty dict), `_stable_baselines3_version`, `system_info.txt`.
public enum StableBaselines3Export {
  /// The SB3 version whose format this follows, and against which the export is tested.
  public static let formatVersion = "2.9.2"

  /// SB3's name for Rein's parameter `name`: `policy.<i>` -> `mlp_extractor.policy_net.<i>`, `value.<i>` ->
  /// `mlp_extractor.value_net.<i>`, `action` -> `action_net`, `value_head` -> `value_net`, `log_std` unchanged;
  /// nil for a part SB3's `MlpPolicy` has not (the `std` layer of a state-dependent σ).
  ///
  /// - Parameter name: A Rein parameter name, such as `policy.0.weight`.
  public static func stateDictName(of name: String) -> String? {
    let prefixes = [
      ("policy.", "mlp_extractor.policy_net."), ("value.", "mlp_extractor.value_net."), ("action.", "action_net."),
      ("value_head.", "value_net."),
    ]
    if name == "log_std" { return name }
    for (rein, sb3) in prefixes where name.hasPrefix(rein) { return sb3 + name.dropFirst(rein.count) }
    return nil
  }

  /// The SB3 class of a Rein algorithm.
  static func algorithmClass(_ algorithm: String) throws -> String {
    switch algorithm {
    case "ppo": return "PPO"
    case "a2c": return "A2C"
    default: throw ExportError.unsupportedAlgorithm(algorithm)
    }
  }

  /// The archive's bytes for `policy` (loaded from `checkpoint`) acting in `environment`.
  ///
  /// - Parameters:
  ///   - checkpoint: The PPO or A2C checkpoint the policy was loaded from.
  ///   - policy: The policy loaded from it.
  ///   - environment: The environment it acts in (its spaces go into the archive).
  /// - Throws: ``ExportError`` for an algorithm or policy the format cannot hold (the format and the reason named).
  public static func archive(
    of checkpoint: Checkpoint, policy: ActorCriticPolicy, environment: any Environment
  ) throws -> [UInt8] {
    let algorithm = checkpoint.metadata["algorithm"]?.stringValue ?? "unknown"
    _ = try algorithmClass(algorithm)
    try checkSupported(policy)
    let stateDict = try policyStateDict(policy)

    var zip = ZipArchive()
    try zip.add("data", Array(try data(of: checkpoint, policy: policy, environment: environment).utf8))
    try zip.add("pytorch_variables.pth", try TorchFile().encoded(root: .dict([])))
    try zip.add("policy.pth", try TorchFile.stateDict(stateDict))
    let optimizer = optimizerStateDict(
      algorithm: algorithm, configuration: configuration(of: checkpoint), parameterCount: stateDict.count)
    try zip.add("policy.optimizer.pth", try TorchFile().encoded(root: optimizer))
    try zip.add("_stable_baselines3_version", Array(formatVersion.utf8))
    let info =
      "- Exported by: rein export (Rein), from a Rein checkpoint\n- Stable-Baselines3 format: \(formatVersion)\n"
    try zip.add("system_info.txt", Array(info.utf8))
    return zip.finished()
  }

  // MARK: - Policy

  private static func checkSupported(_ policy: ActorCriticPolicy) throws {
    let c = policy.configuration
    func refuse(_ reason: String) -> ExportError {
      .unsupportedPolicy(format: "a Stable-Baselines3 MlpPolicy", reason: reason)
    }
    guard c.includesValue else { throw refuse("it has no value head, which SB3's PPO and A2C need") }
    guard !c.sharedTrunk else {
      throw refuse(
        "its actor and critic share a trunk, and SB3 2.x's MlpPolicy has separate networks only; export it with "
          + "--format onnx, or train with policy.shared: false")
    }
    if case .continuous = policy.actionKind {
      guard c.gaussianHead == .stateIndependentLogStd else {
        throw refuse(
          "its σ comes from a \(c.gaussianHead.rawValue) head, and SB3's MlpPolicy learns a state-independent log σ; "
            + "export it with --format onnx")
      }
      guard !c.squashActions else {
        throw refuse(
          "it squashes actions with tanh, which SB3's PPO and A2C do only with gSDE; export it with --format onnx")
      }
    }
    _ = try activationClass(c.activation)
  }

  /// The policy's parameters under SB3's names, in the order of SB3's state dict (Rein's order is the same).
  static func policyStateDict(_ policy: ActorCriticPolicy) throws -> [(name: String, tensor: TorchFile.Tensor)] {
    let epsilon = policy.configuration.distributionEpsilon
    return try policy.namedParameters().map { name, parameter in
      guard let sb3Name = stateDictName(of: name) else {
        throw ExportError.unsupportedPolicy(
          format: "a Stable-Baselines3 MlpPolicy", reason: "its parameter '\(name)' has no counterpart in SB3")
      }
      var values = parameter.value.scalars
      // A Gaussian's mean is the head's output plus ε: fold ε into the bias.
      if name == "action.bias", epsilon != 0, case .continuous = policy.actionKind {
        values = values.map { $0 + epsilon }
      }
      return (sb3Name, TorchFile.Tensor(shape: parameter.value.shape.array, values: values))
    }
  }

  static func activationClass(_ activation: Activation) throws -> PickleValue {
    let name: String
    switch activation {
    case .tanh: name = "Tanh"
    case .relu: name = "ReLU"
    case .sigmoid: name = "Sigmoid"
    case .softplus: name = "Softplus"
    case .identity: return .global(module: "torch.nn.modules.linear", name: "Identity")
    }
    return .global(module: "torch.nn.modules.activation", name: name)
  }

  // MARK: - The `data` document

  private static func configuration(of checkpoint: Checkpoint) -> [String: JSONValue] {
    checkpoint.metadata["configuration"]?.objectValue ?? [:]
  }

  static func data(
    of checkpoint: Checkpoint, policy: ActorCriticPolicy, environment: any Environment
  ) throws -> String {
    let algorithm = checkpoint.metadata["algorithm"]?.stringValue ?? "unknown"
    let settings = configuration(of: checkpoint)
    var members: [String: JSONValue] = [
      "policy_class": serialized(
        .global(module: "stable_baselines3.common.policies", name: "ActorCriticPolicy"), type: "abc.ABCMeta"),
      "observation_space": try serialized(space(environment.observationSpace)),
      "action_space": try serialized(space(environment.actionSpace)),
      "policy_kwargs": serialized(policyKeywords(policy, algorithm: algorithm, settings: settings), type: "dict"),
      "n_envs": .int(settings["n_envs"]?.intValue ?? 1),
      "num_timesteps": .int(checkpoint.metadata["env_steps"]?.intValue ?? 0),
      "seed": checkpoint.metadata["seed"]?.intValue.map { .int($0) } ?? .null,
      "use_sde": .bool(false),
      "sde_sample_freq": .int(-1),
      "verbose": .int(0),
    ]
    var keys = ["learning_rate", "n_steps", "gamma", "gae_lambda", "ent_coef", "vf_coef", "max_grad_norm"]
    keys += ["normalize_advantage"] + (algorithm == "ppo" ? ["batch_size", "n_epochs", "clip_range"] : [])
    for key in keys {
      switch settings[key] {
      case .int(let value)?:
        let isReal = key == "learning_rate" || key.hasSuffix("_coef") || key == "gamma" || key == "gae_lambda"
        members[key] = isReal ? .double(Double(value)) : .int(value)
      case .double(let value)?: members[key] = .double(value)
      case .bool(let value)?: members[key] = .bool(value)
      default: break  // a schedule or an unset key: SB3's default stands
      }
    }
    return JSONValue.object(members).serialized()
  }

  /// SB3's form of a value JSON cannot hold.
  private static func serialized(_ value: PickleValue, type: String? = nil) -> JSONValue {
    var typeName = type ?? "object"
    if type == nil, case .call(.global(let module, let name), _) = value { typeName = "\(module).\(name)" }
    return .object([
      ":type:": .string("<class '\(typeName)'>"),
      ":serialized:": .string(Data(value.pickled()).base64EncodedString()),
    ])
  }

  /// A Gymnasium space as the call that builds it.
  static func space(_ space: Space) throws -> PickleValue {
    switch space {
    case .box(let box):
      func array(_ values: [Double]) -> PickleValue {
        .call(.global(module: "numpy", name: "array"), [nested(values, shape: box.shape), .string(box.dtype.rawValue)])
      }
      return .call(
        .global(module: "gymnasium.spaces.box", name: "Box"),
        [array(box.low), array(box.high), .none, .string(box.dtype.rawValue)])
    case .discrete(let discrete):
      return .call(
        .global(module: "gymnasium.spaces.discrete", name: "Discrete"), [.int(discrete.n), .none, .int(discrete.start)])
    default:
      throw ExportError.unsupportedSpace("SB3's MlpPolicy export here handles Box and Discrete spaces, not \(space)")
    }
  }

  /// Row-major `values` as nested lists of `shape`.
  private static func nested(_ values: [Double], shape: [Int]) -> PickleValue {
    guard let first = shape.first else { return .float(values.first ?? 0) }
    guard shape.count > 1 else { return .list(values.map { .float($0) }) }
    let stride = values.count / max(first, 1)
    return .list(
      (0..<first).map { nested(Array(values[($0 * stride)..<(($0 + 1) * stride)]), shape: Array(shape.dropFirst())) })
  }

  private static func policyKeywords(
    _ policy: ActorCriticPolicy, algorithm: String, settings: [String: JSONValue]
  ) -> PickleValue {
    let c = policy.configuration
    let widths = { (counts: [Int]) in PickleValue.list(counts.map { .int($0) }) }
    var items: [(PickleValue, PickleValue)] = [
      (
        .string("net_arch"),
        .dict([(.string("pi"), widths(c.hiddenCounts)), (.string("vf"), widths(c.valueHiddenCounts ?? c.hiddenCounts))])
      ),
      (.string("activation_fn"), (try? activationClass(c.activation)) ?? .none),
      (.string("ortho_init"), .bool(c.orthogonalInitialization)),
    ]
    if case .continuous = policy.actionKind { items.append((.string("log_std_init"), .float(Double(c.logStdInit)))) }
    let (optimizerClass, optimizerKeywords) = optimizer(algorithm: algorithm, settings: settings)
    items.append((.string("optimizer_class"), optimizerClass))
    items.append((.string("optimizer_kwargs"), .dict(optimizerKeywords)))
    return .dict(items)
  }

  /// The optimizer class and its keyword arguments: Adam for PPO, RMSprop (α 0.99) or Adam for A2C, as the run had.
  private static func optimizer(
    algorithm: String, settings: [String: JSONValue]
  ) -> (PickleValue, [(PickleValue, PickleValue)]) {
    let rmsprop = algorithm == "a2c" && (settings["optimizer"]?.stringValue ?? "rmsprop") == "rmsprop"
    let epsilon = settings["optimizer_eps"]?.doubleValue ?? (algorithm == "a2c" && !rmsprop ? 1e-8 : 1e-5)
    if rmsprop {
      return (
        .global(module: "torch.optim.rmsprop", name: "RMSprop"),
        [(.string("alpha"), .float(0.99)), (.string("eps"), .float(epsilon)), (.string("weight_decay"), .int(0))]
      )
    }
    return (.global(module: "torch.optim.adam", name: "Adam"), [(.string("eps"), .float(epsilon))])
  }

  private static func optimizerStateDict(
    algorithm: String, configuration settings: [String: JSONValue], parameterCount: Int
  ) -> PickleValue {
    let (optimizerClass, keywords) = optimizer(algorithm: algorithm, settings: settings)
    let learningRate = settings["learning_rate"]?.doubleValue ?? (algorithm == "a2c" ? 7e-4 : 3e-4)
    var group: [(PickleValue, PickleValue)] = [(.string("lr"), .float(learningRate))]
    let isRMSprop = optimizerClass == .global(module: "torch.optim.rmsprop", name: "RMSprop")
    let epsilon = keywords.first { $0.0 == .string("eps") }?.1 ?? .float(1e-5)
    if isRMSprop {
      group += [
        (.string("momentum"), .int(0)), (.string("alpha"), .float(0.99)), (.string("eps"), epsilon),
        (.string("centered"), .bool(false)), (.string("weight_decay"), .int(0)), (.string("capturable"), .bool(false)),
        (.string("foreach"), .none), (.string("maximize"), .bool(false)), (.string("differentiable"), .bool(false)),
      ]
    } else {
      group += [
        (.string("betas"), .tuple([.float(0.9), .float(0.999)])), (.string("eps"), epsilon),
        (.string("weight_decay"), .int(0)), (.string("amsgrad"), .bool(false)), (.string("maximize"), .bool(false)),
        (.string("foreach"), .none), (.string("capturable"), .bool(false)), (.string("differentiable"), .bool(false)),
        (.string("fused"), .none), (.string("decoupled_weight_decay"), .bool(false)),
      ]
    }
    group.append((.string("params"), .list((0..<parameterCount).map { .int($0) })))
    return .dict([(.string("state"), .dict([])), (.string("param_groups"), .list([.dict(group)]))])
  }
}
