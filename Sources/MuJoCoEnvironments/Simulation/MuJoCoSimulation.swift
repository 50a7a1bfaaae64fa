import Foundation
import Gym

// MARK: - The common machinery of the MuJoCo environments

/// What every MuJoCo environment does the same way, as Gymnasium's `MujocoEnv`: one model and its data, the frame
/// skip, the initial state, setting the state, applying an action for `frameSkip` steps, and reporting MuJoCo's
/// warnings.
///
/// Compiled models are cached per process by their XML text: a model is immutable, so every environment of one
/// kind shares it and owns only its data (which makes vector environments cheap to build).
public final class MuJoCoSimulation {
  /// The environment id, for error messages.
  public let environmentName: String
  public let model: MuJoCoModel
  public let data: MuJoCoData
  /// MuJoCo steps per environment step.
  public let frameSkip: Int
  /// Whether each environment step ends with MuJoCo's post-constraint pass, which computes the contact forces
  /// `cfrc_ext` (Gymnasium always runs it; Rein runs it only for environments that read those forces, since it
  /// changes no state the simulation reads).
  public let computesContactForces: Bool
  /// The state right after the data is made: `qpos0` and zero velocities (Gymnasium's `init_qpos`, `init_qvel`).
  public let initialPositions: [Double]
  public let initialVelocities: [Double]
  /// The action space: one float32 box dimension per actuator, bounded by its control range.
  public let actionSpace: Space

  /// How error messages name the model: Rein's own, or the user's `xml_file`.
  public internal(set) var modelDescription = "Rein's own model"
  /// The camera of rendered pictures when the environment was made with one (Gymnasium's `default_camera_config`,
  /// `camera_id`, `camera_name`); nil for the task's own camera.
  public var camera: MuJoCoCamera?

  /// True once the environment has been reset (stepping before is an error).
  public internal(set) var isReset = false

  /// The size of rendered pictures (pixels), Gymnasium's `width` and `height` (480 x 480); set it before the first
  /// `render()`.
  public var renderSize = (width: 480, height: 480)
  /// The scene's geom capacity and visual flags of rendered pictures (Gymnasium's `max_geom`, `visual_options`).
  public var sceneOptions = MuJoCoSceneOptions()
  /// The offscreen renderer, made by the first `render()` (see MuJoCoRendering.swift).
  var renderer: MuJoCoRenderer?

  /// Compiles (or takes from the cache) the model in `xml` and makes fresh data for it.
  public init(environment: String, xml: String, frameSkip: Int, computesContactForces: Bool = false) throws {
    guard frameSkip >= 1 else {
      throw EnvironmentError.invalidArgument("\(environment): frame_skip must be at least 1, got \(frameSkip)")
    }
    environmentName = environment
    model = try MuJoCoModelCache.shared.model(xml: xml)
    data = try MuJoCoData(model: model)
    self.frameSkip = frameSkip
    self.computesContactForces = computesContactForces
    initialPositions = Array(data.qpos)
    initialVelocities = Array(data.qvel)
    let ranges = model.controlRanges
    actionSpace = .box(BoxSpace(low: ranges.map(\.low), high: ranges.map(\.high), dtype: .float32))
  }

  /// Seconds of simulated time per environment step.
  public var dt: Double { model.timestep * Double(frameSkip) }

  // MARK: - Reset

  /// Resets MuJoCo's data to the reference state (`mj_resetData`), as Gymnasium's `reset` does before
  /// `reset_model`.
  public func resetData() throws {
    try data.reset()
    isReset = true
  }

  /// Sets positions and velocities and recomputes the derived quantities (Gymnasium's `set_state`).
  ///
  /// - Throws: ``EnvironmentError/invalidArgument(_:)`` unless there are nq positions and nv velocities.
  public func setState(positions: [Double], velocities: [Double]) throws {
    guard positions.count == model.nq, velocities.count == model.nv else {
      throw EnvironmentError.invalidArgument(
        "\(environmentName): a state needs \(model.nq) positions and \(model.nv) velocities, got "
          + "\(positions.count) and \(velocities.count)")
    }
    for i in 0..<positions.count { data.qpos[i] = positions[i] }
    for i in 0..<velocities.count { data.qvel[i] = velocities[i] }
    try data.forward()
  }

