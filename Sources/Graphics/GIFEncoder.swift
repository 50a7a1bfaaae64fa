import Foundation

// MARK: - GIF

/// Writes animated GIF files frame by frame (GIF89a, a local palette per frame, LZW compression).
///
/// Frames are quantised and compressed as they arrive, so a long recording holds only compressed bytes in memory.
///
///     var gif = try GIFEncoder(width: 600, height: 400, frameDelay: 0.05)
///     for frame in frames { try gif.addFrame(frame) }
///     try gif.write(to: "episode.gif")
public struct GIFEncoder: Sendable {
  /// Frame width in pixels.
  public let width: Int
  /// Frame height in pixels.
  public let height: Int
  /// Default time each frame is shown, in seconds (stored in hundredths of a second).
  public let frameDelay: Double
  /// How many frames were added.
  public private(set) var frameCount = 0
  private var body: [UInt8] = []

  /// Creates an encoder for frames of one size; `loopCount` 0 repeats forever.
  public init(width: Int, height: Int, frameDelay: Double = 0.05, loopCount: Int = 0) throws {
    guard width > 0, height > 0, width <= 65_535, height <= 65_535 else {
      throw ImageEncodingError.imageTooLarge(width: width, height: height, limit: 65_535)
    }
    self.width = width
    self.height = height
    self.frameDelay = frameDelay
    // Application extension that makes viewers loop the animation.
    body += [0x21, 0xFF, 0x0B] + Array("NETSCAPE2.0".utf8) + [0x03, 0x01]
    appendLittleEndian(UInt16(min(max(loopCount, 0), 65_535)), to: &body)
    body.append(0x00)
  }

  /// Quantises, compresses and appends one frame; `delay` overrides the default delay in seconds.
  public mutating func addFrame(_ canvas: Canvas, delay: Double? = nil) throws {
    guard canvas.width == width, canvas.height == height else {
      throw ImageEncodingError.frameSizeMismatch(
        expectedWidth: width, expectedHeight: height, width: canvas.width, height: canvas.height)
    }
    appendImage(canvas, left: 0, top: 0, delay: delay)
  }

  /// Appends one frame storing only the rectangle where it differs from `previous` (the frame added before it),
  /// which viewers draw over the previous picture; an unchanged frame stores a single pixel. Recordings of
  /// environments, where most of the picture stays put, shrink several-fold.
  public mutating func addFrame(_ canvas: Canvas, changedFrom previous: Canvas, delay: Double? = nil) throws {
    guard canvas.width == width, canvas.height == height, previous.width == width, previous.height == height else {
      throw ImageEncodingError.frameSizeMismatch(
        expectedWidth: width, expectedHeight: height, width: canvas.width, height: canvas.height)
    }
    var (minX, minY, maxX, maxY) = (width, height, -1, -1)
    canvas.pixels.withUnsafeBufferPointer { current in
      previous.pixels.withUnsafeBufferPointer { before in
        for y in 0..<height {
          let row = y * width * 4
          for x in 0..<width {
            let index = row + x * 4
            if current[index] != before[index] || current[index + 1] != before[index + 1]
              || current[index + 2] != before[index + 2]
            {
              minX = min(minX, x)
              maxX = max(maxX, x)
              minY = min(minY, y)
              maxY = max(maxY, y)
            }
          }
        }
      }
    }
    if maxX < 0 { (minX, minY, maxX, maxY) = (0, 0, 0, 0) }
    let regionWidth = maxX - minX + 1
    let regionHeight = maxY - minY + 1
    if regionWidth == width && regionHeight == height {
      appendImage(canvas, left: 0, top: 0, delay: delay)
      return
    }
    var region = Canvas(width: regionWidth, height: regionHeight, background: .black)
    for row in 0..<regionHeight {
      let source = ((minY + row) * width + minX) * 4
      let destination = row * regionWidth * 4
      region.pixels.replaceSubrange(
        destination..<(destination + regionWidth * 4), with: canvas.pixels[source..<(source + regionWidth * 4)])
    }
    appendImage(region, left: minX, top: minY, delay: delay)
  }

