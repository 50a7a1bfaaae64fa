// MARK: - Sweep axes

/// The swept keys of a sweep and their values, recovered from its setting labels (`clip_range=0.1,n_epochs=3`):
/// what the small multiples lay out and the sensitivity analysis averages over.
///
///     let axes = SweepAxes(settings: ["clip=0.1,epochs=3", "clip=0.1,epochs=10", "clip=0.2,epochs=3"])!
///     axes.keys             // ["clip", "epochs"]
///     axes.values           // [["0.1", "0.2"], ["3", "10"]]
///     axes.assignments[2]   // ["0.2", "3"]
///
/// Keys whose value is the same in every setting are dropped (nothing varies along them).
public struct SweepAxes: Equatable, Sendable {
  /// The keys that vary, in label order.
  public var keys: [String]
  /// Per key, its values in first-seen order (the grid's order for a grid sweep).
  public var values: [[String]]
  /// Per setting (in the order given), its value of each key.
  public var assignments: [[String]]

  /// Parses labels of `key=value` pairs joined by commas (commas inside brackets or parentheses stay in the
  /// value); nil when a label does not parse, the labels name different keys, or two settings are the same.
  ///
  /// - Parameter settings: The sweep's setting labels, one per setting, e.g. `clip_range=0.1,n_epochs=3`.
  public init?(settings: [String]) {
    guard !settings.isEmpty else { return nil }
    var allKeys: [String]?
    var rows: [[String]] = []
    for label in settings {
      var keys: [String] = []
      var row: [String] = []
      for pair in ParameterGrid.splitTopLevel(Substring(label)) {
        guard let equals = pair.firstIndex(of: "=") else { return nil }
        let key = pair[..<equals].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, !keys.contains(key) else { return nil }
        keys.append(key)
        row.append(pair[pair.index(after: equals)...].trimmingCharacters(in: .whitespaces))
      }
      if let known = allKeys, known != keys { return nil }
      allKeys = keys
      rows.append(row)
    }
    guard Set(rows).count == rows.count, let allKeys else { return nil }
    var varying: [Int] = []
    var values: [[String]] = []
    for column in allKeys.indices {
      var seen: [String] = []
      for row in rows where !seen.contains(row[column]) { seen.append(row[column]) }
      if seen.count > 1 {
        varying.append(column)
        values.append(seen)
      }
    }
    guard !varying.isEmpty else { return nil }
    self.keys = varying.map { allKeys[$0] }
    self.values = values
    self.assignments = rows.map { row in varying.map { row[$0] } }
  }

  /// The setting index with these values (one per key), if there is one.
  ///
  /// - Parameter values: One value per key of ``keys``, as written in the labels.
  public func setting(with values: [String]) -> Int? {
    assignments.firstIndex(of: values)
  }

  /// A short title for a setting naming only the given keys' values: `clip_range=0.2, n_epochs=10`.
  ///
  /// - Parameters:
  ///   - setting: The setting's index in the order given to ``init(settings:)``.
  ///   - shown: The indices into ``keys`` of the keys to name, in the order they are written.
  public func title(setting: Int, keys shown: [Int]) -> String {
    shown.map { "\(keys[$0])=\(assignments[setting][$0])" }.joined(separator: ", ")
  }
}

// MARK: - Sensitivity

/// The effect of each swept key on a metric: per value of the key, the metric averaged over the other keys'
/// settings and over the seeds, with a stratified bootstrap interval (seeds resampled within each setting).
public struct Sensitivity: Sendable {
  /// One value of one key.
  public struct Level: Sendable {
    /// The key's value, as written.
    public var value: String
    /// The mean over settings with that value of the per-setting seed means.
    public var mean: Double
    /// Lower end of the interval; NaN when no setting has two seeds.
    public var lowerBound: Double
    /// Upper end of the interval.
    public var upperBound: Double
    /// How many settings, and how many seeds in all, went into the mean.
    public var settingCount: Int
    /// Total seeds.
    public var seedCount: Int
  }

  /// The key.
  public var key: String
  /// Its values in order.
  public var levels: [Level]

  /// Per key of `axes`, per value, the metric's mean over the settings with that value; `values[s]` holds
  /// setting `s`'s per-seed values of the metric (settings without values are left out).
  ///
  /// - Parameters:
  ///   - axes: The sweep's keys and their values.
  ///   - values: Per setting, in the order of the axes' settings, its per-seed values of the metric.
  ///   - level: The level of the stratified bootstrap interval, strictly between 0 and 1.
  /// - Returns: One analysis per key of `axes`, in key order, each with one level per value.
  public static func analyse(axes: SweepAxes, values: [[Double]], level: Double = 0.95) -> [Sensitivity] {
    axes.keys.indices.map { keyIndex in
      let levels = axes.values[keyIndex].map { value -> Level in
        let groups = axes.assignments.indices.filter { axes.assignments[$0][keyIndex] == value }.map { values[$0] }
          .filter { !$0.isEmpty }
        let mean = Statistics.mean(groups.map { Statistics.mean($0) })
        let interval = Bootstrap.meanOfGroupMeansInterval(groups, level: level)
        return Level(
          value: value, mean: mean, lowerBound: interval?.lower ?? .nan, upperBound: interval?.upper ?? .nan,
          settingCount: groups.count, seedCount: groups.map(\.count).reduce(0, +))
      }
      return Sensitivity(key: axes.keys[keyIndex], levels: levels)
    }
  }
}