  /// Sets the initial state plus noise uniform in [-scale, scale] on every position, then on every velocity, drawn
  /// in that order (the reset of most Gymnasium MuJoCo environments).
  public func setUniformlyPerturbedState(scale: Double, random: inout NumpyGenerator) throws {
    let positionNoise = random.uniform(low: -scale, high: scale, count: model.nq)
    let velocityNoise = random.uniform(low: -scale, high: scale, count: model.nv)
    try setState(
      positions: zip(initialPositions, positionNoise).map { $0 + $1 },
      velocities: zip(initialVelocities, velocityNoise).map { $0 + $1 })
  }

  /// Sets the initial state plus noise uniform in [-positionScale, positionScale] on the positions and normal with
  /// standard deviation `normalVelocityScale` on the velocities, drawn in that order.
  public func setPerturbedState(
    positionScale: Double, normalVelocityScale: Double, random: inout NumpyGenerator
  )
    throws
  {
    let positionNoise = random.uniform(low: -positionScale, high: positionScale, count: model.nq)
    let velocityNoise = random.standardNormal(count: model.nv)
    try setState(
      positions: zip(initialPositions, positionNoise).map { $0 + $1 },
      velocities: zip(initialVelocities, velocityNoise).map { $0 + normalVelocityScale * $1 })
  }

  // MARK: - Observations

  /// Writes `qpos[skipped...]` then `qvel` (each velocity clipped to [-velocityLimit, velocityLimit] when given)
  /// into the start of `observation`; returns the number of values written.
  @discardableResult @inline(__always)
  public func writePositionsAndVelocities(
    skippingPositions skipped: Int, velocityLimit: Double? = nil, into observation: UnsafeMutableBufferPointer<Double>
  ) -> Int {
    var k = 0
    for i in skipped..<data.qpos.count {
      observation[k] = data.qpos[i]
      k += 1
    }
    if let limit = velocityLimit {
      for v in data.qvel {
        observation[k] = NumpyArithmetic.clip(v, -limit, limit)
        k += 1
      }
    } else {
      for v in data.qvel {
        observation[k] = v
        k += 1
      }
    }
    return k
  }

  // MARK: - Step

  /// Applies `action` as the controls for `frameSkip` MuJoCo steps (Gymnasium's `do_simulation`). MuJoCo clamps
  /// each control to its actuator's range.
  ///
  /// - Throws: ``EnvironmentError/stepBeforeReset(_:)``, ``EnvironmentError/invalidAction(_:)`` for an action of
  ///   the wrong length, ``EnvironmentError/simulationFailed(_:)`` when MuJoCo raises an error.
  @inline(__always)
  public func simulate(_ action: UnsafeBufferPointer<Double>) throws {
    guard isReset else { throw EnvironmentError.stepBeforeReset(environmentName) }
    guard action.count == data.ctrl.count else {
      throw EnvironmentError.invalidAction(
        "\(environmentName) takes \(data.ctrl.count) action values, got \(action.count)")
    }
    // The action space is float32: each value is taken as the float32 a numpy action array would hold.
    for i in 0..<action.count { data.ctrl[i] = Double(Float(action[i])) }
    do {
      try data.step(count: frameSkip, postConstraint: computesContactForces)
    } catch {
      isReset = false
      throw error
    }
  }

  /// Throws unless `observation` holds exactly `count` values.
  @inline(__always)
  public func checkObservationBuffer(_ observation: UnsafeMutableBufferPointer<Double>, count: Int) throws {
    guard observation.count == count else {
      throw EnvironmentError.invalidObservationBuffer(expected: count, got: observation.count)
    }
  }

  // MARK: - Warnings

  /// Adds the warnings MuJoCo raised since the last call (or reset) to `info` under ``MuJoCoWarning/infoKey``;
  /// leaves `info` alone when there were none (the common case costs one call).
  @inline(__always)
  public func reportWarnings(into info: inout Info) {
    guard data.warningTotal > 0 else { return }
    var report: [String: InfoValue] = [:]
    for (kind, count) in data.takeWarnings() { report[kind.name] = .int(count) }
    report["message"] = .string(MuJoCo.lastWarning)
    info[MuJoCoWarning.infoKey] = .info(report)
  }
}

// MARK: - Model cache

/// Compiled models by XML text, shared by every environment in the process.
final class MuJoCoModelCache: @unchecked Sendable {
  static let shared = MuJoCoModelCache()

  private let lock = NSLock()
  private var models: [String: MuJoCoModel] = [:]

  func model(xml: String) throws -> MuJoCoModel {
    if let model = lock.withLock({ models[xml] }) { return model }
    let model = try MuJoCoModel(xml: xml)
    return lock.withLock {
      if let existing = models[xml] { return existing }
      models[xml] = model
      return model
    }
  }
}
