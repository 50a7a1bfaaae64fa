// MARK: - ClipAction

/// Clips every action to the inner environment's `Box` bounds, as Gymnasium's `ClipAction`; the wrapper's own
/// action space is the unbounded box of the same shape.
public final class ClipAction: EnvironmentWrapper {
  public let inner: any Environment
  public let actionSpace: Space
  private let low: [Double]
  private let high: [Double]
  private var clipped: [Double]

  public init(_ environment: any Environment) throws {
    guard case .box(let box) = environment.actionSpace else {
      throw EnvironmentError.invalidArgument("ClipAction needs a Box action space, got \(environment.actionSpace)")
    }
    inner = environment
    low = box.low
    high = box.high
    clipped = box.low
    actionSpace = .box(BoxSpace(low: -.infinity, high: .infinity, shape: box.shape, dtype: box.dtype))
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    guard action.count == clipped.count else {
      throw EnvironmentError.invalidAction("\(name) takes \(clipped.count) action values, got \(action.count)")
    }
    return try clipped.withUnsafeMutableBufferPointer { buffer in
      for k in 0..<buffer.count { buffer[k] = min(max(action[k], low[k]), high[k]) }
      return try inner.step(UnsafeBufferPointer(buffer), into: observation)
    }
  }

}

// MARK: - RescaleAction

/// Maps actions from `[minAction, maxAction]` linearly onto the inner environment's `Box` bounds, as
/// Gymnasium's `RescaleAction` (for example a policy's [-1, 1] onto Pendulum's [-2, 2]); results are clipped to
/// the inner bounds.
public final class RescaleAction: EnvironmentWrapper {
  public let inner: any Environment
  public let actionSpace: Space
  private let gradient: [Double]
  private let intercept: [Double]
  private let low: [Double]
  private let high: [Double]
  private var rescaled: [Double]

  /// Rescales from the same `[minAction, maxAction]` in every dimension.
  public convenience init(_ environment: any Environment, minAction: Double, maxAction: Double) throws {
    let count = environment.actionSpace.flatCount
    try self.init(
      environment, minAction: [Double](repeating: minAction, count: count),
      maxAction: [Double](repeating: maxAction, count: count))
  }

  public init(_ environment: any Environment, minAction: [Double], maxAction: [Double]) throws {
    guard case .box(let box) = environment.actionSpace else {
      throw EnvironmentError.invalidArgument(
        "RescaleAction needs a Box action space, got \(environment.actionSpace)")
    }
    guard minAction.count == box.count, maxAction.count == box.count,
      zip(minAction, maxAction).allSatisfy({ $0.isFinite && $1.isFinite && $0 < $1 }),
      box.low.allSatisfy(\.isFinite), box.high.allSatisfy(\.isFinite)
    else {
      throw EnvironmentError.invalidArgument(
        "RescaleAction needs finite bounds with min < max in each of the \(box.count) dimensions")
    }
    inner = environment
    low = box.low
    high = box.high
    gradient = (0..<box.count).map { (box.high[$0] - box.low[$0]) / (maxAction[$0] - minAction[$0]) }
    intercept = (0..<box.count).map { [gradient] in box.high[$0] - gradient[$0] * maxAction[$0] }
    rescaled = box.low
    actionSpace = .box(BoxSpace(low: minAction, high: maxAction, shape: box.shape, dtype: box.dtype))
  }

  public func step(
    _ action: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>
  )
    throws -> StepOutcome
  {
    guard action.count == rescaled.count else {
      throw EnvironmentError.invalidAction("\(name) takes \(rescaled.count) action values, got \(action.count)")
    }
    return try rescaled.withUnsafeMutableBufferPointer { buffer in
      for k in 0..<buffer.count {
        buffer[k] = min(max(gradient[k] * action[k] + intercept[k], low[k]), high[k])
      }
      return try inner.step(UnsafeBufferPointer(buffer), into: observation)
    }
  }

}
