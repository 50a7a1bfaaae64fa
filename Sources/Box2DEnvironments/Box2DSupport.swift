import CBox2D
import Gym

// MARK: - Availability

/// Box2D as Rein links it: whether it is there, and which version.
public enum Box2DLibrary {
  /// True when Rein was built against Box2D 2.3 (its own build in `.box2d/`) or 2.4 (Rein's 2.4.1 build, or the
  /// headers of libbox2d-dev found at build time).
  public static var isAvailable: Bool { cb2_available() != 0 }

  /// The linked Box2D version as the library reports it, or nil when Rein was built without Box2D. (pybox2d's Box2D
  /// reports "2.3.0" and Box2D 2.4.1 "2.4.0": upstream left the version constants unchanged.)
  public static var version: String? {
    let v = Int(cb2_version())
    return isAvailable ? "\(v / 10000).\(v / 100 % 100).\(v % 100)" : nil
  }

  /// True when Rein links its own build of Box2D (made by `scripts/setup-box2d.sh` in `.box2d/`: by default Box2D 2.3
  /// from pybox2d's sources, bit-identical to Gymnasium's; with `REIN_BOX2D_VERSION=2.4.1`, Box2D 2.4.1 with three
  /// speed patches), false when it links the system's library (or none).
  public static var isReinBuild: Bool { cb2_is_rein_build() != 0 }

  /// Which Box2D is linked, for logs and benchmark records: "2.3.0 (Rein's build)", "2.4.0 (system library)" or
  /// "none".
  public static var buildDescription: String {
    guard let version else { return "none" }
    return "\(version) (\(isReinBuild ? "Rein's build" : "system library"))"
  }

  /// How to get Box2D, for error messages.
  static let installHelp =
    "Rein was built without Box2D. Run `./scripts/setup.sh` (or `./scripts/setup-box2d.sh`, which builds Box2D 2.3 "
    + "from pybox2d's sources into .box2d/, as Gymnasium runs it; Debian's 2.4.1, `sudo apt-get install "
    + "libbox2d-dev`, also works but is not bit-exact; Box2D 3.x has another API), then rebuild Rein (`swift build`) so that the Box2D environments are compiled in."

  /// Throws ``EnvironmentError/libraryUnavailable(library:help:)`` when Rein was built without Box2D.
  static func require(for environment: String) throws {
    guard isAvailable else {
      throw EnvironmentError.libraryUnavailable(library: "Box2D (needed by \(environment))", help: installHelp)
    }
  }
}

// MARK: - Fixture and world helpers

extension CB2FixtureOptions {
  /// A fixture definition with pybox2d's defaults (friction 0.2, density and restitution 0, category 1, mask all).
  init(
    density: Double = 0, friction: Double = 0.2, restitution: Double = 0, categoryBits: UInt16 = 0x0001,
    maskBits: UInt16 = 0xFFFF
  ) {
    self.init(
      density: Float(density), friction: Float(friction), restitution: Float(restitution),
      categoryBits: categoryBits, maskBits: maskBits)
  }
}

/// Adds a convex polygon given as (x, y) pairs in metres to `body`, rounding to Box2D's single precision.
func addPolygon(_ body: OpaquePointer, _ vertices: [(Double, Double)], _ options: CB2FixtureOptions) {
  var xy: [Float] = []
  xy.reserveCapacity(vertices.count * 2)
  for (x, y) in vertices {
    xy.append(Float(x))
    xy.append(Float(y))
  }
  _ = cb2_body_add_polygon(body, xy, Int32(vertices.count), options)
}

/// Checks that a flat action holds `count` finite values.
func requireFiniteAction(_ action: UnsafeBufferPointer<Double>, count: Int, environment: String) throws {
  guard action.count == count else {
    throw EnvironmentError.invalidAction("\(environment) takes \(count) action value(s), got \(action.count)")
  }
  for value in action where !value.isFinite {
    throw EnvironmentError.invalidAction("\(environment) got a non-finite action value \(value)")
  }
}

/// Checks that an observation buffer holds `count` values.
func requireObservationBuffer(_ observation: UnsafeMutableBufferPointer<Double>, count: Int) throws {
  guard observation.count == count else {
    throw EnvironmentError.invalidObservationBuffer(expected: count, got: observation.count)
  }
}
