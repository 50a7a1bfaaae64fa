import Foundation

// MARK: - Student's t distribution

/// Student's t distribution: the cumulative distribution and its quantiles, for confidence intervals over few seeds.
///
/// The CDF comes from the regularised incomplete beta function (continued fraction, Numerical Recipes 6.4);
/// quantiles invert it by bisection to full double precision.
public enum StudentT {
  /// P(T <= t) for T with `degreesOfFreedom` (> 0) degrees of freedom.
  ///
  /// - Parameters:
  ///   - t: The point; ±infinity give 1 and 0, NaN gives NaN.
  ///   - degreesOfFreedom: ν, positive (NaN otherwise); need not be a whole number.
  public static func cumulativeProbability(_ t: Double, degreesOfFreedom: Double) -> Double {
    guard degreesOfFreedom > 0, !t.isNaN else { return .nan }
    if t.isInfinite { return t > 0 ? 1 : 0 }
    let x = degreesOfFreedom / (degreesOfFreedom + t * t)
    let tail = 0.5 * regularizedIncompleteBeta(x, a: degreesOfFreedom / 2, b: 0.5)
    return t > 0 ? 1 - tail : tail
  }

  /// The `probability` quantile (0 < probability < 1): the t with P(T <= t) = probability.
  ///
  /// - Parameters:
  ///   - probability: The probability, in (0, 1); 0 and 1 give -infinity and infinity, anything else outside gives NaN.
  ///   - degreesOfFreedom: ν, positive (NaN otherwise).
  public static func quantile(_ probability: Double, degreesOfFreedom: Double) -> Double {
    guard degreesOfFreedom > 0, probability > 0, probability < 1 else {
      if probability == 0 { return -.infinity }
      if probability == 1 { return .infinity }
      return .nan
    }
    if probability == 0.5 { return 0 }
    if probability < 0.5 { return -quantile(1 - probability, degreesOfFreedom: degreesOfFreedom) }
    var low = 0.0
    var high = 1.0
    while cumulativeProbability(high, degreesOfFreedom: degreesOfFreedom) < probability {
      low = high
      high *= 2
      if high > 1e300 { return .infinity }
    }
    for _ in 0..<200 {
      let middle = (low + high) / 2
      if middle == low || middle == high { break }
      if cumulativeProbability(middle, degreesOfFreedom: degreesOfFreedom) < probability {
        low = middle
      } else {
        high = middle
      }
    }
    return (low + high) / 2
  }

  // MARK: - Incomplete beta

  /// I_x(a, b), the regularised incomplete beta function.
  static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
    let logPowers: Double = a * log(x) + b * log(1 - x)
    let logFront = logPowers - logBeta
    let front = exp(logFront)
    if x < (a + 1) / (a + b + 2) { return front * betaContinuedFraction(x, a: a, b: b) / a }
    return 1 - front * betaContinuedFraction(1 - x, a: b, b: a) / b
  }

  /// The continued fraction of the incomplete beta function, evaluated with the modified Lentz method.
  private static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
    let tiny = 1e-300
    let epsilon = 1e-16
    var c = 1.0
    var d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var result = d
    for m in 1...10_000 {
      let m = Double(m)
      let twoM: Double = 2 * m
      let evenNumerator: Double = m * (b - m) * x / ((a + twoM - 1) * (a + twoM))
      d = 1 + evenNumerator * d
      if abs(d) < tiny { d = tiny }
      c = 1 + evenNumerator / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      result *= d * c
      let oddNumerator: Double = -(a + m) * (a + b + m) * x / ((a + twoM) * (a + twoM + 1))
      d = 1 + oddNumerator * d
      if abs(d) < tiny { d = tiny }
      c = 1 + oddNumerator / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      result *= delta
      if abs(delta - 1) < epsilon { break }
    }
    return result
  }
}
