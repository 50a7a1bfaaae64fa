// MARK: - Sample statistics

/// Summary statistics of a sample, e.g. one metric over several seeds.
public struct SampleSummary: Equatable, Sendable {
  /// Number of values.
  public var count: Int
  /// Arithmetic mean (NaN for an empty sample).
  public var mean: Double
  /// Sample standard deviation with Bessel's correction (n - 1); NaN for fewer than two values.
  public var standardDeviation: Double
  /// Standard error of the mean, `standardDeviation / sqrt(count)`.
  public var standardError: Double
  /// Half the width of the confidence interval of the mean (`t * standardError`); NaN for fewer than two values.
  public var confidenceHalfWidth: Double
  /// The confidence level the half width was computed for, e.g. 0.95.
  public var confidenceLevel: Double

  /// Lower end of the confidence interval of the mean.
  public var lowerBound: Double { mean - confidenceHalfWidth }
  /// Upper end of the confidence interval of the mean.
  public var upperBound: Double { mean + confidenceHalfWidth }

  /// Summarises `values` with a Student-t confidence interval at `confidenceLevel` (0 < level < 1).
  ///
  /// - Parameters:
  ///   - values: The sample; an empty one gives NaN for every statistic.
  ///   - confidenceLevel: The level of the interval, strictly between 0 and 1.
  public init(_ values: [Double], confidenceLevel: Double = 0.95) {
    count = values.count
    mean = Statistics.mean(values)
    standardDeviation = Statistics.standardDeviation(values)
    standardError = Statistics.standardError(values)
    self.confidenceLevel = confidenceLevel
    confidenceHalfWidth =
      count >= 2
      ? StudentT.quantile(0.5 + confidenceLevel / 2, degreesOfFreedom: Double(count - 1)) * standardError : .nan
  }
}

/// Mean, standard deviation, standard error and confidence intervals of samples.
public enum Statistics {
  /// The arithmetic mean; NaN for an empty sample.
  ///
  /// - Parameter values: The sample.
  public static func mean(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    // Two-pass: a first mean, then a correction term, for accuracy with large offsets.
    let first = values.reduce(0, +) / Double(values.count)
    let correction = values.reduce(0) { $0 + ($1 - first) } / Double(values.count)
    return first + correction
  }

  /// The standard deviation with `deltaDegreesOfFreedom` subtracted from n in the divisor (1: the unbiased sample
  /// variance, as numpy's `ddof=1`); NaN when n <= deltaDegreesOfFreedom.
  ///
  /// - Parameters:
  ///   - values: The sample.
  ///   - deltaDegreesOfFreedom: Subtracted from the count in the divisor: 1 for the sample, 0 for the population
  ///     standard deviation.
  public static func standardDeviation(_ values: [Double], deltaDegreesOfFreedom: Int = 1) -> Double {
    guard values.count > deltaDegreesOfFreedom else { return .nan }
    let average = mean(values)
    let squares = values.reduce(0) { $0 + ($1 - average) * ($1 - average) }
    return (squares / Double(values.count - deltaDegreesOfFreedom)).squareRoot()
  }

  /// The standard error of the mean (sample standard deviation over sqrt(n)); NaN for fewer than two values.
  ///
  /// - Parameter values: The sample.
  public static func standardError(_ values: [Double]) -> Double {
    standardDeviation(values) / Double(values.count).squareRoot()
  }

  /// The half width of the confidence interval of the mean at `level`, from Student's t with n - 1 degrees of
  /// freedom; NaN for fewer than two values.
  ///
  /// - Parameters:
  ///   - values: The sample.
  ///   - level: The confidence level, strictly between 0 and 1.
  public static func confidenceHalfWidth(_ values: [Double], level: Double = 0.95) -> Double {
    SampleSummary(values, confidenceLevel: level).confidenceHalfWidth
  }
}
