// MARK: - Checkpoint errors

/// Why a checkpoint could not be written, read or used; each case says what is wrong and what to do.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
  /// The file could not be opened or read.
  case unreadable(path: String, reason: String)
  /// The file could not be written.
  case unwritable(path: String, reason: String)
  /// The file ends before the data its header announces.
  case truncated(expectedBytes: Int, actualBytes: Int)
  /// The header is not what a checkpoint header must be.
  case malformedHeader(reason: String)
  /// The file is a safetensors file but not a Rein checkpoint (or its format name was damaged).
  case notACheckpoint(formatName: String?)
  /// The file was written by a newer Rein with a format this version cannot read.
  case unsupportedFormatVersion(found: Int, supported: Int)
  /// The contents do not match the stored checksum: the file was damaged after it was written.
  case checksumMismatch(stored: String, computed: String)
  /// A tensor the caller needs is not in the checkpoint.
  case missingTensor(name: String, available: [String])
  /// A tensor has a different shape than the caller expects (e.g. another network architecture).
  case shapeMismatch(name: String, expected: [Int], found: [Int])
  /// A tensor has a different element type than the caller expects.
  case typeMismatch(name: String, expected: String, found: String)
  /// A tensor given for writing is inconsistent (element count does not match the shape, or a bad name).
  case invalidTensor(name: String, reason: String)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      "cannot read checkpoint \(path): \(reason); check the path"
    case .unwritable(let path, let reason):
      "cannot write checkpoint \(path): \(reason); check that the folder exists and is writable"
    case .truncated(let expected, let actual):
      "checkpoint is truncated: it has \(actual) bytes but its header describes \(expected); "
        + "the write was interrupted or the copy is incomplete, use an earlier checkpoint"
    case .malformedHeader(let reason):
      "checkpoint header is malformed (\(reason)); the file is damaged or not a checkpoint, use another file"
    case .notACheckpoint(let name):
      if let name {
        "file has format '\(name)', not a Rein checkpoint (\(Checkpoint.formatName)); pass a checkpoint Rein wrote"
      } else {
        "file is a safetensors file without Rein checkpoint metadata; pass a checkpoint Rein wrote"
      }
    case .unsupportedFormatVersion(let found, let supported):
      "checkpoint format version \(found) is newer than this Rein supports (\(supported)); upgrade Rein to read it"
    case .checksumMismatch(let stored, let computed):
      "checkpoint is corrupted: stored checksum \(stored) but the contents give \(computed); "
        + "the file was damaged after writing, use an earlier checkpoint"
    case .missingTensor(let name, let available):
      "checkpoint has no tensor '\(name)' (it has: \(available.sorted().joined(separator: ", "))); "
        + "it was written by another algorithm or version"
    case .shapeMismatch(let name, let expected, let found):
      "tensor '\(name)' has shape \(found) but \(expected) is expected; "
        + "the checkpoint comes from a different architecture, use matching settings"
    case .typeMismatch(let name, let expected, let found):
      "tensor '\(name)' holds \(found) values but \(expected) are expected; the checkpoint comes from another program"
    case .invalidTensor(let name, let reason):
      "cannot store tensor '\(name)': \(reason)"
    }
  }
}
