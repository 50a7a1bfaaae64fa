import Foundation
import PolicyGradient

// MARK: - Memory estimate
//
// A configuration's sizes (policy widths, environments, rollout length, batch) decide how much memory training
// takes, and a size that cannot be allocated would otherwise end the process in the allocator (issue 17 item 3).
// Before anything is built, the runner estimates the peak from the sizes alone and compares it with what the
// process may use (the machine's memory and the address-space and data limits, `ulimit -v` / `ulimit -d`).

/// The memory one experiment needs at its peak, estimated from its sizes before anything is allocated.
///
/// The estimate counts what grows with the settings: the policy's values with their gradients, optimizer moments
/// and the checkpoint's copy; the rollout (or episode) buffer; the activations a batch keeps for the backward pass;
/// the vector environment's buffers. It leaves out what does not (code, the environments' own state, the
/// allocator's slack), so it is a lower bound, and a configuration it refuses could not have run.
public struct MemoryEstimate: Sendable, Equatable {
  /// One part of the estimate: what it is, its size in bytes, and the sizes it follows from.
  public struct Part: Sendable, Equatable {
    public var name: String
    public var bytes: Double
    public var detail: String
  }

  /// The parts of one seed's estimate.
  public var parts: [Part]
  /// Seeds that train at the same time in this process.
  public var concurrentSeeds: Int

  /// The bytes of all concurrent seeds.
  public var bytes: Double { parts.reduce(0) { $0 + $1.bytes } * Double(concurrentSeeds) }

  /// The estimate for one seed of `plan` in an environment with `observationCount` observation values and
  /// `actionKind` actions, times `concurrentSeeds`.
  /// - Parameters:
  ///   - plan: the experiment's plan (its algorithm's configuration gives the sizes).
  ///   - observationCount: the number of values in one observation.
  ///   - actionKind: what the policy acts in.
  ///   - maxEpisodeSteps: the environment's time limit, the longest episode an episodic algorithm stores.
  ///   - concurrentSeeds: seeds trained at once in this process.
  public init(
    plan: ExperimentPlan, observationCount: Int, actionKind: ActionKind, maxEpisodeSteps: Int?, concurrentSeeds: Int
  ) {
    self.concurrentSeeds = max(concurrentSeeds, 1)
    parts = []
    let configuration = plan.algorithm.configuration
    let environments = Double(plan.algorithm.isVectorized ? plan.environmentCount : 1)
    let actionValues: Double
    switch actionKind {
    case .discrete: actionValues = 1
    case .continuous(let low, _): actionValues = Double(low.count)
    }
    let float = 4.0
    var activationRows = environments
    var activationValues = Double(observationCount)
    if let policy = (configuration as? any PolicyConfigurable)?.policy {
      let values = policy.parameterValueCount(observationCount: observationCount, actionKind: actionKind)
      // The values, their gradients, two optimizer moments (Adam; RMSprop keeps one) and the checkpoint's copy.
      parts.append(
        Part(
          name: "policy", bytes: values * float * 5,
          detail: "\(Self.count(values)) parameters x (values, gradients, 2 optimizer moments, checkpoint copy)"))
      activationValues = policy.activationValueCount(observationCount: observationCount, actionKind: actionKind)
    }
    // Per stored step: observation and action (Float), log-probability (Float), value, next value, reward, advantage
    // and return (Double), two flags.
    let rowBytes = (Double(observationCount) + actionValues + 1) * float + 5 * 8 + 2
    // A2C's and PPO's rollout buffer of n_steps rows per environment, and the copy their update makes of it.
    func rollout(stepsPerEnvironment: Int, copy: String) -> Double {
      let rows = Double(stepsPerEnvironment) * environments
      parts.append(
        Part(
          name: "rollout", bytes: rows * rowBytes * 2,
          detail: "n_steps \(stepsPerEnvironment) x n_envs \(Int(environments)) steps, and \(copy)"))
      return rows
    }
    switch configuration {
    case let ppo as PPOConfiguration:
      _ = rollout(stepsPerEnvironment: ppo.stepsPerEnvironment, copy: "a minibatch copy")
      activationRows = max(activationRows, Double(ppo.batchSize))
    case let a2c as A2CConfiguration:
      activationRows = max(
        activationRows, rollout(stepsPerEnvironment: a2c.stepsPerEnvironment, copy: "its batch copy"))
    default:
      let rows = Double(maxEpisodeSteps ?? 1000)
      parts.append(
        Part(
          name: "episode", bytes: rows * rowBytes, detail: "up to \(Int(rows)) steps (the time limit) of one episode"))
      activationRows = max(activationRows, rows)
    }
    // Forward values, their gradients and the activation function's saved inputs.
    parts.append(
      Part(
        name: "activations", bytes: activationRows * activationValues * float * 3,
        detail: "\(Self.count(activationRows)) rows x \(Self.count(activationValues)) values per row"))
    // Observations, final observations, actions, rewards, returns and flags per environment.
    parts.append(
      Part(
        name: "environments", bytes: environments * ((2 * Double(observationCount) + actionValues) * float + 64),
        detail: "n_envs \(Int(environments)) x their step buffers"))
  }

  /// The estimate as one line: the total and its largest parts.
  public var summary: String {
    let largest = parts.filter { $0.bytes > 0 }.sorted { $0.bytes > $1.bytes }.prefix(2)
    let each = largest.map { "\($0.name) \(Self.bytes($0.bytes)): \($0.detail)" }.joined(separator: "; ")
    let seeds = concurrentSeeds > 1 ? " for \(concurrentSeeds) seeds at once" : ""
    return "about \(Self.bytes(bytes))\(seeds) (per seed: \(each))"
  }

  /// `bytes` in the largest unit that keeps it at least 1 (B, KB, MB, GB, TB; powers of 1000).
  static func bytes(_ bytes: Double) -> String {
    let units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"]
    var value = bytes
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    guard value.isFinite else { return "more than can be counted" }
    return unit == 0 ? "\(Int(value)) B" : String(format: "%.1f %@", value, units[unit])
  }

  static func count(_ value: Double) -> String {
    value < 1e6 ? String(Int(value)) : String(format: "%.3g", value)
  }
}

// MARK: - What the process may use

/// The memory this process may still take: the least of the machine's memory and the room the address-space and
/// data-segment limits leave above what is mapped now.
public struct MemoryAllowance: Sendable, Equatable {
  /// The bytes available.
  public var bytes: Double
  /// Where the figure comes from, for messages ("the address-space limit (ulimit -v)").
  public var source: String

  /// The allowance of this process now.
  public static func current() -> MemoryAllowance {
    let page = Double(sysconf(Int32(_SC_PAGESIZE)))
    var best = MemoryAllowance(
      bytes: Double(sysconf(Int32(_SC_PHYS_PAGES))) * page, source: "the machine's memory")
    let mapped = Self.mappedBytes(pageSize: page)
    for (resource, name) in [
      (RLIMIT_AS, "the address-space limit (ulimit -v)"), (RLIMIT_DATA, "the data limit (ulimit -d)"),
    ] {
      var limit = rlimit()
      guard getrlimit(Int32(resource.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { continue }
      let room = max(Double(limit.rlim_cur) - mapped, 0)
      if room < best.bytes { best = MemoryAllowance(bytes: room, source: name) }
    }
    return best
  }

  /// The process's virtual size now (from /proc/self/statm; 0 where it cannot be read).
  private static func mappedBytes(pageSize: Double) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
      let pages = text.split(separator: " ").first.flatMap({ Double($0) })
    else { return 0 }
    return pages * pageSize
  }
}
