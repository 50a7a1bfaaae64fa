import CMuJoCo
import Gym

// MARK: - The library

/// The MuJoCo physics library, found and loaded at run time.
///
/// Rein does not link MuJoCo: the first MuJoCo environment made loads `libmujoco` with `dlopen`, from
/// `$REIN_MUJOCO_DIR/lib` when that variable is set (and only there); otherwise from `.mujoco/lib` of the package
/// Rein was built from, of the working directory or of the executable's folder or its parents, then from the
/// system's library paths. `./scripts/setup.sh` installs the pinned version (4.0.0, the official build) into
/// `.mujoco/`.
public enum MuJoCo {
  /// The version Rein is built for.
  public static let requiredVersion = "4.0.0"

  /// True when the library is loaded (loading it on first use).
  public static var isAvailable: Bool { rein_mj_load() == 0 }

  /// The loaded library's version string, or nil when MuJoCo is unavailable.
  public static var version: String? {
    guard let text = rein_mj_version_string() else { return nil }
    return String(cString: text)
  }

  /// Where the library was loaded from when available; otherwise what went wrong and where Rein looked.
  public static var loadMessage: String { String(cString: rein_mj_load_message()) }

  /// Loads the library, or throws ``EnvironmentError/libraryUnavailable(library:help:)`` saying how to install it.
  public static func requireLibrary() throws {
    guard rein_mj_built_with_headers() == 1, rein_mj_load() == 0 else {
      throw EnvironmentError.libraryUnavailable(library: "MuJoCo \(requiredVersion)", help: loadMessage)
    }
  }

  /// The last error MuJoCo raised on this thread.
  static var lastError: String { String(cString: rein_mj_last_error()) }

  /// The last warning text MuJoCo printed on this thread.
  static var lastWarning: String { String(cString: rein_mj_last_warning()) }
}
