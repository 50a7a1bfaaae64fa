import CMuJoCo
import Foundation
import Gym

// MARK: - Cameras

/// Where the camera of a rendered MuJoCo picture looks from, as MuJoCo's `mjvCamera`.
///
/// Gymnasium's v4 environments render with a free camera placed by their `DEFAULT_CAMERA_CONFIG`: it looks at the
/// median of the geoms' positions when the renderer is made (unless the config sets `lookat`), from the model's
/// extent (unless it sets `distance`), at MuJoCo's default azimuth of 90 degrees and elevation of -45 degrees
/// (unless it sets them). The config's `trackbodyid` has no effect on a free camera, in Gymnasium as here.
public struct MuJoCoCamera: Sendable, Equatable {
  public enum Kind: Int32, Sendable {
    /// A camera that stays where it was put.
    case free = 0
    /// A camera that follows `trackBody`.
    case tracking = 1
    /// One of the model's own cameras, `fixedCamera`.
    case fixed = 2
  }

  public var kind: Kind = .free
  public var trackBody = 0
  public var fixedCamera = -1
  /// The point looked at (m); nil: the median of the geoms' positions.
  public var lookAt: (x: Double, y: Double, z: Double)?
  /// Distance from the point looked at (m); nil: the model's extent.
  public var distance: Double?
  /// Degrees; nil keeps MuJoCo's default (90).
  public var azimuth: Double?
  /// Degrees; nil keeps MuJoCo's default (-45).
  public var elevation: Double?

  public init(
    kind: Kind = .free, trackBody: Int = 0, fixedCamera: Int = -1, lookAt: (x: Double, y: Double, z: Double)? = nil,
    distance: Double? = nil, azimuth: Double? = nil, elevation: Double? = nil
  ) {
    self.kind = kind
    self.trackBody = trackBody
    self.fixedCamera = fixedCamera
    self.lookAt = lookAt
    self.distance = distance
    self.azimuth = azimuth
    self.elevation = elevation
  }

  public static func == (a: MuJoCoCamera, b: MuJoCoCamera) -> Bool {
    a.kind == b.kind && a.trackBody == b.trackBody && a.fixedCamera == b.fixedCamera && a.distance == b.distance
      && a.azimuth == b.azimuth && a.elevation == b.elevation
      && a.lookAt.map { [$0.x, $0.y, $0.z] }
        == b.lookAt.map { [$0.x, $0.y, $0.z] }
  }

  var cValue: rein_mj_camera {
    var camera = rein_mj_camera()
    camera.type = kind.rawValue
    camera.track_body = Int32(trackBody)
    camera.fixed_camera = Int32(fixedCamera)
    if let lookAt {
      camera.set_lookat = 1
      camera.lookat = (lookAt.x, lookAt.y, lookAt.z)
    }
    camera.distance = distance ?? 0
    camera.azimuth = azimuth ?? .nan
    camera.elevation = elevation ?? .nan
    return camera
  }
}

// MARK: - Scene options

/// What a rendered scene holds besides the camera, as Gymnasium's `MujocoRenderer` takes it.
public struct MuJoCoSceneOptions: Sendable, Equatable {
  /// The scene's capacity in geoms (Gymnasium's `max_geom`, 1000); geoms beyond it are not drawn.
  public var maxGeom = 1000
  /// mjvOption flags to set or clear, by index (`mjtVisFlag`; Gymnasium's `visual_options`); others keep MuJoCo's
  /// defaults.
  public var visualFlags: [Int: Bool] = [:]

  public init() {}

  /// MuJoCo's number of visual flags (`mjNVISFLAG`), the bound of ``visualFlags``' indices.
  public static var visualFlagCount: Int { Int(rein_mj_visual_flag_count()) }

  var cValue: rein_mj_scene_options {
    var options = rein_mj_scene_options()
    options.max_geom = Int32(maxGeom)
    withUnsafeMutableBytes(of: &options.visual_flags) { bytes in
      for i in 0..<bytes.count { bytes[i] = UInt8(bitPattern: -1) }
      for (index, value) in visualFlags where index >= 0 && index < bytes.count { bytes[index] = value ? 1 : 0 }
    }
    return options
  }
}

// MARK: - The renderer

/// MuJoCo's own offscreen renderer in a headless OpenGL context (EGL, loaded at run time); freed with the object.
final class MuJoCoRenderer {
  let handle: OpaquePointer
  let width: Int
  let height: Int

  init(simulation: MuJoCoSimulation, camera: MuJoCoCamera) throws {
    let (width, height) = simulation.renderSize
    var error = [CChar](repeating: 0, count: 2048)
    let made = rein_mj_renderer_make(
      simulation.model.handle, simulation.data.handle, Int32(width), Int32(height), camera.cValue,
      simulation.sceneOptions.cValue, &error, Int32(error.count))
    guard let made else {
      let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      throw RenderError.unavailable(
        environment: simulation.environmentName, reason: "no headless OpenGL context could be made",
        help: reason)
    }
    handle = made
    self.width = width
    self.height = height
  }

