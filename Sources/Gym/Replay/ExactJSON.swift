// MARK: - A JSON reader with correctly rounded numbers

/// A small JSON reader for replay action files and golden fixtures. Foundation's `JSONSerialization` does not
/// round every decimal number to the nearest double on all platforms, which would break bit-exact comparisons;
/// this reader parses numbers with `Double(_: String)`, which does.
enum ExactJSON: Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([ExactJSON])
  case object([String: ExactJSON])

  struct ParseError: Error, CustomStringConvertible {
    var offset: Int
    var description: String { "malformed JSON at byte \(offset)" }
  }

  static func parse(_ text: String) throws -> ExactJSON {
    var parser = Parser(bytes: Array(text.utf8))
    let value = try parser.value()
    parser.skipWhitespace()
    guard parser.index == parser.bytes.count else { throw ParseError(offset: parser.index) }
    return value
  }

  subscript(key: String) -> ExactJSON? {
    if case .object(let members) = self { return members[key] }
    return nil
  }

  var array: [ExactJSON] {
    if case .array(let items) = self { return items }
    return []
  }

  var double: Double? {
    if case .number(let value) = self { return value }
    return nil
  }

  var bool: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  /// A number or a list of numbers as a list.
  var doubles: [Double] {
    switch self {
    case .number(let value): return [value]
    case .array(let items): return items.compactMap(\.double)
    default: return []
    }
  }

  private struct Parser {
    let bytes: [UInt8]
    var index = 0

    mutating func skipWhitespace() {
      while index < bytes.count, [0x20, 0x0a, 0x0d, 0x09].contains(bytes[index]) { index += 1 }
    }

    /// The current byte; throws at the end of the input.
    func peek() throws -> UInt8 {
      guard index < bytes.count else { throw ParseError(offset: index) }
      return bytes[index]
    }

    mutating func expect(_ literal: String) throws {
      for byte in literal.utf8 {
        guard index < bytes.count, bytes[index] == byte else { throw ParseError(offset: index) }
        index += 1
      }
    }

    mutating func value() throws -> ExactJSON {
      skipWhitespace()
      switch try peek() {
      case UInt8(ascii: "{"):
        index += 1
        var members: [String: ExactJSON] = [:]
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
          index += 1
          return .object(members)
        }
        while true {
          skipWhitespace()
          guard case .string(let key) = try value() else { throw ParseError(offset: index) }
          skipWhitespace()
          try expect(":")
          members[key] = try value()
          skipWhitespace()
          if try peek() == UInt8(ascii: ",") {
            index += 1
          } else {
            try expect("}")
            return .object(members)
          }
        }
      case UInt8(ascii: "["):
        index += 1
        var items: [ExactJSON] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
          index += 1
          return .array(items)
        }
        while true {
          items.append(try value())
          skipWhitespace()
          if try peek() == UInt8(ascii: ",") {
            index += 1
          } else {
            try expect("]")
            return .array(items)
          }
        }
      case UInt8(ascii: "\""):
        index += 1
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
          if bytes[index] == UInt8(ascii: "\\") { index += 1 }
          index += 1
        }
        guard index < bytes.count else { throw ParseError(offset: start) }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        return .string(text)
      case UInt8(ascii: "t"):
        try expect("true")
        return .bool(true)
      case UInt8(ascii: "f"):
        try expect("false")
        return .bool(false)
      case UInt8(ascii: "n"):
        try expect("null")
        return .null
      default:
        let start = index
        while index < bytes.count, "+-0123456789.eEINaninfty".utf8.contains(bytes[index]) { index += 1 }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        switch text {
        case "NaN": return .number(.nan)
        case "Infinity": return .number(.infinity)
        case "-Infinity": return .number(-.infinity)
        default:
          guard let number = Double(text) else { throw ParseError(offset: start) }
          return .number(number)
        }
      }
    }
  }
}
