import Foundation
import Synchronization

// MARK: - Parallel vector environment

/// A vector environment that spreads its sub-environments over persistent worker threads.
///
/// The sub-environments are split into contiguous chunks (about two per thread) that the calling thread and the
/// workers claim one by one. Workers wait for work by spinning briefly on an atomic counter (a step of a cheap
/// environment takes well under a microsecond, far less than waking a sleeping thread) and then sleep on a
/// condition, so an idle pool costs nothing. Results are identical to ``SyncVectorEnvironment``'s: every
/// sub-environment is stepped by exactly one thread and owns its rows of the buffers.
///
/// On a machine whose cores are busy with other processes, waiting for a preempted worker can cost more than the
/// work: with ``adaptsToLoad`` (the default) the environment times both ways now and then (128 runs each, every
/// 18 windows of 128 runs) and steps on the calling thread alone while that is faster.
public final class ParallelVectorEnvironment: VectorEnvironment {
  private let pool: WorkerPool

  /// The number of threads stepping environments, the calling one included.
  public var threadCount: Int { pool.workerCount + 1 }

  /// Whether the environment measures from time to time if stepping on the calling thread alone is faster (as
  /// on a machine whose cores are busy with other work) and then does so; results are identical either way.
  /// True by default; set it to false to always use the workers.
  public var adaptsToLoad: Bool {
    get { pool.adaptive }
    set { pool.adaptive = newValue }
  }

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
    let core = VectorCore(environments: environments, autoresetMode: autoresetMode)
    pool = WorkerPool(core: core, threads: threadCount)
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

  /// Waits until every worker thread has started (for tests that measure steady-state behaviour).
  func waitUntilWorkersStarted() {
    pool.waitUntilWorkersStarted()
  }
}

// MARK: - Worker pool

/// Persistent threads that share the sub-environments of each run with the calling thread.
///
/// A run splits the sub-environments into chunks that participants claim with an atomic counter: the calling
/// thread claims chunks too, so if a worker is slow to wake (a busy machine) the caller simply does more of the
/// work itself, and a run is never much slower than a sequential one. Each sub-environment is still stepped by
/// exactly one thread per run, so results do not depend on who did what.
final class WorkerPool: @unchecked Sendable {
  let core: VectorCore
  let chunks: [Range<Int>]
  let workerCount: Int
  // The counters sit on separate cache lines (the padding is 64 bytes), so that workers spinning on `generation`
  // do not slow down the claiming and completing of chunks.
  private let padding0 = Padding()
  /// Advanced by the owner to start a run; workers remember the last value they served.
  private let generation = Atomic<Int>(0)
  private let padding1 = Padding()
  /// The next chunk to claim in the current run.
  private let nextChunk = Atomic<Int>(0)
  private let padding2 = Padding()
  /// Chunks finished in the current run.
  private let completedChunks = Atomic<Int>(0)
  private let padding3 = Padding()
  /// Workers asleep on `condition` (or about to be).
  private let sleepers = Atomic<Int>(0)
  private let stopping = Atomic<Bool>(false)
  /// Workers that have started their loop.
  private let startedWorkers = Atomic<Int>(0)
  private let condition = NSCondition()
  /// Runs since sleeping workers were last woken.
  private var runsSinceWake = 0

  /// Spins before a worker goes to sleep (tens of microseconds).
  static let spinsBeforeSleeping = 50_000
  /// Spins before the owner yields its processor while it waits for chunks in flight.
  static let spinsBeforeYielding = 500
  /// How often (in runs) the owner wakes sleeping workers; in between it works alone, which costs less than a
  /// wake-up per run when runs are short.
  static let runsBetweenWakes = 16
  /// Runs longer than this (seconds) wake sleeping workers every time: a wake-up costs a few microseconds.
  static let longRunSeconds = 20e-6
  /// How long the last run with the workers took, in seconds.
  private var lastRunSeconds = 0.0

  /// `threads` participants including the caller; the sub-environments are split into chunks (about two per
  /// participant, for balance).
  init(core: VectorCore, threads: Int) {
    self.core = core
    workerCount = max(threads - 1, 0)
    let chunkCount = min(core.count, threads == 1 ? 1 : 2 * threads)
    var chunks: [Range<Int>] = []
    var start = 0
    for chunk in 0..<chunkCount {
      let size = core.count / chunkCount + (chunk < core.count % chunkCount ? 1 : 0)
      chunks.append(start..<start + size)
      start += size
    }
    self.chunks = chunks
    for _ in 0..<workerCount {
      let thread = Thread { [self] in self.work() }
      thread.name = "rein.vector-env.worker"
      thread.stackSize = 4 << 20
      thread.start()
    }
  }

