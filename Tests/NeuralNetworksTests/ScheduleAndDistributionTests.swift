import Foundation
import TestSupport
import XCTest

@testable import NeuralNetworks

final class ScheduleTests: XCTestCase {
  func testScheduleValues() throws {
    XCTAssertEqual(Schedule.constant(0.3).value(step: 50, totalSteps: 100), 0.3)
    XCTAssertEqual(Schedule.linear(start: 0.1, end: 0.001).value(step: 50, totalSteps: 100), 0.0505, accuracy: 1e-12)
    XCTAssertEqual(Schedule.linear(start: 0.1, end: 0.001).value(step: 100, totalSteps: 100), 0.001, accuracy: 1e-12)
    XCTAssertEqual(Schedule.exponential(start: 0.1, end: 0.001).value(step: 50, totalSteps: 100), 0.01, accuracy: 1e-12)
    XCTAssertEqual(Schedule.step(start: 1, factor: 0.5, interval: 10).value(step: 25, totalSteps: 100), 0.25)
    XCTAssertEqual(Schedule.cosine(start: 1, end: 0).value(step: 50, totalSteps: 100), 0.5, accuracy: 1e-12)
    XCTAssertEqual(Schedule.cosine(start: 1, end: 0).value(step: 100, totalSteps: 100), 0, accuracy: 1e-12)
    XCTAssertEqual(try Schedule(parsing: "linear(0.1, 0.001)"), .linear(start: 0.1, end: 0.001))
    XCTAssertEqual(try Schedule(parsing: "3e-4"), .constant(3e-4))
    XCTAssertEqual(try Schedule(parsing: "step(1, 0.5, 100)"), .step(start: 1, factor: 0.5, interval: 100))
    XCTAssertThrowsError(try Schedule(parsing: "linear(0.1)"))
    XCTAssertThrowsError(try Schedule(parsing: "warp(1, 2)")) { XCTAssertTrue("\($0)".contains("linear(start, end)")) }
    XCTAssertThrowsError(try Schedule(parsing: "exponential(0, 1)"))
  }
}

final class DistributionTests: XCTestCase {
  func testCategoricalClosedForms() {
    let logits = Tensor([[0, Float(log(2.0)), Float(log(3.0))], [5, 5, 5]])
    let d = Categorical(logits: logits)
    assertClose(d.probabilities.scalars, [1.0 / 6, 2.0 / 6, 3.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 3])
    assertClose(d.logProbability(of: [2, 0]).scalars, [Float(log(0.5)), Float(log(1.0 / 3))])
    let h0 = -(1.0 / 6 * log(1.0 / 6) + 2.0 / 6 * log(2.0 / 6) + 0.5 * log(0.5))
    assertClose(d.entropy().scalars, [Float(h0), Float(log(3.0))])
    XCTAssertEqual(d.mode(), [2, 0])
  }

  /// 60,000 draws: each frequency within 4.5 standard errors of its probability.
  func testCategoricalSamplingFrequencies() {
    let d = Categorical(logits: Tensor([0, Float(log(2.0)), Float(log(3.0)), -.infinity]))
    var g = RandomGenerator(seed: 21)
    var counts = [0, 0, 0, 0]
    let n = 60_000
    for _ in 0..<n { counts[d.sample(using: &g)[0]] += 1 }
    for (k, p) in [1.0 / 6, 2.0 / 6, 3.0 / 6, 0].enumerated() {
      let se = (p * (1 - p) / Double(n)).squareRoot()
      XCTAssertEqual(Double(counts[k]) / Double(n), p, accuracy: 4.5 * se + 1e-12, "category \(k)")
    }
  }

  func testCategoricalGradientsOfLogProbAndEntropy() {
    let logits = Tensor([[0.3, -0.2, 1.1], [0.5, 0.5, -1]])
    assertGradientsMatchFiniteDifferences(at: [logits]) { Categorical(logits: $0[0]).logProbability(of: [1, 2]) }
    assertGradientsMatchFiniteDifferences(at: [logits]) { Categorical(logits: $0[0]).entropy() }
  }

  func testGaussianClosedForms() {
    let mean = Tensor([[0, 1], [2, -1]])
    let std = Tensor([[1, 2], [0.5, 1]])
    let d = DiagonalGaussian(mean: mean, standardDeviation: std)
    let a = Tensor([[0.5, 1], [2, 0]])
    func logN(_ x: Double, _ mu: Double, _ s: Double) -> Double {
      -((x - mu) * (x - mu)) / (2 * s * s) - log(s) - 0.5 * log(2 * Double.pi)
    }
    assertClose(
      d.logProbability(of: a).scalars,
      [Float(logN(0.5, 0, 1) + logN(1, 1, 2)), Float(logN(2, 2, 0.5) + logN(0, -1, 1))])
    let h = { (s: Double) in 0.5 + 0.5 * log(2 * Double.pi) + log(s) }
    assertClose(d.entropy().scalars, [Float(h(1) + h(2)), Float(h(0.5) + h(1))])
    XCTAssertEqual(d.mode().scalars, mean.scalars)
    let fromLog = DiagonalGaussian(mean: mean, logStandardDeviation: log(std))
    assertClose(fromLog.logProbability(of: a).scalars, d.logProbability(of: a).scalars)
    // A shared [d] log-std broadcasts over the batch, as SB3's state-independent parameter does.
    let shared = DiagonalGaussian(mean: mean, logStandardDeviation: Tensor([0, 0]))
    XCTAssertEqual(shared.standardDeviation.shape, [2, 2])
  }

  func testGaussianGradients() {
    let mean = Tensor([[0.2, -0.4]])
    let logStd = Tensor([[0.1, -0.3]])
    let a = Tensor([[0.5, 0.1]])
    assertGradientsMatchFiniteDifferences(at: [mean, logStd]) {
      DiagonalGaussian(mean: $0[0], logStandardDeviation: $0[1]).logProbability(of: a)
    }
    assertGradientsMatchFiniteDifferences(at: [mean, Tensor([[0.7, 1.3]])]) {
      DiagonalGaussian(mean: $0[0], standardDeviation: $0[1]).logProbability(of: a)
    }
  }

  /// 50,000 draws per dimension: sample mean within 5 standard errors, sample std within 2%.
  func testGaussianSamplingMoments() {
    let d = DiagonalGaussian(mean: Tensor([[1, -3]]), standardDeviation: Tensor([[0.5, 2]]))
    var g = RandomGenerator(seed: 5)
    let n = 50_000
    var sums = [0.0, 0.0]
    var squares = [0.0, 0.0]
    for _ in 0..<n {
      let s = d.sample(using: &g).scalars
      for k in 0..<2 {
        sums[k] += Double(s[k])
        squares[k] += Double(s[k]) * Double(s[k])
      }
    }
    for (k, (mu, sigma)) in [(1.0, 0.5), (-3.0, 2.0)].enumerated() {
      let mean = sums[k] / Double(n)
      let std = (squares[k] / Double(n) - mean * mean).squareRoot()
      XCTAssertEqual(mean, mu, accuracy: 5 * sigma / Double(n).squareRoot())
      XCTAssertEqual(std, sigma, accuracy: 0.02 * sigma)
    }
  }
}
