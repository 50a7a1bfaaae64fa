// MARK: - Flattening, as gymnasium.spaces.utils

extension Space {
  /// Gymnasium's `flatdim`: the length of `flatten`'s output (one-hot for discrete spaces).
  public var flattenedCount: Int {
    switch self {
    case .box(let box): return box.count
    case .discrete(let discrete): return discrete.n
    case .multiDiscrete(let nvec): return nvec.reduce(0, +)
    case .multiBinary(let n): return n
    case .tuple(let spaces): return spaces.reduce(0) { $0 + $1.flattenedCount }
    case .dict(let entries): return entries.reduce(0) { $0 + $1.space.flattenedCount }
    }
  }

  /// Gymnasium's `flatten_space`: the `Box` that flattened elements belong to.
  public var flattened: BoxSpace {
    switch self {
    case .box(let box):
      return BoxSpace(low: box.low, high: box.high, dtype: box.dtype)
    case .discrete, .multiDiscrete, .multiBinary:
      return BoxSpace(low: 0, high: 1, shape: [flattenedCount], dtype: .float32)
    case .tuple, .dict:
      let parts: [BoxSpace] =
        if case .tuple(let spaces) = self { spaces.map(\.flattened) } else {
          dictEntries.map(\.space.flattened)
        }
      let dtype: ScalarType = parts.contains { $0.dtype == .float64 } ? .float64 : .float32
      return BoxSpace(low: parts.flatMap(\.low), high: parts.flatMap(\.high), dtype: dtype)
    }
  }

  private var dictEntries: [(key: String, space: Space)] {
    if case .dict(let entries) = self { return entries }
    return []
  }

  /// Gymnasium's `flatten`: an element in flat form (as environments exchange them) to the flattened vector,
  /// with discrete values one-hot encoded.
  public func flatten(_ values: [Double]) -> [Double] {
    precondition(values.count == flatCount, "flatten: \(values.count) values for a space of \(flatCount)")
    var output: [Double] = []
    output.reserveCapacity(flattenedCount)
    var offset = 0
    append(values, &offset, to: &output)
    return output
  }

  private func append(_ values: [Double], _ offset: inout Int, to output: inout [Double]) {
    switch self {
    case .box(let box):
      output += values[offset..<offset + box.count]
      offset += box.count
    case .discrete(let discrete):
      let index = Int(values[offset]) - discrete.start
      output += (0..<discrete.n).map { $0 == index ? 1 : 0 }
      offset += 1
    case .multiDiscrete(let nvec):
      for n in nvec {
        let index = Int(values[offset])
        output += (0..<n).map { $0 == index ? 1 : 0 }
        offset += 1
      }
    case .multiBinary(let n):
      output += values[offset..<offset + n]
      offset += n
    case .tuple(let spaces):
      for space in spaces { space.append(values, &offset, to: &output) }
    case .dict(let entries):
      for entry in entries { entry.space.append(values, &offset, to: &output) }
    }
  }

  /// Gymnasium's `unflatten`: the inverse of ``flatten(_:)`` (a one-hot block becomes the index of its largest
  /// entry).
  public func unflatten(_ flattened: [Double]) -> [Double] {
    precondition(
      flattened.count == flattenedCount, "unflatten: \(flattened.count) values for a flattened \(flattenedCount)")
    var output: [Double] = []
    output.reserveCapacity(flatCount)
    var offset = 0
    take(flattened, &offset, to: &output)
    return output
  }

  private func take(_ flattened: [Double], _ offset: inout Int, to output: inout [Double]) {
    func argmax(_ n: Int) -> Int {
      var best = 0
      for k in 1..<max(n, 1) where flattened[offset + k] > flattened[offset + best] { best = k }
      return best
    }
    switch self {
    case .box(let box):
      output += flattened[offset..<offset + box.count]
      offset += box.count
    case .discrete(let discrete):
      output.append(Double(discrete.start + argmax(discrete.n)))
      offset += discrete.n
    case .multiDiscrete(let nvec):
      for n in nvec {
        output.append(Double(argmax(n)))
        offset += n
      }
    case .multiBinary(let n):
      output += flattened[offset..<offset + n]
      offset += n
    case .tuple(let spaces):
      for space in spaces { space.take(flattened, &offset, to: &output) }
    case .dict(let entries):
      for entry in entries { entry.space.take(flattened, &offset, to: &output) }
    }
  }
}
