import Graphics
import XCTest

final class CRC32Tests: XCTestCase {
  func testCheckValues() {
    let check = Array("123456789".utf8)
    XCTAssertEqual(CRC32.ieee.checksum(check), 0xCBF4_3926)
    XCTAssertEqual(CRC32.castagnoli.checksum(check), 0xE306_9283)
    XCTAssertEqual(CRC32.ieee.checksum([UInt8]()), 0)
  }

  func testIncrementalUpdateMatchesOneShot() {
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    let split = CRC32.castagnoli.update(CRC32.castagnoli.checksum(bytes[..<377]), with: bytes[377...])
    XCTAssertEqual(split, CRC32.castagnoli.checksum(bytes))
    let ieeeSplit = CRC32.ieee.update(CRC32.ieee.checksum(bytes[..<377]), with: bytes[377...])
    XCTAssertEqual(ieeeSplit, CRC32.ieee.checksum(bytes))
  }

  /// ``CRC32/ieee`` is zlib's `crc32_z`; it must agree with the table-driven form of the same polynomial on every
  /// length (zlib switches between byte-wise and word-wise paths by length and alignment) and on non-contiguous
  /// sequences.
  func testZlibAgreesWithTheTableDrivenReference() {
    let reference = CRC32(reflectedPolynomial: 0xEDB8_8320)
    var generator = SystemRandomNumberGenerator()
    for length in Array(0..<70) + [255, 256, 1000, 4099, 65_537] {
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      XCTAssertEqual(CRC32.ieee.checksum(bytes), reference.checksum(bytes), "length \(length)")
      XCTAssertEqual(CRC32.ieee.checksum(bytes.dropFirst(length / 3)), reference.checksum(bytes.dropFirst(length / 3)))
      XCTAssertEqual(CRC32.ieee.checksum(bytes.lazy.map { $0 }), reference.checksum(bytes))
    }
  }
}

final class PNGEncoderTests: XCTestCase {
  func makeScene() -> Canvas {
    var canvas = Canvas(width: 120, height: 80, background: Color(hex: 0xf0f0f0))
    canvas.fillCircle(center: Point(30, 40), radius: 20, color: Color(hex: 0x1f77b4))
    canvas.drawLine(from: Point(0, 0), to: Point(119, 79), color: Color.red.withOpacity(0.6), width: 2.5)
    canvas.fillPolygon([Point(70, 10), Point(110, 30), Point(80, 70)], color: Color(hex: 0x2ca02c).withOpacity(0.7))
    canvas.drawText("PNG 1.0", at: Point(60, 60), color: .black, scale: 1.5)
    canvas.setPixel(x: 119, y: 79, to: Color(red: 1, green: 2, blue: 3, alpha: 4))
    return canvas
  }

  func testRoundTripThroughZlibIsLossless() throws {
    let canvas = makeScene()
    let bytes = try PNGEncoder.encode(canvas)
    let decoded = try decodePNG(bytes)
    XCTAssertEqual(decoded.chunkTypes, ["IHDR", "IDAT", "IEND"])
    XCTAssertEqual(decoded.width, 120)
    XCTAssertEqual(decoded.height, 80)
    XCTAssertEqual(decoded.pixels, canvas.pixels)
    XCTAssertEqual(Array(decoded.pixels.suffix(4)), [1, 2, 3, 4])
  }

  func testCompressionMakesFlatImagesSmall() throws {
    let canvas = Canvas(width: 400, height: 300)
    let bytes = try PNGEncoder.encode(canvas)
    XCTAssertLessThan(bytes.count, 2_000)
    XCTAssertEqual(try decodePNG(bytes).pixels, canvas.pixels)
  }

  func testCorruptedChunkIsDetectedByItsCRC() throws {
    var bytes = try PNGEncoder.encode(makeScene())
    bytes[40] ^= 0x10  // inside the IDAT data
    XCTAssertThrowsError(try decodePNG(bytes))
  }

