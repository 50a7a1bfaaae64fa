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
      let shape =
        box.shape.count == 1 ? "(\(box.shape[0]),)" : "(" + box.shape.map(String.init).joined(separator: ", ") + ")"
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
    let shape =
      box.shape.count == 1 ? "(\(box.shape[0]),)" : "(" + box.shape.map(String.init).joined(separator: ", ") + ")"
    return "Box(\(shape), \(box.dtype.rawValue), \(formatNumber(low))..\(formatNumber(high)))"
  }
}

/// A number as Gymnasium prints bounds: `inf`, `-inf`, or the shortest round-trip decimal.
private func formatNumber(_ value: Double) -> String {
  if value == .infinity { return "inf" }
  if value == -.infinity { return "-inf" }
  return "\(value)"
}
