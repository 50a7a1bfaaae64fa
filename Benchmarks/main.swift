import Foundation

registerAll()
let prefixes = Array(CommandLine.arguments.dropFirst())
let selected = benchmarks.filter { b in prefixes.isEmpty || prefixes.contains { b.name.hasPrefix($0) } }
if selected.isEmpty {
  FileHandle.standardError.write(Data("no benchmark matches \(prefixes); known: \(benchmarks.map(\.name))\n".utf8))
  exit(2)
}
for benchmark in selected { try run(benchmark) }
