// MARK: - The classic hand-written lander

/// The hand-written controller that ships with LunarLander (Oleg Klimov's heuristic), for demonstrations, tests
/// and as a baseline: it lands well above the 200 points that count as solved.
///
/// It steers in two loops. The attitude loop aims the lander's angle at the pad: the target angle grows with
/// the horizontal offset and horizontal speed (`0.5·x + vx`), limited to ±0.4 rad (about 22°), and the command
/// is a proportional-derivative term on the angle error. The hover loop holds the lander at a height that
/// shrinks as it nears the pad (`0.55·|x|`), again as a proportional-derivative term. Once a leg touches the
/// ground it stops steering and only brakes the fall.
public enum LunarLanderHeuristic {
  /// The action for an observation of `LunarLander-v3`: `[Double]` with one value (0...3) for the discrete
  /// environment, or `[main, lateral]` in [-1, 1] for the continuous one.
  public static func action(for observation: [Double], continuous: Bool) -> [Double] {
    let (x, y, vx, vy, angle, spin) = (
      observation[0], observation[1], observation[2], observation[3], observation[4], observation[5]
    )
    let legsDown = observation[6] != 0 || observation[7] != 0

    // Attitude: lean toward the pad, but never more than 0.4 rad.
    let angleTarget = min(max(0.5 * x + 1.0 * vx, -0.4), 0.4)
    // Height: come down as the lander closes in horizontally.
    let hoverTarget = 0.55 * abs(x)

    var angleCommand = 0.5 * (angleTarget - angle) - 1.0 * spin
    var hoverCommand = 0.5 * (hoverTarget - y) - 0.5 * vy
    if legsDown {
      angleCommand = 0
      hoverCommand = -0.5 * vy
    }

    if continuous {
      return [min(max(20 * hoverCommand - 1, -1), 1), min(max(-20 * angleCommand, -1), 1)]
    }
    if hoverCommand > abs(angleCommand), hoverCommand > 0.05 { return [2] }  // main engine
    if angleCommand < -0.05 { return [3] }  // right engine: turn clockwise
    if angleCommand > 0.05 { return [1] }  // left engine: turn counter-clockwise
    return [0]
  }
}
