import Foundation

// MARK: - Axis ticks

/// Tick positions at "nice" numbers (1, 2 or 5 times a power of ten) and their labels.
public struct AxisTicks: Equatable, Sendable {
  /// Tick values in increasing order.
  public var values: [Double]
  /// The distance between ticks.
  public var step: Double

  /// Ticks covering `[low, high]` with about `targetCount` intervals; with `extendToTicks` the first and last tick
  /// lie at or beyond the ends (so an axis can be widened to them), else all ticks lie inside.
  ///
  /// - Parameters:
  ///   - low: The low end of the data's range.
  ///   - high: The high end; when it is not above `low`, both are moved apart by a tenth of `abs(low)` (or by 1).
  ///   - targetCount: About how many intervals the ticks divide the range into.
  ///   - extendToTicks: True to put the first and last tick at or beyond the ends, false to keep every tick inside.
  public init(low: Double, high: Double, targetCount: Int = 6, extendToTicks: Bool = false) {
    var low = low
    var high = high
    if !(high > low) {
      let pad = abs(low) > 0 ? abs(low) * 0.1 : 1
      low -= pad
      high += pad
    }
    let rawStep = (high - low) / Double(max(targetCount, 1))
    let magnitude = pow(10, (log10(rawStep)).rounded(.down))
    let fraction = rawStep / magnitude
    let niceFraction: Double = fraction < 1.5 ? 1 : (fraction < 3 ? 2 : (fraction < 7 ? 5 : 10))
    let step = niceFraction * magnitude
    let first = extendToTicks ? (low / step).rounded(.down) : (low / step - 1e-9).rounded(.up)
    let last = extendToTicks ? (high / step).rounded(.up) : (high / step + 1e-9).rounded(.down)
    // Multiples of the step, rounded to drop binary noise (0.30000000000000004 becomes 0.3).
    let scale = pow(10, max(0, -(log10(step)).rounded(.down) + 6))
    self.step = step
    self.values = stride(from: first, through: last, by: 1).map { ($0 * step * scale).rounded() / scale }
  }

  /// Tick labels: thousands as `k`, millions as `M` when the ticks are large, else just enough decimals.
  public func labels() -> [String] {
    let largest = values.map(abs).max() ?? 0
    let (divisor, suffix): (Double, String) =
      largest >= 1e6 ? (1e6, "M") : (largest >= 1e4 ? (1e3, "k") : (1, ""))
    let scaledStep = step / divisor
    let decimals = scaledStep >= 1 ? 0 : Int((-log10(scaledStep)).rounded(.up))
    return values.map { value in
      let scaled = value / divisor
      if scaled == 0 { return decimals == 0 ? "0" : "0." + String(repeating: "0", count: decimals) }
      return String(format: "%.\(decimals)f", scaled) + suffix
    }
  }
}
