// MARK: - Storage

/// The heap buffer behind a ``Tensor``. Tensors share it until one of them is mutated (copy on write).
@usableFromInline final class TensorStorage: @unchecked Sendable {
  @usableFromInline let pointer: UnsafeMutablePointer<Float>
  @usableFromInline let count: Int

  @inlinable init(uninitializedCount count: Int) {
    self.count = count
    self.pointer = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
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

  deinit { pointer.deallocate() }
}
