// MARK: - numpy's Generator over PCG64

/// A random generator that reproduces numpy's `Generator(PCG64(SeedSequence(seed)))` to the bit.
///
/// Gymnasium seeds every environment with `gymnasium.utils.seeding.np_random(seed)`, which is exactly this
/// construction; using the same bit generator and the same sampling algorithms lets a Rein environment start
/// and continue exactly as its Gymnasium counterpart does. The bit generator is PCG64 (XSL-RR output over a
/// 128-bit LCG, not PCG64DXSM), including numpy's buffered upper half-word for 32-bit draws.
///
/// Environments follow Gymnasium's bookkeeping:
/// ```swift
/// var random = NumpyGenerator.fromEntropy()
/// func reset(seed: UInt64?, ...) { if let seed { random = NumpyGenerator(seed: seed) } ... }
/// ```
public struct NumpyGenerator: Sendable, Equatable {
  // MARK: PCG64 constants

  /// PCG's default 128-bit LCG multiplier (`PCG_DEFAULT_MULTIPLIER_128`).
  static let multiplier = UInt128(2_549_297_995_355_413_924) << 64 | UInt128(4_865_540_595_714_422_341)

  // MARK: State

  /// The LCG state.
  var lcgState: UInt128
  /// The LCG increment (always odd).
  var increment: UInt128
  /// Whether `bufferedUInt32` holds the upper half of the last 64-bit output, still unused.
  var hasUInt32: Bool
  /// numpy's `uinteger`: the buffered upper half-word.
  var bufferedUInt32: UInt32

  // MARK: - Creation

  /// The generator `np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))`, which is what
  /// `gymnasium.utils.seeding.np_random(seed)` returns.
  public init(seed: UInt64) {
    self.init(seedSequence: SeedSequence(seed: seed))
  }

  /// The generator PCG64 builds from a seed sequence: 256 bits of state, the first 128 for the state and the
  /// last 128 for the increment.
  public init(seedSequence: SeedSequence) {
    let words = seedSequence.generateState64(count: 4)
    let initialState = UInt128(words[0]) << 64 | UInt128(words[1])
    let sequence = UInt128(words[2]) << 64 | UInt128(words[3])
    lcgState = 0
    increment = sequence << 1 | 1
    hasUInt32 = false
    bufferedUInt32 = 0
    advanceState()
    lcgState = lcgState &+ initialState
    advanceState()
  }

  /// A generator seeded from system entropy, as `np_random(None)`.
  public static func fromEntropy() -> NumpyGenerator {
    NumpyGenerator(seedSequence: .fromEntropy())
  }

  // MARK: - Raw bits

  @inline(__always)
  mutating func advanceState() {
    lcgState = lcgState &* NumpyGenerator.multiplier &+ increment
  }

  /// The next 64 random bits (numpy's `next_uint64`; it leaves the 32-bit buffer alone).
  @inline(__always)
  public mutating func nextUInt64() -> UInt64 {
    advanceState()
    let high = UInt64(truncatingIfNeeded: lcgState >> 64)
    let low = UInt64(truncatingIfNeeded: lcgState)
    let rotation = Int(truncatingIfNeeded: lcgState >> 122)
    let folded = high ^ low
    return folded >> UInt64(rotation) | folded << UInt64((64 - rotation) & 63)
  }

  /// The next 32 random bits: the low half of a fresh 64-bit output, then its buffered high half (numpy's
  /// `next_uint32`).
  @inline(__always)
  public mutating func nextUInt32() -> UInt32 {
    if hasUInt32 {
      hasUInt32 = false
      return bufferedUInt32
    }
    let next = nextUInt64()
    hasUInt32 = true
    bufferedUInt32 = UInt32(truncatingIfNeeded: next >> 32)
    return UInt32(truncatingIfNeeded: next)
  }

  /// A double in [0, 1) with 53 random bits (numpy's `next_double`, `Generator.random()`).
  @inline(__always)
  public mutating func random() -> Double {
    Double(nextUInt64() >> 11) * (1.0 / 9_007_199_254_740_992.0)
  }

  // MARK: - Saving and restoring

