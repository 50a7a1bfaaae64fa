import ArgumentParser
import Foundation
import Rein

// MARK: - rein record

/// `rein record CHECKPOINT --out FILE.gif|FILE.mp4`: watch a trained agent.
struct RecordCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "record", abstract: "Record episodes of a trained agent (or of random actions) as a GIF or MP4.",
    discussion: """
      SOURCE is a checkpoint written by `rein train` / `rein run` (its environment and arguments are read from it),
      or an environment id, which is then played with uniformly random actions. GIFs are written by Rein; MP4
      needs ffmpeg. A .png output saves a single picture (--frame picks which).
      Examples:
        rein record runs/ppo-cartpole/seed-1/checkpoint.safetensors --out cartpole.gif
        rein record runs/ppo-lunarlander/seed-1/checkpoint.safetensors --episodes 3 --out lander.mp4
        rein record LunarLander-v3 --seed 3 --out random-lander.gif
      """)

  @Argument(help: "A checkpoint.safetensors file, or an environment id (random actions).")
  var source: String

  @Option(help: "The output file: .gif, .mp4 or .png.")
  var out: String

  @Option(help: "Episodes to play, one after the other in the same file.")
  var episodes: Int = 1

  @Flag(help: "Act with the distribution's mode (the default).")
  var deterministic = false

  @Flag(help: "Sample actions instead of taking the distribution's mode.")
  var stochastic = false

  @Option(help: "Seed of the first reset and of action sampling.")
  var seed: UInt64 = 0

  @Option(help: "For a .png output: the picture after this many steps of the first episode.")
  var frame: Int = 0

  @Option(help: "The MuJoCo model file to use instead of the one next to the checkpoint (env_kwargs.xml_file).")
  var xmlFile: String?

  func run() throws {
    try reportingErrors {
      guard !(deterministic && stochastic) else {
        throw ValidationError("--deterministic and --stochastic exclude each other")
      }
      registerBuiltinEnvironments()
      let environment: any Environment
      let policy: ([Double]) throws -> [Double]
      var generator = RandomGenerator(seed: seed)
      if FileManager.default.fileExists(atPath: source) {
        let file = try Checkpoint(contentsOf: source)
        environment = try AgentCheckpoint.evaluationEnvironment(
          makeEnvironment(
            AgentCheckpoint.environmentID(of: file),
            arguments: AgentCheckpoint.environmentArguments(of: file, at: source, modelFile: xmlFile)),
          for: file)
        let agent = try AgentCheckpoint.loadPolicy(file, for: environment)
        let greedy = !stochastic
        policy = { agent.predict($0, deterministic: greedy, generator: &generator) }
      } else if EnvironmentRegistry.shared.contains(source) {
        environment = try makeEnvironment(source)
        var sampler = NumpyGenerator(seed: seed)
        let space = environment.actionSpace
        policy = { _ in space.sample(using: &sampler) }
      } else {
        throw ValidationError("'\(source)' is neither a checkpoint file nor a registered environment id (`rein envs`)")
      }
      defer { environment.close() }

      if out.lowercased().hasSuffix(".png") {
        let picture = try pictureAfter(steps: frame, of: environment, seed: seed, policy: policy)
        guard let canvas = Canvas(width: picture.width, height: picture.height, rgbBytes: picture.pixels) else {
          return
        }
        try PNGEncoder.write(canvas, to: out)
        print("wrote \(out) (\(picture.width)x\(picture.height))")
        return
      }
      let summary = try recordEpisodes(of: environment, episodes: episodes, seed: seed, to: out, policy: policy)
      let returns = summary.returns.map { String(format: "%.2f", $0) }.joined(separator: ", ")
      let bytes = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
      print(
        "wrote \(out): \(summary.returns.count) episode(s), returns \(returns), lengths "
          + "\(summary.lengths.map(String.init).joined(separator: ", ")); \(summary.framesWritten) of "
          + "\(summary.framesRendered) frames stored, \(bytes / 1024) KiB")
    }
  }
}