  // MARK: Adapting to the machine

  /// When true the pool measures, now and then, whether runs are faster with the workers or on the calling thread
  /// alone, and uses the faster way (on a machine whose cores are busy with other work, waiting for a preempted
  /// worker can cost more than the work itself). Results are the same either way.
  var adaptive = true
  /// Runs per measurement window.
  static let windowRuns = 128
  /// Windows that use the faster way between two measurements of both ways.
  static let windowsBetweenProbes = 64
  private var windowIndex = 0
  private var runsInWindow = 0
  private var windowStart = 0.0
  private var workersSecondsPerRun = 0.0
  private var soloSecondsPerRun = 0.0
  private var useWorkers = true
  /// Whether the last run used the workers (for tests and benchmarks).
  private(set) var lastRunUsedWorkers = true

  /// Runs the core's current task over all sub-environments and returns when every one is done.
  func run() {
    guard workerCount > 0 else {
      core.process(0..<core.count)
      return
    }
    guard adaptive else {
      runWithWorkers()
      return
    }
    if runsInWindow == 0 {
      windowStart = MonotonicClock.seconds()
      // Window 0 measures the workers, window 1 the calling thread alone, the others use the faster.
      switch windowIndex {
      case 0: useWorkers = true
      case 1: useWorkers = false
      // The calling thread alone must be clearly faster: one noisy measurement window should not switch off the
      // workers until the next probe.
      default: useWorkers = workersSecondsPerRun <= soloSecondsPerRun * 1.1
      }
    }
    lastRunUsedWorkers = useWorkers
    if useWorkers { runWithWorkers() } else { core.process(0..<core.count) }
    runsInWindow += 1
    if runsInWindow == Self.windowRuns {
      let secondsPerRun = (MonotonicClock.seconds() - windowStart) / Double(Self.windowRuns)
      if windowIndex == 0 { workersSecondsPerRun = secondsPerRun }
      if windowIndex == 1 { soloSecondsPerRun = secondsPerRun }
      runsInWindow = 0
      windowIndex = windowIndex == Self.windowsBetweenProbes + 1 ? 0 : windowIndex + 1
    }
  }

  /// One run shared between the calling thread and the workers.
  private func runWithWorkers() {
    // Reset the completion count before reopening the chunks: a worker still leaving the previous run may claim
    // a chunk of this one as soon as `nextChunk` is reset, and its completion must count. The releasing store
    // publishes this run's task and actions to such a worker.
    completedChunks.store(0, ordering: .sequentiallyConsistent)
    nextChunk.store(0, ordering: .sequentiallyConsistent)
    generation.add(1, ordering: .sequentiallyConsistent)
    runsSinceWake += 1
    // Short runs wake sleeping workers only now and then (a wake-up would cost more than the run); runs long
    // enough that workers fall asleep between them (MuJoCo's bigger models) wake them every time.
    let longRuns = lastRunSeconds > Self.longRunSeconds
    if runsSinceWake >= Self.runsBetweenWakes || longRuns, sleepers.load(ordering: .sequentiallyConsistent) > 0 {
      runsSinceWake = 0
      condition.lock()
      condition.broadcast()
      condition.unlock()
    }
    let start = MonotonicClock.seconds()
    claimChunks()
    var spins = 0
    while completedChunks.load(ordering: .acquiring) < chunks.count {
      spins += 1
      if spins > Self.spinsBeforeYielding { sched_yield() }
    }
    lastRunSeconds = MonotonicClock.seconds() - start
  }

  /// Processes chunks until none is left to claim.
  private func claimChunks() {
    while true {
      let chunk = nextChunk.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue
      if chunk >= chunks.count { return }
      core.process(chunks[chunk])
      completedChunks.add(1, ordering: .releasing)
    }
  }

  /// Waits until every worker thread is running its loop (thread start-up allocates; tests wait for it).
  func waitUntilWorkersStarted() {
    while startedWorkers.load(ordering: .acquiring) < workerCount { sched_yield() }
  }

  private func work() {
    startedWorkers.add(1, ordering: .releasing)
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
      claimChunks()
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

/// 64 bytes that keep neighbouring stored properties on different cache lines.
private struct Padding {
  var words: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
}
