import CMuJoCo
import Gym

// MARK: - Simulation state

/// The state and derived quantities of one simulation of a ``MuJoCoModel`` (`mjData`), freed with the object.
///
/// The array properties view MuJoCo's own memory: they stay valid as long as this object lives and must not be
/// kept beyond it. One `MuJoCoData` belongs to one thread at a time; give each thread its own.
public final class MuJoCoData {
  /// The model this data simulates (kept alive by the data).
  public let model: MuJoCoModel
  let handle: OpaquePointer

  /// Positions, nq values.
  public let qpos: UnsafeMutableBufferPointer<Double>
  /// Velocities, nv values.
  public let qvel: UnsafeMutableBufferPointer<Double>
  /// Actuator activations, na values.
  public let act: UnsafeMutableBufferPointer<Double>
  /// Controls, nu values.
  public let ctrl: UnsafeMutableBufferPointer<Double>
  /// Accelerations, nv values.
  public let qacc: UnsafeMutableBufferPointer<Double>
  /// Body frame positions, nbody x 3 values.
  public let xpos: UnsafeMutableBufferPointer<Double>
  /// Body centre-of-mass positions, nbody x 3 values.
  public let xipos: UnsafeMutableBufferPointer<Double>
  /// Site positions, nsite x 3 values.
  public let siteXpos: UnsafeMutableBufferPointer<Double>
  /// Centre of mass of each body's subtree, nbody x 3 values.
  public let subtreeCom: UnsafeMutableBufferPointer<Double>
  /// Com-based inertia and mass of each body, nbody x 10 values.
  public let cinert: UnsafeMutableBufferPointer<Double>
  /// Com-based velocity of each body (rotation, translation), nbody x 6 values.
  public let cvel: UnsafeMutableBufferPointer<Double>
  /// Actuator forces in joint space, nv values.
  public let qfrcActuator: UnsafeMutableBufferPointer<Double>
  /// Constraint forces in joint space, nv values.
  public let qfrcConstraint: UnsafeMutableBufferPointer<Double>
  /// Com-based external forces on each body, nbody x 6 values; current only after a post-constraint pass
  /// (``step(count:postConstraint:)`` with `postConstraint: true`).
  public let cfrcExt: UnsafeMutableBufferPointer<Double>
  /// Tendon lengths, ntendon values.
  public let tendonLength: UnsafeMutableBufferPointer<Double>
  /// Tendon velocities, ntendon values.
  public let tendonVelocity: UnsafeMutableBufferPointer<Double>
  private let timePointer: UnsafeMutablePointer<Double>

  /// Allocates data for `model`, in the model's reference state.
  public init(model: MuJoCoModel) throws {
    guard let data = rein_mj_data_make(model.handle) else {
      throw EnvironmentError.simulationFailed("MuJoCo could not allocate its data: \(MuJoCo.lastError)")
    }
    self.model = model
    handle = data
    let arrays = rein_mj_data_get_arrays(data)
    func view(_ pointer: UnsafeMutablePointer<Double>?, _ count: Int) -> UnsafeMutableBufferPointer<Double> {
      UnsafeMutableBufferPointer(start: count > 0 ? pointer : nil, count: count)
    }
    qpos = view(arrays.qpos, model.nq)
    qvel = view(arrays.qvel, model.nv)
    act = view(arrays.act, model.na)
    ctrl = view(arrays.ctrl, model.nu)
    qacc = view(arrays.qacc, model.nv)
    xpos = view(arrays.xpos, model.nbody * 3)
    xipos = view(arrays.xipos, model.nbody * 3)
    siteXpos = view(arrays.site_xpos, model.nsite * 3)
    subtreeCom = view(arrays.subtree_com, model.nbody * 3)
    cinert = view(arrays.cinert, model.nbody * 10)
    cvel = view(arrays.cvel, model.nbody * 6)
    qfrcActuator = view(arrays.qfrc_actuator, model.nv)
    qfrcConstraint = view(arrays.qfrc_constraint, model.nv)
    cfrcExt = view(arrays.cfrc_ext, model.nbody * 6)
    tendonLength = view(arrays.ten_length, model.ntendon)
    tendonVelocity = view(arrays.ten_velocity, model.ntendon)
    timePointer = arrays.time
  }

  deinit { rein_mj_data_free(handle) }

  /// The simulation time in seconds.
  public var time: Double {
    get { timePointer.pointee }
    set { timePointer.pointee = newValue }
  }

  // MARK: - Simulation

  /// Resets to the model's reference state (`mj_resetData`): zero velocities, time 0, warning counters cleared.
  public func reset() throws {
    try check(rein_mj_reset(model.handle, handle), "mj_resetData")
  }

  /// Recomputes every derived quantity from the current state without advancing time (`mj_forward`).
  public func forward() throws {
    try check(rein_mj_forward(model.handle, handle), "mj_forward")
  }

  /// Advances `count` time steps (`mj_step`), then, when `postConstraint` is true, computes the body accelerations
  /// and the contact forces `cfrcExt` (`mj_rnePostConstraint`).
  ///
  /// - Throws: ``EnvironmentError/simulationFailed(_:)`` when MuJoCo raises an error; reset before stepping again.
  @inline(__always)
  public func step(count: Int = 1, postConstraint: Bool = false) throws {
    try check(rein_mj_step(model.handle, handle, Int32(count), postConstraint ? 1 : 0), "mj_step")
  }

  @inline(__always)
  private func check(_ status: Int32, _ function: String) throws {
    if status != 0 {
      throw EnvironmentError.simulationFailed(
        "MuJoCo raised an error in \(function): \(MuJoCo.lastError); reset the environment before stepping again")
    }
  }

  // MARK: - Warnings

  /// How often each kind of warning was raised since the last reset.
  public var warningCounts: [MuJoCoWarning: Int] {
    var counts = [Int32](repeating: 0, count: Int(REIN_MJ_WARNING_KINDS))
    counts.withUnsafeMutableBufferPointer { rein_mj_warning_counts(handle, $0.baseAddress) }
    var result: [MuJoCoWarning: Int] = [:]
    for kind in MuJoCoWarning.allCases where counts[kind.rawValue] > 0 { result[kind] = Int(counts[kind.rawValue]) }
    return result
  }

  /// The number of warnings of any kind raised since the last reset (or the last ``takeWarnings()``).
  @inline(__always)
  public var warningTotal: Int { Int(rein_mj_warning_total(handle)) }

  /// The warnings raised since the last reset or the last call, by kind, clearing MuJoCo's counters.
  public func takeWarnings() -> [MuJoCoWarning: Int] {
    var counts = [Int32](repeating: 0, count: Int(REIN_MJ_WARNING_KINDS))
    _ = counts.withUnsafeMutableBufferPointer { rein_mj_warning_take(handle, $0.baseAddress) }
    var result: [MuJoCoWarning: Int] = [:]
    for kind in MuJoCoWarning.allCases where counts[kind.rawValue] > 0 { result[kind] = Int(counts[kind.rawValue]) }
    return result
  }
}
