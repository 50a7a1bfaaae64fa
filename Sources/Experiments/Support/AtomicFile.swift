import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Atomic file writes

/// Why a file could not be written.
public struct FileWriteError: Error, CustomStringConvertible, Equatable {
  /// The file that was being written.
  public var path: String
  /// The failing step and the system's reason.
  public var reason: String

  public var description: String {
    "could not write \(path): \(reason); check that the folder exists, is writable and the disk is not full"
  }
}

/// Writes files so that a crash or kill never leaves a half-written file behind.
///
/// The bytes go to a temporary file in the same folder, which is flushed to disk (`fsync`), renamed over the
/// destination (atomic on POSIX file systems), and then the folder itself is flushed so the rename is durable.
public enum AtomicFile {
  /// Atomically replaces the file at `path` with `bytes`; with `previousPath`, the file replaced is kept there
  /// (renamed, so `path` and `previousPath` always hold complete files: after a crash between the two renames
  /// `path` is missing and `previousPath` holds what it held).
  ///
  /// - Parameters:
  ///   - bytes: The file's new contents.
  ///   - path: The file replaced; its folder must exist.
  ///   - previousPath: Where the file replaced is kept (renamed); nil discards it.
  /// - Throws: ``FileWriteError`` naming the path and the system call that failed; the temporary is removed.
  public static func write(_ bytes: [UInt8], to path: String, keepingPreviousAt previousPath: String? = nil) throws {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    let temporary =
      folder + "/." + url.lastPathComponent + temporaryMarker + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else { throw FileWriteError(path: path, reason: "open: \(systemError())") }
    guard writeFully(descriptor, bytes) else {
      let reason = systemError()
      close(descriptor)
      unlink(temporary)
      throw FileWriteError(path: path, reason: "write: \(reason)")
    }
    guard fsync(descriptor) == 0 else {
      let reason = systemError()
      close(descriptor)
      unlink(temporary)
      throw FileWriteError(path: path, reason: "fsync: \(reason)")
    }
    close(descriptor)
    if let previousPath, access(path, F_OK) == 0, rename(path, previousPath) != 0 {
      let reason = systemError()
      unlink(temporary)
      throw FileWriteError(path: previousPath, reason: "rename: \(reason)")
    }
    guard rename(temporary, path) == 0 else {
      let reason = systemError()
      unlink(temporary)
      throw FileWriteError(path: path, reason: "rename: \(reason)")
    }
    let folderDescriptor = open(folder, O_RDONLY)
    if folderDescriptor >= 0 {
      _ = fsync(folderDescriptor)
      close(folderDescriptor)
    }
  }

  /// Atomically replaces the file at `path` with the UTF-8 bytes of `text`.
  ///
  /// - Parameters:
  ///   - text: The file's new contents.
  ///   - path: The file replaced; its folder must exist.
  /// - Throws: ``FileWriteError`` as ``write(_:to:keepingPreviousAt:)``.
  public static func write(_ text: String, to path: String) throws {
    try write(Array(text.utf8), to: path)
  }

  /// What the names of temporaries contain: `.NAME.tmp-PID-RANDOM` next to `NAME`.
  static let temporaryMarker = ".tmp-"

  /// Removes the temporaries in `folder` that writes of a process no longer running left behind (a kill during a
  /// write); temporaries of this process and of live ones are left alone. Returns the names removed.
  ///
  /// - Parameter folder: The folder searched (not its subfolders); a missing folder removes nothing.
  @discardableResult
  public static func removeStaleTemporaries(in folder: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    var removed: [String] = []
    for name in names.sorted() where name.hasPrefix(".") {
      guard let marker = name.range(of: temporaryMarker, options: .backwards) else { continue }
      let parts = name[marker.upperBound...].split(separator: "-")
      guard parts.count == 2, let pid = Int32(parts[0]), UInt32(parts[1]) != nil, pid > 0, pid != getpid() else {
        continue
      }
      guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
      if unlink(folder + "/" + name) == 0 { removed.append(name) }
    }
    return removed
  }

  private static func systemError() -> String { String(cString: strerror(errno)) }
}

/// Writes all of `bytes` to `descriptor`, writing again after a partial write or an interruption (`EINTR`).
///
/// - Parameters:
///   - descriptor: An open file descriptor.
///   - bytes: The bytes to write.
/// - Returns: True when every byte was written; false when a write failed, with `errno` saying why.
func writeFully(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
  var written = 0
  while written < bytes.count {
    let result = bytes.withUnsafeBytes { buffer in
      Glibc_write(descriptor, buffer.baseAddress! + written, bytes.count - written)
    }
    if result < 0 {
      if errno == EINTR { continue }
      return false
    }
    written += result
  }
  return true
}

/// The POSIX `write`, under a name that does not clash with Swift's `write` methods.
@inline(__always)
private func Glibc_write(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  #if canImport(Glibc)
    return Glibc.write(descriptor, buffer, count)
  #else
    return Darwin.write(descriptor, buffer, count)
  #endif
}
