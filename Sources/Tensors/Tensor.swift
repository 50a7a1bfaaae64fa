// MARK: - Tensor

/// A row-major n-dimensional array of `Float` with value semantics (copy on write).
///
/// Tensors take part in reverse-mode differentiation only inside ``valueAndGradient(at:_:)`` and its model
/// variant: there, operations on tracked tensors record how to differentiate themselves. Everywhere else an
/// operation checks one optional reference and does no bookkeeping at all.
public struct Tensor: @unchecked Sendable {
  /// The dimensions of the tensor.
  public let shape: Shape
  @usableFromInline var storage: TensorStorage
  /// The gradient-tape node that produced this tensor, when it is being differentiated.
  @usableFromInline var node: Node?

  @inlinable init(shape: Shape, storage: TensorStorage, node: Node? = nil) {
    precondition(
      storage.count == shape.elementCount,
      "a tensor of shape \(shape) needs \(shape.elementCount) values, got \(storage.count)")
    self.shape = shape
    self.storage = storage
    self.node = node
  }

  // MARK: - Making tensors

  /// A tensor holding `values` in row-major order with the given shape.
  public init(_ values: [Float], shape: [Int]) {
    let shape = Shape(shape)
    precondition(
      values.count == shape.elementCount,
      "a tensor of shape \(shape) needs \(shape.elementCount) values, got \(values.count)")
    let storage = TensorStorage.make(uninitializedCount: values.count)
    values.withUnsafeBufferPointer { storage.pointer.initialize(from: $0.baseAddress!, count: values.count) }
    self.init(shape: shape, storage: storage)
  }

  /// A vector holding `values`.
  public init(_ values: [Float]) { self.init(values, shape: [values.count]) }

  /// A tensor from `Double`s, rounded to `Float`.
  public init(doubles values: [Double], shape: [Int]) { self.init(values.map { Float($0) }, shape: shape) }

  /// A matrix from its rows; every row must have the same length.
  public init(_ rows: [[Float]]) {
    let columns = rows.first?.count ?? 0
    precondition(rows.allSatisfy { $0.count == columns }, "matrix rows differ in length")
    self.init(rows.flatMap { $0 }, shape: [rows.count, columns])
  }

  /// A scalar (rank-0) tensor.
  public init(_ value: Float) {
    self.init(shape: .scalar, storage: TensorStorage.make(repeating: value, count: 1))
  }

  /// A tensor of the given shape filled with `value`.
  public init(repeating value: Float, shape: [Int]) {
    let shape = Shape(shape)
    self.init(shape: shape, storage: TensorStorage.make(repeating: value, count: shape.elementCount))
  }

  /// A tensor of zeros.
  public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

  /// A tensor of ones.
  public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

  /// `[0, 1, ..., count - 1]` as floats.
  public static func arange(_ count: Int) -> Tensor { Tensor((0..<count).map { Float($0) }) }

  /// A tensor whose element at flat index `i` is `value(i)`.
  public init(shape: [Int], _ value: (Int) throws -> Float) rethrows {
    let shape = Shape(shape)
    let storage = TensorStorage.make(uninitializedCount: shape.elementCount)
    for i in 0..<shape.elementCount { (storage.pointer + i).initialize(to: try value(i)) }
    self.init(shape: shape, storage: storage)
  }

  // MARK: - Properties

  /// The number of dimensions.
  @inlinable public var rank: Int { shape.count }
  /// The number of elements.
  @inlinable public var count: Int { storage.count }
  /// The elements in row-major order.
  public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }
  /// The elements as `Double`s.
  public var doubles: [Double] { scalars.map { Double($0) } }

  /// The single value of a one-element tensor.
  public var item: Float {
    precondition(count == 1, "item needs a tensor with one element, got shape \(shape)")
    return storage.pointer[0]
  }

  /// The element at a full index.
  public subscript(indices: Int...) -> Float {
    get { storage.pointer[flatIndex(indices)] }
    set {
      let i = flatIndex(indices)
      withUnsafeMutableBufferPointer { $0[i] = newValue }
    }
  }

  @usableFromInline func flatIndex(_ indices: [Int]) -> Int {
    precondition(indices.count == rank, "index \(indices) does not match shape \(shape)")
    var flat = 0
    for (axis, i) in indices.enumerated() {
      precondition(i >= 0 && i < shape[axis], "index \(indices) is out of range for shape \(shape)")
      flat = flat * shape[axis] + i
    }
    return flat
  }

  /// True while the tensor is being differentiated.
  public var isTracked: Bool { node != nil }

  /// The same values, cut off from differentiation (gradients do not flow through the result).
  @inlinable public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

  // MARK: - Raw access

  /// Calls `body` with the elements.
  @inlinable public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
    try body(UnsafeBufferPointer(start: storage.pointer, count: count))
  }

  /// Calls `body` with the elements for in-place mutation, copying them first if they are shared.
  /// Mutating a tensor cuts it off from differentiation.
  @inlinable public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    node = nil
    return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
  }
}

// MARK: - Description

extension Tensor: CustomStringConvertible {
  public var description: String {
    func format(_ offset: Int, _ axis: Int) -> String {
      if axis == rank { return String(storage.pointer[offset]) }
      let stride = shape.strides[axis]
      let items = (0..<shape[axis]).map { format(offset + $0 * stride, axis + 1) }
      return "[" + items.joined(separator: ", ") + "]"
    }
    if count > 1000 { return "Tensor(shape: \(shape))" }
    return format(0, 0)
  }
}

extension Tensor: Equatable {
  /// Equal shapes and equal values (differentiation state is ignored).
  public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
    guard lhs.shape == rhs.shape else { return false }
    if lhs.storage === rhs.storage { return true }
    for i in 0..<lhs.count where lhs.storage.pointer[i] != rhs.storage.pointer[i] { return false }
    return true
  }
}
