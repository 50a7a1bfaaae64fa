// MARK: - numpy's SeedSequence

/// numpy's `SeedSequence`: turns user entropy (a seed) into well-mixed state words for a bit generator.
///
/// This reproduces `np.random.SeedSequence(entropy)` with no spawn key and the default pool of four 32-bit words,
/// so that `SeedSequence(seed: s).generateState(wordCount: 4)` equals
/// `np.random.SeedSequence(s).generate_state(4, np.uint64)` (as pairs of little-endian 32-bit words).
/// The mixing is the hash-based construction of Melissa O'Neill's `seed_seq_fe`, as numpy uses it.
public struct SeedSequence: Sendable, Equatable {
  // MARK: Constants of the hash (numpy's `bit_generator.pyx`)

  static let poolSize = 4
  static let initA: UInt32 = 0x43b0_d7e5
  static let multA: UInt32 = 0x931e_8875
  static let initB: UInt32 = 0x8b51_f9dd
  static let multB: UInt32 = 0x58f3_8ded
  static let mixMultL: UInt32 = 0xca01_f9dd
  static let mixMultR: UInt32 = 0x4973_f715
  static let xShift: UInt32 = 16

  /// The entropy as 32-bit words, least significant first (as numpy coerces an integer).
  public let entropy: [UInt32]
  /// The mixed pool.
  public private(set) var pool: [UInt32]

  /// The sequence for an integer seed, as `np.random.SeedSequence(seed)`.
  public init(seed: UInt64) {
    self.init(entropy: SeedSequence.words(of: seed))
  }

  /// The sequence for entropy given as 32-bit words, least significant first.
  public init(entropy: [UInt32]) {
    self.entropy = entropy.isEmpty ? [0] : entropy
    self.pool = [UInt32](repeating: 0, count: SeedSequence.poolSize)
    mixEntropy()
  }

  /// A sequence from 128 bits of system entropy, as `np.random.SeedSequence()`.
  public static func fromEntropy() -> SeedSequence {
    var system = SystemRandomNumberGenerator()
    let high = system.next() as UInt64
    let low = system.next() as UInt64
    // numpy draws a 128-bit integer and drops its leading zero words.
    var words = SeedSequence.words(of: low)
    if high != 0 {
      if words.count == 1 { words.append(0) }
      words += SeedSequence.words(of: high)
    }
    return SeedSequence(entropy: words)
  }

  /// The little-endian 32-bit words of `value` without leading zero words (`[0]` for zero), as numpy's
  /// `_int_to_uint32_array`.
  static func words(of value: UInt64) -> [UInt32] {
    let low = UInt32(truncatingIfNeeded: value)
    let high = UInt32(truncatingIfNeeded: value >> 32)
    return high == 0 ? [low] : [low, high]
  }

  // MARK: - Mixing

  private mutating func mixEntropy() {
    var hashConstant = SeedSequence.initA
    func hashMix(_ value: UInt32) -> UInt32 {
      var value = value ^ hashConstant
      hashConstant = hashConstant &* SeedSequence.multA
      value = value &* hashConstant
      value ^= value >> SeedSequence.xShift
      return value
    }
    func mix(_ x: UInt32, _ y: UInt32) -> UInt32 {
      var result = SeedSequence.mixMultL &* x &- SeedSequence.mixMultR &* y
      result ^= result >> SeedSequence.xShift
      return result
    }
    let n = SeedSequence.poolSize
    for i in 0..<n {
      pool[i] = hashMix(i < entropy.count ? entropy[i] : 0)
    }
    for source in 0..<n {
      for destination in 0..<n where source != destination {
        pool[destination] = mix(pool[destination], hashMix(pool[source]))
      }
    }
    if entropy.count > n {
      for source in n..<entropy.count {
        for destination in 0..<n {
          pool[destination] = mix(pool[destination], hashMix(entropy[source]))
        }
      }
    }
  }

  // MARK: - Output

  /// `wordCount` 32-bit state words, as `generate_state(wordCount, np.uint32)`.
  public func generateState(wordCount: Int) -> [UInt32] {
    var hashConstant = SeedSequence.initB
    var state = [UInt32](repeating: 0, count: wordCount)
    for i in 0..<wordCount {
      var value = pool[i % SeedSequence.poolSize]
      value ^= hashConstant
      hashConstant = hashConstant &* SeedSequence.multB
      value = value &* hashConstant
      value ^= value >> SeedSequence.xShift
      state[i] = value
    }
    return state
  }

  /// `count` 64-bit state words, as `generate_state(count, np.uint64)` (pairs of 32-bit words, low word first).
  public func generateState64(count: Int) -> [UInt64] {
    let words = generateState(wordCount: 2 * count)
    return (0..<count).map { UInt64(words[2 * $0]) | UInt64(words[2 * $0 + 1]) << 32 }
  }
}