  /// The complete state, including the buffered half-word; assigning it restores the stream exactly.
  public var state: NumpyGeneratorState {
    get {
      NumpyGeneratorState(
        stateHigh: UInt64(truncatingIfNeeded: lcgState >> 64), stateLow: UInt64(truncatingIfNeeded: lcgState),
        incrementHigh: UInt64(truncatingIfNeeded: increment >> 64),
        incrementLow: UInt64(truncatingIfNeeded: increment), hasUInt32: hasUInt32, bufferedUInt32: bufferedUInt32)
    }
    set {
      lcgState = UInt128(newValue.stateHigh) << 64 | UInt128(newValue.stateLow)
      increment = UInt128(newValue.incrementHigh) << 64 | UInt128(newValue.incrementLow)
      hasUInt32 = newValue.hasUInt32
      bufferedUInt32 = newValue.bufferedUInt32
    }
  }
}

// MARK: - State

/// The saved state of a ``NumpyGenerator``, field for field numpy's `PCG64().state`
/// (`state.state`, `state.inc`, `has_uint32`, `uinteger`), with each 128-bit number split into halves.
///
/// It encodes the 64-bit halves as hexadecimal strings so that JSON round trips are exact.
public struct NumpyGeneratorState: Sendable, Equatable, Hashable, Codable {
  public var stateHigh: UInt64
  public var stateLow: UInt64
  public var incrementHigh: UInt64
  public var incrementLow: UInt64
  public var hasUInt32: Bool
  public var bufferedUInt32: UInt32

  public init(
    stateHigh: UInt64, stateLow: UInt64, incrementHigh: UInt64, incrementLow: UInt64, hasUInt32: Bool,
    bufferedUInt32: UInt32
  ) {
    self.stateHigh = stateHigh
    self.stateLow = stateLow
    self.incrementHigh = incrementHigh
    self.incrementLow = incrementLow
    self.hasUInt32 = hasUInt32
    self.bufferedUInt32 = bufferedUInt32
  }

  enum CodingKeys: String, CodingKey {
    case state, increment, hasUInt32 = "has_uint32", bufferedUInt32 = "uinteger"
  }

  /// The two halves of a 128-bit number as 32 hexadecimal digits.
  private static func hex(_ high: UInt64, _ low: UInt64) -> String {
    func pad(_ v: UInt64) -> String {
      let s = String(v, radix: 16)
      return String(repeating: "0", count: 16 - s.count) + s
    }
    return "0x" + pad(high) + pad(low)
  }

  private static func halves(
    _ text: String, key: CodingKeys, in container: KeyedDecodingContainer<CodingKeys>
  )
    throws -> (UInt64, UInt64)
  {
    var digits = Substring(text)
    if digits.hasPrefix("0x") { digits = digits.dropFirst(2) }
    guard !digits.isEmpty, digits.count <= 32, digits.allSatisfy(\.isHexDigit) else {
      throw DecodingError.dataCorruptedError(
        forKey: key, in: container, debugDescription: "expected up to 32 hexadecimal digits, got '\(text)'")
    }
    let padded = String(repeating: "0", count: 32 - digits.count) + digits
    return (UInt64(padded.prefix(16), radix: 16)!, UInt64(padded.suffix(16), radix: 16)!)
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    (stateHigh, stateLow) = try Self.halves(
      container.decode(String.self, forKey: .state), key: .state, in: container)
    (incrementHigh, incrementLow) = try Self.halves(
      container.decode(String.self, forKey: .increment), key: .increment, in: container)
    guard incrementLow & 1 == 1 else {
      throw DecodingError.dataCorruptedError(
        forKey: .increment, in: container, debugDescription: "a PCG64 increment must be odd")
    }
    hasUInt32 = try container.decode(Bool.self, forKey: .hasUInt32)
    bufferedUInt32 = try container.decode(UInt32.self, forKey: .bufferedUInt32)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(Self.hex(stateHigh, stateLow), forKey: .state)
    try container.encode(Self.hex(incrementHigh, incrementLow), forKey: .increment)
    try container.encode(hasUInt32, forKey: .hasUInt32)
    try container.encode(bufferedUInt32, forKey: .bufferedUInt32)
  }
}
