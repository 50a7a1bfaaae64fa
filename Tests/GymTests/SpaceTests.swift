import XCTest

@testable import Gym

final class SpaceTests: XCTestCase {
  /// Four samples per seed (0, 1, 42) from Gymnasium 1.4.0's `space.seed(s); space.sample()` (see
  /// Tests/GymTests/Fixtures/make_space_samples.py).
  static let gymnasiumSamples: [String: [[[Double]]]] = [
    "discrete3": [[[2.0], [1.0], [1.0], [0.0]], [[1.0], [1.0], [2.0], [2.0]], [[0.0], [2.0], [1.0], [1.0]]],
    "discrete5start": [[[2.0], [1.0], [0.0], [-1.0]], [[0.0], [0.0], [1.0], [2.0]], [[-2.0], [1.0], [1.0], [0.0]]],
    "boxTorque": [
      [[0.5478467345237732], [-0.9208531379699707], [-1.8361059427261353], [-1.9338895082473755]],
      [[0.0472864992916584], [1.8018547296524048], [-1.4233615398406982], [1.7945977449417114]],
      [[1.0958242416381836], [-0.2444862425327301], [1.434391736984253], [0.7894721031188965]],
    ],
    "boxUnbounded": [
      [
        [0.1257302210933933, -0.1321048632913019, 0.6404226504432821],
        [0.10490011715303971, -0.535669373161111, 0.36159505490948474],
        [1.3040000451301372, 0.9470809631292422, -0.7037352358069926],
        [-1.2654214710460525, -0.6232744625373522, 0.0413259793472436],
      ],
      [
        [0.345584192064786, 0.8216181435011584, 0.33043707618338714],
        [-1.303157231604361, 0.9053558666731177, 0.4463745723640113],
        [-0.5369532353602852, 0.5811181041963531, 0.36457239618607573],
        [0.294132496655526, 0.02842224131579679, 0.5467129866124469],
      ],
      [
        [0.30471707975443135, -1.0399841062404955, 0.7504511958064572],
        [0.9405647163912139, -1.9510351886538364, -1.302179506862318],
        [0.12784040316728537, -0.3162425923435822, -0.016801157504288795],
        [-0.85304392757358, 0.8793979748628286, 0.7777919354289483],
      ],
    ],
    "boxMixed64": [
      [
        [0.2739233746429086, -0.9208531449445188, 0.4097352393619469],
        [-0.9669447289429418, 1.2530809568010897, 9.127555772777217],
        [0.21327155153435973, 0.9179862439359936, 5.436249914654229],
        [0.8701448475755365, 1.2634142164861286, 0.02738500170148095],
      ],
      [
        [0.023643249400513433, 1.8018547853037412, 1.4415961271963373],
        [0.8972988942744877, -0.7526741919580582, 4.233264489725757],
        [0.6554051876408835, -0.3632034545233549, 5.495936876730595],
        [-0.9448817735138633, 1.0140524346992263, 5.381433132192782],
      ],
      [
        [0.5479120971119267, -0.24448624099179073, 8.585979199113824],
        [0.3947360581187278, -1.6232906084494019, 9.756223516367559],
        [0.5222794039807059, 1.1442572211078152, 1.2811363267554587],
        [-0.09922812420886573, -0.5168079030696751, 9.267649888486018],
      ],
    ],
    "multiDiscrete": [
      [[1.0, 1.0, 0.0], [0.0, 3.0, 4.0], [1.0, 2.0, 2.0], [2.0, 3.0, 0.0]],
      [[1.0, 3.0, 0.0], [2.0, 1.0, 2.0], [2.0, 1.0, 2.0], [0.0, 3.0, 2.0]],
      [[2.0, 1.0, 4.0], [2.0, 0.0, 4.0], [2.0, 3.0, 0.0], [1.0, 1.0, 4.0]],
    ],
    "multiBinary": [
      [
        [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0], [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0], [1.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
      ],
      [
        [1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0],
        [1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0],
      ],
      [
        [1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
        [1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0],
      ],
    ],
  ]

  static let spaces: [String: Space] = [
    "discrete3": .discrete(DiscreteSpace(3)),
    "discrete5start": .discrete(DiscreteSpace(5, start: -2)),
    "boxTorque": .box(BoxSpace(low: -2, high: 2, shape: [1], dtype: .float32)),
    "boxUnbounded": .box(BoxSpace(low: -.infinity, high: .infinity, shape: [3], dtype: .float64)),
    "boxMixed64": .box(BoxSpace(low: [-1, -2, 0], high: [1, 2, 10], dtype: .float64)),
    "multiDiscrete": .multiDiscrete(nvec: [3, 4, 5]),
    "multiBinary": .multiBinary(n: 7),
  ]

  func testSamplesMatchGymnasiumForTheSameSeed() {
    for (name, perSeed) in Self.gymnasiumSamples {
      let space = Self.spaces[name]!
      for (seedIndex, seed) in [UInt64(0), 1, 42].enumerated() {
        var random = NumpyGenerator(seed: seed)
        for (k, expected) in perSeed[seedIndex].enumerated() {
          let sample = space.sample(using: &random)
          XCTAssertEqual(sample, expected, "\(name) seed \(seed) sample \(k)")
          XCTAssertTrue(space.contains(sample), "\(name) sample \(sample) should be in \(space)")
        }
      }
    }
  }

  func testHalfBoundedBoxesAndCompositesSampleInside() {
    let spaces: [Space] = [
      .box(BoxSpace(low: [0, -.infinity, -1], high: [.infinity, 5, 1], dtype: .float32)),
      .tuple([.discrete(DiscreteSpace(4)), .box(BoxSpace(low: -1, high: 1, shape: [2]))]),
      .dict([("position", .box(BoxSpace(low: -3, high: 3, shape: [2]))), ("mode", .multiBinary(n: 3))]),
    ]
    var random = NumpyGenerator(seed: 3)
    for space in spaces {
      for _ in 0..<200 {
        XCTAssertTrue(space.contains(space.sample(using: &random)), "\(space)")
      }
    }
  }

  func testContainsChecksCountBoundsIntegersAndDtype() {
    let box = Space.box(BoxSpace(low: -1, high: 1, shape: [2], dtype: .float32))
    XCTAssertTrue(box.contains([0.5, -1]))
    XCTAssertFalse(box.contains([0.5]))
    XCTAssertFalse(box.contains([0.5, 1.5]))
    XCTAssertFalse(box.contains([.nan, 0]))
    XCTAssertFalse(box.contains([0.1, 0]), "0.1 is not a float32 value")
    XCTAssertTrue(box.contains([Double(Float(0.1)), 0]))
    let discrete = Space.discrete(DiscreteSpace(3, start: 1))
    XCTAssertTrue(discrete.contains([1]))
    XCTAssertTrue(discrete.contains([3]))
    XCTAssertFalse(discrete.contains([0]))
    XCTAssertFalse(discrete.contains([1.5]))
    XCTAssertFalse(Space.multiBinary(n: 2).contains([0, 2]))
    XCTAssertFalse(Space.multiDiscrete(nvec: [2, 3]).contains([1, 3]))
    XCTAssertTrue(Space.multiDiscrete(nvec: [2, 3]).contains([1, 2]))
    let tuple = Space.tuple([discrete, box])
    XCTAssertTrue(tuple.contains([2, 0, 0]))
    XCTAssertFalse(tuple.contains([2, 0, 3]))
  }

  func testFlattenAndUnflattenRoundTripWithOneHotDiscreteValues() {
    let space = Space.dict([
      ("choice", .discrete(DiscreteSpace(3, start: 1))), ("grid", .multiDiscrete(nvec: [2, 3])),
      ("position", .box(BoxSpace(low: -1, high: 1, shape: [2]))),
    ])
    XCTAssertEqual(space.flattenedCount, 3 + 5 + 2)
    let element: [Double] = [2, 1, 0, 0.5, -0.25]
    let flat = space.flatten(element)
    XCTAssertEqual(flat, [0, 1, 0, 0, 1, 1, 0, 0, 0.5, -0.25])
    XCTAssertEqual(space.unflatten(flat), element)
    XCTAssertEqual(space.flattened.count, 10)
    XCTAssertTrue(Space.box(space.flattened).contains(flat))
  }

  func testDescriptionsReadLikeGymnasiums() {
    XCTAssertEqual("\(Space.discrete(DiscreteSpace(2)))", "Discrete(2)")
    XCTAssertEqual("\(Space.box(BoxSpace(low: -2, high: 2, shape: [1])))", "Box(-2.0, 2.0, (1,), float32)")
    XCTAssertEqual(
      "\(Space.box(BoxSpace(low: [-1, -.infinity], high: [1, .infinity])))",
      "Box([-1.0, -inf], [1.0, inf], (2,), float32)")
  }
}

final class MaskedSampleTests: XCTestCase {
  func testMaskedDiscreteSamplesMatchGymnasium() {
    // Gymnasium 1.4.0: Discrete(6, start=2); seed(s); three samples per mask, masks in this order.
    let expected: [[Int]] = [
      [7, 6, 6, 5, 5, 5, 2, 2, 2, 3, 3, 2], [4, 6, 7, 5, 5, 5, 2, 2, 2, 7, 2, 2], [2, 7, 6, 5, 5, 5, 2, 2, 2, 4, 4, 7],
    ]
    let masks: [[Bool]] = [
      [true, false, true, false, true, true], [false, false, false, true, false, false],
      [false, false, false, false, false, false], [true, true, true, true, true, true],
    ]
    let space = DiscreteSpace(6, start: 2)
    for (seedIndex, seed) in [UInt64(0), 1, 42].enumerated() {
      var random = NumpyGenerator(seed: seed)
      var samples: [Int] = []
      for mask in masks {
        for _ in 0..<3 { samples.append(space.sample(using: &random, mask: mask)) }
      }
      XCTAssertEqual(samples, expected[seedIndex], "seed \(seed)")
    }
  }
}
