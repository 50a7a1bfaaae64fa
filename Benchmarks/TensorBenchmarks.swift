import Rein

// MARK: - Tensor and network benchmarks (issue: foundation)
//
// The three measurements PyTorch is compared on (Benchmarks/peers/torch_networks.py runs the same work):
// the W1 policy on one observation, one PPO minibatch update, and actor + critic forward on a 2048-step batch.

/// PPO's actor and critic, each 4 -> 64 -> 64 (tanh) with a linear head, as SB3's MlpPolicy for CartPole.
final class BenchmarkActorCritic: Module {
  let actor: Sequential
  let critic: Sequential
  init(generator: inout RandomGenerator) {
    actor = makeMLP(inputCount: 4, hiddenCounts: [64, 64], outputCount: 2, activation: .tanh, generator: &generator)
    critic = makeMLP(inputCount: 4, hiddenCounts: [64, 64], outputCount: 1, activation: .tanh, generator: &generator)
  }
}

/// The W1 policy: 4 -> 16 -> 32 tanh trunk, mean head and softplus standard-deviation head.
final class BenchmarkW1Policy: Module {
  let trunk: Sequential
  let mean: Linear
  let std: Linear
  init(generator: inout RandomGenerator) {
    trunk = makeMLP(inputCount: 4, hiddenCounts: [16, 32], outputCount: nil, activation: .tanh, generator: &generator)
    mean = Linear(32, 1, generator: &generator)
    std = Linear(32, 1, generator: &generator)
  }
  func callAsFunction(_ x: Tensor) -> (Tensor, Tensor) {
    let h = trunk(x)
    return (mean(h), softplus(std(h)))
  }
}

/// The clipped-surrogate PPO loss on one minibatch, with value loss and entropy bonus, as Rein's PPO computes it
/// (the surrogate and the squared error each as one fused operation; PyTorch's script composes them).
func ppoMinibatchLoss(
  _ model: BenchmarkActorCritic, observations: Tensor, actions: [Int], oldLogProbabilities: Tensor,
  advantages: Tensor, returns: Tensor
) -> Tensor {
  let distribution = Categorical(logits: model.actor(observations))
  let (policyLoss, _, _) = clippedSurrogateLoss(
    logProbabilities: distribution.logProbability(of: actions), oldLogProbabilities: oldLogProbabilities,
    advantages: advantages, clipRange: 0.2)
  let values = model.critic(observations).reshaped([-1])
  let valueLoss = meanSquaredError(values, returns)
  return policyLoss + 0.5 * valueLoss - 0.01 * distribution.entropy().mean()
}

func registerTensorBenchmarks() {
  setLinearAlgebraThreads(1)
  benchmarks.append(
    Benchmark(name: "networks.w1-policy-forward", unit: "call", iterations: 200_000) {
      var g = RandomGenerator(seed: 1)
      let policy = BenchmarkW1Policy(generator: &g)
      let observation = Tensor([0.01, -0.02, 0.03, 0.04])
      return { n in
        var sink: Float = 0
        for _ in 0..<n {
          let (mean, std) = policy(observation)
          sink += mean.item + std.item
        }
        precondition(sink.isFinite)
      }
    })
  benchmarks.append(
    Benchmark(name: "networks.ppo-minibatch-update", unit: "update", iterations: 2_000, repetitions: 7) {
      var g = RandomGenerator(seed: 2)
      let model = BenchmarkActorCritic(generator: &g)
      let optimizer = Adam(learningRate: 3e-4, epsilon: 1e-5)
      let observations = Tensor.uniform([64, 4], low: -1, high: 1, using: &g)
      let actions = (0..<64).map { _ in g.nextInt(below: 2) }
      let oldLogProbabilities = Tensor(repeating: -0.69, shape: [64])
      let advantages = Tensor.normal([64], using: &g)
      let returns = Tensor.normal([64], using: &g)
      return { n in
        for _ in 0..<n {
          var (_, gradients) = valueAndGradient(of: model) {
            ppoMinibatchLoss(
              $0, observations: observations, actions: actions, oldLogProbabilities: oldLogProbabilities,
              advantages: advantages, returns: returns)
          }
          gradients.clipNorm(0.5)
          optimizer.update(model, along: gradients)
        }
      }
    })
  benchmarks.append(
    Benchmark(name: "networks.actor-critic-forward-2048", unit: "call", iterations: 1_000) {
      var g = RandomGenerator(seed: 3)
      let model = BenchmarkActorCritic(generator: &g)
      let batch = Tensor.uniform([2048, 4], low: -1, high: 1, using: &g)
      return { n in
        var sink: Float = 0
        for _ in 0..<n {
          let logits = model.actor(batch)
          let values = model.critic(batch)
          sink += logits[0, 0] + values[0, 0]
        }
        precondition(sink.isFinite)
      }
    })
}

// MARK: - Kernels

func registerKernelBenchmarks() {
  func kernel(_ name: String, iterations: Int, _ make: @escaping () -> (Int) -> Void) {
    benchmarks.append(Benchmark(name: "kernels.\(name)", unit: "call", iterations: iterations) { make() })
  }
  var g = RandomGenerator(seed: 4)
  let big = Tensor.uniform([2048, 64], low: -2, high: 2, using: &g)
  let weight = Tensor.uniform([64, 64], low: -0.1, high: 0.1, using: &g)
  let bias = Tensor.uniform([64], using: &g)
  let small = Tensor.uniform([64, 64], using: &g)
  let x4 = Tensor.uniform([1, 4], using: &g)
  let w16 = Tensor.uniform([16, 4], using: &g)
  let b16 = Tensor.uniform([16], using: &g)
  kernel("linear-2048x64x64", iterations: 2000) {
    { n in for _ in 0..<n { _ = linear(big, weight: weight, bias: bias) } }
  }
  kernel("linear-64x64x64", iterations: 50_000) {
    { n in for _ in 0..<n { _ = linear(small, weight: weight, bias: bias) } }
  }
  kernel("matmul-64x64x64", iterations: 50_000) { { n in for _ in 0..<n { _ = matmul(small, weight) } } }
  let row = small[0..<1]
  kernel("linear-1x64x64", iterations: 500_000) {
    { n in for _ in 0..<n { _ = linear(row, weight: weight, bias: bias) } }
  }
  let rows2 = small[0..<2]
  kernel("linear-2x64x64", iterations: 200_000) {
    { n in for _ in 0..<n { _ = linear(rows2, weight: weight, bias: bias) } }
  }
  let rows8 = small[0..<8]
  kernel("linear-8x64x64", iterations: 200_000) {
    { n in for _ in 0..<n { _ = linear(rows8, weight: weight, bias: bias) } }
  }
  kernel("linear-1x4x16", iterations: 500_000) { { n in for _ in 0..<n { _ = linear(x4, weight: w16, bias: b16) } } }
  kernel("tanh-2048x64", iterations: 2000) { { n in for _ in 0..<n { _ = tanh(big) } } }
  kernel("add-2048x64", iterations: 2000) { { n in for _ in 0..<n { _ = big + big } } }
  kernel("tanh-16", iterations: 1_000_000) { { n in for _ in 0..<n { _ = tanh(b16) } } }
}