  deinit { rein_mj_renderer_free(handle) }

  func draw(_ data: MuJoCoData, environment: String) throws -> Frame {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    guard rein_mj_renderer_draw(handle, data.handle, &pixels) == 0 else {
      throw RenderError.unavailable(
        environment: environment, reason: "MuJoCo's renderer failed: \(String(cString: rein_mj_last_error()))",
        help: "Check that the OpenGL context still works (see `rein record` on a MuJoCo environment).")
    }
    return try Frame(width: width, height: height, pixels: pixels)
  }
}

extension MuJoCoSimulation {
  /// Draws the current state with MuJoCo's renderer; the first call makes the renderer with `camera`.
  func renderFrame(camera: MuJoCoCamera) throws -> Frame {
    guard isReset else { throw RenderError.renderBeforeReset(environment: environmentName) }
    if renderer == nil { renderer = try MuJoCoRenderer(simulation: self, camera: camera) }
    return try renderer!.draw(data, environment: environmentName)
  }
}

// MARK: - Keyword arguments

/// The environments that draw through a ``MuJoCoSimulation``.
protocol MuJoCoRenderable: AnyObject {
  var simulation: MuJoCoSimulation { get }
}

extension InvertedPendulum: MuJoCoRenderable {}
extension InvertedDoublePendulum: MuJoCoRenderable {}
extension Reacher: MuJoCoRenderable {}
extension Swimmer: MuJoCoRenderable {}
extension HalfCheetah: MuJoCoRenderable {}
extension Hopper: MuJoCoRenderable {}
extension Walker2d: MuJoCoRenderable {}
extension Ant: MuJoCoRenderable {}
extension Humanoid: MuJoCoRenderable {}
extension HumanoidStandup: MuJoCoRenderable {}
extension Pusher: MuJoCoRenderable {}

/// Wraps a factory so that it takes Gymnasium's `width` and `height` (pixels of rendered pictures, 480 each) besides
/// the environment's own keyword arguments.
func takingRenderArguments(
  _ factory: @escaping EnvironmentRegistry.Factory, environment: String
)
  -> EnvironmentRegistry.Factory
{
  return { arguments in
    var own = arguments
    let width = try own.int("width", default: 480)
    let height = try own.int("height", default: 480)
    own["width"] = nil
    own["height"] = nil
    guard (1...8192).contains(width), (1...8192).contains(height) else {
      throw EnvironmentError.invalidArgument(
        "\(environment): width and height of rendered pictures must be 1 to 8192 pixels, got \(width)x\(height)")
    }
    var camera = try cameraConfiguration(&own, environment: environment)
    let choice = try CameraChoice(&own, environment: environment)
    let options = try sceneOptions(&own, environment: environment)
    let made = try factory(own)
    if let simulation = (made as? any MuJoCoRenderable)?.simulation {
      if let id = try choice.cameraID(in: simulation.model, environment: environment), id >= 0 {
        // One of the model's cameras; a default_camera_config's values apply on top, as in Gymnasium.
        var fixed = camera ?? MuJoCoCamera()
        fixed.kind = .fixed
        fixed.fixedCamera = id
        camera = fixed
      }
      simulation.renderSize = (width, height)
      simulation.camera = camera
      simulation.sceneOptions = options
    }
    return made
  }
}

/// Gymnasium's `camera_id` (an index of the model's cameras, or -1 for the free camera) or `camera_name` (a camera
/// of the model by name); at most one of them.
private struct CameraChoice {
  var id: Int?
  var name: String?

  init(_ arguments: inout EnvironmentArguments, environment: String) throws {
    if arguments["camera_id"] != nil { id = try arguments.int("camera_id", default: -1) }
    if let value = arguments["camera_name"] {
      guard case .string(let text) = value else {
        throw EnvironmentError.invalidArgument("\(environment): camera_name must be a camera's name, got \(value)")
      }
      name = text
    }
    arguments["camera_id"] = nil
    arguments["camera_name"] = nil
    if id != nil, name != nil {
      throw EnvironmentError.invalidArgument(
        "\(environment): give camera_id or camera_name, not both (as Gymnasium's renderer requires)")
    }
  }

