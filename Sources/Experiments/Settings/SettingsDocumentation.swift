import Foundation
import PolicyGradient

// MARK: - The settings as people read them
//
// `rein keys` and the README's settings list, both made from ``SettingsTable`` and the registered algorithms: the
// type and default come from each binding's field in the typed configurations, so they cannot drift.

/// What one setting is, for one listing.
public struct SettingDescription: Sendable, Equatable {
  public var key: String
  public var group: SettingGroup
  public var help: String
  /// The value's type (`integer`, `number or schedule`, `adam | adamw | sgd | rmsprop`, ...).
  public var type: String
  /// The allowed range, or "" for settings without numbers.
  public var range: String
  /// The default, per algorithm where they differ ("" for a required setting).
  public var defaultValue: String
  /// The algorithms that read it ("all" for the experiment's own settings).
  public var algorithms: String
}

extension SettingsTable {
  /// Every setting described, in table order (only those `algorithm` reads, when given).
  ///
  /// - Parameters:
  ///   - registry: The algorithms whose settings are described, with their own extra settings.
  ///   - algorithm: Only the settings this algorithm reads (and the experiment's own); nil describes all.
  public static func descriptions(
    in registry: AlgorithmRegistry = .shared, algorithm: String? = nil
  ) -> [SettingDescription] {
    let definitions = registry.all.filter { algorithm == nil || $0.name == algorithm }
    guard let first = definitions.first else { return [] }
    let plan = ExperimentPlan(name: "run", algorithm: AlgorithmChoice(first), environmentID: "")
    return settings(in: registry).compactMap { setting in
      var d = SettingDescription(
        key: setting.key, group: setting.group, help: setting.help, type: "", range: "", defaultValue: "",
        algorithms: "")
      if setting.bindings.isEmpty || setting.isExperimentSetting {
        d.algorithms = "all"
        if let binding = setting.bindings.first {
          d.type = binding.typeName
          let value = binding.read(plan)
          d.defaultValue = setting.required ? "" : value.text
          if !value.written.isEmpty || setting.range != nil { d.range = setting.rangeText }
        } else {
          d.defaultValue = setting.required ? "" : "none"
          d.type = specialTypes[setting.key] ?? "text"
          if setting.key == "algorithm" { d.type = registry.names.joined(separator: " | ") }
        }
      } else {
        let users = definitions.compactMap { definition in
          setting.binding(for: definition).map { (definition, $0) }
        }
        guard !users.isEmpty else { return nil }
        d.algorithms = users.map(\.0.name).joined(separator: ", ")
        var types: [(type: String, names: [String])] = []
        for (definition, binding) in users {
          if let index = types.firstIndex(where: { $0.type == binding.typeName }) {
            types[index].names.append(definition.name)
          } else {
            types.append((binding.typeName, [definition.name]))
          }
        }
        d.type =
          types.count == 1
          ? types[0].type
          : types.map { "\($0.type) (\($0.names.joined(separator: ", ")))" }.joined(separator: "; ")
        let defaults = users.map { definition, binding -> (String, String, Bool) in
          let value = binding.read(definition.makeDefault())
          return (definition.name, value.text, !value.written.isEmpty)
        }
        if defaults.contains(where: \.2) || setting.range != nil { d.range = setting.rangeText }
        d.defaultValue =
          Set(defaults.map(\.1)).count == 1
          ? defaults[0].1 : defaults.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
      }
      if let choices = setting.choices { d.type = choices.joined(separator: " | ") }
      if let shown = setting.shownDefault { d.defaultValue = shown }
      return d
    }
  }

  static let specialTypes = [
    "env_kwargs.*": "number, true/false, text or list of numbers", "grid": "list of 'key=v1,v2,...' texts",
  ]

  /// The settings as `rein keys` prints them: grouped, every key in full, then its type, range, default and users.
  ///
  /// - Parameters:
  ///   - registry: The algorithms whose settings are described, with their own extra settings.
  ///   - algorithm: Only the settings this algorithm reads (and the experiment's own); nil describes all.
  public static func listing(in registry: AlgorithmRegistry = .shared, algorithm: String? = nil) -> String {
    let all = descriptions(in: registry, algorithm: algorithm)
    let width = (all.map(\.key.count).max() ?? 0) + 2
    var lines: [String] = []
    for group in SettingGroup.allCases {
      let members = all.filter { $0.group == group }
      guard !members.isEmpty else { continue }
      lines.append(group.rawValue)
      for d in members {
        lines.append("  " + d.key + String(repeating: " ", count: width - d.key.count) + d.help)
        var facts = [d.type]
        if !d.range.isEmpty { facts.append(d.range) }
        facts.append(d.defaultValue.isEmpty ? "required" : "default \(d.defaultValue)")
        if d.algorithms != "all" { facts.append("used by \(d.algorithms)") }
        lines.append("  " + String(repeating: " ", count: width) + "(" + facts.joined(separator: "; ") + ")")
      }
      lines.append("")
    }
    return lines.joined(separator: "\n")
  }

  /// The settings as the README lists them: a Markdown table per group.
  ///
  /// - Parameter registry: The algorithms whose settings are described, with their own extra settings.
  public static func markdown(in registry: AlgorithmRegistry = .shared) -> String {
    let all = descriptions(in: registry)
    var lines: [String] = []
    for group in SettingGroup.allCases {
      let members = all.filter { $0.group == group }
      guard !members.isEmpty else { continue }
      lines += ["", "**\(group.rawValue)**", "", "| setting | meaning | type | range | default | used by |"]
      lines.append("|---|---|---|---|---|---|")
      for d in members {
        let cells = [
          "`\(d.key)`", d.help, d.type, d.range, d.defaultValue.isEmpty ? "required" : d.defaultValue, d.algorithms,
        ]
        lines.append("| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
      }
    }
    return lines.dropFirst().joined(separator: "\n") + "\n"
  }
}
