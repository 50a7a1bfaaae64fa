import Foundation
import Graphics

@testable import Experiments

// MARK: - Readers for what `rein export` writes (tests only)

struct ReaderError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// A stored zip archive read through its central directory, each entry checked against its CRC-32.
struct ZipReader {
  struct Entry {
    var name: String
    var dataOffset: Int
    var contents: [UInt8]
  }
  var entries: [Entry] = []

  init(_ bytes: [UInt8]) throws {
    func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
    let end = bytes.count - 22
    guard end >= 0, u32(end) == 0x0605_4b50 else { throw ReaderError("no end-of-central-directory record") }
    var at = u32(end + 16)
    for _ in 0..<u16(end + 10) {
      guard u32(at) == 0x0201_4b50 else { throw ReaderError("bad central directory entry at \(at)") }
      guard u16(at + 10) == 0 else { throw ReaderError("entry is not stored") }
      let crc = UInt32(u32(at + 16))
      let size = u32(at + 24)
      let nameCount = u16(at + 28)
      let skip = u16(at + 30) + u16(at + 32)
      let local = u32(at + 42)
      let name = String(decoding: bytes[(at + 46)..<(at + 46 + nameCount)], as: UTF8.self)
      guard u32(local) == 0x0403_4b50 else { throw ReaderError("bad local header of \(name)") }
      let dataOffset = local + 30 + u16(local + 26) + u16(local + 28)
      let contents = Array(bytes[dataOffset..<(dataOffset + size)])
      guard CRC32.ieee.checksum(contents) == crc else { throw ReaderError("CRC mismatch in \(name)") }
      entries.append(Entry(name: name, dataOffset: dataOffset, contents: contents))
      at += 46 + nameCount + skip
    }
  }

  subscript(name: String) -> [UInt8]? { entries.first { $0.name == name }?.contents }
}

/// Parses the protocol-2 pickles ``PickleValue`` writes back into values.
func unpickle(_ bytes: [UInt8]) throws -> PickleValue {
  enum Item {
    case mark
    case value(PickleValue)
  }
  var stack: [Item] = []
  var i = 0
  func take(_ n: Int) throws -> ArraySlice<UInt8> {
    guard i + n <= bytes.count else { throw ReaderError("pickle ends early") }
    defer { i += n }
    return bytes[i..<(i + n)]
  }
  func little(_ slice: ArraySlice<UInt8>) -> UInt64 {
    slice.reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }
  func pop() throws -> PickleValue {
    guard case .value(let v)? = stack.popLast() else { throw ReaderError("stack underflow at \(i)") }
    return v
  }
  func popToMark() throws -> [PickleValue] {
    var items: [PickleValue] = []
    while let last = stack.popLast() {
      guard case .value(let v) = last else { return items.reversed() }
      items.append(v)
    }
    throw ReaderError("no mark")
  }
  func line() throws -> String {
    var text: [UInt8] = []
    while true {
      let byte = try take(1).first!
      if byte == 0x0a { return String(decoding: text, as: UTF8.self) }
      text.append(byte)
    }
  }
  while true {
    let op = try take(1).first!
    switch op {
    case 0x80: _ = try take(1)
    case UInt8(ascii: "."): return try pop()
    case UInt8(ascii: "N"): stack.append(.value(.none))
    case 0x88: stack.append(.value(.bool(true)))
    case 0x89: stack.append(.value(.bool(false)))
    case UInt8(ascii: "K"): stack.append(.value(.int(Int(try take(1).first!))))
    case UInt8(ascii: "J"): stack.append(.value(.int(Int(Int32(truncatingIfNeeded: little(try take(4)))))))
    case 0x8a:
      let n = Int(try take(1).first!)
      stack.append(.value(.int(Int(Int64(bitPattern: little(try take(n)))))))
    case UInt8(ascii: "G"):
      stack.append(.value(.float(Double(bitPattern: try take(8).reduce(0) { $0 << 8 | UInt64($1) }))))
    case UInt8(ascii: "X"):
      let n = Int(little(try take(4)))
      stack.append(.value(.string(String(decoding: try take(n), as: UTF8.self))))
    case UInt8(ascii: "("): stack.append(.mark)
    case UInt8(ascii: ")"): stack.append(.value(.tuple([])))
    case UInt8(ascii: "t"): stack.append(.value(.tuple(try popToMark())))
    case UInt8(ascii: "]"): stack.append(.value(.list([])))
    case UInt8(ascii: "}"): stack.append(.value(.dict([])))
    case UInt8(ascii: "e"):
      let items = try popToMark()
      guard case .list(let list) = try pop() else { throw ReaderError("APPENDS onto a non-list") }
      stack.append(.value(.list(list + items)))
    case UInt8(ascii: "u"):
      let flat = try popToMark()
      let pairs = stride(from: 0, to: flat.count, by: 2).map { (flat[$0], flat[$0 + 1]) }
      switch try pop() {
      case .dict(let existing): stack.append(.value(.dict(existing + pairs)))
      case .call(let f, let arguments): stack.append(.value(.callWithItems(f, arguments, items: pairs)))
      default: throw ReaderError("SETITEMS onto a non-dict")
      }
    case UInt8(ascii: "c"): stack.append(.value(.global(module: try line(), name: try line())))
    case UInt8(ascii: "R"):
      guard case .tuple(let arguments) = try pop() else { throw ReaderError("REDUCE without a tuple") }
      stack.append(.value(.call(try pop(), arguments)))
    case UInt8(ascii: "Q"): stack.append(.value(.persistent(try pop())))
    default: throw ReaderError("unexpected opcode \(op) at \(i - 1)")
    }
  }
}

