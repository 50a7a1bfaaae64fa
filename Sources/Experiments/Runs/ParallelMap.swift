import Foundation

// MARK: - Parallel map

/// Runs independent jobs (seeds, sweep settings) on several threads and returns their results in input order.
///
/// Results do not depend on the parallelism as long as each job owns its generators and environments, which is
/// how Rein runs seeds. At most `maximumConcurrency` jobs run at once (default: the active processor count).
/// Errors are collected per job, so one failing seed does not lose the others' results.
public enum ParallelMap {
  /// Applies `job` to every element of `inputs`, in parallel; the i-th result belongs to the i-th input.
  ///
  /// - Parameters:
  ///   - inputs: The jobs' inputs.
  ///   - maximumConcurrency: The most jobs running at once (at least 1); 1 runs them in order on the calling thread.
  ///   - job: The work for one input; it must not share mutable state with other jobs.
  /// - Returns: One result per input, in input order: the job's output or the error it threw.
  public static func map<Input: Sendable, Output: Sendable>(
    _ inputs: [Input], maximumConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
    _ job: @escaping @Sendable (Input) throws -> Output
  ) -> [Result<Output, any Error>] {
    guard !inputs.isEmpty else { return [] }
    let state = SharedState<Output>(count: inputs.count)
    let workerCount = min(max(maximumConcurrency, 1), inputs.count)
    if workerCount == 1 {
      return inputs.map { input in Result { try job(input) } }
    }
    let group = DispatchGroup()
    for _ in 0..<workerCount {
      group.enter()
      let thread = Thread {
        while let index = state.nextIndex() {
          let result = Result { try job(inputs[index]) }
          state.store(result, at: index)
        }
        group.leave()
      }
      thread.stackSize = 16 << 20  // deep networks and environments recurse little, but leave room
      thread.start()
    }
    group.wait()
    return state.results.map { $0! }
  }

  /// Shared between the worker threads, guarded by a lock.
  private final class SharedState<Output>: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let count: Int
    private(set) var results: [Result<Output, any Error>?]

    init(count: Int) {
      self.count = count
      results = Array(repeating: nil, count: count)
    }

    func nextIndex() -> Int? {
      lock.lock()
      defer { lock.unlock() }
      guard next < count else { return nil }
      next += 1
      return next - 1
    }

    func store(_ result: Result<Output, any Error>, at index: Int) {
      lock.lock()
      results[index] = result
      lock.unlock()
    }
  }
}
