import Foundation
import Rein

// MARK: - Algorithm benchmarks (issues: algorithms, experiments)
//
// Environment steps per second of whole training loops, each the same work as a peer in ../shared/peers:
// PPO with Stable-Baselines3's defaults on CartPole-v1 (sb3_ppo.py) with 1 and 8 environments, and W1's REINFORCE
// on InvertedPendulum-v4 (reinforce_pendulum.py). One unit is one environment step.

func registerAlgorithmBenchmarks() {
  setLinearAlgebraThreads(1)
  registerBuiltinEnvironments()
  for envs in [1, 8] {
    benchmarks.append(
      Benchmark(name: "algorithms.ppo-cartpole-\(envs)env", unit: "step", iterations: 32_768, repetitions: 3) {
        let environments = try SyncVectorEnvironment(id: "CartPole-v1", count: envs, autoresetMode: .sameStep)
        let agent = try PPO(environments: environments, configuration: PPOConfiguration(), seed: 1)
        return { n in _ = try agent.learn(TrainingBudget(steps: agent.steps + n)) }
      })
  }
  benchmarks.append(
    Benchmark(name: "algorithms.reinforce-invertedpendulum", unit: "step", iterations: 100_000, repetitions: 3) {
      var configuration = REINFORCEConfiguration()
      configuration.learningRate = 1e-4
      configuration.optimizer = .adamw
      configuration.weightDecay = 0.01
      configuration.policy.hiddenCounts = [16, 32]
      configuration.policy.orthogonalInitialization = false
      configuration.policy.gaussianHead = .softplusStd
      configuration.policy.distributionEpsilon = 1e-6
      let agent = try REINFORCE(
        environment: try makeEnvironment("InvertedPendulum-v4"), configuration: configuration, seed: 1)
      return { n in _ = try agent.learn(TrainingBudget(steps: agent.steps + n)) }
    })
}
