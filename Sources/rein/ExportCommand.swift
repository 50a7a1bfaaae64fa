import ArgumentParser
import Foundation
import Rein

struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Export a checkpoint's policy for Stable-Baselines3 (a zip PPO.load / A2C.load opens) or as ONNX.",
    discussion: """
      sb3: separate actor and critic MLPs (SB3's MlpPolicy) of a ppo or a2c checkpoint, with a state-independent \
      log σ for Box actions; parameter names map one to one (policy.0 -> mlp_extractor.policy_net.0, action -> \
      action_net, value_head -> value_net, log_std). The optimizer's moments are not exported.
      onnx: observation -> action (argmax of the logits, or the clipped or squashed Gaussian mean), plus the \
      logits or mean and V(s), as Gemm layers and activations (IR 8, opset 13).

      Examples:
        rein export runs/ppo-cartpole/seed-1/checkpoint.safetensors --format sb3 --out model.zip
        rein export runs/ppo-cartpole/seed-1/checkpoint.safetensors --format onnx --out policy.onnx
      """)

  @Argument(help: "A checkpoint.safetensors file.")
  var checkpoint: String

  @Option(help: "sb3 or onnx.")
  var format: String

  @Option(help: "The file to write.")
  var out: String

  func run() throws {
    try reportingErrors {
      guard let format = ExportFormat(rawValue: format) else { throw ExportError.unknownFormat(format) }
      registerBuiltinEnvironments()
      let file = try Checkpoint(contentsOf: checkpoint)
      let id = try AgentCheckpoint.environmentID(of: file)
      let environment = try makeEnvironment(id, arguments: AgentCheckpoint.environmentArguments(of: file))
      let policy = try AgentCheckpoint.loadPolicy(file, for: environment)
      let bytes = try format.export(file, policy: policy, environment: environment)
      do {
        try AtomicFile.write(bytes, to: out)
      } catch let error as FileWriteError {
        throw CheckpointError.unwritable(path: out, reason: error.reason)
      }
      print("wrote \(out) (\(format.rawValue), \(bytes.count) bytes) from \(checkpoint)")
    }
  }
}
