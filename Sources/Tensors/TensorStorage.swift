import CKernels

// MARK: - Storage

/// The heap buffer behind a ``Tensor``. Tensors share it until one of them is mutated (copy on write).
///
/// Buffers come from CKernels' pool, which recycles large ones instead of returning their pages to the system
/// after every layer.
@usableFromInline final class TensorStorage: @unchecked Sendable {
  @usableFromInline let pointer: UnsafeMutablePointer<Float>
  @usableFromInline let count: Int
  /// The buffer's size in bytes, as the pool handed it out.
  let capacity: Int

  @usableFromInline init(uninitializedCount count: Int) {
    self.count = count
    var capacity = 0
    let raw = rein_buffer_allocate(Swift.max(count, 1) * MemoryLayout<Float>.stride, &capacity)!
    self.pointer = raw.bindMemory(to: Float.self, capacity: Swift.max(count, 1))
    self.capacity = capacity
  }

  @inlinable convenience init(repeating value: Float, count: Int) {
    self.init(uninitializedCount: count)
    pointer.initialize(repeating: value, count: count)
  }

  @inlinable func copy() -> TensorStorage {
    let result = TensorStorage(uninitializedCount: count)
    result.pointer.update(from: pointer, count: count)
    return result
  }

  deinit { rein_buffer_release(pointer, capacity) }
}
