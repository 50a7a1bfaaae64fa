// MARK: - Errors

/// Why an experiment could not be set up or run; each case says what to change.
public enum ExperimentError: Error, Equatable, CustomStringConvertible {
  /// A setting has a value the experiment cannot use.
  case invalidSetting(key: String, value: String, expected: String)
  /// No preset of that name or path exists.
  case presetNotFound(name: String, searched: [String])
  /// A checkpoint does not fit the experiment or is not one Rein wrote.
  case incompatibleCheckpoint(String)
  /// Training of some seeds was interrupted (their latest checkpoints remain; continue with `--resume`).
  case interrupted(folder: String, seeds: [Int])
  /// The configuration needs more memory than the process may use (`needed` and `available` say how much, and why).
  case insufficientMemory(needed: String, available: String)
  /// The checkpoint to continue training from (`continue_from`, `rein train --continue`) is missing or unreadable.
  case continueSourceUnreadable(path: String, reason: String)

  public var description: String {
    switch self {
    case .invalidSetting(let key, let value, let expected):
      return "'\(key)' is \(value), but it must be \(expected)"
    case .presetNotFound(let name, let searched):
      return
        "no preset '\(name)'; looked in \(searched.joined(separator: ", ")); `rein presets` lists the built-in ones"
    case .incompatibleCheckpoint(let message):
      return "cannot use the checkpoint: \(message)"
    case .interrupted(let folder, let seeds):
      return "training of seed(s) \(seeds.map(String.init).joined(separator: ", ")) was interrupted; continue it with "
        + "`rein train --resume \(folder)`"
    case .continueSourceUnreadable(let path, let reason):
      return "cannot continue from \(path): \(reason); give a checkpoint.safetensors (or latest_checkpoint, "
        + "best_checkpoint, models/model-...) written by `rein train` or `rein run`"
    case .insufficientMemory(let needed, let available):
      return "this configuration needs \(needed), more than \(available); lower policy.hidden, n_envs, n_steps, "
        + "batch_size or parallel_seeds"
    }
  }
}
