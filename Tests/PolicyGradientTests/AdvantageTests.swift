import XCTest

@testable import PolicyGradient

/// Returns and advantages against cases worked out by hand.
final class AdvantageTests: XCTestCase {
  func testDiscountedReturnsAndStandardisation() {
    XCTAssertEqual(discountedReturns([1, 1, 1], gamma: 0.5), [1.75, 1.5, 1])
    XCTAssertEqual(discountedReturns([1, 2], gamma: 0.9, bootstrap: 10), [1 + 0.9 * (2 + 9), 2 + 9])
    // Bessel-corrected by default, as PyTorch's Tensor.std(): the variance of 1, 2, 3 is 2 / (3 - 1) = 1.
    let z = standardized([1, 2, 3])
    for (got, expected) in zip(z, [-1, 0, 1] as [Double]) { XCTAssertEqual(got, expected, accuracy: 1e-8) }
    // The population standard deviation with correction 0: sqrt(2 / 3).
    XCTAssertEqual(standardized([1, 2, 3], correction: 0)[2], 1 / (2.0 / 3).squareRoot(), accuracy: 1e-8)
    XCTAssertEqual(standardized([5]), [0])
    XCTAssertEqual(standardized([5], correction: 0), [0])
  }

  /// One environment, three steps, the episode terminating at the second: γ = 0.9, λ = 0.5.
  func testTerminationStopsBootstrapAndRecursion() {
    let (a, r) = generalizedAdvantages(
      rewards: [1, 2, 3], values: [0.5, 1, 2], nextValues: [1, 99, 4], terminated: [false, true, false],
      truncated: [false, false, false], environmentCount: 1, gamma: 0.9, lambda: 0.5)
    // δ0 = 1 + 0.9·1 - 0.5 = 1.4; δ1 = 2 - 1 = 1 (terminated: V(s') ignored); δ2 = 3 + 0.9·4 - 2 = 4.6
    // A2 = 4.6; A1 = 1 (the episode ended: no recursion); A0 = 1.4 + 0.45·1 = 1.85
    XCTAssertEqual(a[0], 1.85, accuracy: 1e-12)
    XCTAssertEqual(a[1], 1, accuracy: 1e-12)
    XCTAssertEqual(a[2], 4.6, accuracy: 1e-12)
    for (got, expected) in zip(r, [1.85 + 0.5, 1 + 1, 4.6 + 2] as [Double]) {
      XCTAssertEqual(got, expected, accuracy: 1e-12)
    }
  }

  /// A truncated step bootstraps from the final observation's value but does not carry the next episode's
  /// advantage back.
  func testTruncationBootstrapsButDoesNotRecurse() {
    let (a, _) = generalizedAdvantages(
      rewards: [1, 1], values: [3, 7], nextValues: [5, 2], terminated: [false, false], truncated: [true, false],
      environmentCount: 1, gamma: 0.9, lambda: 1)
    // δ0 = 1 + 0.9·5 - 3 = 2.5, and A0 = δ0 although A1 = 1 + 1.8 - 7 = -4.2.
    XCTAssertEqual(a[0], 2.5, accuracy: 1e-12)
    XCTAssertEqual(a[1], -4.2, accuracy: 1e-12)
  }

  /// A step both terminated and truncated (the time limit falls on a terminal step) counts as terminated.
  func testTerminatedAndTruncatedTogetherCountsAsTerminated() {
    let (a, _) = generalizedAdvantages(
      rewards: [1], values: [0.25], nextValues: [100], terminated: [true], truncated: [true], environmentCount: 1,
      gamma: 0.99, lambda: 0.95)
    XCTAssertEqual(a[0], 0.75, accuracy: 1e-12)
  }

  /// Two environments interleaved row by row ([t][i] layout) are independent: each matches its own
  /// single-environment computation.
  func testVectorisedRowsAreIndependent() {
    let rewards: [Double] = [1, 0, 2, 5, 3, 1]
    let values: [Double] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    let next: [Double] = [0.3, 9, 0.5, 0.6, 1.5, 2]
    let terminated = [false, false, false, true, false, false]
    let truncated = [false, true, false, false, false, false]
    let (a, _) = generalizedAdvantages(
      rewards: rewards, values: values, nextValues: next, terminated: terminated, truncated: truncated,
      environmentCount: 2, gamma: 0.9, lambda: 0.8)
    for i in 0..<2 {
      let rows = [i, i + 2, i + 4]
      let (single, _) = generalizedAdvantages(
        rewards: rows.map { rewards[$0] }, values: rows.map { values[$0] }, nextValues: rows.map { next[$0] },
        terminated: rows.map { terminated[$0] }, truncated: rows.map { truncated[$0] }, environmentCount: 1,
        gamma: 0.9, lambda: 0.8)
      XCTAssertEqual(rows.map { a[$0] }, single)
    }
  }

