import Foundation

// MARK: - A small benchmark harness
//
// `swift run -c release rein-bench [NAME-PREFIX ...]` runs every registered benchmark (or those whose name starts
// with one of the prefixes) and prints one JSON line each: the median and best time per iteration over several
// repetitions, the derived rate, and the process's peak resident memory. Peers (../shared/peers) are run side by
// side by scripts/bench.sh, which quotes ratios.

/// One benchmark: `body` runs `iterations` units of work and returns how many units it did (steps, calls, ...).
struct Benchmark {
  var name: String
  /// What one unit is, for the rate ("steps", "calls", "updates").
  var unit: String
  /// Units per timed repetition.
  var iterations: Int
  var repetitions: Int = 7
  /// Prepares state and returns the closure to time; the closure runs `iterations` units.
  var setUp: () throws -> (Int) throws -> Void
}

/// Every benchmark; files in this folder append to it from `registerAll()`.
nonisolated(unsafe) var benchmarks: [Benchmark] = []

func monotonicSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func peakResidentMegabytes() -> Double {
  var usage = rusage()
  #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &usage)
  #else
    getrusage(RUSAGE_SELF, &usage)
  #endif
  #if os(macOS)
    return Double(usage.ru_maxrss) / 1_048_576
  #else
    return Double(usage.ru_maxrss) / 1024
  #endif
}

func run(_ benchmark: Benchmark) throws {
  let body = try benchmark.setUp()
  try body(max(1, benchmark.iterations / 10))  // warm-up
  var times: [Double] = []
  for _ in 0..<benchmark.repetitions {
    let start = monotonicSeconds()
    try body(benchmark.iterations)
    times.append((monotonicSeconds() - start) / Double(benchmark.iterations))
  }
  times.sort()
  let median = times[times.count / 2]
  let record: [String: Any] = [
    "benchmark": benchmark.name,
    "unit": benchmark.unit,
    "median_us_per_\(benchmark.unit)": (median * 1e6 * 1000).rounded() / 1000,
    "best_us_per_\(benchmark.unit)": (times[0] * 1e6 * 1000).rounded() / 1000,
    "\(benchmark.unit)_per_s": (1 / median).rounded(),
    "peak_rss_mb": (peakResidentMegabytes() * 10).rounded() / 10,
  ]
  let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
  print(String(decoding: data, as: UTF8.self))

}
