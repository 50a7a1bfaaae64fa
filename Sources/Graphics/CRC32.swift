// MARK: - CRC-32

/// A table-driven 32-bit cyclic redundancy check (reflected form, initial value and final XOR all ones).
///
/// ``ieee`` is the CRC of PNG, zlib's `crc32` and Ethernet; ``castagnoli`` (CRC-32C) is the one TFRecord files use.
/// Both detect every single-bit and every burst error up to 32 bits long.
public struct CRC32: Sendable {
  /// The polynomial in reflected form.
  public let polynomial: UInt32
  private let table: [UInt32]

  /// Creates a CRC for a reflected polynomial.
  public init(reflectedPolynomial polynomial: UInt32) {
    self.polynomial = polynomial
    var table = [UInt32](repeating: 0, count: 256)
    for index in 0..<256 {
      var value = UInt32(index)
      for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ polynomial : value >> 1 }
      table[index] = value
    }
    self.table = table
  }

  /// CRC-32 of ISO-HDLC / PNG / zlib (polynomial 0x04C11DB7, reflected 0xEDB88320).
  public static let ieee = CRC32(reflectedPolynomial: 0xEDB8_8320)
  /// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78).
  public static let castagnoli = CRC32(reflectedPolynomial: 0x82F6_3B78)

  /// The checksum of `bytes`.
  public func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
    update(0, with: bytes)
  }

  /// Continues a checksum: `update(checksum(a), with: b) == checksum(a + b)`.
  public func update<Bytes: Sequence>(_ checksum: UInt32, with bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
    var crc = ~checksum
    for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return ~crc
  }
}