  /// The rollout buffer fills next-state values as the algorithms need them after a vector step with
  /// same-step autoreset: next row inside an episode, the final observation's value after a truncation, 0 after
  /// a termination, and the values of the current observations after the last row.
  func testRolloutBufferNextValues() {
    var buffer = RolloutBuffer(capacity: 2, environmentCount: 2, observationCount: 1, actionCount: 1)
    buffer.append(observations: [0, 0], actions: [0, 0], logProbabilities: [0, 0], values: [1, 2])
    buffer.recordOutcome(rewards: [1, 1], terminated: [false, true], truncated: [true, false])
    buffer.append(observations: [0, 0], actions: [0, 0], logProbabilities: [0, 0], values: [3, 4])
    buffer.recordOutcome(rewards: [1, 1], terminated: [false, false], truncated: [false, false])
    buffer.completeNextValues(lastValues: [5, 6], finalValues: [0: 10])
    XCTAssertEqual(buffer.nextValues, [10, 0, 5, 6])
  }

  /// PPO and A2C standardise advantages with one function; it gives the tensor expression A2C used to write,
  /// bit for bit (so replacing one by the other changed no result).
  func testInPlaceStandardisationIsTheTensorExpressionBitForBit() {
    var generator = RandomGenerator(seed: 7)
    for count in [2, 3, 5, 64, 257] {
      let x = Tensor((0..<count).map { _ in Float(generator.nextDouble() * 40 - 13) }, shape: [count])
      let expression = (x - x.mean()) / (x.standardDeviation(unbiased: true) + 1e-8)
      var inPlace = Tensor(x.scalars, shape: [count])
      inPlace.withUnsafeMutableBufferPointer { standardizeInPlace($0) }
      XCTAssertEqual(inPlace.scalars.map(\.bitPattern), expression.scalars.map(\.bitPattern), "\(count) values")
    }
    var one = Tensor([3], shape: [1])
    one.withUnsafeMutableBufferPointer { standardizeInPlace($0) }
    XCTAssertEqual(one.scalars, [3], "a single value has no standard deviation and is left alone")
  }

  /// The buffer's minibatches hold the samples of their indices, and together every sample once.
  func testRolloutBufferMinibatches() {
    var buffer = RolloutBuffer(capacity: 3, environmentCount: 2, observationCount: 2, actionCount: 1)
    for t in 0..<3 {
      let k = Float(2 * t)
      buffer.append(
        observations: [k, -k, k + 1, -k - 1], actions: [k, k + 1], logProbabilities: [-k, -k - 1],
        values: [k / 2, (k + 1) / 2])
      buffer.recordOutcome(rewards: [1, 1], terminated: [false, false], truncated: [false, false])
    }
    buffer.completeNextValues(lastValues: [0, 0], finalValues: [:])
    buffer.computeAdvantages(gamma: 0.5, lambda: 1)
    let order = [4, 1, 5, 0, 2, 3]
    let batches = Array(buffer.minibatches(size: 4, order: order))
    XCTAssertEqual(batches.map { $0.actions.scalars }, [[4, 1, 5, 0], [2, 3]])
    XCTAssertEqual(batches[0].observations.scalars, [4, -4, 1, -1, 5, -5, 0, 0])
    XCTAssertEqual(batches[1].oldLogProbabilities.scalars, [-2, -3])
    XCTAssertEqual(batches[1].oldValues.scalars, [1, 1.5])
    XCTAssertEqual(batches[0].advantages.scalars, order.prefix(4).map { Float(buffer.advantages[$0]) })
    XCTAssertEqual(batches[1].returns.scalars, order.suffix(2).map { Float(buffer.returns[$0]) })
    XCTAssertEqual(buffer.batch.actions.scalars, [0, 1, 2, 3, 4, 5])
  }
}
