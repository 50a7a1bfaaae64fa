import Foundation

// MARK: - Uniform

extension NumpyGenerator {
  /// A draw from [low, high), as `Generator.uniform(low, high)`: `low + (high - low) * random()`.
  @inline(__always)
  public mutating func uniform(low: Double, high: Double) -> Double {
    let range = high - low
    return low + range * random()
  }

  /// `count` draws from [low, high), as `Generator.uniform(low, high, size=count)`.
  public mutating func uniform(low: Double, high: Double, count: Int) -> [Double] {
    (0..<max(0, count)).map { _ in uniform(low: low, high: high) }
  }

  /// One draw per pair of bounds, in order, as `Generator.uniform(low_array, high_array)`.
  public mutating func uniform(low: [Double], high: [Double]) -> [Double] {
    precondition(low.count == high.count, "uniform: \(low.count) lower bounds but \(high.count) upper bounds")
    return (0..<low.count).map { uniform(low: low[$0], high: high[$0]) }
  }
}

// MARK: - Integers

extension NumpyGenerator {
  /// An integer in [low, high), as `Generator.integers(low, high)` with the default int64 dtype.
  ///
  /// numpy's algorithm: Lemire's multiply-and-reject on buffered 32-bit draws when the range fits in 32 bits,
  /// on 64-bit draws otherwise. `high` must exceed `low` (numpy raises `ValueError` otherwise).
  public mutating func integers(low: Int, high: Int) -> Int {
    precondition(low < high, "integers(low: \(low), high: \(high)): high must be greater than low")
    // numpy works with the inclusive range `high - 1 - low`, in unsigned arithmetic.
    let range = UInt64(bitPattern: Int64(high)) &- UInt64(bitPattern: Int64(low)) &- 1
    let offset = UInt64(bitPattern: Int64(low))
    return Int(Int64(bitPattern: offset &+ boundedUInt64(range)))
  }

  /// An integer in [0, high), as `Generator.integers(high)`.
  public mutating func integers(high: Int) -> Int {
    integers(low: 0, high: high)
  }

  /// A value in [0, range], as numpy's `random_bounded_uint64_fill` for one value with `use_masked=False`.
  mutating func boundedUInt64(_ range: UInt64) -> UInt64 {
    if range == 0 { return 0 }
    if range <= 0xFFFF_FFFF {
      if range == 0xFFFF_FFFF { return UInt64(nextUInt32()) }
      return UInt64(boundedLemireUInt32(UInt32(range)))
    }
    if range == .max { return nextUInt64() }
    return boundedLemireUInt64(range)
  }

  @inline(__always)
  mutating func boundedLemireUInt32(_ range: UInt32) -> UInt32 {
    let exclusive = range &+ 1
    var product = UInt64(nextUInt32()) &* UInt64(exclusive)
    var leftover = UInt32(truncatingIfNeeded: product)
    if leftover < exclusive {
      let threshold = (UInt32.max &- range) % exclusive
      while leftover < threshold {
        product = UInt64(nextUInt32()) &* UInt64(exclusive)
        leftover = UInt32(truncatingIfNeeded: product)
      }
    }
    return UInt32(truncatingIfNeeded: product >> 32)
  }

  mutating func boundedLemireUInt64(_ range: UInt64) -> UInt64 {
    let exclusive = range &+ 1
    var product = nextUInt64().multipliedFullWidth(by: exclusive)
    if product.low < exclusive {
      let threshold = (UInt64.max &- range) % exclusive
      while product.low < threshold {
        product = nextUInt64().multipliedFullWidth(by: exclusive)
      }
    }
    return product.high
  }
}

// MARK: - Normal

extension NumpyGenerator {
  /// A standard normal draw with numpy's 256-level ziggurat (`Generator.standard_normal()`).
  public mutating func standardNormal() -> Double {
    while true {
      var bits = nextUInt64()
      let index = Int(bits & 0xff)
      bits >>= 8
      let negative = bits & 1 == 1
      let magnitude = (bits >> 1) & 0x000f_ffff_ffff_ffff
      var x = Double(magnitude) * Ziggurat.w[index]
      if negative { x = -x }
      if magnitude < Ziggurat.k[index] { return x }  // the rectangle: about 99.3% of draws
      if index == 0 {
        // The tail beyond r, by Marsaglia's method (numpy uses 1 - U to avoid log(0)).
        while true {
          let xx = -Ziggurat.inverseR * log1p(-random())
          let yy = -log1p(-random())
          if yy + yy > xx * xx {
            return (magnitude >> 8) & 1 == 1 ? -(Ziggurat.r + xx) : Ziggurat.r + xx
          }
        }
      } else {
        // The wedge between two levels.
        let f = Ziggurat.f
        if (f[index - 1] - f[index]) * random() + f[index] < exp(-0.5 * x * x) { return x }
      }
    }
  }

  /// `count` standard normal draws, as `Generator.standard_normal(count)`.
  public mutating func standardNormal(count: Int) -> [Double] {
    (0..<max(0, count)).map { _ in standardNormal() }
  }

  /// A normal draw, as `Generator.normal(mean, std)`: `mean + std * standardNormal()`.
  public mutating func normal(mean: Double, std: Double) -> Double {
    mean + std * standardNormal()
  }
}
