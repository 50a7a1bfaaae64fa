import Gym

// MARK: - Shared pieces of the classic-control environments

/// Where an environment is in its episode, so that misuse is an error rather than undefined behaviour.
enum EpisodePhase {
  case needsReset, running, ended
}

extension EpisodePhase {
  /// Throws unless a step is allowed now.
  @inline(__always)
  func requireRunning(_ name: String) throws {
    switch self {
    case .running: return
    case .needsReset: throw EnvironmentError.stepBeforeReset(name)
    case .ended: throw EnvironmentError.stepAfterEpisodeEnd(name)
    }
  }
}

/// Gymnasium's `maybe_parse_reset_bounds`: the `low` and `high` options of `reset`, or the defaults.
func resetBounds(
  _ options: ResetOptions?, low defaultLow: Double, high defaultHigh: Double
) throws
  -> (low: Double, high: Double)
{
  guard let options else { return (defaultLow, defaultHigh) }
  let low = options["low"] ?? defaultLow
  let high = options["high"] ?? defaultHigh
  guard low.isFinite, high.isFinite else {
    throw EnvironmentError.invalidArgument("reset options low and high must be finite, got \(low) and \(high)")
  }
  guard low <= high else {
    throw EnvironmentError.invalidArgument("reset option low (\(low)) must not exceed high (\(high))")
  }
  return (low, high)
}

/// Throws unless the observation buffer has exactly `count` values.
@inline(__always)
func requireObservationBuffer(_ buffer: UnsafeMutableBufferPointer<Double>, count: Int) throws {
  if buffer.count != count { throw EnvironmentError.invalidObservationBuffer(expected: count, got: buffer.count) }
}

/// The discrete action in `action`, which must be a single integer in `0 ..< n`.
@inline(__always)
func discreteAction(_ action: UnsafeBufferPointer<Double>, n: Int, environment: String) throws -> Int {
  if action.count == 1 {
    let value = action[0]
    // The range test comes first (it also rejects NaN), so the conversion cannot trap.
    if value >= 0, value < Double(n) {
      let index = Int(value)
      if Double(index) == value { return index }
    }
  }
  throw EnvironmentError.invalidAction(
    "\(environment) takes one integer in 0..<\(n), got \(Array(action))")
}

/// The single float32 value of a one-dimensional `Box` action (Gymnasium's actions are float32 arrays).
@inline(__always)
func scalarFloat32Action(_ action: UnsafeBufferPointer<Double>, environment: String) throws -> Float {
  if action.count == 1, !action[0].isNaN { return Float(action[0]) }
  throw EnvironmentError.invalidAction("\(environment) takes one number, got \(Array(action))")
}

// MARK: - Saved state

extension EpisodePhase {
  /// The phase as a saved number: 0 needs a reset, 1 running, 2 ended.
  var code: UInt64 {
    switch self {
    case .needsReset: 0
    case .running: 1
    case .ended: 2
    }
  }

  /// The phase saved as `phase` in `state`.
  init(_ state: EnvironmentState) throws {
    switch try state.integers("phase", count: 1)[0] {
    case 0: self = .needsReset
    case 1: self = .running
    case 2: self = .ended
    default:
      throw EnvironmentStateError.invalidValue(kind: state.kind, field: "phase", reason: "must be 0, 1 or 2")
    }
  }
}

/// The state every classic-control environment saves: its kind, physics state (float64, bit for bit), generator
/// and episode phase.
func classicState(kind: String, physics: [Double], random: NumpyGenerator, phase: EpisodePhase) -> EnvironmentState {
  var state = EnvironmentState(kind: kind)
  state.doubles["state"] = physics
  state.set("np_random", generator: random)
  state.integers["phase"] = [phase.code]
  return state
}

/// Reads what ``classicState(kind:physics:random:phase:)`` wrote, checking kind and sizes.
func readClassicState(
  _ state: EnvironmentState, kind: String, count: Int
) throws
  -> (physics: [Double], random: NumpyGenerator, phase: EpisodePhase)
{
  try state.requireKind(kind)
  return (try state.doubles("state", count: count), try state.generator("np_random"), try EpisodePhase(state))
}
