// MARK: - Saving and restoring the wrappers without private state
//
// Each wrapper stores its own fields and its inner environment's under `inner.`. Wrappers without state of their
// own (ClipAction, RescaleAction, the transforms) use the forwarding default of `EnvironmentWrapper`; TimeLimit
// and RecordEpisodeStatistics implement theirs next to their private storage, the normalisers below.

extension EnvironmentWrapper {
  /// A state of `kind` holding the inner environment's state under `inner.`.
  func wrapperState(kind: String) throws -> EnvironmentState {
    var state = EnvironmentState(kind: kind)
    state.nest(try inner.saveState(), under: "inner")
    return state
  }

  /// Checks the kind and restores the inner environment.
  func restoreWrapped(_ state: EnvironmentState, kind: String) throws {
    try state.requireKind(kind)
    try inner.restoreState(state.child("inner"))
  }
}

extension RunningMeanStd {
  /// Stores the statistics under `name.mean`, `name.var` and `name.count`.
  func save(into state: inout EnvironmentState, as name: String) {
    state.doubles[name + ".mean"] = mean
    state.doubles[name + ".var"] = variance
    state.doubles[name + ".count"] = [count]
  }

  /// Statistics of `dimension` values stored by ``save(into:as:)``.
  init(_ state: EnvironmentState, name: String, dimension: Int) throws {
    self.init(count: dimension)
    mean = try state.doubles(name + ".mean", count: dimension)
    variance = try state.doubles(name + ".var", count: dimension)
    count = try state.double(name + ".count")
  }
}

extension NormalizeObservation {
  public func saveState() throws -> EnvironmentState {
    var state = try wrapperState(kind: "NormalizeObservation")
    statistics.save(into: &state, as: "obs_rms")
    state.set("update_running_mean", flag: updatesStatistics)
    return state
  }

  public func restoreState(_ state: EnvironmentState) throws {
    try state.requireKind("NormalizeObservation")
    let restored = try RunningMeanStd(state, name: "obs_rms", dimension: statistics.mean.count)
    let updates = try state.flag("update_running_mean")
    try restoreWrapped(state, kind: "NormalizeObservation")
    statistics = restored
    updatesStatistics = updates
  }
}

extension NormalizeReward {
  public func saveState() throws -> EnvironmentState {
    var state = try wrapperState(kind: "NormalizeReward")
    statistics.save(into: &state, as: "return_rms")
    state.doubles["discounted_reward"] = [discountedReturn]
    state.set("update_running_mean", flag: updatesStatistics)
    return state
  }

  public func restoreState(_ state: EnvironmentState) throws {
    try state.requireKind("NormalizeReward")
    let restored = try RunningMeanStd(state, name: "return_rms", dimension: 1)
    let discounted = try state.double("discounted_reward")
    let updates = try state.flag("update_running_mean")
    try restoreWrapped(state, kind: "NormalizeReward")
    statistics = restored
    discountedReturn = discounted
    updatesStatistics = updates
  }
}
