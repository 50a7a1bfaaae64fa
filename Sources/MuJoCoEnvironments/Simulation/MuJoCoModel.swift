import CMuJoCo
import Gym

// MARK: - A compiled model

/// A compiled MuJoCo model (`mjModel`), freed when the last reference goes.
///
/// A model is immutable once compiled, so one model may back many ``MuJoCoData`` on many threads.
public final class MuJoCoModel: @unchecked Sendable {
  /// The kinds of named objects ``id(of:named:)`` looks up.
  public enum ObjectKind: Sendable {
    case body, joint, geom, site, actuator, camera

    var cValue: rein_mj_object {
      switch self {
      case .body: return REIN_MJ_OBJECT_BODY
      case .joint: return REIN_MJ_OBJECT_JOINT
      case .geom: return REIN_MJ_OBJECT_GEOM
      case .site: return REIN_MJ_OBJECT_SITE
      case .actuator: return REIN_MJ_OBJECT_ACTUATOR
      case .camera: return REIN_MJ_OBJECT_CAMERA
      }
    }
  }

  let handle: OpaquePointer
  private let info: rein_mj_model_info

  /// Compiles the MJCF model in `xml`.
  ///
  /// - Throws: ``EnvironmentError/libraryUnavailable(library:help:)`` without MuJoCo,
  ///   ``EnvironmentError/invalidArgument(_:)`` with the compiler's message when the model does not compile.
  public init(xml: String) throws {
    try MuJoCo.requireLibrary()
    let errorSize = 1024
    var error = [CChar](repeating: 0, count: errorSize)
    let model = xml.withCString { text in
      error.withUnsafeMutableBufferPointer { rein_mj_model_from_xml(text, $0.baseAddress, Int32(errorSize)) }
    }
    guard let model else {
      let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      throw EnvironmentError.invalidArgument("MuJoCo could not compile the model: \(message)")
    }
    handle = model
    info = rein_mj_model_get_info(model)
  }

  deinit { rein_mj_model_free(handle) }

  // MARK: - Sizes

  /// The number of generalized coordinates (the length of `qpos`).
  public var nq: Int { Int(info.nq) }
  /// The number of degrees of freedom (the length of `qvel`).
  public var nv: Int { Int(info.nv) }
  /// The number of controls (the length of `ctrl`).
  public var nu: Int { Int(info.nu) }
  /// The number of actuator activation states.
  public var na: Int { Int(info.na) }
  /// The number of bodies, the world body included.
  public var nbody: Int { Int(info.nbody) }
  /// The number of joints.
  public var njnt: Int { Int(info.njnt) }
  /// The number of geoms.
  public var ngeom: Int { Int(info.ngeom) }
  /// The number of sites.
  public var nsite: Int { Int(info.nsite) }
  /// The number of tendons.
  public var ntendon: Int { Int(info.ntendon) }
  /// The model's own cameras (`camera_id` 0 to ncam - 1).
  public var ncam: Int { Int(info.ncam) }
  /// The simulation time step in seconds.
  public var timestep: Double { info.timestep }

  // MARK: - Arrays

  /// The reference configuration `qpos0` (nq values).
  public var referencePositions: [Double] { Array(UnsafeBufferPointer(start: info.qpos0, count: nq)) }

  /// The mass of every body in kilograms (nbody values, the world body first).
  public var bodyMasses: [Double] { Array(UnsafeBufferPointer(start: info.body_mass, count: nbody)) }

  /// The control range of every actuator, as (low, high) pairs.
  public var controlRanges: [(low: Double, high: Double)] {
    (0..<nu).map { (info.actuator_ctrlrange[2 * $0], info.actuator_ctrlrange[2 * $0 + 1]) }
  }

  /// The index of the named object, or nil when the model has none of that name.
  public func id(of kind: ObjectKind, named name: String) -> Int? {
    let id = rein_mj_name_to_id(handle, kind.cValue, name)
    return id >= 0 ? Int(id) : nil
  }

  /// The index of the named object, or a thrown error naming it.
  func requireID(of kind: ObjectKind, named name: String) throws -> Int {
    guard let id = id(of: kind, named: name) else {
      throw EnvironmentError.invalidArgument("the MuJoCo model has no \(kind) named '\(name)'")
    }
    return id
  }
}
