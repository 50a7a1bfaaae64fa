import CMuJoCo
import Gym

// MARK: - Saving and restoring a simulation exactly
//
// A MuJoCo environment's future depends on MuJoCo's integration state (mj_getState with mjSTATE_INTEGRATION:
// time, qpos, qvel, act, the constraint solver's warm start qacc_warmstart, controls, applied forces, ...) and,
// because the environments read derived quantities such as `xpos` *before* the next mj_step recomputes them
// (Gymnasium's x_before), on those derived arrays as the last step left them. Both are saved; restoring sets the
// integration state with mj_setState and copies the derived arrays back without calling mj_forward (which would
// recompute them from the current positions and so differ from what an uninterrupted run sees).

extension MuJoCoData {
  /// The integration state (mj_getState with mjSTATE_INTEGRATION).
  public func integrationState() throws -> [Double] {
    let size = Int(rein_mj_integration_state_size(model.handle))
    guard size >= 0 else { throw EnvironmentError.simulationFailed("MuJoCo's state functions are unavailable") }
    var state = [Double](repeating: 0, count: size)
    let status = state.withUnsafeMutableBufferPointer {
      rein_mj_get_integration_state(model.handle, handle, $0.baseAddress)
    }
    guard status == 0 else { throw EnvironmentError.simulationFailed("mj_getState: \(MuJoCo.lastError)") }
    return state
  }

  /// Sets the integration state (mj_setState with mjSTATE_INTEGRATION); derived quantities are left unchanged.
  public func setIntegrationState(_ state: [Double]) throws {
    let size = Int(rein_mj_integration_state_size(model.handle))
    guard state.count == size else {
      throw EnvironmentStateError.wrongCount(
        kind: "MuJoCo", field: "integration_state", expected: size, found: state.count)
    }
    let status = state.withUnsafeBufferPointer { rein_mj_set_integration_state(model.handle, handle, $0.baseAddress) }
    guard status == 0 else { throw EnvironmentError.simulationFailed("mj_setState: \(MuJoCo.lastError)") }
  }

  /// The derived arrays an environment may read between steps, by name.
  var derivedArrays: [(name: String, values: UnsafeMutableBufferPointer<Double>)] {
    [
      ("qacc", qacc), ("xpos", xpos), ("xipos", xipos), ("site_xpos", siteXpos), ("subtree_com", subtreeCom),
      ("cinert", cinert), ("cvel", cvel), ("qfrc_actuator", qfrcActuator), ("qfrc_constraint", qfrcConstraint),
      ("cfrc_ext", cfrcExt),
    ]
  }

  /// The derived arrays only some models have (tendons), saved when present and restored when saved.
  var optionalDerivedArrays: [(name: String, values: UnsafeMutableBufferPointer<Double>)] {
    model.ntendon > 0 ? [("ten_length", tendonLength), ("ten_velocity", tendonVelocity)] : []
  }
}

extension MuJoCoSimulation {
  /// The `kind` of this environment's saved states: the task's name for v4 (as before v5 existed), the full id for
  /// later versions, so that a state of one version is refused by another.
  public var stateKind: String {
    environmentName.hasSuffix("-v4") ? String(environmentName.dropLast(3)) : environmentName
  }

  /// The state of a MuJoCo environment of `kind`: the simulation's integration state and derived arrays, whether
  /// it was reset, and the environment's generator.
  public func saveState(kind: String? = nil, random: NumpyGenerator) throws -> EnvironmentState {
    var state = EnvironmentState(kind: kind ?? stateKind)
    state.doubles["integration_state"] = try data.integrationState()
    for (name, values) in data.derivedArrays + data.optionalDerivedArrays {
      state.doubles["data." + name] = Array(values)
    }
    state.set("is_reset", flag: isReset)
    state.set("np_random", generator: random)
    return state
  }

  /// Restores what ``saveState(kind:random:)`` saved and returns the environment's generator.
  public func restoreState(_ state: EnvironmentState, kind: String? = nil) throws -> NumpyGenerator {
    try state.requireKind(kind ?? stateKind)
    let integration = try state.doubles("integration_state")
    var derived: [[Double]] = []
    for (name, values) in data.derivedArrays { derived.append(try state.doubles("data." + name, count: values.count)) }
    var optional: [(UnsafeMutableBufferPointer<Double>, [Double])] = []
    for (name, target) in data.optionalDerivedArrays where state.doubles["data." + name] != nil {
      optional.append((target, try state.doubles("data." + name, count: target.count)))
    }
    let wasReset = try state.flag("is_reset")
    let random = try state.generator("np_random")
    try data.setIntegrationState(integration)
    for ((_, target), values) in zip(data.derivedArrays, derived) {
      for k in 0..<values.count { target[k] = values[k] }
    }
    for (target, values) in optional {
      for k in 0..<values.count { target[k] = values[k] }
    }
    isReset = wasReset
    return random
  }
}

// MARK: - The environments

extension Ant {
  public func saveState() throws -> EnvironmentState { try simulation.saveState(random: random) }
  public func restoreState(_ state: EnvironmentState) throws {
    random = try simulation.restoreState(state)
  }
}

extension HalfCheetah {
  public func saveState() throws -> EnvironmentState { try simulation.saveState(random: random) }
  public func restoreState(_ state: EnvironmentState) throws {
    random = try simulation.restoreState(state)
  }
}

extension Hopper {
  public func saveState() throws -> EnvironmentState { try simulation.saveState(random: random) }
  public func restoreState(_ state: EnvironmentState) throws {
    random = try simulation.restoreState(state)
  }
}

extension Humanoid {
  public func saveState() throws -> EnvironmentState { try simulation.saveState(random: random) }
  public func restoreState(_ state: EnvironmentState) throws {
    random = try simulation.restoreState(state)
  }
}

extension HumanoidStandup {
  public func saveState() throws -> EnvironmentState { try simulation.saveState(random: random) }
  public func restoreState(_ state: EnvironmentState) throws {
    random = try simulation.restoreState(state)
  }
}

extension InvertedDoublePendulum {
  public func saveState() throws -> EnvironmentState { try simulation.saveState(random: random) }
  public func restoreState(_ state: EnvironmentState) throws {
    random = try simulation.restoreState(state)
  }
}

extension InvertedPendulum {
  public func saveState() throws -> EnvironmentState { try simulation.saveState(random: random) }
  public func restoreState(_ state: EnvironmentState) throws {
    random = try simulation.restoreState(state)
  }
}

extension Pusher {
  public func saveState() throws -> EnvironmentState { try simulation.saveState(random: random) }
  public func restoreState(_ state: EnvironmentState) throws {
    random = try simulation.restoreState(state)
  }
}

extension Swimmer {
  public func saveState() throws -> EnvironmentState { try simulation.saveState(random: random) }
  public func restoreState(_ state: EnvironmentState) throws {
    random = try simulation.restoreState(state)
  }
}

extension Walker2d {
  public func saveState() throws -> EnvironmentState { try simulation.saveState(random: random) }
  public func restoreState(_ state: EnvironmentState) throws {
    random = try simulation.restoreState(state)
  }
}
