import Gym

// MARK: - Warnings

/// The kinds of warning MuJoCo counts while simulating (`mjtWarning`).
///
/// MuJoCo does not stop on numerical trouble: on a non-finite or huge position, velocity or acceleration it raises
/// a warning and resets the simulation to the model's reference state on its own, so the trajectory jumps. Rein's
/// MuJoCo environments report every such warning in the step's info under ``infoKey`` (Gymnasium reports nothing),
/// so an unstable simulation is visible instead of a silent reset.
public enum MuJoCoWarning: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
  /// A (near) singular inertia matrix.
  case inertia = 0
  /// Too many contacts for the contact list.
  case contactListFull
  /// Too many constraints.
  case constraintListFull
  /// A bad (non-finite or huge) number in qpos; MuJoCo reset the state.
  case badPosition
  /// A bad number in qvel; MuJoCo reset the state.
  case badVelocity
  /// A bad number in qacc (an unstable simulation); MuJoCo reset the state.
  case badAcceleration
  /// A bad number in ctrl; MuJoCo zeroed the controls.
  case badControl

  /// The info key under which environments report warnings: a nested info of counts by ``name``, holding the kinds
  /// raised during the step (or the reset) that returns it, plus `"message"`, the text of the last one printed.
  public static let infoKey = "mujoco_warnings"

  /// The snake-case name used in info dictionaries, such as `bad_qacc`.
  public var name: String {
    switch self {
    case .inertia: return "inertia"
    case .contactListFull: return "contact_full"
    case .constraintListFull: return "constraint_full"
    case .badPosition: return "bad_qpos"
    case .badVelocity: return "bad_qvel"
    case .badAcceleration: return "bad_qacc"
    case .badControl: return "bad_ctrl"
    }
  }

  public var description: String { name }

  /// True for the kinds after which MuJoCo reset the simulation state.
  public var resetsState: Bool { self == .badPosition || self == .badVelocity || self == .badAcceleration }
}