  func testWriteCreatesFile() throws {
    let path = NSTemporaryDirectory() + "rein-png-\(UUID().uuidString).png"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try PNGEncoder.write(makeScene(), to: path)
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    XCTAssertEqual(try decodePNG([UInt8](data)).width, 120)
    XCTAssertThrowsError(try PNGEncoder.write(makeScene(), to: "/nonexistent-folder/x.png")) { error in
      guard case ImageEncodingError.writeFailed = error else { return XCTFail("unexpected \(error)") }
    }
  }
}

final class GIFEncoderTests: XCTestCase {
  func testFewColourFramesDecodeExactly() throws {
    var gif = try GIFEncoder(width: 50, height: 30, frameDelay: 0.04)
    var expected: [Canvas] = []
    for frame in 0..<5 {
      var canvas = Canvas(width: 50, height: 30)
      canvas.fillRectangle(x: Double(frame * 8), y: 5, width: 10, height: 10, color: .red)
      canvas.setPixel(x: 49, y: 29, to: .blue)
      try gif.addFrame(canvas)
      expected.append(canvas)
    }
    XCTAssertEqual(gif.frameCount, 5)
    let decoded = try decodeGIF(gif.encoded())
    XCTAssertEqual(decoded.width, 50)
    XCTAssertEqual(decoded.height, 30)
    XCTAssertTrue(decoded.loops)
    XCTAssertEqual(decoded.frames.count, 5)
    XCTAssertEqual(decoded.delays, [4, 4, 4, 4, 4])
    for (frame, canvas) in zip(decoded.frames, expected) {
      for y in 0..<30 {
        for x in 0..<50 { XCTAssertEqual(frame[y * 50 + x], canvas.pixel(x: x, y: y)) }
      }
    }
  }

  func testManyColourFrameIsQuantisedClosely() throws {
    var canvas = Canvas(width: 256, height: 64)
    for y in 0..<64 {
      for x in 0..<256 { canvas.setPixel(x: x, y: y, to: Color(red: UInt8(x), green: UInt8(y * 4), blue: 128)) }
    }
    var gif = try GIFEncoder(width: 256, height: 64)
    try gif.addFrame(canvas, delay: 0.5)
    let decoded = try decodeGIF(gif.encoded())
    XCTAssertEqual(decoded.frames.count, 1)
    XCTAssertEqual(decoded.delays, [50])
    var worst = 0
    for y in 0..<64 {
      for x in 0..<256 {
        let original = canvas.pixel(x: x, y: y)
        let quantised = decoded.frames[0][y * 256 + x]
        worst = max(worst, abs(Int(original.red) - Int(quantised.red)), abs(Int(original.green) - Int(quantised.green)))
      }
    }
    XCTAssertLessThan(worst, 24, "16,384 colours in 256 palette entries should stay within a few levels")
  }

  func testLZWHandlesTableResets() throws {
    // Pseudo-random indices fill the 4,096-entry table several times over.
    var state: UInt64 = 12345
    let indices = (0..<200_000).map { _ -> UInt8 in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 59)  // 32 symbols
    }
    var canvas = Canvas(width: 500, height: 400)
    for (index, value) in indices.enumerated() {
      canvas.setPixel(x: index % 500, y: index / 500, to: Color(red: value &* 8, green: 0, blue: 0))
    }
    var gif = try GIFEncoder(width: 500, height: 400)
    try gif.addFrame(canvas)
    let decoded = try decodeGIF(gif.encoded())
    for (index, value) in indices.enumerated() { XCTAssertEqual(decoded.frames[0][index].red, value &* 8) }
  }

  func testSingleColourAndWrongSizeFrames() throws {
    var gif = try GIFEncoder(width: 3, height: 2)
    try gif.addFrame(Canvas(width: 3, height: 2, background: .green))
    XCTAssertEqual(try decodeGIF(gif.encoded()).frames[0], [Color](repeating: .green, count: 6))
    XCTAssertThrowsError(try gif.addFrame(Canvas(width: 4, height: 2))) { error in
      XCTAssertEqual(
        error as? ImageEncodingError, .frameSizeMismatch(expectedWidth: 3, expectedHeight: 2, width: 4, height: 2))
    }
    XCTAssertThrowsError(try GIFEncoder(width: 70_000, height: 10))
  }
}
