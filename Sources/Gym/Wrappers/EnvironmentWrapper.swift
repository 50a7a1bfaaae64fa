// MARK: - Wrappers

/// An environment that wraps another one, as Gymnasium's `gym.Wrapper`.
///
/// A wrapper is itself an ``Environment``; `inner` is the environment it wraps and ``Environment/unwrapped``
/// walks the whole chain down to the bare environment.
public protocol EnvironmentWrapper: Environment {
  /// The environment this wrapper forwards to.
  var inner: any Environment { get }
}

extension Environment {
  /// The bare environment under every wrapper (the environment itself when it is not a wrapper).
  public var unwrapped: any Environment {
    var current: any Environment = self
    while let wrapper = current as? any EnvironmentWrapper { current = wrapper.inner }
    return current
  }

  /// The outermost wrapper of type `W` in the chain starting at this environment, if any.
  public func wrapper<W: Environment>(ofType type: W.Type) -> W? {
    var current: any Environment = self
    while true {
      if let match = current as? W { return match }
      guard let wrapper = current as? any EnvironmentWrapper else { return nil }
      current = wrapper.inner
    }
  }
}

// MARK: - Forwarding by default

/// Everything a wrapper does not state itself goes to `inner`, as in Gymnasium's `gym.Wrapper`: spaces, name,
/// reset, step, close, rendering and the render rate. A wrapper declares only what it changes (its own action
/// space, a transformed observation, a scaled reward).
///
/// Saving and restoring forward too: the default state is the wrapper's kind (its type's name) with the inner
/// environment's state nested under `inner.`. A wrapper with state of its own (counters, statistics) must
/// implement ``Environment/saveState()`` and ``Environment/restoreState(_:)`` itself, as ``TimeLimit`` and
/// ``NormalizeObservation`` do, or a resumed run would not continue exactly.
extension EnvironmentWrapper {
  public var observationSpace: Space { inner.observationSpace }
  public var actionSpace: Space { inner.actionSpace }
  public var name: String { inner.name }

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> Info
  {
    try inner.reset(seed: seed, options: options, into: observation)
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    try inner.step(action, into: observation)
  }

  public func close() { inner.close() }

  public func render() throws -> Frame { try inner.render() }

  public var renderFramesPerSecond: Double? { inner.renderFramesPerSecond }

  public func saveState() throws -> EnvironmentState { try wrapperState(kind: String(describing: Self.self)) }

  public func restoreState(_ state: EnvironmentState) throws {
    try restoreWrapped(state, kind: String(describing: Self.self))
  }
}