  /// The model camera's index, -1 for the free camera, nil when neither was given.
  func cameraID(in model: MuJoCoModel, environment: String) throws -> Int? {
    if let name {
      guard let id = model.id(of: .camera, named: name) else {
        throw EnvironmentError.invalidArgument(
          "\(environment): the model has no camera named '\(name)'"
            + (model.ncam == 0 ? " (it has no cameras; use default_camera_config)" : ""))
      }
      return id
    }
    guard let id else { return nil }
    guard id >= -1, id < model.ncam else {
      throw EnvironmentError.invalidArgument(
        "\(environment): camera_id must be -1 (the free camera) or one of the model's \(model.ncam) cameras "
          + "(0 to \(model.ncam - 1)), got \(id)")
    }
    return id
  }
}

/// Gymnasium's `max_geom` (a positive number of geoms) and `visual_options`, a dictionary of mjvOption flags given
/// as `visual_options.INDEX` Boolean arguments (`visual_options.2=true`, INDEX an `mjtVisFlag` value). Removes them
/// from `arguments`.
private func sceneOptions(
  _ arguments: inout EnvironmentArguments, environment: String
) throws -> MuJoCoSceneOptions {
  var options = MuJoCoSceneOptions()
  options.maxGeom = try arguments.int("max_geom", default: 1000)
  arguments["max_geom"] = nil
  guard (1...1_000_000).contains(options.maxGeom) else {
    throw EnvironmentError.invalidArgument(
      "\(environment): max_geom must be 1 to 1000000 geoms, got \(options.maxGeom)")
  }
  let prefix = "visual_options."
  let count = MuJoCoSceneOptions.visualFlagCount
  for key in arguments.keys.filter({ $0.hasPrefix(prefix) }).sorted() {
    guard let index = Int(key.dropFirst(prefix.count)), index >= 0, index < max(count, 1) else {
      throw EnvironmentError.invalidArgument(
        "\(environment): '\(key)' names no visual flag; visual_options takes indices 0 to \(count - 1) "
          + "(MuJoCo's mjtVisFlag), e.g. visual_options.2=true")
    }
    options.visualFlags[index] = try arguments.bool(key, default: false)
    arguments[key] = nil
  }
  return options
}

/// Gymnasium's `default_camera_config`, a dictionary, given as `default_camera_config.KEY` arguments: `distance`
/// (m), `azimuth` and `elevation` (degrees), `lookat` ([x, y, z], m), and `trackbodyid` (accepted; like
/// Gymnasium's, it has no effect on the free camera). Removes them from `arguments`; nil when there are none.
private func cameraConfiguration(
  _ arguments: inout EnvironmentArguments, environment: String
) throws -> MuJoCoCamera? {
  let prefix = "default_camera_config."
  let keys = arguments.keys.filter { $0.hasPrefix(prefix) }
  guard !keys.isEmpty else { return nil }
  let known: Set<String> = ["distance", "azimuth", "elevation", "lookat", "trackbodyid"]
  for key in keys where !known.contains(String(key.dropFirst(prefix.count))) {
    throw EnvironmentError.invalidArgument(
      "\(environment): unknown camera setting '\(key)'; the camera takes "
        + known.sorted().map { prefix + $0 }.joined(separator: ", "))
  }
  var camera = MuJoCoCamera()
  if arguments[prefix + "distance"] != nil { camera.distance = try arguments.double(prefix + "distance", default: 0) }
  if arguments[prefix + "azimuth"] != nil { camera.azimuth = try arguments.double(prefix + "azimuth", default: 0) }
  if arguments[prefix + "elevation"] != nil {
    camera.elevation = try arguments.double(prefix + "elevation", default: 0)
  }
  if arguments[prefix + "lookat"] != nil {
    let point = try arguments.doubles(prefix + "lookat", default: [])
    guard point.count == 3, point.allSatisfy(\.isFinite) else {
      throw EnvironmentError.invalidArgument(
        "\(environment): \(prefix)lookat must be three finite numbers [x, y, z], got \(point)")
    }
    camera.lookAt = (point[0], point[1], point[2])
  }
  if let distance = camera.distance, !(distance > 0 && distance.isFinite) {
    throw EnvironmentError.invalidArgument(
      "\(environment): \(prefix)distance must be a positive number of metres, got \(distance)")
  }
  _ = try arguments.int(prefix + "trackbodyid", default: 0)
  for key in keys { arguments[key] = nil }
  return camera
}

// MARK: - The environments' pictures

// Each environment renders 480 x 480 pictures from Gymnasium's DEFAULT_CAMERA_CONFIG (the v5 configs place the
// free camera as the v4 ones do; their `trackbodyid` has no effect on a free camera), or from the camera the
// environment was made with (`default_camera_config.*`), at 1 / dt frames per second (Gymnasium's `render_fps`).

extension InvertedPendulum {
  /// Gymnasium's camera: distance 2.04 m.
  public static let camera = MuJoCoCamera(distance: 2.04)
  public var renderFramesPerSecond: Double? { 1 / simulation.dt }
  /// Draws the current state (480x480) with MuJoCo's renderer.
  public func render() throws -> Frame { try simulation.renderFrame(camera: simulation.camera ?? Self.camera) }
}

