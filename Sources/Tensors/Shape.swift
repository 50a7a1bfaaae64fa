// MARK: - Shapes

/// The shape of a ``Tensor``: up to eight dimensions stored inline, so that making a tensor allocates only its data.
public struct Shape: Sendable, Hashable, RandomAccessCollection, ExpressibleByArrayLiteral, CustomStringConvertible {
  /// The largest rank a tensor may have.
  public static let maxRank = 8

  @usableFromInline var dims: SIMD8<Int>
  public let count: Int

  /// A shape from its dimensions; every dimension must be non-negative.
  @inlinable public init(_ dimensions: [Int]) {
    precondition(
      dimensions.count <= Shape.maxRank, "a tensor has at most \(Shape.maxRank) dimensions, got \(dimensions)")
    precondition(dimensions.allSatisfy { $0 >= 0 }, "tensor dimensions must be non-negative, got \(dimensions)")
    var dims = SIMD8<Int>(repeating: 1)
    for (i, d) in dimensions.enumerated() { dims[i] = d }
    self.dims = dims
    self.count = dimensions.count
  }

  @inlinable public init(arrayLiteral elements: Int...) { self.init(elements) }

  /// A vector's shape, built without an intermediate array (hot paths make one per operation).
  @inlinable init(vector length: Int) {
    precondition(length >= 0, "tensor dimensions must be non-negative, got [\(length)]")
    var dims = SIMD8<Int>(repeating: 1)
    dims[0] = length
    self.dims = dims
    self.count = 1
  }

  /// A matrix's shape, built without an intermediate array.
  @inlinable init(rows: Int, columns: Int) {
    precondition(rows >= 0 && columns >= 0, "tensor dimensions must be non-negative, got [\(rows), \(columns)]")
    var dims = SIMD8<Int>(repeating: 1)
    dims[0] = rows
    dims[1] = columns
    self.dims = dims
    self.count = 2
  }

  /// The shape of a scalar.
  public static let scalar = Shape([])

  @inlinable public var startIndex: Int { 0 }
  @inlinable public var endIndex: Int { count }

  @inlinable public subscript(position: Int) -> Int {
    get {
      precondition(position >= 0 && position < count, "axis \(position) is out of range for shape \(self)")
      return dims[position]
    }
    set {
      precondition(position >= 0 && position < count, "axis \(position) is out of range for shape \(self)")
      dims[position] = newValue
    }
  }

  /// The number of elements a tensor of this shape holds.
  @inlinable public var elementCount: Int {
    var n = 1
    for i in 0..<count { n &*= dims[i] }
    return n
  }

  /// The dimensions as an array.
  public var array: [Int] { Array(self) }

  /// Row-major strides, in elements.
  @inlinable public var strides: [Int] {
    var result = [Int](repeating: 1, count: count)
    var step = 1
    for i in Swift.stride(from: count - 1, through: 0, by: -1) {
      result[i] = step
      step *= dims[i]
    }
    return result
  }

  /// Resolves a possibly negative axis (-1 is the last) to its index, trapping with a message when out of range.
  @inlinable public func axis(_ axis: Int) -> Int {
    let resolved = axis < 0 ? axis + count : axis
    precondition(resolved >= 0 && resolved < count, "axis \(axis) is out of range for a tensor of shape \(self)")
    return resolved
  }

  public static func == (lhs: Shape, rhs: Shape) -> Bool {
    guard lhs.count == rhs.count else { return false }
    for i in 0..<lhs.count where lhs.dims[i] != rhs.dims[i] { return false }
    return true
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(count)
    for i in 0..<count { hasher.combine(dims[i]) }
  }

  public var description: String { "[" + map(String.init).joined(separator: ", ") + "]" }

  /// The shape two shapes broadcast to under numpy's rules, or nil when they do not broadcast.
  public static func broadcast(_ a: Shape, _ b: Shape) -> Shape? {
    if a == b { return a }
    let rank = Swift.max(a.count, b.count)
    var result = Shape.scalar
    result.dims = SIMD8<Int>(repeating: 1)
    for i in 0..<rank {
      let da = i < rank - a.count ? 1 : a.dims[i - (rank - a.count)]
      let db = i < rank - b.count ? 1 : b.dims[i - (rank - b.count)]
      if da == db || db == 1 {
        result.dims[i] = da
      } else if da == 1 {
        result.dims[i] = db
      } else {
        return nil
      }
    }
    return Shape(dims: result.dims, count: rank)
  }

  /// A shape from its dimension vector (unused lanes 1) and rank, without an intermediate array.
  @inlinable init(dims: SIMD8<Int>, count: Int) {
    self.dims = dims
    self.count = count
  }
}
