import Foundation
import Rein

// MARK: - Experiment tooling throughput
//
// What the tooling costs next to training: the W1 plot (5 seeds x 5000 episodes) rendered and PNG-encoded, a
// 600x400 rendered frame added to a GIF, a checkpoint of 100,000 parameters written and read back (atomic write
// with fsync, checksum), and TensorBoard / CSV records of ten scalars written through.
//   swift run -c release rein-bench experiments/

func registerExperimentBenchmarks() {
  benchmarks.append(
    Benchmark(name: "experiments/plot/w1-png", unit: "plots", iterations: 3, repetitions: 3) {
      var state: UInt64 = 1
      let seeds = (0..<5).map { _ in
        (0..<5000).map { episode -> CurvePoint in
          state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
          let noise = Double(state >> 11) / Double(1 << 53)
          return CurvePoint(x: Double(episode), y: min(1000, Double(episode) / 5 + 300 * noise))
        }
      }
      var plot = LearningCurvePlot(title: "REINFORCE for InvertedPendulum-v4", xLabel: "episode", yLabel: "return")
      plot.runs = [LearningCurve(label: "REINFORCE", seeds: seeds)]
      plot.smoothingWindow = 50
      return { count in
        for _ in 0..<count { _ = try PNGEncoder.encode(plot.canvas()) }
      }
    })
  benchmarks.append(
    Benchmark(name: "experiments/gif/600x400-frame", unit: "frames", iterations: 20, repetitions: 5) {
      var frame = Canvas(width: 600, height: 400)
      let viewport = Viewport(scale: 125, origin: Point(-2.4, 0), pixelOrigin: Point(0, 300))
      frame.drawLine(from: Point(0, 300), to: Point(600, 300), color: .black, width: 1)
      let cart = [Point(-0.2, -0.1), Point(0.2, -0.1), Point(0.2, 0.1), Point(-0.2, 0.1)].map(viewport.pixel)
      frame.fillPolygon(cart, color: .black)
      let pole = [Point(-0.04, 0), Point(0.04, 0), Point(0.04, 1), Point(-0.04, 1)].map {
        viewport.pixel($0.rotated(by: 0.2))
      }
      frame.fillPolygon(pole, color: Color(red: 202, green: 152, blue: 101))
      frame.fillCircle(center: viewport.pixel(Point(0, 0)), radius: 5, color: Color(red: 129, green: 132, blue: 203))
      return { count in
        var gif = try GIFEncoder(width: 600, height: 400)
        for _ in 0..<count { try gif.addFrame(frame) }
        _ = gif.encoded()
      }
    })
  benchmarks.append(
    Benchmark(name: "experiments/checkpoint/100k-write-read", unit: "checkpoints", iterations: 10, repetitions: 5) {
      let folder = NSTemporaryDirectory() + "rein-bench-checkpoint-\(getpid())"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let checkpoint = Checkpoint(
        metadata: ["algorithm": "ppo"],
        tensors: [
          "weights": StoredTensor(shape: [100, 1000], floats: (0..<100_000).map { Float($0) * 1e-3 }),
          "generator": StoredTensor(shape: [4], uint64s: [1, 2, 3, 4]),
        ])
      return { count in
        for _ in 0..<count {
          try checkpoint.write(to: folder + "/checkpoint.safetensors")
          _ = try Checkpoint(contentsOf: folder + "/checkpoint.safetensors")
        }
      }
    })
  benchmarks.append(
    Benchmark(name: "experiments/log/tensorboard+csv-record", unit: "records", iterations: 2000, repetitions: 5) {
      let folder = NSTemporaryDirectory() + "rein-bench-logs-\(getpid())"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let loggers = LoggerGroup([
        try TensorBoardLogger(directory: folder + "/tb"), try CSVLogger(path: folder + "/progress.csv"),
      ])
      let keys = (0..<10).map { "train/metric_\($0)" }
      var step = 0
      return { count in
        for _ in 0..<count {
          step += 1
          try loggers.log(ScalarRecord(step: step, values: keys.map { ($0, Double(step) * 0.5) }))
        }
      }
    })
}
