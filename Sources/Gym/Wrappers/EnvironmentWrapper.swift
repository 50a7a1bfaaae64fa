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
