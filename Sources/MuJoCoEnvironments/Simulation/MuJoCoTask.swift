import Foundation
import Gym

// MARK: - Versions

/// The version of a Gymnasium MuJoCo task.
///
/// One class per task implements every version Rein has: the physics and the observation code are shared, and
/// each difference between versions is a `switch` on the version in that class, listed in its documentation
/// under "Version history" (as Gymnasium's pages list theirs). v5 is what Gymnasium recommends and what current
/// benchmarks use; v4 is kept to reproduce older results (Rein's seed workflow W1 runs on it).
public enum MuJoCoVersion: String, Sendable, CaseIterable {
  case v4, v5
}

// MARK: - The model file

/// The MJCF text of a task's model and where it came from: Rein's copy of Gymnasium's model file, or a user's own
/// file (Gymnasium's `xml_file`).
struct MuJoCoModelSource {
  /// The MJCF text.
  var xml: String
  /// The user's path, nil for Rein's own model.
  var path: String?

  /// Resolves `xmlFile` for `environment`: nil, or one of the task's own file names (`builtin`, Gymnasium's asset
  /// names such as `hopper.xml`), is Rein's copy of that model; anything else is the path of an MJCF file
  /// (`~` expanded, relative to the working directory).
  ///
  /// - Throws: ``EnvironmentError/invalidArgument(_:)`` naming the path when the file cannot be read.
  init(xmlFile: String?, builtin: [(name: String, xml: String)], environment: String) throws {
    guard let xmlFile else {
      xml = builtin[0].xml
      path = nil
      return
    }
    if let own = builtin.first(where: { $0.name == xmlFile }) {
      xml = own.xml
      path = nil
      return
    }
    let expanded = (xmlFile as NSString).expandingTildeInPath
    do {
      xml = try String(contentsOfFile: expanded, encoding: .utf8)
    } catch {
      let names = builtin.map(\.name).joined(separator: ", ")
      throw EnvironmentError.invalidArgument(
        "\(environment): cannot read xml_file '\(expanded)' (\(error.localizedDescription)); give the path of an "
          + "MJCF file, or one of Rein's own models: \(names)")
    }
    path = expanded
  }

  /// How error messages name the model.
  var description: String { path.map { "the model in xml_file '\($0)'" } ?? "Rein's own model" }
}

extension MuJoCoSimulation {
  /// Compiles the model of `source` (a user's file's compiler errors name the file) and makes its data.
  convenience init(
    environment: String, source: MuJoCoModelSource, frameSkip: Int, computesContactForces: Bool = false
  ) throws {
    if let path = source.path {
      do {
        _ = try MuJoCoModelCache.shared.model(xml: source.xml)
      } catch EnvironmentError.invalidArgument(let message) {
        throw EnvironmentError.invalidArgument("\(environment): xml_file '\(path)': \(message)")
      }
    }
    try self.init(
      environment: environment, xml: source.xml, frameSkip: frameSkip, computesContactForces: computesContactForces)
    modelDescription = source.description
  }

  /// Throws unless the model fits the task: `fits` false means it does not, and `requirement` says what the task
  /// needs and what the model has.
  func requireModel(_ fits: Bool, _ requirement: @autoclosure () -> String) throws {
    guard fits else {
      throw EnvironmentError.invalidArgument(
        "\(environmentName): \(modelDescription) does not fit the task: \(requirement())")
    }
  }

  /// The index of the named body, or a thrown error saying the model lacks it.
  func requireBody(_ name: String) throws -> Int {
    guard let id = model.id(of: .body, named: name) else {
      throw EnvironmentError.invalidArgument(
        "\(environmentName): \(modelDescription) does not fit the task: it has no body named '\(name)'")
    }
    return id
  }

  /// The body Gymnasium's `main_body` names: an index, or a body's name.
  func requireBody(_ body: MuJoCoBody) throws -> Int {
    switch body {
    case .index(let index):
      try requireModel(
        (0..<model.nbody).contains(index), "main_body \(index) is not a body index (the model has \(model.nbody))")
      return index
    case .name(let name): return try requireBody(name)
    }
  }
}

/// A body named by index or by name (Gymnasium's `main_body: int | str`).
public enum MuJoCoBody: Sendable, Equatable {
  case index(Int)
  case name(String)
}

// MARK: - Info entries several tasks report

extension MuJoCoSimulation {
  /// `x_position`, `y_position` (the first two positions) and `distance_from_origin` (their norm), the reset info of
  /// the v5 tasks that move in the plane.
  @inline(__always)
  func reportPlanarPosition(into info: inout Info) {
    let x = data.qpos[0]
    let y = data.qpos[1]
    info["x_position"] = .double(x)
    info["y_position"] = .double(y)
    info["distance_from_origin"] = .double(NumpyArithmetic.norm(x, y))
  }
}
