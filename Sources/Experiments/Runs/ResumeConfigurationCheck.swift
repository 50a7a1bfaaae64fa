import Foundation
import Gym

// MARK: - An edited config.yaml before --resume

/// One setting that differs between what a run was trained with and what its `config.yaml` says now.
public struct ConfigurationChange: Equatable, Sendable, CustomStringConvertible {
  /// The key.
  public var key: String
  /// The value the checkpoint was trained with (nil: the key was not set).
  public var saved: JSONValue?
  /// The value config.yaml gives now (nil: the key was removed).
  public var current: JSONValue?

  public var description: String {
    "\(key): \(saved?.serialized() ?? "(not set)") -> \(current?.serialized() ?? "(not set)")"
  }
}

extension ExperimentRunner {
  /// The settings that differ between the configuration each seed's checkpoints (latest, previous and final) were
  /// written with and the configuration this runner would resume them with (config.yaml as it is now); empty
  /// when config.yaml was not edited. The `grid` key is not compared (it records the sweep, which the settings'
  /// own keys already show). Checkpoints that cannot be read are skipped (resuming reports them).
  public func configurationChanges() -> [ConfigurationChange] {
    var changes: [String: ConfigurationChange] = [:]
    for setting in settings {
      let current = setting.configuration.json.objectValue ?? [:]
      for seed in setting.plan.seeds {
        let parent =
          setting.label.isEmpty ? folder.path : folder.path + "/" + RunFolder.folderName(forSetting: setting.label)
        let seedFolder = RunFolder.SeedFolder(seed: Int(seed), setting: setting.label, path: parent + "/seed-\(seed)")
        for path in [seedFolder.latestCheckpointPath, seedFolder.previousCheckpointPath, seedFolder.checkpointPath]
        where FileManager.default.fileExists(atPath: path) {
          guard let checkpoint = try? Checkpoint(contentsOf: path),
            let saved = checkpoint.metadata["configuration"]?.objectValue
          else { continue }
          for key in Set(saved.keys).union(current.keys) where key != "grid" && saved[key] != current[key] {
            changes[key] = changes[key] ?? ConfigurationChange(key: key, saved: saved[key], current: current[key])
          }
        }
      }
    }
    return changes.keys.sorted().map { changes[$0]! }
  }
}
