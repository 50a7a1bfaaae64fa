import Rein
import XCTest

@testable import Experiments

/// The parameter line a run prints: W3 asks for the true counts of its two networks.
final class ParameterCountTests: XCTestCase {
  func testCountsByNetworkAndPart() throws {
    var configuration = PolicyConfiguration()
    configuration.hiddenCounts = [128, 128]
    configuration.activation = .relu
    var generator = RandomGenerator(seed: 1)
    let separate = try ActorCriticPolicy(
      observationCount: 4, actionKind: .discrete(count: 2), configuration: configuration, generator: &generator)
    // Policy 4-128-128-2: 640 + 16512 + 258 = 17410; value 4-128-128-1: 17152 + 129 = 17281.
    XCTAssertEqual(
      ExperimentRunner.parameterCounts(separate),
      "parameters: 34691 in all: policy network 17410 (trunk 17152, action head 258), value network 17281 "
        + "(trunk 17152, value head 129)")
    configuration.sharedTrunk = true
    let shared = try ActorCriticPolicy(
      observationCount: 4, actionKind: .discrete(count: 2), configuration: configuration, generator: &generator)
    XCTAssertEqual(
      ExperimentRunner.parameterCounts(shared),
      "parameters: 17539 in all: shared trunk 17152, action head 258, value head 129")
  }
}
