import XCTest

@testable import PolicyGradient

/// Issue 17 item 9: with a learning rate of 1e30 every algorithm's parameters leave the floats within an update or
/// two. Each must stop at the first non-finite loss, gradient or parameter with "training diverged: ..." naming
/// it, instead of training on (one-step actor-critic used to finish 20,000 steps with every parameter NaN).
final class DivergenceTests: XCTestCase {
  private func cartPoles(_ n: Int) throws -> VectorEnvironment {
    try SyncVectorEnvironment(id: "CartPole-v1", count: n, autoresetMode: .sameStep, registry: classicRegistry)
  }

  /// Runs `learn` and returns the divergence message, failing when training ends without one.
  private func divergence(
    _ learn: () throws -> TrainingSummary, file: StaticString = #filePath, line: UInt = #line
  )
    -> String?
  {
    do {
      let summary = try learn()
      XCTFail("trained \(summary.steps) steps without noticing the divergence", file: file, line: line)
    } catch let error as TrainingError {
      guard case .nonFinite = error else {
        XCTFail("expected a divergence, got \(error)", file: file, line: line)
        return nil
      }
      let message = error.description
      XCTAssert(message.hasPrefix("training diverged: "), message, file: file, line: line)
      XCTAssert(message.contains("at update") || message.contains("after update"), message, file: file, line: line)
      return message
    } catch {
      XCTFail("expected a divergence, got \(error)", file: file, line: line)
    }
    return nil
  }

  /// The parameters after a divergence: the check runs right after the optimizer step, so at most the update
  /// that diverged is in them, and the message names its first non-finite value.
  func testOneStepActorCriticStopsAtTheFirstNonFiniteValue() throws {
    var c = ActorCriticConfiguration()
    c.learningRate = 1e30
    let agent = try OneStepActorCritic(environment: makeClassic("CartPole-v1"), configuration: c, seed: 1)
    let message = divergence { try agent.learn(TrainingBudget(steps: 20_000)) }
    XCTAssertLessThan(agent.steps, 100, "it trained on after diverging: \(message ?? "")")
  }

  /// Plain SGD at 3e38 with raw returns: the one update the budget allows overflows the parameters to infinity.
  /// Its gradients were finite, so the old check (gradients only) saved the infinite weights as the trained model.
  func testREINFORCEStopsAtANonFiniteParameter() throws {
    var c = REINFORCEConfiguration()
    c.optimizer = .sgd
    c.standardizeReturns = false
    c.learningRate = 3e38
    let agent = try REINFORCE(environment: makeClassic("CartPole-v1"), configuration: c, seed: 1)
    let message = divergence { try agent.learn(TrainingBudget(episodes: 1)) }
    XCTAssert(message?.contains("after update 0") == true, message ?? "")
  }

  func testREINFORCEWithABaselineStopsAtANonFiniteParameter() throws {
    var c = REINFORCEConfiguration()
    c.baseline = true
    c.policy.includesValue = true
    c.optimizer = .sgd
    c.standardizeReturns = false
    c.learningRate = 3e38
    c.valueLearningRate = 3e38
    let agent = try REINFORCE(environment: makeClassic("CartPole-v1"), configuration: c, seed: 1)
    let message = divergence { try agent.learn(TrainingBudget(episodes: 1)) }
    XCTAssert(message?.contains("after update 0") == true, message ?? "")
  }

  /// A learning rate that grows to 1e39 (infinite in Float) by the one update of the budget: the parameters it
  /// leaves are infinite or NaN while the gradients were finite (the old check looked at gradients only).
  func testA2CStopsAtANonFiniteParameter() throws {
    var c = A2CConfiguration()
    c.learningRate = .linear(start: 1e-3, end: 1e39)
    c.stepsPerEnvironment = 5
    let agent = try A2C(environments: cartPoles(2), configuration: c, seed: 1)
    let message = divergence { try agent.learn(TrainingBudget(steps: 10)) }
    XCTAssert(message?.contains("after update 0") == true, message ?? "")
  }

  func testPPOStopsAtANonFiniteParameter() throws {
    var c = PPOConfiguration()
    c.learningRate = .linear(start: 1e-3, end: 1e39)
    c.stepsPerEnvironment = 32
    c.epochs = 1
    let agent = try PPO(environments: cartPoles(2), configuration: c, seed: 1)
    let message = divergence { try agent.learn(TrainingBudget(steps: 64)) }
    XCTAssert(message?.contains("after update 0") == true, message ?? "")
  }

  /// The issue's rate of 1e30: the parameters jump to about 1e30, the next losses overflow, and PPO stops there.
  func testPPOStopsAtANonFiniteLossOrGradient() throws {
    var c = PPOConfiguration()
    c.learningRate = .constant(1e30)
    c.stepsPerEnvironment = 64
    let agent = try PPO(environments: cartPoles(2), configuration: c, seed: 1)
    _ = divergence { try agent.learn(TrainingBudget(steps: 20_000)) }
    XCTAssertLessThan(agent.steps, 1000)
  }
}
