import Foundation
import PolicyGradient
import Recording

// MARK: - Plan expansion
//
// An experiment expands into cells: every setting of its sweep (the only one without a sweep) times every seed of
// that setting's plan. Cells are independent and deterministic; the runner trains them in order of their index.

extension ExperimentRunner {
  /// One point of a sweep (or the only one): its label ("" without a sweep), configuration and plan.
  public struct Setting: Sendable {
    public var label: String
    public var configuration: RunConfiguration
    public var plan: ExperimentPlan
  }

  /// One cell: a setting and one of its seeds.
  public struct Cell: Sendable, Equatable {
    /// The index of the setting in ``ExperimentRunner/settings``.
    public var setting: Int
    /// The index of the seed in that setting's plan.
    public var seedIndex: Int
  }

  /// The settings of `configuration` swept over `grid` (every setting's overrides applied on top of it), each read
  /// and checked.
  static func expand(
    _ configuration: RunConfiguration, grid: ParameterGrid?, defaultName: String, algorithms: AlgorithmRegistry
  ) throws -> [Setting] {
    var settings: [Setting] = []
    for gridSetting in (grid ?? ParameterGrid.none).settings {
      var c = configuration
      try c.apply(overrides: gridSetting.overrides)
      let plan = try ExperimentPlan(c, defaultName: defaultName, algorithms: algorithms)
      settings.append(Setting(label: gridSetting.label, configuration: c, plan: plan))
    }
    return settings
  }

  /// Every cell, settings outermost, then seeds.
  public var cells: [Cell] {
    settings.indices.flatMap { s in settings[s].plan.seeds.indices.map { Cell(setting: s, seedIndex: $0) } }
  }
}
