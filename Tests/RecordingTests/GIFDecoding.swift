import Foundation
import TestSupport
import XCTest

// MARK: - A small GIF decoder for the tests

/// The frames of a GIF file, composited as a viewer shows them (disposal "do not dispose").
struct DecodedGIF {
  var width = 0
  var height = 0
  /// Each frame as RGB bytes, rows from the top.
  var frames: [[UInt8]] = []
  /// Each frame's delay in hundredths of a second.
  var delays: [Int] = []
}

enum GIFDecodingError: Error { case malformed(String) }

/// Decodes `bytes` fully: header, colour tables, every image's LZW data, frames composited onto the previous one.
func decodeGIF(_ bytes: [UInt8]) throws -> DecodedGIF {
  var offset = 0
  func byte() throws -> Int {
    guard offset < bytes.count else { throw GIFDecodingError.malformed("truncated at \(offset)") }
    defer { offset += 1 }
    return Int(bytes[offset])
  }
  func word() throws -> Int { try byte() | (try byte() << 8) }
  guard bytes.count > 13, String(decoding: bytes[0..<6], as: UTF8.self) == "GIF89a" else {
    throw GIFDecodingError.malformed("no GIF89a header")
  }
  offset = 6
  var gif = DecodedGIF()
  gif.width = try word()
  gif.height = try word()
  let flags = try byte()
  offset += 2
  var globalTable: [UInt8] = []
  if flags & 0x80 != 0 {
    let count = 3 << ((flags & 7) + 1)
    globalTable = Array(bytes[offset..<(offset + count)])
    offset += count
  }
  var canvas = [UInt8](repeating: 0, count: gif.width * gif.height * 3)
  var delay = 0
  func subBlocks() throws -> [UInt8] {
    var data: [UInt8] = []
    while true {
      let length = try byte()
      if length == 0 { return data }
      guard offset + length <= bytes.count else { throw GIFDecodingError.malformed("sub-block past the end") }
      data += bytes[offset..<(offset + length)]
      offset += length
    }
  }
  while true {
    let introducer = try byte()
    switch introducer {
    case 0x3B:
      return gif
    case 0x21:
      let label = try byte()
      let data = try subBlocks()
      if label == 0xF9, data.count >= 3 { delay = Int(data[1]) | Int(data[2]) << 8 }
    case 0x2C:
      let left = try word()
      let top = try word()
      let width = try word()
      let height = try word()
      let imageFlags = try byte()
      guard left + width <= gif.width, top + height <= gif.height else {
        throw GIFDecodingError.malformed("image outside the screen")
      }
      var table = globalTable
      if imageFlags & 0x80 != 0 {
        let count = 3 << ((imageFlags & 7) + 1)
        table = Array(bytes[offset..<(offset + count)])
        offset += count
      }
      let minimumCodeSize = try byte()
      let indices = try lzwDecode(try subBlocks(), minimumCodeSize: minimumCodeSize, count: width * height)
      for row in 0..<height {
        for column in 0..<width {
          let index = Int(indices[row * width + column]) * 3
          let target = ((top + row) * gif.width + left + column) * 3
          canvas[target] = table[index]
          canvas[target + 1] = table[index + 1]
          canvas[target + 2] = table[index + 2]
        }
      }
      gif.frames.append(canvas)
      gif.delays.append(delay)
    default:
      throw GIFDecodingError.malformed("unknown block 0x\(String(introducer, radix: 16)) at \(offset - 1)")
    }
  }
}

/// GIF's LZW decoding (TestSupport's); throws unless exactly `count` indices come out.
func lzwDecode(_ data: [UInt8], minimumCodeSize: Int, count: Int) throws -> [UInt8] {
  let output = try gifLZWDecode(data, minimumCodeSize: minimumCodeSize)
  guard output.count == count else {
    throw GIFDecodingError.malformed("an image decoded to \(output.count) pixels, expected \(count)")
  }
  return output
}
