import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - One writer per run folder

/// An exclusive lock on a run folder, so that two runs never write into the same folder at once.
///
/// The lock is `flock(2)` on `RUN/.rein-lock`, which also records who holds it (process id, host, start time,
/// command line) for the message a second writer gets. The kernel releases it when the holder exits, however it
/// exits (a kill -9 included), so a lock file left by a process that is no longer running is stale and simply
/// taken over; the file itself stays (removing it would let two writers lock two different files).
public final class RunFolderLock: Sendable {
  /// The lock file's name inside the run folder.
  public static let fileName = ".rein-lock"

  /// The run folder.
  public let folder: String
  private let descriptor: Int32

  /// Whether several holders may share the lock (the cells of one run share the run folder's lock and each holds
  /// its own cell folder's exclusively; a whole run holds the run folder's exclusively).
  public let shared: Bool

  /// Takes the lock on `folder` (which must exist), or throws ``RunFolderError/locked(path:holder:)`` naming the
  /// process that holds it. A `shared` lock coexists with other shared holders and excludes an exclusive one; it
  /// records no holder. `fileName` names another lock file in the folder (one per job, such as collecting).
  ///
  /// - Parameters:
  ///   - folder: The run folder; it must exist.
  ///   - shared: Whether other shared holders may hold it at the same time.
  ///   - fileName: The lock file's name in the folder.
  public init(folder: String, shared: Bool = false, fileName: String = RunFolderLock.fileName) throws {
    self.folder = folder
    self.shared = shared
    let path = folder + "/" + fileName
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw RunFolderError.unwritable(path: path, reason: String(cString: strerror(errno)))
    }
    guard flock(descriptor, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
      // The holder writes its record right after it takes the lock; a second writer that arrives in between reads
      // an empty file, so it waits for the record a little (at most 0.1 s) before naming "another process".
      var holder = RunFolderLock.contents(of: descriptor)
      for _ in 0..<100 where holder.isEmpty {
        usleep(1000)
        holder = RunFolderLock.contents(of: descriptor)
      }
      close(descriptor)
      throw RunFolderError.locked(
        path: folder,
        holder: holder.isEmpty ? "another process, or cells of a run started with --cell (see `rein status`)" : holder)
    }
    self.descriptor = descriptor
    guard !shared else { return }
    let host = ProcessInfo.processInfo.hostName
    let started = ISO8601DateFormatter().string(from: Date())
    let command = CommandLine.arguments.joined(separator: " ")
    let record = Array("pid \(getpid()) on \(host) since \(started): \(command)\n".utf8)
    _ = ftruncate(descriptor, 0)
    _ = record.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
  }

  deinit {
    if !shared { _ = ftruncate(descriptor, 0) }
    _ = flock(descriptor, LOCK_UN)
    close(descriptor)
  }

  /// The record of the process holding `folder`'s lock exclusively (or "held" when it holds no record), or nil when
  /// nobody holds it; nothing is created.
  ///
  /// - Parameters:
  ///   - folder: The run or cell folder.
  ///   - fileName: The lock file's name in it.
  /// - Returns: The holder's record, "held", or nil.
  public static func holder(of folder: String, fileName: String = RunFolderLock.fileName) -> String? {
    let descriptor = open(folder + "/" + fileName, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    guard flock(descriptor, LOCK_SH | LOCK_NB) != 0 else {
      _ = flock(descriptor, LOCK_UN)
      return nil
    }
    let record = contents(of: descriptor)
    return record.isEmpty ? "held" : record
  }

  private static func contents(of descriptor: Int32) -> String {
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
    guard count > 0 else { return "" }
    return String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

// MARK: - Claiming a run folder

extension RunFolder {
  /// What to do with a run folder that already holds files.
  public enum Reuse: Sendable {
    /// Refuse it (the default: a run never silently replaces another).
    case refuse
    /// Remove what it holds first (`--overwrite`); only a folder that holds a run is emptied.
    case overwrite
    /// Continue the run in it (`--resume`).
    case resume
  }

  /// Creates the folder at `path` if needed and takes its lock for this process's lifetime (or until the lock is
  /// released); a folder that already holds files is refused, emptied or kept as `reuse` says. Stale temporaries of
  /// interrupted writes are removed. Nothing else is written.
  ///
  /// - Parameters:
  ///   - path: The run folder, created with its parents when missing.
  ///   - reuse: What to do when it already holds files: refuse, empty it (only if it holds a run) or resume in it.
  /// - Returns: The lock, held until it is released or the process ends.
  /// - Throws: ``RunFolderError/locked(path:holder:)`` when another process holds it,
  ///   ``RunFolderError/notEmpty(path:entries:holdsRun:)`` when it holds files that `reuse` does not allow, and
  ///   ``RunFolderError/unwritable(path:reason:)``.
  public static func claim(_ path: String, reuse: Reuse) throws -> RunFolderLock {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    if manager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
      throw RunFolderError.unwritable(path: path, reason: "it is a file, not a folder")
    }
    try createDirectory(path)
    let lock = try RunFolderLock(folder: path)
    AtomicFile.removeStaleTemporaries(in: path)
    let entries = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).filter { $0 != RunFolderLock.fileName }
      .sorted()
    guard !entries.isEmpty, reuse != .resume else { return lock }
    let holdsRun = entries.contains { [configurationFileName, summaryFileName].contains($0) || $0.hasPrefix("seed-") }
    guard reuse == .overwrite, holdsRun else {
      throw RunFolderError.notEmpty(path: path, entries: entries, holdsRun: holdsRun)
    }
    for entry in entries {
      do {
        try manager.removeItem(atPath: path + "/" + entry)
      } catch {
        throw RunFolderError.unwritable(path: path + "/" + entry, reason: (error as NSError).localizedDescription)
      }
    }
    return lock
  }
}
