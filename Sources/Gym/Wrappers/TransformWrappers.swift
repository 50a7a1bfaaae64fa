// MARK: - TransformObservation

/// Applies a function to every observation in place, as Gymnasium's `TransformObservation`.
///
/// The function receives the observation buffer (of `observationSpace.flatCount` values) and rewrites it;
/// pass `observationSpace` when the transform changes the space (same number of values).
public final class TransformObservation: EnvironmentWrapper {
  public let inner: any Environment
  public let observationSpace: Space
  private let transform: (UnsafeMutableBufferPointer<Double>) -> Void

  public init(
    _ environment: any Environment, observationSpace: Space? = nil,
    transform: @escaping (UnsafeMutableBufferPointer<Double>) -> Void
  ) throws {
    let space = observationSpace ?? environment.observationSpace
    guard space.flatCount == environment.observationSpace.flatCount else {
      throw EnvironmentError.invalidArgument(
        "TransformObservation keeps the observation size (\(environment.observationSpace.flatCount)); "
          + "the new space has \(space.flatCount)")
    }
    inner = environment
    self.observationSpace = space
    self.transform = transform
  }

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> Info
  {
    let info = try inner.reset(seed: seed, options: options, into: observation)
    transform(observation)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    let outcome = try inner.step(action, into: observation)
    transform(observation)
    return outcome
  }

}

// MARK: - TransformReward

/// Applies a function to every reward, as Gymnasium's `TransformReward`.
public final class TransformReward: EnvironmentWrapper {
  public let inner: any Environment
  private let transform: (Double) -> Double

  public init(_ environment: any Environment, transform: @escaping (Double) -> Double) {
    inner = environment
    self.transform = transform
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    var outcome = try inner.step(action, into: observation)
    outcome.reward = transform(outcome.reward)
    return outcome
  }

}

// MARK: - FlattenObservation

/// Flattens observations as Gymnasium's `FlattenObservation` (`gymnasium.spaces.utils.flatten`): composite
/// spaces are concatenated and discrete values one-hot encoded into a `Box`.
public final class FlattenObservation: EnvironmentWrapper {
  public let inner: any Environment
  public let observationSpace: Space
  private let innerSpace: Space
  private var innerObservation: [Double]

  public init(_ environment: any Environment) {
    inner = environment
    innerSpace = environment.observationSpace
    observationSpace = .box(innerSpace.flattened)
    innerObservation = [Double](repeating: 0, count: innerSpace.flatCount)
  }

  public func reset(
    seed: UInt64?, options: ResetOptions?, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> Info
  {
    let info = try innerObservation.withUnsafeMutableBufferPointer {
      try inner.reset(seed: seed, options: options, into: $0)
    }
    write(observation)
    return info
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    let outcome = try innerObservation.withUnsafeMutableBufferPointer { try inner.step(action, into: $0) }
    write(observation)
    return outcome
  }

  private func write(_ observation: UnsafeMutableBufferPointer<Double>) {
    let flat = innerSpace.flatten(innerObservation)
    for k in 0..<min(flat.count, observation.count) { observation[k] = flat[k] }
  }

}
