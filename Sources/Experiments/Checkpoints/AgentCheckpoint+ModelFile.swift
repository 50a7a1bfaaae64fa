import Foundation
import PolicyGradient

// MARK: - Model files a checkpoint refers to
//
// A checkpoint of a MuJoCo run with a custom model (`env_kwargs.xml_file`) names that file. Opening whatever path a
// checkpoint names would let a checkpoint read any file (and an MJCF `<include>` further ones), so the model is
// looked up next to the checkpoint instead: training copies it into each seed folder, `rein eval` and `rein record`
// find it there by its file name, and a user who wants another file passes it explicitly (`--xml-file`).

extension AgentCheckpoint {
  /// The environment arguments of the checkpoint at `path`, with its model file (`xml_file`) resolved: `modelFile`
  /// when given, else the file of that name in the checkpoint's folder, which must exist and refer to no file
  /// outside its folder.
  ///
  /// - Parameters:
  ///   - checkpoint: The checkpoint read.
  ///   - path: Where it was read from; its folder is searched for the model file.
  ///   - modelFile: A model file to use instead (`--xml-file`); nil looks next to the checkpoint.
  /// - Throws: ``ExperimentError/incompatibleCheckpoint(_:)`` when `xml_file` is not a file name or is missing next to
  ///   the checkpoint or refers outside its folder.
  public static func environmentArguments(
    of checkpoint: Checkpoint, at path: String, modelFile: String? = nil
  ) throws -> EnvironmentArguments {
    var arguments = try environmentArguments(of: checkpoint)
    if let modelFile {
      arguments["xml_file"] = .string(modelFile)
      return arguments
    }
    guard let named = arguments["xml_file"] else { return arguments }
    guard case .string(let name) = named, !name.isEmpty else {
      throw ExperimentError.incompatibleCheckpoint("its env_kwargs.xml_file is not a file name")
    }
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let local = folder + "/" + URL(fileURLWithPath: name).lastPathComponent
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: local, isDirectory: &isDirectory), !isDirectory.boolValue,
      let text = FileManager.default.contents(atPath: local)
    else {
      throw ExperimentError.incompatibleCheckpoint(
        "it was trained on the model file '\(name)', which is not in the checkpoint's folder (\(local)); copy the "
          + "model there, or pass the model file explicitly with --xml-file PATH")
    }
    if let reference = outsideReference(in: String(decoding: text, as: UTF8.self)) {
      throw ExperimentError.incompatibleCheckpoint(
        "its model file \(local) refers to '\(reference)', outside its folder; pass the model file explicitly with "
          + "--xml-file PATH if you trust it")
    }
    arguments["xml_file"] = .string(local)
    return arguments
  }

  /// The first file or folder an MJCF document refers to (`file=`, `meshdir=`, `texturedir=`, `assetdir=`) that is
  /// absolute or climbs out of the model's folder (`..`), or nil.
  static func outsideReference(in document: String) -> String? {
    for attribute in ["file", "meshdir", "texturedir", "assetdir"] {
      for quote in ["\"", "'"] {
        let parts = document.components(separatedBy: attribute + "=" + quote).dropFirst()
        for part in parts {
          guard let end = part.firstIndex(of: Character(quote)) else { continue }
          let value = String(part[..<end])
          if value.hasPrefix("/") || value.hasPrefix("~") || value.split(separator: "/").contains("..") {
            return value
          }
        }
      }
    }
    return nil
  }

  /// Copies the model file of `arguments` (`xml_file`), if any, into `folder`, so the checkpoints written there
  /// can be evaluated without the original path.
  static func copyModelFile(of arguments: EnvironmentArguments, into folder: String) throws {
    guard case .string(let path)? = arguments["xml_file"] else { return }
    let destination = folder + "/" + URL(fileURLWithPath: path).lastPathComponent
    guard URL(fileURLWithPath: path).standardizedFileURL != URL(fileURLWithPath: destination).standardizedFileURL,
      let data = FileManager.default.contents(atPath: path)
    else { return }
    do {
      try AtomicFile.write([UInt8](data), to: destination)
    } catch let error as FileWriteError {
      throw RunFolderError.unwritable(path: destination, reason: error.reason)
    }
  }
}

// MARK: - The configuration a checkpoint was trained with

extension AgentCheckpoint {
  /// The run configuration stored in `checkpoint`'s metadata (`configuration`), as `rein train --continue` starts
  /// from it.
  ///
  /// - Parameter checkpoint: A checkpoint written by training.
  /// - Throws: ``ExperimentError/incompatibleCheckpoint(_:)`` when it holds no configuration or one with a value that
  ///   is not a number, Boolean, text or list of them.
  public static func configuration(of checkpoint: Checkpoint) throws -> RunConfiguration {
    guard case .object(let members)? = checkpoint.metadata["configuration"] else {
      throw ExperimentError.incompatibleCheckpoint(
        "it holds no configuration (it was not written by `rein train` or `rein run`), so training cannot continue "
          + "from it; write a preset with its settings and continue_from: PATH, and run it with `rein run`")
    }
    func value(_ json: JSONValue, key: String) throws -> ConfigValue {
      switch json {
      case .int(let i): return .int(i)
      case .double(let d): return .double(d)
      case .bool(let b): return .bool(b)
      case .string(let s): return .string(s)
      case .array(let items): return .list(try items.map { try value($0, key: key) })
      default: throw ExperimentError.incompatibleCheckpoint("its configuration's '\(key)' cannot be read")
      }
    }
    var values: [String: ConfigValue] = [:]
    for (key, json) in members { values[key] = try value(json, key: key) }
    return RunConfiguration(values)
  }
}
