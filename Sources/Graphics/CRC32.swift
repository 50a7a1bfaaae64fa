import CZlib

// MARK: - CRC-32

/// A 32-bit cyclic redundancy check (reflected form, initial value and final XOR all ones).
///
/// ``ieee`` is the CRC of PNG, zlib and Ethernet, computed by zlib's own `crc32_z` (which Rein links anyway for
/// PNG's deflate); ``castagnoli`` (CRC-32C) is the one TFRecord files use, which zlib does not have, so it is
/// table-driven here. Both detect every single-bit and every burst error up to 32 bits long.
public struct CRC32: Sendable {
  private enum Method: Sendable {
    case zlib
    case table([UInt32])
  }

  /// The polynomial in reflected form.
  public let polynomial: UInt32
  private let method: Method

  /// Creates a table-driven CRC for a reflected polynomial.
  public init(reflectedPolynomial polynomial: UInt32) {
    var table = [UInt32](repeating: 0, count: 256)
    for index in 0..<256 {
      var value = UInt32(index)
      for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ polynomial : value >> 1 }
      table[index] = value
    }
    self.init(polynomial: polynomial, method: .table(table))
  }

  private init(polynomial: UInt32, method: Method) {
    self.polynomial = polynomial
    self.method = method
  }

  /// CRC-32 of ISO-HDLC / PNG / zlib (polynomial 0x04C11DB7, reflected 0xEDB88320), by zlib.
  public static let ieee = CRC32(polynomial: 0xEDB8_8320, method: .zlib)
  /// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78).
  public static let castagnoli = CRC32(reflectedPolynomial: 0x82F6_3B78)

  /// The checksum of `bytes`.
  public func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
    update(0, with: bytes)
  }

  /// Continues a checksum: `update(checksum(a), with: b) == checksum(a + b)`.
  public func update<Bytes: Sequence>(_ checksum: UInt32, with bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
    if let result = bytes.withContiguousStorageIfAvailable({ update(checksum, buffer: $0) }) { return result }
    return Array(bytes).withUnsafeBufferPointer { update(checksum, buffer: $0) }
  }

  private func update(_ checksum: UInt32, buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
    switch method {
    case .zlib:
      guard let base = buffer.baseAddress, !buffer.isEmpty else { return checksum }
      return UInt32(truncatingIfNeeded: crc32_z(UInt(checksum), base, buffer.count))
    case .table(let table):
      var crc = ~checksum
      for byte in buffer { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
      return ~crc
    }
  }
}
