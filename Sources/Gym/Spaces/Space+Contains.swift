// MARK: - Membership

extension Space {
  /// True when `values` (an element in flat form) belongs to the space, as Gymnasium's `space.contains(x)`:
  /// the right number of values, each within its bounds, integers where the space is discrete, and
  /// representable in the `Box`'s dtype (a float32 box holds only values that are exactly float32).
  public func contains(_ values: [Double]) -> Bool {
    values.withUnsafeBufferPointer { contains($0) }
  }

  /// `contains` for a buffer.
  public func contains(_ values: UnsafeBufferPointer<Double>) -> Bool {
    guard values.count == flatCount else { return false }
    switch self {
    case .box(let box):
      for index in 0..<values.count {
        let value = values[index]
        // NaN fails both comparisons, as in numpy.
        guard value >= box.low[index], value <= box.high[index] else { return false }
        if box.dtype == .float32, !value.isInfinite, Double(Float(value)) != value { return false }
      }
      return true
    case .discrete(let discrete):
      let value = values[0]
      return isInteger(value) && value >= Double(discrete.start) && value < Double(discrete.start + discrete.n)
    case .multiDiscrete(let nvec):
      for (index, n) in nvec.enumerated() {
        let value = values[index]
        guard isInteger(value), value >= 0, value < Double(n) else { return false }
      }
      return true
    case .multiBinary:
      return values.allSatisfy { $0 == 0 || $0 == 1 }
    case .tuple(let spaces):
      var offset = 0
      for space in spaces {
        let count = space.flatCount
        guard space.contains(UnsafeBufferPointer(rebasing: values[offset..<offset + count])) else { return false }
        offset += count
      }
      return true
    case .dict(let entries):
      var offset = 0
      for entry in entries {
        let count = entry.space.flatCount
        guard entry.space.contains(UnsafeBufferPointer(rebasing: values[offset..<offset + count])) else {
          return false
        }
        offset += count
      }
      return true
    }
  }

  private func isInteger(_ value: Double) -> Bool {
    value.isFinite && value.rounded(.towardZero) == value
  }
}

// MARK: - Descriptions

extension Space: CustomStringConvertible {
  /// Gymnasium's notation, such as `Box(-1.0, 1.0, (3,), float32)` or `Discrete(2)`.
  public var description: String {
    switch self {
    case .box(let box):
      func bound(_ values: [Double]) -> String {
        if let first = values.first, values.allSatisfy({ $0 == first }) { return formatNumber(first) }
        return "[" + values.map(formatNumber).joined(separator: ", ") + "]"
      }
      let shape = box.shape.count == 1 ? "(\(box.shape[0]),)" : "(" + box.shape.map(String.init).joined(separator: ", ") + ")"
      return "Box(\(bound(box.low)), \(bound(box.high)), \(shape), \(box.dtype.rawValue))"
    case .discrete(let discrete):
      return discrete.start == 0 ? "Discrete(\(discrete.n))" : "Discrete(\(discrete.n), start=\(discrete.start))"
    case .multiDiscrete(let nvec):
      return "MultiDiscrete([" + nvec.map(String.init).joined(separator: ", ") + "])"
    case .multiBinary(let n):
      return "MultiBinary(\(n))"
    case .tuple(let spaces):
      return "Tuple(" + spaces.map(\.description).joined(separator: ", ") + ")"
    case .dict(let entries):
      return "Dict(" + entries.map { "'\($0.key)': \($0.space)" }.joined(separator: ", ") + ")"
    }
  }
}

extension Space {
  /// A one-line summary for tables: a `Box` with different bounds per dimension shows only its shape, dtype and
  /// overall range, such as `Box((24,), float32, -5.0..5.0)`.
  public var summary: String {
    guard case .box(let box) = self, let low = box.low.min(), let high = box.high.max(),
      box.low.contains(where: { $0 != low }) || box.high.contains(where: { $0 != high })
    else {
      if case .tuple(let spaces) = self { return "Tuple(" + spaces.map(\.summary).joined(separator: ", ") + ")" }
      return description
    }
    let shape = box.shape.count == 1 ? "(\(box.shape[0]),)" : "(" + box.shape.map(String.init).joined(separator: ", ") + ")"
    return "Box(\(shape), \(box.dtype.rawValue), \(formatNumber(low))..\(formatNumber(high)))"
  }
}

/// A number as Gymnasium prints bounds: `inf`, `-inf`, or the shortest round-trip decimal.
private func formatNumber(_ value: Double) -> String {
  if value == .infinity { return "inf" }
  if value == -.infinity { return "-inf" }
  return "\(value)"
}
