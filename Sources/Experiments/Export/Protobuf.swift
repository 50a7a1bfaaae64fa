// MARK: - Protocol buffers (wire format)

/// Writes protocol-buffer messages field by field (the encoding of protobuf.dev's "Encoding" page): each field
/// is a key `(number << 3) | wire type` as a varint, then a varint (type 0), 4 little-endian bytes (type 5), or a
/// length-delimited run of bytes (type 2: strings, bytes, nested messages, packed repeated numbers).
struct ProtobufWriter {
  private(set) var bytes: [UInt8] = []

  private mutating func key(_ field: Int, _ wireType: Int) { varint(UInt64(field << 3 | wireType)) }

  private mutating func varint(_ value: UInt64) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(v & 0x7f) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  /// An `int64`, `int32` or enum field (negative values take ten bytes, as protobuf specifies).
  mutating func int(_ field: Int, _ value: Int) {
    key(field, 0)
    varint(UInt64(bitPattern: Int64(value)))
  }

  /// A `float` field.
  mutating func float(_ field: Int, _ value: Float) {
    key(field, 5)
    for byte in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value.bitPattern >> (8 * byte))) }
  }

  /// A `bytes` field.
  mutating func data(_ field: Int, _ value: [UInt8]) {
    key(field, 2)
    varint(UInt64(value.count))
    bytes += value
  }

  /// A `string` field.
  mutating func string(_ field: Int, _ value: String) { data(field, Array(value.utf8)) }

  /// A nested message field.
  mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
    var nested = ProtobufWriter()
    build(&nested)
    data(field, nested.bytes)
  }

  /// A packed `repeated int64` field.
  mutating func packedInts(_ field: Int, _ values: [Int]) {
    var packed = ProtobufWriter()
    for value in values { packed.varint(UInt64(bitPattern: Int64(value))) }
    data(field, packed.bytes)
  }
}
