import Foundation
import XCTest

/// DocC on the public API of the training layer (issue 12 part 6): every public or open function, initialiser and
/// subscript of the folders below that takes parameters, and every requirement of their public protocols, has a doc
/// comment with a `- Parameter name:` entry, or a `- Parameters:` list with `- name:`, for each named parameter
/// (by its internal name). A declaration without a doc comment of its own that implements a requirement of one of
/// those protocols, or overrides a method, is left out: DocC shows the requirement's or the overridden method's.
final class DocumentationTests: XCTestCase {
  /// The folders checked, relative to the package root.
  static let folders = [
    "Sources/NeuralNetworks", "Sources/PolicyGradient", "Sources/Experiments/Callbacks",
    "Sources/Experiments/Checkpoints", "Sources/Experiments/Configuration", "Sources/Experiments/Export",
    "Sources/Experiments/Logging", "Sources/Experiments/Plotting", "Sources/Experiments/Progress",
    "Sources/Experiments/Runs", "Sources/Experiments/Settings", "Sources/Experiments/Statistics",
    "Sources/Experiments/Support", "Sources/Experiments/Training",
  ]

  func testEveryPublicFunctionWithParametersDocumentsEachOfThem() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    var declarations: [DocumentedDeclaration] = []
    for folder in Self.folders {
      let path = root.appendingPathComponent(folder).path
      let files = try FileManager.default.subpathsOfDirectory(atPath: path).filter { $0.hasSuffix(".swift") }
      XCTAssertFalse(files.isEmpty, "\(folder) holds no Swift files")
      for file in files.sorted() {
        let text = try String(contentsOfFile: path + "/" + file, encoding: .utf8)
        declarations += DocumentedDeclaration.scan(text, file: folder + "/" + file)
      }
    }
    let missing = DocumentedDeclaration.undocumented(in: declarations)
    let checked = DocumentedDeclaration.checked(in: declarations)
    // The scanner must see the API it checks: well over 200 declarations with parameters in these folders.
    XCTAssertGreaterThan(checked.count, 200)
    XCTAssertEqual(
      missing.map(\.description), [],
      "\(missing.count) of \(checked.count) public declarations lack a - Parameter entry for a parameter")
  }

  /// The scanner finds what it is meant to: a missing entry, an entry under another name, a multi-line signature,
  /// generic clauses and closure types with commas, unnamed parameters, and the exemption of witnesses.
  func testTheScannerReportsEachMissingParameterAndNothingElse() {
    let source = """
      /// Done.
      ///
      /// - Parameters:
      ///   - a: The first.
      ///   - b: The second.
      public func complete(_ a: Int, b: [String: Int]) {}
      /// Half done.
      ///
      /// - Parameter a: The first.
      public func half(a: Int, c: Int) {}
      /// Only a summary.
      @discardableResult
      public static func multiLine<T: Sequence>(
        _ values: T, transform: (Int, Int) -> Bool,
        mapping: Dictionary<String, Int> = [:]
      ) -> Int { 0 }
      public init(_: Int) {}
      internal func hidden(x: Int) {}
      public protocol Hook {
        /// Fires.
        ///
        /// - Parameter info: What happened.
        func fire(_ info: Int)
        func undocumented(value: Int)
      }
      public final class Handler: Hook {
        public func fire(_ info: Int) {}
        public func undocumented(value: Int) {}
        public override func parent(x: Int) {}
      }
      """
    let declarations = DocumentedDeclaration.scan(source, file: "Sample.swift")
    XCTAssertEqual(
      DocumentedDeclaration.undocumented(in: declarations).map(\.description),
      [
        "Sample.swift:10: half(a:c:) lacks - Parameter c",
        "Sample.swift:13: multiLine(_:transform:mapping:) lacks - Parameter values, transform, mapping",
        "Sample.swift:24: undocumented(value:) lacks - Parameter value",
      ])
    XCTAssertEqual(DocumentedDeclaration.checked(in: declarations).count, 5)
  }
}

/// A public function, initialiser or subscript (or a protocol requirement) and its doc comment, as read from a
/// source file line by line.
struct DocumentedDeclaration: CustomStringConvertible {
  var file: String
  var line: Int
  /// `name(label:label:)`.
  var selector: String
  /// The internal names of the named parameters, in order.
  var parameters: [String]
  /// The doc comment's lines without `///`.
  var documentation: [String]
  var isRequirement: Bool
  var isOverride: Bool
  /// The parameters without an entry (filled in by ``undocumented(in:)``).
  var missing: [String] = []

  var description: String {
    "\(file):\(line): \(selector) lacks - Parameter \(missing.joined(separator: ", "))"
  }

  private static let modifiers: Set<String> = [
    "public", "open", "internal", "private", "fileprivate", "package", "static", "class", "final", "override",
    "mutating", "nonmutating", "convenience", "required", "nonisolated", "dynamic", "prefix", "postfix", "infix",
  ]

