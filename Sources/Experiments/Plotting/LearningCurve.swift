import Graphics

// MARK: - Description

/// One point of a curve.
public struct CurvePoint: Equatable, Sendable {
  /// Horizontal position, e.g. environment steps or episodes.
  public var x: Double
  /// Vertical value, e.g. the mean return.
  public var y: Double

  /// Creates a point.
  ///
  /// - Parameters:
  ///   - x: The horizontal position (steps or episodes).
  ///   - y: The value (e.g. the mean return).
  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
}

/// One run to plot: a label and one series per seed (seeds may be sampled at different x values).
public struct LearningCurve: Sendable {
  /// The legend text.
  public var label: String
  /// Per seed, its points in increasing x (they are sorted when aggregated).
  public var seeds: [[CurvePoint]]
  /// The colour; nil picks the next colour of ``Color/categorical``.
  public var color: Color?

  /// Creates a run description.
  ///
  /// - Parameters:
  ///   - label: The legend text.
  ///   - seeds: One series of points per seed, in any order of x.
  ///   - color: The colour; nil takes the next colour of the palette.
  public init(label: String, seeds: [[CurvePoint]], color: Color? = nil) {
    self.label = label
    self.seeds = seeds
    self.color = color
  }
}

// MARK: - Aggregation

/// A run reduced to a mean line and a confidence band on a common x grid.
public struct AggregatedCurve: Sendable {
  /// The grid.
  public var x: [Double]
  /// The mean over the seeds covering each grid point.
  public var mean: [Double]
  /// Lower end of the confidence band, a bootstrap interval of the mean (NaN where fewer than two seeds cover the
  /// point).
  public var lower: [Double]
  /// Upper end of the confidence band (NaN where fewer than two seeds cover the point).
  public var upper: [Double]
  /// How many seeds cover each grid point.
  public var seedCount: [Int]
  /// The lowest seed value at each grid point (the seeds' envelope).
  public var minimum: [Double] = []
  /// The highest seed value at each grid point.
  public var maximum: [Double] = []
}

extension LearningCurve {
  /// The mean and its confidence band across seeds: at each grid point the percentile-bootstrap interval of the
  /// mean over the seeds covering it (``Bootstrap/meanInterval(_:level:resamples:)``), which stays within the
  /// seeds' values.
  ///
  /// Each seed is first smoothed with a trailing moving average of `smoothingWindow` points (1: none), then
  /// interpolated linearly onto a common grid: the seeds' own x values when all seeds share them and there are at
  /// most `maximumGridPoints`, else `maximumGridPoints` evenly spaced values over the union of the seeds' ranges.
  /// A seed contributes only inside its own x range (no extrapolation), so the band narrows to the mean line where
  /// only one seed remains.
  ///
  /// - Parameters:
  ///   - smoothingWindow: The points of each seed's trailing moving average; 1 (or less) smooths nothing.
  ///   - maximumGridPoints: The most grid points; more shared x values, or x values that differ between seeds, give an
  ///     even grid of this many.
  ///   - confidenceLevel: The level of the band, strictly between 0 and 1.
  public func aggregated(
    smoothingWindow: Int = 1, maximumGridPoints: Int = 400, confidenceLevel: Double = 0.95
  )
    -> AggregatedCurve
  {
    let prepared: [[CurvePoint]] = seeds.map { points in
      let sorted = points.filter { $0.x.isFinite && $0.y.isFinite }.sorted { $0.x < $1.x }
      return LearningCurve.trailingMean(sorted, window: max(smoothingWindow, 1))
    }.filter { !$0.isEmpty }
    guard !prepared.isEmpty else { return AggregatedCurve(x: [], mean: [], lower: [], upper: [], seedCount: []) }

    let grid: [Double]
    let firstXs = prepared[0].map(\.x)
    if prepared.allSatisfy({ $0.map(\.x) == firstXs }) && firstXs.count <= maximumGridPoints {
      grid = firstXs
    } else {
      let low = prepared.map { $0.first!.x }.min()!
      let high = prepared.map { $0.last!.x }.max()!
      let count = max(maximumGridPoints, 2)
      grid = high > low ? (0..<count).map { low + (high - low) * Double($0) / Double(count - 1) } : [low]
    }
    var result = AggregatedCurve(x: grid, mean: [], lower: [], upper: [], seedCount: [])
    let values = prepared.map { LearningCurve.interpolate($0, at: grid) }
    for index in grid.indices {
      let column = values.compactMap { $0[index] }
      let interval = Bootstrap.meanInterval(column, level: confidenceLevel)
      result.mean.append(Statistics.mean(column))
      result.lower.append(interval?.lower ?? .nan)
      result.upper.append(interval?.upper ?? .nan)
      result.seedCount.append(column.count)
      result.minimum.append(column.min() ?? .nan)
      result.maximum.append(column.max() ?? .nan)
    }
    return result
  }

  /// Trailing moving average over `window` points (shorter at the start).
  static func trailingMean(_ points: [CurvePoint], window: Int) -> [CurvePoint] {
    guard window > 1 else { return points }
    var output: [CurvePoint] = []
    output.reserveCapacity(points.count)
    var sum = 0.0
    for (index, point) in points.enumerated() {
      sum += point.y
      if index >= window { sum -= points[index - window].y }
      output.append(CurvePoint(x: point.x, y: sum / Double(min(index + 1, window))))
    }
    return output
  }

  /// Linear interpolation of sorted points at each grid value; nil outside the points' x range.
  static func interpolate(_ points: [CurvePoint], at grid: [Double]) -> [Double?] {
    var result: [Double?] = []
    result.reserveCapacity(grid.count)
    var cursor = 0
    let tolerance = 1e-9 * max(abs(points.first!.x), abs(points.last!.x), 1)
    for x in grid {
      if x < points.first!.x - tolerance || x > points.last!.x + tolerance {
        result.append(nil)
        continue
      }
      while cursor + 1 < points.count && points[cursor + 1].x <= x { cursor += 1 }
      let a = points[cursor]
      if cursor + 1 >= points.count || a.x >= x {
        result.append(a.y)
        continue
      }
      let b = points[cursor + 1]
      let t = b.x > a.x ? (x - a.x) / (b.x - a.x) : 0
      result.append(a.y + t * (b.y - a.y))
    }
    return result
  }
}
