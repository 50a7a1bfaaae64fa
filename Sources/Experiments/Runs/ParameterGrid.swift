// MARK: - Parameter grid

/// The settings of a sweep: the Cartesian product of `--grid key=v1,v2,...` options.
///
///     let grid = try ParameterGrid(["clip=0.1,0.2,0.3", "epochs=3,10,20"])
///     grid.settings.count                 // 9
///     grid.settings[1].label              // "clip=0.1,epochs=10"
///     grid.settings[1].overrides          // ["clip=0.1", "epochs=10"]
///
/// Settings vary the last key fastest, like nested loops in the order the options were given. Each setting's
/// ``Setting/overrides`` apply to a ``RunConfiguration`` like `--set` options.
public struct ParameterGrid: Equatable, Sendable {
  /// One point of the grid.
  public struct Setting: Equatable, Sendable {
    /// `key=value` pairs, one per grid key, in option order.
    public var overrides: [String]
    /// The pairs joined with commas: a name for folders, legends and tables.
    public var label: String { overrides.joined(separator: ",") }
  }

  /// The swept keys in option order, each with its values (as written).
  public let axes: [(key: String, values: [String])]

  /// Parses `key=v1,v2,...` options; a key may appear only once and needs at least one value, none repeated.
  ///
  /// - Parameter options: One `key=v1,v2,...` option per swept key (commas inside brackets or parentheses stay in a
  ///   value).
  /// - Throws: ``ConfigurationError`` for an option without `=`, a key given twice, or a key without values or with a
  ///   repeated one.
  public init(_ options: [String]) throws {
    var axes: [(key: String, values: [String])] = []
    for option in options {
      guard let equals = option.firstIndex(of: "=") else { throw ConfigurationError.malformedOverride(option) }
      let key = option[..<equals].trimmingCharacters(in: .whitespaces)
      let values = ParameterGrid.splitTopLevel(option[option.index(after: equals)...]).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard !key.isEmpty, !values.isEmpty, !values.contains(where: \.isEmpty) else {
        throw ConfigurationError.malformedOverride(option)
      }
      guard Set(values).count == values.count else {
        throw ExperimentError.invalidSetting(
          key: "--grid \(key)", value: values.joined(separator: ","),
          expected: "a list without repeats (each value trains into its own folder)")
      }
      guard !axes.contains(where: { $0.key == key }) else {
        throw ConfigurationError.unsupportedStructure(key: key, reason: "it is swept by two --grid options")
      }
      axes.append((key, values))
    }
    self.axes = axes
  }

  /// The swept keys.
  public var keys: [String] { axes.map(\.key) }

  /// Splits at commas outside parentheses and brackets, so that values such as `linear(0.1,0.001)` or `[64,64]`
  /// stay whole.
  static func splitTopLevel(_ text: Substring) -> [String] {
    var parts: [String] = []
    var current = ""
    var depth = 0
    for character in text {
      switch character {
      case "(", "[": depth += 1
      case ")", "]": depth -= 1
      default: break
      }
      if character == "," && depth == 0 {
        parts.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    parts.append(current)
    return parts
  }

  /// Every combination; one empty setting when there are no axes.
  public var settings: [Setting] {
    var combinations: [[String]] = [[]]
    for axis in axes {
      combinations = combinations.flatMap { prefix in axis.values.map { prefix + ["\(axis.key)=\($0)"] } }
    }
    return combinations.map(Setting.init(overrides:))
  }

  public static func == (lhs: ParameterGrid, rhs: ParameterGrid) -> Bool {
    lhs.axes.map(\.key) == rhs.axes.map(\.key) && lhs.axes.map(\.values) == rhs.axes.map(\.values)
  }
}