  /// The declarations of `text` that are public or open, or requirements of a public protocol.
  static func scan(_ text: String, file: String) -> [DocumentedDeclaration] {
    let lines = text.components(separatedBy: "\n")
    var found: [DocumentedDeclaration] = []
    var depth = 0
    var protocolDepth: Int?
    for (index, line) in lines.enumerated() {
      let code = line.components(separatedBy: "//")[0]
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if protocolDepth == nil, trimmed.hasPrefix("public protocol ") { protocolDepth = depth }
      if let declared = head(of: trimmed) {
        let (words, keyword, name) = declared
        let inProtocol = protocolDepth.map { depth == $0 + 1 } ?? false
        if words.contains("public") || words.contains("open") || inProtocol {
          var signature = trimmed
          var next = index + 1
          var parameters = parameterList(of: signature, keyword: keyword)
          while parameters == nil && next < lines.count && next <= index + 30 {
            signature += " " + lines[next].trimmingCharacters(in: .whitespaces)
            next += 1
            parameters = parameterList(of: signature, keyword: keyword)
          }
          let named = (parameters ?? []).map { parameter -> (external: String, internal: String) in
            let words = (parameter.split(separator: ":", maxSplits: 1).first ?? "").split(separator: " ")
            return (String(words.first ?? "_"), String(words.last ?? "_"))
          }
          found.append(
            DocumentedDeclaration(
              file: file, line: index + 1, selector: name + "(" + named.map { $0.external + ":" }.joined() + ")",
              parameters: named.map(\.internal).filter { $0 != "_" },
              documentation: documentation(above: index, in: lines),
              isRequirement: inProtocol, isOverride: words.contains("override")))
        }
      }
      depth += code.filter { $0 == "{" }.count - code.filter { $0 == "}" }.count
      if let start = protocolDepth, depth <= start { protocolDepth = nil }
    }
    return found
  }

  /// The declarations with parameters whose doc comments are checked.
  static func checked(in declarations: [DocumentedDeclaration]) -> [DocumentedDeclaration] {
    let requirements = Set(declarations.filter(\.isRequirement).map(\.selector))
    return declarations.filter { declaration in
      guard !declaration.parameters.isEmpty, let first = declaration.selector.first,
        first.isLetter || first == "_"
      else { return false }
      let inherits =
        declaration.isOverride || (!declaration.isRequirement && requirements.contains(declaration.selector))
      return !(declaration.documentation.isEmpty && inherits)
    }
  }

  /// The checked declarations that lack an entry for a parameter, each with the parameters it lacks.
  static func undocumented(in declarations: [DocumentedDeclaration]) -> [DocumentedDeclaration] {
    checked(in: declarations).compactMap { declaration in
      let entries = declaration.documentation.map { $0.trimmingCharacters(in: .whitespaces) }
      let hasList = entries.contains("- Parameters:")
      var result = declaration
      result.missing = declaration.parameters.filter { name in
        !entries.contains { $0.hasPrefix("- Parameter \(name):") || (hasList && $0.hasPrefix("- \(name):")) }
      }
      return result.missing.isEmpty ? nil : result
    }
  }

  /// The modifiers, the keyword (`func`, `init`, `subscript`) and the name when `line` starts a declaration.
  private static func head(of line: String) -> (words: [String], keyword: String, name: String)? {
    var rest = Substring(line)
    while rest.hasPrefix("@") {
      rest = rest.drop { !$0.isWhitespace && $0 != "(" }
      if rest.hasPrefix("(") {
        guard let close = rest.firstIndex(of: ")") else { return nil }
        rest = rest[rest.index(after: close)...]
      }
      rest = rest.drop { $0.isWhitespace }
    }
    var words: [String] = []
    while !rest.isEmpty {
      let word = String(rest.prefix { $0.isLetter || $0 == "?" || $0 == "!" })
      if word == "func" {
        let name = rest.dropFirst(4).drop { $0.isWhitespace }.prefix { $0 != "(" && $0 != "<" && !$0.isWhitespace }
        return name.isEmpty ? nil : (words, "func", String(name))
      }
      if ["init", "init?", "init!", "subscript"].contains(word) {
        let after = rest.dropFirst(word.count).first
        guard after == "(" || after == "<" else { return nil }
        return (words, word, word.hasPrefix("init") ? "init" : word)
      }
      guard modifiers.contains(word) else { return nil }
      words.append(word)
      rest = rest.dropFirst(word.count).drop { $0.isWhitespace }
    }
    return nil
  }

  /// The parameters of the first parameter list after `keyword` (and a generic clause), or nil while it is open.
  private static func parameterList(of signature: String, keyword: String) -> [String]? {
    guard let start = signature.range(of: keyword)?.upperBound else { return nil }
    var angle = 0
    var position = start
    while position < signature.endIndex {
      let character = signature[position]
      if character == "<" { angle += 1 }
      if character == ">" { angle -= 1 }
      if character == "(" && angle == 0 { break }
      position = signature.index(after: position)
    }
    guard position < signature.endIndex else { return nil }
    var depth = 0
    var parameters: [String] = []
    var current = ""
    var previous: Character = " "
    for character in signature[position...] {
      defer { previous = character }
      if "([<".contains(character) {
        depth += 1
        if depth == 1 { continue }
      } else if ")]".contains(character) || (character == ">" && previous != "-") {
        depth -= 1
        if depth == 0 {
          parameters.append(current)
          return parameters.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
      }
      if character == "," && depth == 1 {
        parameters.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    return nil
  }

  /// The `///` lines right above line `index`, past attribute lines.
  private static func documentation(above index: Int, in lines: [String]) -> [String] {
    var above = index - 1
    while above >= 0, lines[above].trimmingCharacters(in: .whitespaces).hasPrefix("@") { above -= 1 }
    var documentation: [String] = []
    while above >= 0 {
      let trimmed = lines[above].trimmingCharacters(in: .whitespaces)
      guard trimmed.hasPrefix("///") else { break }
      documentation.insert(String(trimmed.dropFirst(3)), at: 0)
      above -= 1
    }
    return documentation
  }
}
