// MARK: - Pickle streams (protocol 2)

/// A value in a Python pickle: the few kinds a PyTorch state dict and Stable-Baselines3's archive need.
///
/// A pickle is a program for a small stack machine; this writes protocol 2, as `torch.save` does. Objects are
/// never serialised as code: a class or function is named by module and attribute (`GLOBAL`), and an object is
/// built by calling such a name with arguments (`REDUCE`), as the unpickler documents.
public indirect enum PickleValue: Equatable, Sendable {
  case none
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case tuple([PickleValue])
  case list([PickleValue])
  /// A `dict`, in insertion order.
  case dict([(PickleValue, PickleValue)])
  /// A module attribute, e.g. `collections.OrderedDict`.
  case global(module: String, name: String)
  /// `callable(*arguments)`.
  case call(PickleValue, [PickleValue])
  /// `callable(*arguments)` followed by setting `items` on the result (an `OrderedDict` filled in).
  case callWithItems(PickleValue, [PickleValue], items: [(PickleValue, PickleValue)])
  /// An object the loader resolves itself from the id (PyTorch's tensor storages).
  case persistent(PickleValue)

  public static func == (a: PickleValue, b: PickleValue) -> Bool {
    switch (a, b) {
    case (.none, .none): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    case (.float(let x), .float(let y)): return x.bitPattern == y.bitPattern
    case (.string(let x), .string(let y)): return x == y
    case (.tuple(let x), .tuple(let y)), (.list(let x), .list(let y)): return x == y
    case (.dict(let x), .dict(let y)): return pairsEqual(x, y)
    case (.global(let m, let n), .global(let m2, let n2)): return m == m2 && n == n2
    case (.call(let f, let x), .call(let g, let y)): return f == g && x == y
    case (.callWithItems(let f, let x, let i), .callWithItems(let g, let y, let j)):
      return f == g && x == y && pairsEqual(i, j)
    case (.persistent(let x), .persistent(let y)): return x == y
    default: return false
    }
  }

  private static func pairsEqual(_ x: [(PickleValue, PickleValue)], _ y: [(PickleValue, PickleValue)]) -> Bool {
    x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
  }

  /// The protocol-2 stream for this value, ending with `STOP`.
  public func pickled() -> [UInt8] {
    var out: [UInt8] = [0x80, 2]  // PROTO 2
    write(to: &out)
    out.append(UInt8(ascii: "."))  // STOP
    return out
  }

  private func write(to out: inout [UInt8]) {
    switch self {
    case .none: out.append(UInt8(ascii: "N"))
    case .bool(let value): out.append(value ? 0x88 : 0x89)  // NEWTRUE / NEWFALSE
    case .int(let value):
      if value >= 0 && value < 256 {
        out += [UInt8(ascii: "K"), UInt8(value)]  // BININT1
      } else if value >= Int(Int32.min) && value <= Int(Int32.max) {
        out.append(UInt8(ascii: "J"))  // BININT, 4 bytes little-endian
        out += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
      } else {
        out += [0x8a, 8]  // LONG1: 8 bytes little-endian two's complement
        out += (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
      }
    case .float(let value):
      out.append(UInt8(ascii: "G"))  // BINFLOAT, 8 bytes big-endian
      out += (0..<8).reversed().map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) }
    case .string(let value):
      let utf8 = Array(value.utf8)
      out.append(UInt8(ascii: "X"))  // BINUNICODE
      out += (0..<4).map { UInt8(truncatingIfNeeded: utf8.count >> (8 * $0)) }
      out += utf8
    case .tuple(let items):
      if items.isEmpty {
        out.append(UInt8(ascii: ")"))  // EMPTY_TUPLE
      } else {
        out.append(UInt8(ascii: "("))  // MARK
        for item in items { item.write(to: &out) }
        out.append(UInt8(ascii: "t"))  // TUPLE
      }
    case .list(let items):
      out.append(UInt8(ascii: "]"))  // EMPTY_LIST
      if !items.isEmpty {
        out.append(UInt8(ascii: "("))
        for item in items { item.write(to: &out) }
        out.append(UInt8(ascii: "e"))  // APPENDS
      }
    case .dict(let items):
      out.append(UInt8(ascii: "}"))  // EMPTY_DICT
      Self.writeItems(items, to: &out)
    case .global(let module, let name):
      out.append(UInt8(ascii: "c"))  // GLOBAL
      out += Array("\(module)\n\(name)\n".utf8)
    case .call(let callable, let arguments):
      callable.write(to: &out)
      PickleValue.tuple(arguments).write(to: &out)
      out.append(UInt8(ascii: "R"))  // REDUCE
    case .callWithItems(let callable, let arguments, let items):
      PickleValue.call(callable, arguments).write(to: &out)
      Self.writeItems(items, to: &out)
    case .persistent(let id):
      id.write(to: &out)
      out.append(UInt8(ascii: "Q"))  // BINPERSID
    }
  }

  private static func writeItems(_ items: [(PickleValue, PickleValue)], to out: inout [UInt8]) {
    guard !items.isEmpty else { return }
    out.append(UInt8(ascii: "("))
    for (key, value) in items {
      key.write(to: &out)
      value.write(to: &out)
    }
    out.append(UInt8(ascii: "u"))  // SETITEMS
  }
}
