import CKernels
import Foundation

// MARK: - Storage

/// What happens when the values of a tensor cannot be allocated.
///
/// Tensor arithmetic does not throw, so a failed allocation cannot surface as an error where it happens. Training
/// code therefore checks sizes before it allocates (the experiment runner's memory estimate refuses a configuration
/// that cannot fit, with the figure); an allocation that fails anyway ends the process with this message on
/// standard error and exit status 71 (EX_OSERR), never with a trap or an abort and its core dump.
public enum TensorAllocationFailure {
  /// The exit status after a failed allocation.
  public static let exitStatus: Int32 = 71

  /// The message for a tensor of `valueCount` values that could not be allocated.
  /// - Parameter valueCount: the number of Float values asked for.
  public static func message(valueCount: Int) -> String {
    let bytes = Double(valueCount) * Double(MemoryLayout<Float>.stride)
    let gigabytes = (bytes / 1e9 * 10).rounded(.up) / 10
    return "out of memory: a tensor of \(valueCount) values (\(gigabytes) GB) could not be allocated; use smaller "
      + "sizes (policy widths, environments, rollout or batch) or allow the process more memory"
  }

  /// Writes the message to standard error and exits.
  @usableFromInline static func stop(valueCount: Int) -> Never {
    let line = Array(("rein: " + message(valueCount: valueCount) + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(exitStatus)
  }
}

/// Where a storage's values live, and how many there are.
@usableFromInline struct StorageHeader {
  /// The first value: the storage's own tail for small tensors, a pooled buffer for large ones.
  @usableFromInline let pointer: UnsafeMutablePointer<Float>
  @usableFromInline let count: Int
  /// The pooled buffer's size in bytes, or 0 when the values are stored in the object itself.
  let pooledCapacity: Int
}

/// The heap buffer behind a ``Tensor``. Tensors share it until one of them is mutated (copy on write). It is not
/// Sendable itself (ManagedBuffer is not); ``Tensor`` is, because shared storage is never mutated.
///
/// Small tensors keep their values in the same allocation as the object (one malloc per tensor instead of two);
/// large ones take a buffer from CKernels' pool, which recycles them instead of returning their pages to the
/// system after every layer.
@usableFromInline final class TensorStorage: ManagedBuffer<StorageHeader, Float> {
  /// Tensors up to this many values (64 KiB, the pool's threshold) are stored inline.
  @usableFromInline static let inlineLimit = 16_384

  // The header is read through its pointer: ManagedBuffer's `header` property is a class's stored `var`, whose every
  // access pays for a run-time exclusivity check. The header never changes after creation.
  @inlinable var pointer: UnsafeMutablePointer<Float> { withUnsafeMutablePointerToHeader { $0.pointee.pointer } }
  @inlinable var count: Int { withUnsafeMutablePointerToHeader { $0.pointee.count } }

  /// Storage for `count` values, uninitialised.
  @usableFromInline static func make(uninitializedCount count: Int) -> TensorStorage {
    if count <= inlineLimit {
      let object = create(minimumCapacity: Swift.max(count, 1)) { buffer in
        StorageHeader(pointer: buffer.withUnsafeMutablePointerToElements { $0 }, count: count, pooledCapacity: 0)
      }
      return unsafeDowncast(object, to: TensorStorage.self)
    }
    var capacity = 0
    let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
    guard !overflow, let raw = rein_buffer_allocate(bytes, &capacity) else {
      TensorAllocationFailure.stop(valueCount: count)
    }
    let pointer = raw.bindMemory(to: Float.self, capacity: count)
    let object = create(minimumCapacity: 0) { _ in
      StorageHeader(pointer: pointer, count: count, pooledCapacity: capacity)
    }
    return unsafeDowncast(object, to: TensorStorage.self)
  }

  /// Storage for `count` copies of `value`.
  @inlinable static func make(repeating value: Float, count: Int) -> TensorStorage {
    let storage = make(uninitializedCount: count)
    storage.pointer.initialize(repeating: value, count: count)
    return storage
  }

  @inlinable func copy() -> TensorStorage {
    let result = TensorStorage.make(uninitializedCount: count)
    result.pointer.update(from: pointer, count: count)
    return result
  }

  deinit {
    let (pointer, pooledCapacity) = withUnsafeMutablePointerToHeader { ($0.pointee.pointer, $0.pointee.pooledCapacity) }
    if pooledCapacity > 0 { rein_buffer_release(pointer, pooledCapacity) }
  }
}
