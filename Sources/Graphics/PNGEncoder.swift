import CZlib
import Foundation

// MARK: - Errors

/// Why an image could not be encoded or written.
public enum ImageEncodingError: Error, CustomStringConvertible, Equatable {
  /// zlib's `compress2` failed with the given status code.
  case compressionFailed(status: Int32)
  /// The file could not be written.
  case writeFailed(path: String, reason: String)
  /// A GIF frame did not have the size the writer was created with.
  case frameSizeMismatch(expectedWidth: Int, expectedHeight: Int, width: Int, height: Int)
  /// The image is larger than the format can hold.
  case imageTooLarge(width: Int, height: Int, limit: Int)

  public var description: String {
    switch self {
    case .compressionFailed(let status):
      "zlib could not compress the image (status \(status)); this points to memory exhaustion, try a smaller image"
    case .writeFailed(let path, let reason):
      "could not write \(path): \(reason); check that the folder exists and is writable"
    case .frameSizeMismatch(let expectedWidth, let expectedHeight, let width, let height):
      "frame is \(width)x\(height) but the animation is \(expectedWidth)x\(expectedHeight); "
        + "render every frame at one size"
    case .imageTooLarge(let width, let height, let limit):
      "image \(width)x\(height) is larger than the format allows (\(limit) pixels per side); draw a smaller canvas"
    }
  }
}

// MARK: - PNG

/// Encodes canvases as PNG files (8-bit RGBA, zlib-compressed, per-row adaptive filters).
public enum PNGEncoder {
  /// The eight bytes every PNG file starts with.
  public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// The PNG file bytes of `canvas`.
  public static func encode(_ canvas: Canvas, compressionLevel: Int32 = 6) throws -> [UInt8] {
    var output = signature
    var header: [UInt8] = []
    appendBigEndian(UInt32(canvas.width), to: &header)
    appendBigEndian(UInt32(canvas.height), to: &header)
    header += [8, 6, 0, 0, 0]  // bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace
    appendChunk("IHDR", header, to: &output)
    appendChunk("IDAT", try compress(filteredScanlines(canvas), level: compressionLevel), to: &output)
    appendChunk("IEND", [], to: &output)
    return output
  }

  /// Writes `canvas` as a PNG file at `path` (replacing any file there).
  public static func write(_ canvas: Canvas, to path: String) throws {
    let bytes = try encode(canvas)
    do {
      try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw ImageEncodingError.writeFailed(path: path, reason: error.localizedDescription)
    }
  }

  // MARK: - Chunks and filters

  static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
    bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
  }

  static func appendChunk(_ type: String, _ data: [UInt8], to output: inout [UInt8]) {
    appendBigEndian(UInt32(data.count), to: &output)
    let typeBytes = Array(type.utf8)
    output += typeBytes
    output += data
    appendBigEndian(CRC32.ieee.update(CRC32.ieee.checksum(typeBytes), with: data), to: &output)
  }

  /// Each row prefixed with the filter (none, sub, up, average, Paeth) that minimises the sum of absolute
  /// filtered values, the heuristic the PNG specification recommends.
  static func filteredScanlines(_ canvas: Canvas) -> [UInt8] {
    let stride = canvas.width * 4
    let bytesPerPixel = 4
    var output: [UInt8] = []
    output.reserveCapacity((stride + 1) * canvas.height)
    var candidates = [[UInt8]](repeating: [UInt8](repeating: 0, count: stride), count: 5)
    canvas.pixels.withUnsafeBufferPointer { pixels in
      for row in 0..<canvas.height {
        let start = row * stride
        var bestFilter = 0
        var bestScore = Int.max
        for filter in 0..<5 {
          var score = 0
          for index in 0..<stride {
            let x = pixels[start + index]
            let a = index >= bytesPerPixel ? pixels[start + index - bytesPerPixel] : 0
            let b = row > 0 ? pixels[start - stride + index] : 0
            let c = row > 0 && index >= bytesPerPixel ? pixels[start - stride + index - bytesPerPixel] : 0
            let predicted: UInt8 =
              switch filter {
              case 0: 0
              case 1: a
              case 2: b
              case 3: UInt8((Int(a) + Int(b)) / 2)
              default: paeth(a, b, c)
              }
            let value = x &- predicted
            candidates[filter][index] = value
            score += value < 128 ? Int(value) : 256 - Int(value)
          }
          if score < bestScore {
            bestScore = score
            bestFilter = filter
          }
        }
        output.append(UInt8(bestFilter))
        output += candidates[bestFilter]
      }
    }
    return output
  }

  static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
    let p = Int(a) + Int(b) - Int(c)
    let pa = abs(p - Int(a))
    let pb = abs(p - Int(b))
    let pc = abs(p - Int(c))
    if pa <= pb && pa <= pc { return a }
    return pb <= pc ? b : c
  }

  static func compress(_ data: [UInt8], level: Int32) throws -> [UInt8] {
    var destinationLength = compressBound(uLong(data.count))
    var destination = [UInt8](repeating: 0, count: Int(destinationLength))
    let status = data.withUnsafeBufferPointer { source in
      compress2(&destination, &destinationLength, source.baseAddress, uLong(data.count), level)
    }
    guard status == Z_OK else { throw ImageEncodingError.compressionFailed(status: status) }
    return Array(destination.prefix(Int(destinationLength)))
  }
}
