import Foundation
import Synchronization

// MARK: - Parallel vector environment

/// A vector environment that spreads its sub-environments over persistent worker threads.
///
/// The sub-environments are split into contiguous chunks, one per thread; the calling thread runs the first chunk
/// and the workers the others. Workers wait for work by spinning briefly on an atomic counter (a step of a cheap
/// environment takes well under a microsecond, far less than waking a sleeping thread) and then sleep on a
/// condition, so an idle pool costs nothing. Results are identical to ``SyncVectorEnvironment``'s: every
/// sub-environment is stepped by exactly one thread and owns its rows of the buffers.
public final class ParallelVectorEnvironment: VectorEnvironment {
  private let pool: WorkerPool

  /// The number of threads stepping environments, the calling one included.
  public var threadCount: Int { pool.chunks.count }

  /// `count` environments built by `make` (which receives the index), stepped by `threads` threads (by default
  /// one per active processor, at most one per environment).
  public init(
    count: Int, threads: Int? = nil, autoresetMode: AutoresetMode = .nextStep,
    make: (Int) throws -> any Environment
  ) throws {
    guard count > 0 else {
      throw EnvironmentError.invalidArgument("a vector environment needs count > 0, got \(count)")
    }
    if let threads, threads < 1 {
      throw EnvironmentError.invalidArgument("threads must be at least 1, got \(threads)")
    }
    let threadCount = min(count, threads ?? ProcessInfo.processInfo.activeProcessorCount)
    let environments = try (0..<count).map(make)
    try Self.validate(environments)
    // Contiguous chunks whose sizes differ by at most one.
    var chunks: [Range<Int>] = []
    var start = 0
    for chunk in 0..<threadCount {
      let size = count / threadCount + (chunk < count % threadCount ? 1 : 0)
      chunks.append(start..<start + size)
      start += size
    }
    let core = VectorCore(environments: environments, autoresetMode: autoresetMode)
    pool = WorkerPool(core: core, chunks: chunks)
    super.init(core: core)
  }

  /// `count` environments made from `registry` by id, each wrapped as `make` wraps it (time limit included).
  public convenience init(
    id: String, count: Int, threads: Int? = nil, arguments: EnvironmentArguments = [:],
    autoresetMode: AutoresetMode = .nextStep, registry: EnvironmentRegistry = .shared
  ) throws {
    try self.init(count: count, threads: threads, autoresetMode: autoresetMode) { _ in
      try registry.make(id, arguments: arguments)
    }
  }

  deinit {
    pool.shutDown()
  }

  override func execute() {
    pool.run()
  }
}

// MARK: - Worker pool

/// Persistent threads that each run `core.process` on their own chunk when the generation counter advances.
final class WorkerPool: @unchecked Sendable {
  let core: VectorCore
  let chunks: [Range<Int>]
  /// Advanced by the owner to start a run; workers remember the last value they served.
  private let generation = Atomic<Int>(0)
  /// Workers still busy with the current run.
  private let pending = Atomic<Int>(0)
  /// Workers asleep on `condition` (or about to be).
  private let sleepers = Atomic<Int>(0)
  private let stopping = Atomic<Bool>(false)
  private let condition = NSCondition()
  private var threads: [Thread] = []

  /// Spins before a worker goes to sleep (a few tens of microseconds).
  static let spinsBeforeSleeping = 20_000
  /// Spins before the owner yields its processor while it waits for workers.
  static let spinsBeforeYielding = 2_000

  init(core: VectorCore, chunks: [Range<Int>]) {
    self.core = core
    self.chunks = chunks
    for chunk in chunks.dropFirst() {
      let thread = Thread { [self] in self.work(on: chunk) }
      thread.name = "rein.vector-env.worker"
      thread.stackSize = 1 << 20
      threads.append(thread)
      thread.start()
    }
  }

  /// Runs the core's current task over all chunks and returns when every chunk is done.
  func run() {
    guard chunks.count > 1 else {
      core.process(chunks[0])
      return
    }
    pending.store(chunks.count - 1, ordering: .sequentiallyConsistent)
    generation.add(1, ordering: .sequentiallyConsistent)
    wakeSleepers()
    core.process(chunks[0])
    var spins = 0
    while pending.load(ordering: .acquiring) > 0 {
      spins += 1
      if spins > Self.spinsBeforeYielding { sched_yield() }
    }
  }

  private func wakeSleepers() {
    if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
      condition.lock()
      condition.broadcast()
      condition.unlock()
    }
  }

  private func work(on chunk: Range<Int>) {
    var served = 0
    while true {
      // Wait for the next generation: spin first, then sleep.
      var spins = 0
      var current = generation.load(ordering: .acquiring)
      while current == served && !stopping.load(ordering: .relaxed) {
        spins += 1
        if spins > Self.spinsBeforeSleeping {
          condition.lock()
          sleepers.add(1, ordering: .sequentiallyConsistent)
          while generation.load(ordering: .sequentiallyConsistent) == served
            && !stopping.load(ordering: .sequentiallyConsistent)
          {
            condition.wait()
          }
          sleepers.subtract(1, ordering: .sequentiallyConsistent)
          condition.unlock()
          spins = 0
        }
        current = generation.load(ordering: .acquiring)
      }
      if stopping.load(ordering: .acquiring) { return }
      served = current
      core.process(chunk)
      pending.subtract(1, ordering: .releasing)
    }
  }

  /// Stops the workers; they exit after their current run.
  func shutDown() {
    stopping.store(true, ordering: .sequentiallyConsistent)
    condition.lock()
    condition.broadcast()
    condition.unlock()
  }
}
