import Foundation

// MARK: - Random numbers

/// A fast, seedable generator (xoshiro256++ seeded through SplitMix64) whose state can be saved and restored.
///
/// Used for weight initialisation, action sampling and minibatch shuffling. Environments use the
/// numpy-compatible generator of the Gym module instead, so that they match Gymnasium.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable, Codable {
  // The four state words, and a second normal deviate kept from the last Box–Muller pair.
  private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
  private var spareNormal: Double?

  /// A generator whose whole stream is determined by `seed`.
  public init(seed: UInt64) {
    var x = seed
    func splitMix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitMix()
    s1 = splitMix()
    s2 = splitMix()
    s3 = splitMix()
  }

  /// The next 64 random bits.
  @inlinable public mutating func next() -> UInt64 { nextWord() }

  @usableFromInline mutating func nextWord() -> UInt64 {
    let result = ((s0 &+ s3) << 23 | (s0 &+ s3) >> 41) &+ s0
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << 45) | (s3 >> 19)
    return result
  }

  /// A uniform `Double` in [0, 1) with 53 random bits.
  public mutating func nextDouble() -> Double { Double(nextWord() >> 11) * 0x1.0p-53 }

  /// A uniform `Float` in [0, 1) with 24 random bits.
  public mutating func nextFloat() -> Float { Float(nextWord() >> 40) * 0x1.0p-24 }

  /// A standard normal deviate (Box–Muller; the second deviate of each pair is kept for the next call).
  public mutating func nextNormal() -> Double {
    if let spare = spareNormal {
      spareNormal = nil
      return spare
    }
    var u1 = nextDouble()
    while u1 <= 0 { u1 = nextDouble() }
    let u2 = nextDouble()
    let radius = (-2 * Foundation.log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    spareNormal = radius * Foundation.sin(angle)
    return radius * Foundation.cos(angle)
  }

  /// A uniform integer in `0 ..< upperBound`.
  public mutating func nextInt(below upperBound: Int) -> Int { Int.random(in: 0..<upperBound, using: &self) }

  /// The exact state, for checkpoints: four words, then a flag and the bits of a pending normal deviate.
  public var snapshot: [UInt64] {
    [s0, s1, s2, s3, spareNormal == nil ? 0 : 1, spareNormal?.bitPattern ?? 0]
  }

  /// Restores a state taken with ``snapshot``; throws when the words are not one.
  public init(snapshot words: [UInt64]) throws {
    guard words.count == 6, words[4] <= 1, words[0] | words[1] | words[2] | words[3] != 0 else {
      throw TensorError.invalidGeneratorState(words.count)
    }
    s0 = words[0]
    s1 = words[1]
    s2 = words[2]
    s3 = words[3]
    spareNormal = words[4] == 1 ? Double(bitPattern: words[5]) : nil
  }

  /// Shuffles indices `0 ..< count` (Fisher–Yates).
  public mutating func permutation(_ count: Int) -> [Int] {
    var result = Array(0..<count)
    if count < 2 { return result }
    for i in stride(from: count - 1, to: 0, by: -1) {
      result.swapAt(i, nextInt(below: i + 1))
    }
    return result
  }
}

extension Tensor {
  /// Values drawn uniformly from [low, high).
  public static func uniform(
    _ shape: [Int], low: Float = 0, high: Float = 1, using generator: inout RandomGenerator
  ) -> Tensor {
    Tensor(shape: shape) { _ in low + (high - low) * generator.nextFloat() }
  }

  /// Values drawn from a normal distribution.
  public static func normal(
    _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, using generator: inout RandomGenerator
  ) -> Tensor {
    Tensor(shape: shape) { _ in mean + standardDeviation * Float(generator.nextNormal()) }
  }
}
