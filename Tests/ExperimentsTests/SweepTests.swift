import Experiments
import Foundation
import XCTest

final class ParameterGridTests: XCTestCase {
  func testCartesianProductInOptionOrder() throws {
    let grid = try ParameterGrid(["clip=0.1,0.2,0.3", "epochs=3, 10,20"])
    XCTAssertEqual(grid.keys, ["clip", "epochs"])
    let settings = grid.settings
    XCTAssertEqual(settings.count, 9)
    XCTAssertEqual(settings[0].overrides, ["clip=0.1", "epochs=3"])
    XCTAssertEqual(settings[1].label, "clip=0.1,epochs=10")
    XCTAssertEqual(settings[8].label, "clip=0.3,epochs=20")
    var configuration = try RunConfiguration(yaml: "clip: 0.2\nepochs: 10\n")
    try configuration.apply(overrides: settings[5].overrides)
    XCTAssertEqual(try configuration.double("clip"), 0.2)
    XCTAssertEqual(try configuration.int("epochs"), 20)
    XCTAssertEqual(try ParameterGrid([]).settings.map(\.label), [""])
  }

  func testMalformedGridOptions() {
    for option in ["clip", "=1,2", "clip=", "clip=1,,2"] {
      XCTAssertThrowsError(try ParameterGrid([option]), option)
    }
    XCTAssertThrowsError(try ParameterGrid(["clip=1", "clip=2"]))
  }
}

final class ParallelMapTests: XCTestCase {
  func testResultsKeepInputOrderWhateverTheParallelism() {
    let inputs = Array(1...40)
    let job: @Sendable (Int) throws -> Double = { seed in
      // Deterministic per-seed work of uneven length.
      var state = UInt64(seed)
      var sum = 0.0
      for _ in 0..<(seed % 7 + 1) * 20_000 {
        state = state &* 6_364_136_223_846_793_005 &+ 1
        sum += Double(state >> 40)
      }
      return sum
    }
    let sequential = ParallelMap.map(inputs, maximumConcurrency: 1, job).map { try? $0.get() }
    let parallel = ParallelMap.map(inputs, maximumConcurrency: 4, job).map { try? $0.get() }
    XCTAssertEqual(sequential, parallel)
    XCTAssertEqual(sequential.count, 40)
  }

  func testErrorsStayWithTheirJob() {
    struct Failure: Error {}
    let results = ParallelMap.map([1, 2, 3, 4], maximumConcurrency: 2) { value -> Int in
      if value == 3 { throw Failure() }
      return value * 10
    }
    XCTAssertEqual(try results[0].get(), 10)
    XCTAssertThrowsError(try results[2].get())
    XCTAssertEqual(try results[3].get(), 40)
    XCTAssertTrue(ParallelMap.map([Int](), { $0 }).isEmpty)
  }
}
