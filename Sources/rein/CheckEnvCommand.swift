import ArgumentParser
import Rein

// MARK: - rein check-env

/// `rein check-env ID`: runs the environment checker and prints what it found.
struct CheckEnvCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check-env",
    abstract: "Check an environment against the Gymnasium API contract (as Gymnasium's and SB3's check_env).")

  @Argument(help: "The environment id, such as CartPole-v1.")
  var id: String

  @Option(name: .long, help: "Steps taken by the stepping checks.")
  var steps: Int = 300

  @Option(name: .long, help: "The base seed of the checks.")
  var seed: UInt64 = 123

  @Flag(name: .long, help: "Treat warnings as failures.")
  var strict = false

  func run() throws {
    registerBuiltinEnvironments()
    guard steps > 0 else { throw ValidationError("--steps must be positive") }
    let report = try EnvironmentChecker(steps: steps, seed: seed).check(id: id)
    for check in report.checks {
      let found = report.findings.filter { $0.check == check }
      if found.isEmpty {
        print("ok       \(check)")
      } else {
        for finding in found {
          let severity = finding.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
          print("\(severity) \(check): \(finding.message)")
        }
      }
    }
    for finding in report.findings where !report.checks.contains(finding.check) {
      print("\(finding.severity.rawValue) \(finding.check): \(finding.message)")
    }
    let errors = report.findings.filter { $0.severity == .error }.count
    let warnings = report.findings.count - errors
    print("\(id): \(errors) error(s), \(warnings) warning(s) in \(report.checks.count) checks")
    if errors > 0 || (strict && warnings > 0) { throw ExitCode(1) }
  }
}