extension InvertedDoublePendulum {
  /// Gymnasium's camera: distance 4.1225 m, looking at (0, 0, 0.1225).
  public static let camera = MuJoCoCamera(lookAt: (0, 0, 0.122_5), distance: 4.122_5)
  public var renderFramesPerSecond: Double? { 1 / simulation.dt }
  /// Draws the current state (480x480) with MuJoCo's renderer.
  public func render() throws -> Frame { try simulation.renderFrame(camera: simulation.camera ?? Self.camera) }
}

extension Reacher {
  /// Gymnasium's camera: MuJoCo's free camera over the arena.
  public static let camera = MuJoCoCamera()
  public var renderFramesPerSecond: Double? { 1 / simulation.dt }
  /// Draws the current state (480x480) with MuJoCo's renderer.
  public func render() throws -> Frame { try simulation.renderFrame(camera: simulation.camera ?? Self.camera) }
}

extension Swimmer {
  /// Gymnasium's camera: MuJoCo's free camera (Swimmer has no camera config).
  public static let camera = MuJoCoCamera()
  public var renderFramesPerSecond: Double? { 1 / simulation.dt }
  /// Draws the current state (480x480) with MuJoCo's renderer.
  public func render() throws -> Frame { try simulation.renderFrame(camera: simulation.camera ?? Self.camera) }
}

extension HalfCheetah {
  /// Gymnasium's camera: distance 4 m.
  public static let camera = MuJoCoCamera(distance: 4)
  public var renderFramesPerSecond: Double? { 1 / simulation.dt }
  /// Draws the current state (480x480) with MuJoCo's renderer.
  public func render() throws -> Frame { try simulation.renderFrame(camera: simulation.camera ?? Self.camera) }
}

extension Hopper {
  /// Gymnasium's camera: distance 3 m, looking at (0, 0, 1.15) from 20 degrees above.
  public static let camera = MuJoCoCamera(lookAt: (0, 0, 1.15), distance: 3, elevation: -20)
  public var renderFramesPerSecond: Double? { 1 / simulation.dt }
  /// Draws the current state (480x480) with MuJoCo's renderer.
  public func render() throws -> Frame { try simulation.renderFrame(camera: simulation.camera ?? Self.camera) }
}

extension Walker2d {
  /// Gymnasium's camera: distance 4 m, looking at (0, 0, 1.15) from 20 degrees above.
  public static let camera = MuJoCoCamera(lookAt: (0, 0, 1.15), distance: 4, elevation: -20)
  public var renderFramesPerSecond: Double? { 1 / simulation.dt }
  /// Draws the current state (480x480) with MuJoCo's renderer.
  public func render() throws -> Frame { try simulation.renderFrame(camera: simulation.camera ?? Self.camera) }
}

extension Ant {
  /// Gymnasium's camera: distance 4 m.
  public static let camera = MuJoCoCamera(distance: 4)
  public var renderFramesPerSecond: Double? { 1 / simulation.dt }
  /// Draws the current state (480x480) with MuJoCo's renderer.
  public func render() throws -> Frame { try simulation.renderFrame(camera: simulation.camera ?? Self.camera) }
}

extension Humanoid {
  /// Gymnasium's camera: distance 4 m, looking at (0, 0, 2) from 20 degrees above.
  public static let camera = MuJoCoCamera(lookAt: (0, 0, 2), distance: 4, elevation: -20)
  public var renderFramesPerSecond: Double? { 1 / simulation.dt }
  /// Draws the current state (480x480) with MuJoCo's renderer.
  public func render() throws -> Frame { try simulation.renderFrame(camera: simulation.camera ?? Self.camera) }
}

extension HumanoidStandup {
  /// Gymnasium's camera: distance 4 m, looking at (0, 0, 0.8925) from 20 degrees above.
  public static let camera = MuJoCoCamera(lookAt: (0, 0, 0.892_5), distance: 4, elevation: -20)
  public var renderFramesPerSecond: Double? { 1 / simulation.dt }
  /// Draws the current state (480x480) with MuJoCo's renderer.
  public func render() throws -> Frame { try simulation.renderFrame(camera: simulation.camera ?? Self.camera) }
}

extension Pusher {
  /// Gymnasium's camera: distance 4 m.
  public static let camera = MuJoCoCamera(distance: 4)
  public var renderFramesPerSecond: Double? { 1 / simulation.dt }
  /// Draws the current state (480x480) with MuJoCo's renderer.
  public func render() throws -> Frame { try simulation.renderFrame(camera: simulation.camera ?? Self.camera) }
}
