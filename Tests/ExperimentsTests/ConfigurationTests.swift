import Experiments
import Foundation
import XCTest

final class ConfigurationTests: XCTestCase {
  let preset = """
    # PPO on LunarLander
    algorithm: ppo
    env_id: LunarLander-v3
    seeds: [1, 2, 3]
    total_steps: 1_000_000
    ppo:
      learning_rate: 3.0e-4
      clip_range: 0.2
      epochs: 10
      normalize_advantages: true
      net_arch: [64, 64]
    env:
      count: 4
    """

  func testNestedMappingsFlattenToTypedDottedKeys() throws {
    let config = try RunConfiguration(yaml: preset)
    XCTAssertEqual(
      config.keys,
      [
        "algorithm", "env_id", "seeds", "total_steps", "ppo.learning_rate", "ppo.clip_range", "ppo.epochs",
        "ppo.normalize_advantages", "ppo.net_arch", "env.count",
      ])
    XCTAssertEqual(config.values["ppo.learning_rate"], .double(3e-4))
    XCTAssertEqual(config.values["total_steps"], .int(1_000_000))
    XCTAssertEqual(try config.string("algorithm"), "ppo")
    XCTAssertEqual(try config.ints("seeds"), [1, 2, 3])
    XCTAssertEqual(try config.double("ppo.epochs"), 10, "integers read as numbers")
    XCTAssertEqual(try config.bool("ppo.normalize_advantages"), true)
    XCTAssertEqual(try config.int("missing", default: 7), 7)
    XCTAssertEqual(config.keys(under: "ppo").count, 5)
  }

  func testOverrides() throws {
    var config = try RunConfiguration(yaml: preset)
    try config.apply(overrides: [
      "ppo.clip_range=0.1", "ppo.epochs=20", "ppo.learning_rate=1", "seeds=[5, 6]", "env_id=CartPole-v1",
      "ppo.normalize_advantages=false", "new.key=hello world", "ppo.net_arch=[256, 256]",
    ])
    XCTAssertEqual(config.values["ppo.clip_range"], .double(0.1))
    XCTAssertEqual(config.values["ppo.epochs"], .int(20))
    XCTAssertEqual(config.values["ppo.learning_rate"], .double(1), "an integer replaces a number as a number")
    XCTAssertEqual(try config.ints("seeds"), [5, 6])
    XCTAssertEqual(try config.string("env_id"), "CartPole-v1")
    XCTAssertEqual(try config.bool("ppo.normalize_advantages"), false)
    XCTAssertEqual(try config.string("new.key"), "hello world")
    XCTAssertEqual(try config.ints("ppo.net_arch"), [256, 256])
    XCTAssertEqual(config.keys.last, "new.key")
  }

  func testBadOverridesAreTypedErrors() throws {
    var config = try RunConfiguration(yaml: preset)
    XCTAssertThrowsError(try config.apply(overrides: ["ppo.clip_range"])) { error in
      XCTAssertEqual(error as? ConfigurationError, .malformedOverride("ppo.clip_range"))
    }
    XCTAssertThrowsError(try config.apply(overrides: ["ppo.epochs=lots"])) { error in
      guard case .typeMismatch(key: "ppo.epochs", expected: "integer", _) = error as? ConfigurationError else {
        return XCTFail("\(error)")
      }
    }
    XCTAssertThrowsError(try config.apply(overrides: ["ppo.epochs=2.5"]))
    // A schedule may replace a number (a preset's constant learning rate, say); its settings check it when read.
    XCTAssertNoThrow(try config.apply(overrides: ["ppo.clip_range=linear(0.2, 0)"]))
    XCTAssertEqual(config.values["ppo.clip_range"], .string("linear(0.2, 0)"))
    XCTAssertThrowsError(try config.apply(overrides: ["ppo.normalize_advantages=3"]))
    XCTAssertThrowsError(try config.string("ppo.epochs")) { error in
      XCTAssertEqual("\(error)", "setting 'ppo.epochs' must be a string but is integer 10")
    }
    XCTAssertThrowsError(try config.int("nothing")) { error in
      XCTAssertEqual(error as? ConfigurationError, .missingKey("nothing"))
    }
  }

  func testUnknownKeysNameCloseMatches() throws {
    var config = try RunConfiguration(yaml: preset)
    try config.apply(overrides: ["ppo.clip_rnge=0.3", "ppo.lr=1e-3", "totally_unrelated=1"])
    let known = [
      "algorithm", "env_id", "seeds", "total_steps", "ppo.learning_rate", "ppo.clip_range", "ppo.epochs",
      "ppo.normalize_advantages", "ppo.net_arch", "env.count", "a2c.clip_range",
    ]
    XCTAssertThrowsError(try config.validate(knownKeys: known)) { error in
      guard case .unknownKeys(let entries) = error as? ConfigurationError else { return XCTFail("\(error)") }
      XCTAssertEqual(entries.map(\.key), ["ppo.clip_rnge", "ppo.lr", "totally_unrelated"])
      XCTAssertEqual(entries[0].suggestions.first, "ppo.clip_range")
      XCTAssertEqual(entries[2].suggestions, [])
      let message = "\(error)"
      XCTAssertTrue(message.contains("'ppo.clip_rnge' (did you mean 'ppo.clip_range'"), message)
    }
    XCTAssertNoThrow(try RunConfiguration(yaml: preset).validate(knownKeys: known))
  }

  func testMalformedAndUnsupportedYAML() {
    XCTAssertThrowsError(try RunConfiguration(yaml: "a: [1, 2\nb: :")) { error in
      guard case .malformedYAML = error as? ConfigurationError else { return XCTFail("\(error)") }
    }
    XCTAssertThrowsError(try RunConfiguration(yaml: "- 1\n- 2")) { error in
      guard case .unsupportedStructure = error as? ConfigurationError else { return XCTFail("\(error)") }
    }
    XCTAssertThrowsError(try RunConfiguration(yaml: "a:\n  - x: 1")) { error in
      guard case .unsupportedStructure(key: "a", _) = error as? ConfigurationError else { return XCTFail("\(error)") }
    }
    XCTAssertThrowsError(try RunConfiguration(yaml: "a:")) { error in
      guard case .unsupportedStructure(key: "a", _) = error as? ConfigurationError else { return XCTFail("\(error)") }
    }
    XCTAssertThrowsError(try RunConfiguration(contentsOfFile: "/nonexistent/preset.yaml")) { error in
      guard case .unreadable = error as? ConfigurationError else { return XCTFail("\(error)") }
    }
    XCTAssertEqual(try RunConfiguration(yaml: "").keys, [])
  }

  func testYAMLOutputRoundTrips() throws {
    var config = try RunConfiguration(yaml: preset)
    try config.apply(overrides: ["note=needs: quoting, \"really\"", "ratio=2.0", "odd key=1"])
    let text = config.yaml()
    XCTAssertTrue(text.contains("ppo.learning_rate: 0.0003\n"), text)
    XCTAssertTrue(text.contains("ratio: 2.0\n"), text)
    let reloaded = try RunConfiguration(yaml: text)
    XCTAssertEqual(reloaded.values, config.values)
    XCTAssertEqual(reloaded.keys, config.keys)
  }
}
