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