  /// Writes one image (a whole frame, or the part of one at `left`, `top`) with its control extension.
  private mutating func appendImage(_ canvas: Canvas, left: Int, top: Int, delay: Double?) {
    let image = ColorQuantizer.quantize(canvas)
    var tableBits = 1
    while (1 << tableBits) < image.palette.count { tableBits += 1 }
    // Graphic control extension: disposal "do not dispose", no transparency, the delay.
    body += [0x21, 0xF9, 0x04, 0x04]
    let hundredths = ((delay ?? frameDelay) * 100).rounded()
    appendLittleEndian(UInt16(min(max(hundredths, 0), 65_535)), to: &body)
    body += [0x00, 0x00]
    // Image descriptor with a local colour table.
    body.append(0x2C)
    appendLittleEndian(UInt16(left), to: &body)
    appendLittleEndian(UInt16(top), to: &body)
    appendLittleEndian(UInt16(canvas.width), to: &body)
    appendLittleEndian(UInt16(canvas.height), to: &body)
    body.append(0x80 | UInt8(tableBits - 1))
    for index in 0..<(1 << tableBits) {
      let color = index < image.palette.count ? image.palette[index] : .black
      body += [color.red, color.green, color.blue]
    }
    let minimumCodeSize = max(tableBits, 2)
    body.append(UInt8(minimumCodeSize))
    let compressed = LZW.encode(image.indices, minimumCodeSize: minimumCodeSize)
    var offset = 0
    while offset < compressed.count {
      let length = min(255, compressed.count - offset)
      body.append(UInt8(length))
      body += compressed[offset..<(offset + length)]
      offset += length
    }
    body.append(0x00)
    frameCount += 1
  }

  /// The complete GIF file.
  public func encoded() -> [UInt8] {
    var output = Array("GIF89a".utf8)
    appendLittleEndian(UInt16(width), to: &output)
    appendLittleEndian(UInt16(height), to: &output)
    output += [0x00, 0x00, 0x00]  // no global colour table, background index 0, square pixels
    output += body
    output.append(0x3B)
    return output
  }

  /// Writes the GIF file at `path`.
  public func write(to path: String) throws {
    do {
      try Data(encoded()).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw ImageEncodingError.writeFailed(path: path, reason: error.localizedDescription)
    }
  }

  private func appendLittleEndian(_ value: UInt16, to bytes: inout [UInt8]) {
    bytes += [UInt8(value & 0xFF), UInt8(value >> 8)]
  }
}

// MARK: - LZW

/// The variable-length LZW coding of GIF image data (codes up to 12 bits, least significant bit first).
enum LZW {
  static let maximumCodeCount = 4096

  static func encode(_ indices: [UInt8], minimumCodeSize: Int) -> [UInt8] {
    let clearCode = 1 << minimumCodeSize
    let endCode = clearCode + 1
    var output: [UInt8] = []
    var bitBuffer: UInt32 = 0
    var bitCount = 0
    var codeSize = minimumCodeSize + 1
    func emit(_ code: Int) {
      bitBuffer |= UInt32(code) << UInt32(bitCount)
      bitCount += codeSize
      while bitCount >= 8 {
        output.append(UInt8(bitBuffer & 0xFF))
        bitBuffer >>= 8
        bitCount -= 8
      }
    }
    // The string table as a flat array indexed by (prefix code, next symbol); 0 marks "no entry" (no string
    // ever gets code 0, which is a single symbol).
    let symbolCount = 1 << minimumCodeSize
    var table = [UInt16](repeating: 0, count: maximumCodeCount * symbolCount)
    var nextCode = endCode + 1
    emit(clearCode)
    guard var prefix = indices.first.map(Int.init) else {
      emit(endCode)
      if bitCount > 0 { output.append(UInt8(bitBuffer & 0xFF)) }
      return output
    }
    for index in indices.dropFirst() {
      let key = prefix * symbolCount + Int(index)
      let code = table[key]
      if code != 0 {
        prefix = Int(code)
        continue
      }
      emit(prefix)
      if nextCode < maximumCodeCount {
        table[key] = UInt16(nextCode)
        if nextCode == (1 << codeSize) && codeSize < 12 { codeSize += 1 }
        nextCode += 1
      } else {
        emit(clearCode)
        for position in table.indices { table[position] = 0 }
        codeSize = minimumCodeSize + 1
        nextCode = endCode + 1
      }
      prefix = Int(index)
    }
    emit(prefix)
    emit(endCode)
    if bitCount > 0 { output.append(UInt8(bitBuffer & 0xFF)) }
    return output
  }
}
