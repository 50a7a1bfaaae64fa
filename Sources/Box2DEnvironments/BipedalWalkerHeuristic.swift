// MARK: - The classic hand-written walker

/// The hand-written gait controller that ships with BipedalWalker (Oleg Klimov's heuristic), for demonstrations
/// and tests. It has no notion of balance, so it falls on many terrains; on the easy terrain it often walks the
/// whole way (about 300 points).
///
/// A three-phase state machine alternates the legs. Standing on one leg, it swings the other forward (hip to
/// 1.1 rad, knee folded to -0.6) while the supporting knee straightens, until the supporting hip is behind the
/// body. It then puts the swinging leg down (hip 0.1, knee 0.1) until that leg touches the ground, and pushes off
/// by extending the other knee (to 1.0) until it is straight or the walker is fast enough; then the legs swap
/// roles. Each joint follows its target with a proportional-derivative command, the hips also keep the hull
/// level, the knees damp vertical bouncing, and the commands are halved and clipped to [-1, 1].
public struct BipedalWalkerHeuristic: Sendable {
  private enum Phase {
    case stayOnOneLeg
    case putOtherDown
    case pushOff
  }

  /// Forward speed (observation units) above which the walker would fall forward.
  static let speed = 0.29
  /// Knee target of the supporting leg.
  static let supportKneeAngle = 0.1

  /// The supporting knee's target as Gymnasium holds it: a Python float until it is taken from the observation
  /// (then a `float32`, with `float32` arithmetic) and a Python float again whenever the cap of 0.1 wins.
  private enum KneeAngle {
    case double(Double)
    case float(Float)

    var value: Double {
      switch self {
      case .double(let value): value
      case .float(let value): Double(value)
      }
    }

    /// `angle += increment`, in the precision the angle has.
    func adding(_ increment: Double) -> KneeAngle {
      switch self {
      case .double(let value): .double(value + increment)
      case .float(let value): .float(value + Float(increment))
      }
    }

    /// Python's `min(angle, cap)`: the cap when `cap < angle` (compared in `float32` for a `float32` angle).
    func capped(at cap: Double) -> KneeAngle {
      switch self {
      case .double(let value): cap < value ? .double(cap) : self
      case .float(let value): Float(cap) < value ? .double(cap) : self
      }
    }
  }

  private var phase = Phase.stayOnOneLeg
  private var movingLeg = 0
  private var supportingKneeAngle = KneeAngle.double(supportKneeAngle)

  public init() {}

  /// The action for the next step, given the latest observation of `BipedalWalker-v3`.
  ///
  /// The arithmetic is Gymnasium's under NumPy 2: the observation is `float32`, so every comparison with it and
  /// every tracking term is computed in `Float`; only the final halving and clipping are in `Double`. With the same
  /// observations this gives Gymnasium's actions to the bit.
  public mutating func action(for observation: [Double]) -> [Double] {
    let s = observation.map { Float($0) }
    let supportingLeg = 1 - movingLeg
    let moving = 4 + 5 * movingLeg
    let supporting = 4 + 5 * supportingLeg
    var hipTarget: [Double?] = [nil, nil]
    var kneeTarget: [Double?] = [nil, nil]

    if phase == .stayOnOneLeg {
      hipTarget[movingLeg] = 1.1
      kneeTarget[movingLeg] = -0.6
      supportingKneeAngle = supportingKneeAngle.adding(0.03)
      if s[2] > Float(Self.speed) { supportingKneeAngle = supportingKneeAngle.adding(0.03) }
      supportingKneeAngle = supportingKneeAngle.capped(at: Self.supportKneeAngle)
      kneeTarget[supportingLeg] = supportingKneeAngle.value
      if s[supporting] < Float(0.10) { phase = .putOtherDown }  // the supporting leg is behind
    }
    if phase == .putOtherDown {
      hipTarget[movingLeg] = 0.1
      kneeTarget[movingLeg] = Self.supportKneeAngle
      kneeTarget[supportingLeg] = supportingKneeAngle.value
      if s[moving + 4] != 0 {  // the moving leg touches the ground
        phase = .pushOff
        supportingKneeAngle = KneeAngle.float(s[moving + 2]).capped(at: Self.supportKneeAngle)
      }
    }
    if phase == .pushOff {
      kneeTarget[movingLeg] = supportingKneeAngle.value
      kneeTarget[supportingLeg] = 1.0
      if s[supporting + 2] > Float(0.88) || s[2] > Float(1.2 * Self.speed) {
        phase = .stayOnOneLeg
        movingLeg = 1 - movingLeg
      }
    }

    // Proportional-derivative tracking (a zero target counts as none, as in the original), hull levelling on the
    // hips, vertical damping on the knees.
    var hip: [Float] = [0, 0]
    var knee: [Float] = [0, 0]
    for leg in 0..<2 {
      let base = 4 + 5 * leg
      if let target = hipTarget[leg], target != 0 {
        hip[leg] = Float(0.9) * (Float(target) - s[base]) - Float(0.25) * s[base + 1]
      }
      if let target = kneeTarget[leg], target != 0 {
        knee[leg] = Float(4.0) * (Float(target) - s[base + 2]) - Float(0.25) * s[base + 3]
      }
      hip[leg] -= Float(0.9) * (0 - s[0]) - Float(1.5) * s[1]
      knee[leg] -= Float(15.0) * s[3]
    }
    return [hip[0], knee[0], hip[1], knee[1]].map { min(max(0.5 * Double($0), -1), 1) }
  }
}
