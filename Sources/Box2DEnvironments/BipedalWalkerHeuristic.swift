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

  private var phase = Phase.stayOnOneLeg
  private var movingLeg = 0
  private var supportingKneeAngle = supportKneeAngle

  public init() {}

  /// The action for the next step, given the latest observation of `BipedalWalker-v3`.
  public mutating func action(for s: [Double]) -> [Double] {
    let supportingLeg = 1 - movingLeg
    let moving = 4 + 5 * movingLeg
    let supporting = 4 + 5 * supportingLeg
    var hipTarget: [Double?] = [nil, nil]
    var kneeTarget: [Double?] = [nil, nil]

    if phase == .stayOnOneLeg {
      hipTarget[movingLeg] = 1.1
      kneeTarget[movingLeg] = -0.6
      supportingKneeAngle += 0.03
      if s[2] > Self.speed { supportingKneeAngle += 0.03 }
      supportingKneeAngle = min(supportingKneeAngle, Self.supportKneeAngle)
      kneeTarget[supportingLeg] = supportingKneeAngle
      if s[supporting] < 0.10 { phase = .putOtherDown }  // the supporting leg is behind
    }
    if phase == .putOtherDown {
      hipTarget[movingLeg] = 0.1
      kneeTarget[movingLeg] = Self.supportKneeAngle
      kneeTarget[supportingLeg] = supportingKneeAngle
      if s[moving + 4] != 0 {  // the moving leg touches the ground
        phase = .pushOff
        supportingKneeAngle = min(s[moving + 2], Self.supportKneeAngle)
      }
    }
    if phase == .pushOff {
      kneeTarget[movingLeg] = supportingKneeAngle
      kneeTarget[supportingLeg] = 1.0
      if s[supporting + 2] > 0.88 || s[2] > 1.2 * Self.speed {
        phase = .stayOnOneLeg
        movingLeg = 1 - movingLeg
      }
    }

    // Proportional-derivative tracking (a zero target counts as none, as in the original), hull levelling on the
    // hips, vertical damping on the knees.
    var hip = [0.0, 0.0]
    var knee = [0.0, 0.0]
    for leg in 0..<2 {
      let base = 4 + 5 * leg
      if let target = hipTarget[leg], target != 0 { hip[leg] = 0.9 * (target - s[base]) - 0.25 * s[base + 1] }
      if let target = kneeTarget[leg], target != 0 { knee[leg] = 4.0 * (target - s[base + 2]) - 0.25 * s[base + 3] }
      hip[leg] -= 0.9 * (0 - s[0]) - 1.5 * s[1]
      knee[leg] -= 15.0 * s[3]
    }
    return [hip[0], knee[0], hip[1], knee[1]].map { min(max(0.5 * $0, -1), 1) }
  }
}
