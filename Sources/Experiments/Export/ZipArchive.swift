import Graphics

// MARK: - Zip archives (stored entries)

/// A zip archive of stored (uncompressed) entries, as PKWARE's APPNOTE describes: a local header before each
/// entry's bytes, then the central directory and its end record. No zip64, so an archive stays under 4 GiB.
///
/// An entry may ask for its bytes to start at a multiple of `alignment` (PyTorch aligns tensor storages to 64
/// bytes); the padding goes into the local header's extra field, which readers skip.
struct ZipArchive {
  private(set) var bytes: [UInt8] = []
  private var directory: [UInt8] = []
  private var count = 0

  /// Appends an entry named `name` (ASCII, `/` between folders) holding `contents`.
  mutating func add(_ name: String, _ contents: [UInt8], alignment: Int = 1) throws {
    let nameBytes = Array(name.utf8)
    guard bytes.count + contents.count + 1024 < Int(UInt32.max), nameBytes.count < Int(UInt16.max) else {
      throw ExportError.tooLarge("the archive would exceed 4 GiB, which a zip without zip64 cannot hold")
    }
    let offset = bytes.count
    var extra: [UInt8] = []
    let unpadded = offset + 30 + nameBytes.count
    if alignment > 1, unpadded % alignment != 0 {
      let padding = (alignment - (unpadded + 4) % alignment) % alignment
      extra = [0x46, 0x42] + Self.le16(padding) + [UInt8](repeating: 0, count: padding)
    }
    let crc = CRC32.ieee.checksum(contents)
    // Version 2.0, no flags, method 0 (stored), DOS time 00:00 and date 1980-01-01.
    let common =
      Self.le16(20) + Self.le16(0) + Self.le16(0) + Self.le16(0) + Self.le16(0x21) + Self.le32(Int(crc))
      + Self.le32(contents.count) + Self.le32(contents.count) + Self.le16(nameBytes.count)
    bytes += Self.le32(0x0403_4b50) + common + Self.le16(extra.count) + nameBytes + extra + contents
    directory +=
      Self.le32(0x0201_4b50) + Self.le16(20) + common + Self.le16(0) + Self.le16(0) + Self.le16(0)
      + Self.le16(0) + Self.le32(0) + Self.le32(offset) + nameBytes
    count += 1
  }

  /// The archive's bytes: the entries, the central directory and its end record.
  func finished() -> [UInt8] {
    let end =
      Self.le32(0x0605_4b50) + Self.le16(0) + Self.le16(0) + Self.le16(count) + Self.le16(count)
      + Self.le32(directory.count) + Self.le32(bytes.count) + Self.le16(0)
    return bytes + directory + end
  }

  static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xff), UInt8((value >> 8) & 0xff)] }
  static func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xff) } }
}
