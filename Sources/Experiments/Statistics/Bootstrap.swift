import Gym

// MARK: - Bootstrap confidence intervals

/// Percentile-bootstrap confidence intervals of a mean across seeds, as seaborn and rliable draw them.
///
/// Unlike a Student-t interval, a percentile-bootstrap interval of the mean never leaves the range of the data (a
/// resampled mean lies between the smallest and largest value), so a band over three seeds cannot run past the
/// returns an environment can give. The resampling is deterministic: small samples (at most
/// ``exhaustiveLimit`` equally likely resamples) are enumerated exactly; larger ones are drawn from a generator
/// with a fixed seed, so the same values always give the same interval.
///
///     let interval = Bootstrap.meanInterval([1, 3, 5])  // 95%: (1.433, 4.567), exact over the 27 resamples
public enum Bootstrap {
  /// Monte-Carlo resamples drawn when the sample is too large to enumerate.
  public static let defaultResamples = 2000
  /// The generator seed of the Monte-Carlo resampling (fixed, for reproducible intervals).
  public static let generatorSeed: UInt64 = 0x5EED_B007
  /// The most resamples enumerated exactly (n^n for n values: n <= 5).
  public static let exhaustiveLimit = 3125

  /// A short description of the method, for plot captions and table headers.
  ///
  /// - Parameter level: The confidence level, shown as a percentage (0.95 gives `95%`).
  public static func methodDescription(level: Double = 0.95) -> String {
    "\(JSONValue.formatNumber(level * 100))% bootstrap CI of the mean"
  }

  /// The percentile-bootstrap interval of the mean of `values` at `level` (0 < level < 1); nil for fewer than two
  /// values (no spread can be estimated from one seed).
  ///
  /// - Parameters:
  ///   - values: The sample, e.g. one metric of each seed.
  ///   - level: The confidence level, strictly between 0 and 1 (0.95 for a 95% interval).
  ///   - resamples: The Monte-Carlo resamples drawn when the sample is too large to enumerate (at least 1 is drawn).
  /// - Returns: The lower and upper percentiles of the resampled means; nil for fewer than two values or a level
  ///   outside (0, 1).
  public static func meanInterval(
    _ values: [Double], level: Double = 0.95, resamples: Int = defaultResamples
  ) -> (lower: Double, upper: Double)? {
    meanOfGroupMeansInterval([values], level: level, resamples: resamples)
  }

  /// The interval of the mean of the group means, resampling within each group (a stratified bootstrap): e.g. a
  /// hyperparameter value's return averaged over the other hyperparameters' settings, each with its own seeds.
  /// Groups with no values are ignored; nil when no group has two or more values.
  ///
  /// - Parameters:
  ///   - groups: The groups, each its own sample (e.g. one setting's seeds); empty groups are ignored.
  ///   - level: The confidence level, strictly between 0 and 1 (0.95 for a 95% interval).
  ///   - resamples: The Monte-Carlo resamples drawn when the sample is too large to enumerate (at least 1 is drawn).
  /// - Returns: The lower and upper percentiles of the resampled means of group means; nil when no group has two values
  ///   or the level is outside (0, 1).
  public static func meanOfGroupMeansInterval(
    _ groups: [[Double]], level: Double = 0.95, resamples: Int = defaultResamples
  ) -> (lower: Double, upper: Double)? {
    let groups = groups.filter { !$0.isEmpty }
    guard !groups.isEmpty, groups.contains(where: { $0.count >= 2 }), level > 0, level < 1 else { return nil }
    var means: [Double]
    // The number of equally likely resamples: the product of n^n over the groups, if small enough.
    var total = 1
    for group in groups {
      var power = 1
      for _ in group {
        power = power.multipliedReportingOverflow(by: group.count).overflow ? Int.max : power * group.count
        if power > exhaustiveLimit { break }
      }
      total = power > exhaustiveLimit ? Int.max : total * power
      if total > exhaustiveLimit { break }
    }
    if total <= exhaustiveLimit {
      means = exhaustiveMeans(groups)
    } else {
      var generator = SplitMix64(seed: generatorSeed)
      means = []
      means.reserveCapacity(max(resamples, 1))
      for _ in 0..<max(resamples, 1) {
        var sum = 0.0
        for group in groups {
          var groupSum = 0.0
          for _ in group { groupSum += group[generator.next(below: group.count)] }
          sum += groupSum / Double(group.count)
        }
        means.append(sum / Double(groups.count))
      }
    }
    means.sort()
    let alpha = (1 - level) / 2
    return (quantile(sorted: means, alpha), quantile(sorted: means, 1 - alpha))
  }

  /// The `probability` quantile of sorted values with linear interpolation between order statistics (numpy's
  /// default, "type 7").
  ///
  /// - Parameters:
  ///   - values: The sample sorted ascending; empty gives NaN.
  ///   - probability: The quantile's probability, clamped to [0, 1].
  public static func quantile(sorted values: [Double], _ probability: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let position = min(max(probability, 0), 1) * Double(values.count - 1)
    let below = Int(position.rounded(.down))
    let above = min(below + 1, values.count - 1)
    let fraction = position - Double(below)
    return values[below] + fraction * (values[above] - values[below])
  }

  /// Every resample's mean of group means, each combination of draws once.
  private static func exhaustiveMeans(_ groups: [[Double]]) -> [Double] {
    // Per group, the means of all n^n ordered draws; then every combination across groups.
    var combined: [Double] = [0]
    for group in groups {
      var groupMeans: [Double] = [0]
      for _ in group {
        groupMeans = groupMeans.flatMap { partial in group.map { partial + $0 } }
      }
      let n = Double(group.count)
      combined = combined.flatMap { partial in groupMeans.map { partial + $0 / n } }
    }
    let count = Double(groups.count)
    return combined.map { $0 / count }
  }
}

// MARK: - Generator

/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast generator for the bootstrap's resampling.
struct SplitMix64 {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform integer in `0..<bound` (Lemire's multiply-shift with rejection).
  mutating func next(below bound: Int) -> Int {
    let bound = UInt64(bound)
    while true {
      let product = next().multipliedFullWidth(by: bound)
      if product.low >= (0 &- bound) % bound { return Int(product.high) }
    }
  }
}