/// A protocol-buffer message as its fields, in order.
struct ProtobufMessage {
  enum Value {
    case varint(UInt64)
    case fixed32(UInt32)
    case bytes([UInt8])
  }
  var fields: [(number: Int, value: Value)] = []

  init(_ bytes: [UInt8]) throws {
    var i = 0
    func varint() throws -> UInt64 {
      var result: UInt64 = 0
      var shift: UInt64 = 0
      while true {
        guard i < bytes.count else { throw ReaderError("varint runs past the end") }
        let byte = bytes[i]
        i += 1
        result |= UInt64(byte & 0x7f) << shift
        if byte < 0x80 { return result }
        shift += 7
      }
    }
    while i < bytes.count {
      let key = try varint()
      switch key & 7 {
      case 0: fields.append((Int(key >> 3), .varint(try varint())))
      case 5:
        guard i + 4 <= bytes.count else { throw ReaderError("fixed32 runs past the end") }
        fields.append((Int(key >> 3), .fixed32(bytes[i..<(i + 4)].reversed().reduce(0) { $0 << 8 | UInt32($1) })))
        i += 4
      case 2:
        let n = Int(try varint())
        guard i + n <= bytes.count else { throw ReaderError("field runs past the end") }
        fields.append((Int(key >> 3), .bytes(Array(bytes[i..<(i + n)]))))
        i += n
      default: throw ReaderError("unexpected wire type \(key & 7)")
      }
    }
  }

  func all(_ number: Int) -> [Value] { fields.filter { $0.number == number }.map(\.value) }
  func messages(_ number: Int) throws -> [ProtobufMessage] {
    try all(number).map { value in
      guard case .bytes(let bytes) = value else { throw ReaderError("field \(number) is not a message") }
      return try ProtobufMessage(bytes)
    }
  }
  func message(_ number: Int) throws -> ProtobufMessage {
    guard let first = try messages(number).first else { throw ReaderError("no field \(number)") }
    return first
  }
  func strings(_ number: Int) -> [String] {
    all(number).compactMap { if case .bytes(let b) = $0 { String(decoding: b, as: UTF8.self) } else { nil } }
  }
  func string(_ number: Int) -> String? { strings(number).first }
  func int(_ number: Int) -> Int? {
    for value in all(number) { if case .varint(let v) = value { return Int(Int64(bitPattern: v)) } }
    return nil
  }
  func bytes(_ number: Int) -> [UInt8]? {
    for value in all(number) { if case .bytes(let b) = value { return b } }
    return nil
  }
  /// A packed repeated int64 field.
  func packedInts(_ number: Int) throws -> [Int] {
    guard let packed = bytes(number) else { return [] }
    var reader = try ProtobufMessage(packed.isEmpty ? [] : [0x08] + Self.interleave(packed))
    reader.fields = reader.fields.filter { $0.number == 1 }
    return reader.all(1).compactMap { if case .varint(let v) = $0 { Int(Int64(bitPattern: v)) } else { nil } }
  }

  /// Puts a key (field 1, varint) before every varint of a packed run, so the field reader can split it.
  private static func interleave(_ packed: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    for (index, byte) in packed.enumerated() {
      out.append(byte)
      if byte < 0x80 && index + 1 < packed.count { out.append(0x08) }
    }
    return out
  }
}

/// Little-endian float32 values.
func floats(_ bytes: [UInt8]) -> [Float] {
  stride(from: 0, to: bytes.count, by: 4).map { at in
    Float(bitPattern: bytes[at..<(at + 4)].reversed().reduce(0) { $0 << 8 | UInt32($1) })
  }
}
