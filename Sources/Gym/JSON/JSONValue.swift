import Foundation

// MARK: - JSON value

/// A JSON document as a Swift value: what checkpoint metadata, summaries, configurations, replay action files and
/// golden fixtures are made of (Rein's one JSON reader and writer).
///
/// Integers and floating-point numbers are kept apart so that counters survive a round trip exactly, and every
/// decimal is read with `Double(_: String)`, which rounds correctly, so fixtures compare to the bit.
public enum JSONValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  // MARK: - Accessors

  /// The value of `key` when this is an object, else nil.
  public subscript(key: String) -> JSONValue? {
    if case .object(let members) = self { return members[key] }
    return nil
  }

  /// The number as a `Double` (integers convert), else nil.
  public var doubleValue: Double? {
    switch self {
    case .int(let value): Double(value)
    case .double(let value): value
    default: nil
    }
  }

  /// The integer, or a floating-point number with an integral value, else nil.
  public var intValue: Int? {
    switch self {
    case .int(let value): value
    case .double(let value) where value.rounded() == value && abs(value) < 9.0e15: Int(value)
    default: nil
    }
  }

  /// The string, else nil.
  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The Boolean, else nil.
  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  /// A number as a one-element list, or a list of numbers; nil for anything else (a list holding a non-number
  /// included).
  public var doublesValue: [Double]? {
    if let number = doubleValue { return [number] }
    guard case .array(let items) = self else { return nil }
    var numbers: [Double] = []
    numbers.reserveCapacity(items.count)
    for item in items {
      guard let number = item.doubleValue else { return nil }
      numbers.append(number)
    }
    return numbers
  }

  /// The elements, else nil.
  public var arrayValue: [JSONValue]? {
    if case .array(let value) = self { return value }
    return nil
  }

  /// The members, else nil.
  public var objectValue: [String: JSONValue]? {
    if case .object(let value) = self { return value }
    return nil
  }

  // MARK: - Text

  /// Parses JSON text; throws ``JSONValueError/malformed(_:)`` saying what is wrong and where.
  public init(parsing text: String) throws {
    try self.init(parsing: Array(text.utf8))
  }

  /// Parses JSON bytes (UTF-8).
  public init(parsing data: Data) throws {
    try self.init(parsing: [UInt8](data))
  }

  /// Parses JSON bytes (UTF-8).
  public init(parsing bytes: [UInt8]) throws {
    var parser = JSONParser(bytes: bytes)
    self = try parser.parseDocument()
  }

  /// Compact JSON text with keys sorted, numbers in shortest round-trip form (non-finite numbers become null).
  public func serialized(pretty: Bool = false) -> String {
    var output = ""
    write(to: &output, pretty: pretty, indent: 0)
    return output
  }

  private func write(to output: inout String, pretty: Bool, indent: Int) {
    let newline = pretty ? "\n" : ""
    let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
    let closingPad = pretty ? String(repeating: "  ", count: indent) : ""
    switch self {
    case .null: output += "null"
    case .bool(let value): output += value ? "true" : "false"
    case .int(let value): output += String(value)
    case .double(let value): output += JSONValue.formatNumber(value)
    case .string(let value): output += JSONValue.quoted(value)
    case .array(let values):
      if values.isEmpty {
        output += "[]"
        return
      }
      output += "[" + newline
      for (index, value) in values.enumerated() {
        output += pad
        value.write(to: &output, pretty: pretty, indent: indent + 1)
        output += (index < values.count - 1 ? "," : "") + newline
      }
      output += closingPad + "]"
    case .object(let members):
      if members.isEmpty {
        output += "{}"
        return
      }
      output += "{" + newline
      let keys = members.keys.sorted()
      for (index, key) in keys.enumerated() {
        output += pad + JSONValue.quoted(key) + (pretty ? ": " : ":")
        members[key]!.write(to: &output, pretty: pretty, indent: indent + 1)
        output += (index < keys.count - 1 ? "," : "") + newline
      }
      output += closingPad + "}"
    }
  }

  /// A number in shortest round-trip form, integral values without a fraction (`3` not `3.0`), non-finite as null.
  public static func formatNumber(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(describing: value)
  }

  /// `text` as a JSON string literal.
  public static func quoted(_ text: String) -> String {
    var output = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case _ where scalar.value < 0x20:
        output += String(format: "\\u%04x", scalar.value)
      default: output.unicodeScalars.append(scalar)
      }
    }
    return output + "\""
  }
}

// MARK: - Errors

/// Why text could not be read as JSON.
public enum JSONValueError: Error, CustomStringConvertible, Equatable {
  /// The text is not valid JSON; the associated text is the parser's reason.
  case malformed(String)

  public var description: String {
    switch self {
    case .malformed(let reason): "not valid JSON (\(reason))"
    }
  }
}

// MARK: - Literals

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
  ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
  public init(nilLiteral: ()) { self = .null }
}
