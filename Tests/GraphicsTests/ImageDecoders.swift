import CZlib
import Graphics
import TestSupport

// Minimal PNG and GIF readers used only to check what the encoders write.

enum DecodeError: Error {
  case malformed(String)
}

// MARK: - PNG

struct DecodedPNG {
  var width: Int
  var height: Int
  var chunkTypes: [String]
  var pixels: [UInt8]
}

func readBigEndian(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
  UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
    | UInt32(bytes[offset + 3])
}

/// Parses chunks (checking every CRC), inflates IDAT with zlib and undoes the row filters (RGBA 8-bit only).
func decodePNG(_ bytes: [UInt8]) throws -> DecodedPNG {
  guard Array(bytes.prefix(8)) == PNGEncoder.signature else { throw DecodeError.malformed("signature") }
  var offset = 8
  var types: [String] = []
  var idat: [UInt8] = []
  var width = 0
  var height = 0
  while offset + 12 <= bytes.count {
    let length = Int(readBigEndian(bytes, offset))
    let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
    let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
    let storedCRC = readBigEndian(bytes, offset + 8 + length)
    guard CRC32.ieee.checksum(typeBytes + data) == storedCRC else { throw DecodeError.malformed("CRC") }
    let type = String(decoding: typeBytes, as: UTF8.self)
    types.append(type)
    if type == "IHDR" {
      width = Int(readBigEndian(data, 0))
      height = Int(readBigEndian(data, 4))
      guard data[8] == 8, data[9] == 6 else { throw DecodeError.malformed("not RGBA8") }
    } else if type == "IDAT" {
      idat += data
    }
    offset += 12 + length
  }
  let stride = width * 4
  var raw = [UInt8](repeating: 0, count: (stride + 1) * height)
  var rawLength = uLongf(raw.count)
  let status = idat.withUnsafeBufferPointer { source in
    uncompress(&raw, &rawLength, source.baseAddress, uLong(idat.count))
  }
  guard status == Z_OK, Int(rawLength) == raw.count else { throw DecodeError.malformed("inflate \(status)") }
  var pixels = [UInt8](repeating: 0, count: stride * height)
  for row in 0..<height {
    let filter = raw[row * (stride + 1)]
    for index in 0..<stride {
      let x = raw[row * (stride + 1) + 1 + index]
      let a = index >= 4 ? pixels[row * stride + index - 4] : 0
      let b = row > 0 ? pixels[(row - 1) * stride + index] : 0
      let c = row > 0 && index >= 4 ? pixels[(row - 1) * stride + index - 4] : 0
      let predicted: UInt8
      switch filter {
      case 0: predicted = 0
      case 1: predicted = a
      case 2: predicted = b
      case 3: predicted = UInt8((Int(a) + Int(b)) / 2)
      case 4:
        let p = Int(a) + Int(b) - Int(c)
        let (pa, pb, pc) = (abs(p - Int(a)), abs(p - Int(b)), abs(p - Int(c)))
        predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
      default: throw DecodeError.malformed("filter \(filter)")
      }
      pixels[row * stride + index] = x &+ predicted
    }
  }
  return DecodedPNG(width: width, height: height, chunkTypes: types, pixels: pixels)
}

// MARK: - GIF

struct DecodedGIF {
  var width: Int
  var height: Int
  var loops: Bool
  var frames: [[Color]]
  var delays: [Int]
}

func decodeGIF(_ bytes: [UInt8]) throws -> DecodedGIF {
  guard String(decoding: bytes.prefix(6), as: UTF8.self) == "GIF89a" else { throw DecodeError.malformed("header") }
  func u16(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }
  let width = u16(6)
  let height = u16(8)
  var offset = 13
  if bytes[10] & 0x80 != 0 { offset += 3 * (1 << (Int(bytes[10] & 7) + 1)) }
  var result = DecodedGIF(width: width, height: height, loops: false, frames: [], delays: [])
  func readSubBlocks() -> [UInt8] {
    var data: [UInt8] = []
    while bytes[offset] != 0 {
      let length = Int(bytes[offset])
      data += bytes[(offset + 1)..<(offset + 1 + length)]
      offset += 1 + length
    }
    offset += 1
    return data
  }
  while offset < bytes.count {
    switch bytes[offset] {
    case 0x21:
      let label = bytes[offset + 1]
      offset += 2
      let data = readSubBlocks()
      if label == 0xFF, String(decoding: data.prefix(11), as: UTF8.self) == "NETSCAPE2.0" { result.loops = true }
      if label == 0xF9 { result.delays.append(Int(data[1]) | Int(data[2]) << 8) }
    case 0x2C:
      let frameWidth = u16(offset + 5)
      let frameHeight = u16(offset + 7)
      let packed = bytes[offset + 9]
      offset += 10
      guard packed & 0x80 != 0 else { throw DecodeError.malformed("no local table") }
      let tableSize = 1 << (Int(packed & 7) + 1)
      var palette: [Color] = []
      for index in 0..<tableSize {
        palette.append(
          Color(
            red: bytes[offset + 3 * index], green: bytes[offset + 3 * index + 1], blue: bytes[offset + 3 * index + 2]))
      }
      offset += 3 * tableSize
      let minimumCodeSize = Int(bytes[offset])
      offset += 1
      let indices = try gifLZWDecode(readSubBlocks(), minimumCodeSize: minimumCodeSize)
      guard indices.count == frameWidth * frameHeight else { throw DecodeError.malformed("pixel count") }
      result.frames.append(indices.map { palette[Int($0)] })
    case 0x3B:
      return result
    default:
      throw DecodeError.malformed("block \(bytes[offset])")
    }
  }
  throw DecodeError.malformed("no trailer")
}
