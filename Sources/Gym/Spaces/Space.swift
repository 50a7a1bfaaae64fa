// MARK: - Spaces

/// The element type of a ``BoxSpace``, as numpy's dtype.
public enum ScalarType: String, Sendable, Equatable, Hashable, Codable {
  case float32
  case float64
}

/// A (possibly unbounded) box in R^n, as Gymnasium's `Box`.
public struct BoxSpace: Sendable, Equatable, Hashable {
  public var low: [Double]
  public var high: [Double]
  public var shape: [Int]
  public var dtype: ScalarType

  /// A box with per-dimension bounds; bounds of a float32 box are rounded to float32 as Gymnasium does.
  public init(low: [Double], high: [Double], shape: [Int]? = nil, dtype: ScalarType = .float32) {
    precondition(low.count == high.count, "Box bounds differ in length: \(low.count) and \(high.count)")
    let shape = shape ?? [low.count]
    precondition(shape.reduce(1, *) == low.count, "Box shape \(shape) does not hold \(low.count) bounds")
    let round: (Double) -> Double = dtype == .float32 ? { Double(Float($0)) } : { $0 }
    self.low = low.map(round)
    self.high = high.map(round)
    self.shape = shape
    self.dtype = dtype
  }

  /// A box with the same bounds in every dimension.
  public init(low: Double, high: Double, shape: [Int], dtype: ScalarType = .float32) {
    let count = shape.reduce(1, *)
    self.init(
      low: [Double](repeating: low, count: count), high: [Double](repeating: high, count: count), shape: shape,
      dtype: dtype)
  }

  /// The number of scalars in one element.
  public var count: Int { low.count }
}

/// The integers `start ..< start + n`, as Gymnasium's `Discrete`.
public struct DiscreteSpace: Sendable, Equatable, Hashable {
  public var n: Int
  public var start: Int

  public init(_ n: Int, start: Int = 0) {
    precondition(n > 0, "a Discrete space needs n > 0, got \(n)")
    self.n = n
    self.start = start
  }
}

/// A space, as Gymnasium's: the simple ones and the composites.
public indirect enum Space: Sendable, Equatable, Hashable {
  case box(BoxSpace)
  case discrete(DiscreteSpace)
  /// One discrete value per entry, entry i in `0 ..< nvec[i]`.
  case multiDiscrete(nvec: [Int])
  /// `n` binary values.
  case multiBinary(n: Int)
  case tuple([Space])
  /// Named subspaces, kept in the order given (Gymnasium sorts keys when given a plain dict).
  case dict([(key: String, space: Space)])

  /// The number of values in the flat form of one element (a `Discrete` element is one value).
  public var flatCount: Int {
    switch self {
    case .box(let box): return box.count
    case .discrete: return 1
    case .multiDiscrete(let nvec): return nvec.count
    case .multiBinary(let n): return n
    case .tuple(let spaces): return spaces.reduce(0) { $0 + $1.flatCount }
    case .dict(let entries): return entries.reduce(0) { $0 + $1.space.flatCount }
    }
  }

  public static func == (lhs: Space, rhs: Space) -> Bool {
    switch (lhs, rhs) {
    case (.box(let a), .box(let b)): return a == b
    case (.discrete(let a), .discrete(let b)): return a == b
    case (.multiDiscrete(let a), .multiDiscrete(let b)): return a == b
    case (.multiBinary(let a), .multiBinary(let b)): return a == b
    case (.tuple(let a), .tuple(let b)): return a == b
    case (.dict(let a), .dict(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.space == $1.space }
    default: return false
    }
  }

  public func hash(into hasher: inout Hasher) {
    switch self {
    case .box(let b): hasher.combine(0); hasher.combine(b)
    case .discrete(let d): hasher.combine(1); hasher.combine(d)
    case .multiDiscrete(let n): hasher.combine(2); hasher.combine(n)
    case .multiBinary(let n): hasher.combine(3); hasher.combine(n)
    case .tuple(let s): hasher.combine(4); hasher.combine(s)
    case .dict(let e):
      hasher.combine(5)
      for entry in e {
        hasher.combine(entry.key)
        hasher.combine(entry.space)
      }
    }
  }
}
