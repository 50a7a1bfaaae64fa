import Foundation

// MARK: - Sampling

extension Space {
  /// A random element in flat form, drawn from `random` as Gymnasium's `space.sample()` draws from the space's
  /// `np_random`.
  ///
  /// Seeding a generator with `NumpyGenerator(seed: s)` reproduces Gymnasium's `space.seed(s); space.sample()` to
  /// the bit for `Discrete`, `MultiDiscrete`, `MultiBinary` and `Box` spaces whose dimensions are all bounded or
  /// all unbounded. Differences: a half-bounded `Box` dimension draws its exponential by inversion
  /// (`-log(1 - U)`) rather than numpy's exponential ziggurat, and `Tuple`/`Dict` sample their subspaces in
  /// order from the one generator (Gymnasium gives each subspace its own generator).
  public func sample(using random: inout NumpyGenerator) -> [Double] {
    var values = [Double](repeating: 0, count: flatCount)
    values.withUnsafeMutableBufferPointer { sample(using: &random, into: $0) }
    return values
  }

  /// Writes a random element in flat form into `buffer` (of `flatCount` values).
  public func sample(using random: inout NumpyGenerator, into buffer: UnsafeMutableBufferPointer<Double>) {
    precondition(buffer.count == flatCount, "sample buffer holds \(buffer.count) values, the space \(flatCount)")
    switch self {
    case .box(let box):
      box.sample(using: &random, into: buffer)
    case .discrete(let discrete):
      buffer[0] = Double(discrete.start + random.integers(low: 0, high: discrete.n))
    case .multiDiscrete(let nvec):
      // numpy: (random(shape) * nvec).astype(int64)
      for (index, n) in nvec.enumerated() { buffer[index] = (random.random() * Double(n)).rounded(.towardZero) }
    case .multiBinary(let n):
      // numpy: integers(0, 2, size=n, dtype=int8): one byte per value from buffered 32-bit draws, keeping the
      // top bit of each byte (Lemire's method with a range of 2 never rejects).
      var word: UInt32 = 0
      for index in 0..<n {
        if index % 4 == 0 { word = random.nextUInt32() } else { word >>= 8 }
        buffer[index] = Double((word & 0xff) >> 7)
      }
    case .tuple(let spaces):
      var offset = 0
      for space in spaces {
        let count = space.flatCount
        space.sample(using: &random, into: UnsafeMutableBufferPointer(rebasing: buffer[offset..<offset + count]))
        offset += count
      }
    case .dict(let entries):
      var offset = 0
      for entry in entries {
        let count = entry.space.flatCount
        entry.space.sample(
          using: &random, into: UnsafeMutableBufferPointer(rebasing: buffer[offset..<offset + count]))
        offset += count
      }
    }
  }
}

extension BoxSpace {
  /// Gymnasium's `Box.sample`: normal draws for unbounded dimensions, shifted exponentials for half-bounded ones,
  /// then uniform draws for bounded ones, each group in index order, cast to the dtype.
  func sample(using random: inout NumpyGenerator, into buffer: UnsafeMutableBufferPointer<Double>) {
    let count = low.count
    for index in 0..<count where low[index] == -.infinity && high[index] == .infinity {
      buffer[index] = random.standardNormal()
    }
    for index in 0..<count where low[index] > -.infinity && high[index] == .infinity {
      buffer[index] = -log1p(-random.random()) + low[index]
    }
    for index in 0..<count where low[index] == -.infinity && high[index] < .infinity {
      buffer[index] = log1p(-random.random()) + high[index]
    }
    for index in 0..<count where low[index] > -.infinity && high[index] < .infinity {
      buffer[index] = random.uniform(low: low[index], high: high[index])
    }
    if dtype == .float32 {
      for index in 0..<count { buffer[index] = Double(Float(buffer[index])) }
    }
  }
}

// MARK: - Masked sampling

extension DiscreteSpace {
  /// A random value among those `mask` allows (`mask[i]` for the value `start + i`), as Gymnasium's
  /// `Discrete.sample(mask=...)`: uniform over the allowed values, `start` when none is allowed (drawing nothing).
  public func sample(using random: inout NumpyGenerator, mask: [Bool]) -> Int {
    precondition(mask.count == n, "the mask has \(mask.count) entries; the Discrete space has \(n) values")
    var allowed: [Int] = []
    for (index, isAllowed) in mask.enumerated() where isAllowed { allowed.append(index) }
    guard !allowed.isEmpty else { return start }
    // numpy's `choice` over the allowed indices: one `integers(0, count)` draw.
    return start + allowed[random.integers(low: 0, high: allowed.count)]
  }
}
