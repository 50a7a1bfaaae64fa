import ArgumentParser
import Rein

@main
struct ReinCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rein",
    abstract: "Reinforcement learning with policy-gradient methods, natively in Swift.",
    version: "0.1.0",
    subcommands: [
      TrainCommand.self, RunCommand.self, EvalCommand.self, PresetsCommand.self, KeysCommand.self, PlotCommand.self,
      ReportCommand.self, SubmitCommand.self, StatusCommand.self, CollectCommand.self,
      EnvsCommand.self, CheckEnvCommand.self, ReplayCommand.self, RecordCommand.self, ExportCommand.self,
      BenchmarkCommand.self,
    ]
  )
}
