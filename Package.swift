// swift-tools-version: 6.1
import Foundation
import PackageDescription

// MARK: - Optional native libraries

/// Box2D: Rein's own build when it is there (scripts/setup-box2d.sh puts a static archive and its headers in .box2d/:
/// Box2D 2.3 from pybox2d's sources, headers under include/Box2D, or 2.4.1, headers under include/box2d), else the
/// system's (Debian: libbox2d-dev 2.4.1). Without either Rein still builds; making a Box2D environment then fails
/// with an error that says how to install it.
let reinBox2D = "\(Context.packageDirectory)/.box2d"
let haveReinBox2D =
  FileManager.default.fileExists(atPath: "\(reinBox2D)/lib/libbox2d-rein.a")
  && ["include/Box2D/Box2D.h", "include/box2d/box2d.h"].contains {
    FileManager.default.fileExists(atPath: "\(reinBox2D)/\($0)")
  }
let box2DHeaders = [
  "/usr/include/box2d/box2d.h", "/usr/local/include/box2d/box2d.h", "/opt/homebrew/include/box2d/box2d.h",
]
let haveBox2D = haveReinBox2D || box2DHeaders.contains { FileManager.default.fileExists(atPath: $0) }

// MuJoCo needs no such switch: the CMuJoCo shim loads the library at run time (dlopen), so Rein always builds.

let package = Package(
  name: "Rein",
  platforms: [.macOS(.v15)],
  // MARK: - Public products
  products: [
    .library(name: "Rein", targets: ["Rein"]),
    .executable(name: "rein", targets: ["rein"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    // MARK: - C interop
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    .target(
      name: "CMuJoCo",
      cSettings: [.headerSearchPath("../../.mujoco/include")],
      linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
    ),
    .target(
      name: "CBox2D",
      cxxSettings: haveReinBox2D
        ? [.define("REIN_HAVE_BOX2D"), .define("REIN_BOX2D_BUILD"), .headerSearchPath("../../.box2d/include")]
        : haveBox2D ? [.define("REIN_HAVE_BOX2D")] : [],
      linkerSettings: haveReinBox2D
        ? [.unsafeFlags(["-L\(reinBox2D)/lib"]), .linkedLibrary("box2d-rein")]
        : haveBox2D ? [.linkedLibrary("box2d")] : []
    ),

    // MARK: - Implementation modules
    .target(name: "CKernels"),
    .target(
      name: "Tensors", dependencies: ["CKernels", .target(name: "CBLAS", condition: .when(platforms: [.linux]))]),
    .target(name: "NeuralNetworks", dependencies: ["Tensors", "CKernels"]),
    .target(name: "Gym"),
    .target(name: "ClassicControl", dependencies: ["Gym", "Graphics"]),
    .target(name: "MuJoCoEnvironments", dependencies: ["Gym", "CMuJoCo"]),
    .target(name: "Box2DEnvironments", dependencies: ["Gym", "CBox2D", "Graphics"]),
    .target(name: "PolicyGradient", dependencies: ["NeuralNetworks", "Gym"]),
    .target(name: "Graphics", dependencies: ["CZlib"]),
    .target(name: "Recording", dependencies: ["Gym", "Graphics"]),
    .target(name: "Experiments", dependencies: ["PolicyGradient", "Graphics", "Recording", "Yams"]),
    .target(
      name: "Rein",
      dependencies: [
        "Tensors", "NeuralNetworks", "Gym", "ClassicControl", "MuJoCoEnvironments", "Box2DEnvironments",
        "PolicyGradient", "Experiments", "Graphics", "Recording",
      ]
    ),
    .executableTarget(
      name: "rein",
      dependencies: ["Rein", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),

    .executableTarget(name: "line-world-example", dependencies: ["Rein"], path: "Examples/LineWorld"),
    .executableTarget(name: "rein-bench", dependencies: ["Rein"], path: "Benchmarks", exclude: ["peers"]),

    // MARK: - Tests
    .target(name: "TestSupport", dependencies: ["Tensors", "Gym"], path: "Tests/TestSupport"),
    .testTarget(name: "TensorsTests", dependencies: ["Tensors", "TestSupport"]),
    .testTarget(name: "NeuralNetworksTests", dependencies: ["NeuralNetworks", "TestSupport"]),
    .testTarget(
      name: "GymTests", dependencies: ["Gym", "ClassicControl", "TestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ClassicControlTests", dependencies: ["ClassicControl", "TestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "MuJoCoEnvironmentsTests", dependencies: ["MuJoCoEnvironments", "TestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "Box2DEnvironmentsTests", dependencies: ["Box2DEnvironments", "TestSupport"], resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "PolicyGradientTests", dependencies: ["PolicyGradient", "ClassicControl", "TestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(name: "GraphicsTests", dependencies: ["Graphics", "CZlib", "TestSupport"]),
    .testTarget(
      name: "RecordingTests",
      dependencies: [
        "Recording", "ClassicControl", "Box2DEnvironments", "MuJoCoEnvironments", "Gym", "Experiments", "TestSupport",
      ]),
    .testTarget(
      name: "ExperimentsTests", dependencies: ["Experiments", "Graphics", "Rein", "TestSupport"],
      resources: [.copy("Fixtures")]),
  ]
)
