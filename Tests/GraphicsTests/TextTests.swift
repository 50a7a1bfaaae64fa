import Graphics
import XCTest

final class BitmapFontTests: XCTestCase {
  func testEveryPrintableCharacterHasADistinctGlyph() {
    var seen: [String: Character] = [:]
    for value in BitmapFont.firstCharacter...BitmapFont.lastCharacter {
      let character = Character(UnicodeScalar(value)!)
      var bits = ""
      var setCount = 0
      for row in 0..<BitmapFont.glyphHeight {
        for column in 0..<BitmapFont.glyphWidth {
          let isSet = BitmapFont.isSet(character, column: column, row: row)
          bits += isSet ? "#" : "."
          setCount += isSet ? 1 : 0
        }
      }
      if character != " " { XCTAssertGreaterThan(setCount, 0, "glyph of \(character) is empty") }
      XCTAssertNil(seen[bits], "\(character) looks exactly like \(seen[bits].map(String.init) ?? "")")
      seen[bits] = character
    }
    XCTAssertEqual(seen.count, 95)
  }

  func testUnknownCharacterDrawsAsQuestionMark() {
    for row in 0..<9 {
      for column in 0..<5 {
        XCTAssertEqual(
          BitmapFont.isSet("é", column: column, row: row), BitmapFont.isSet("?", column: column, row: row))
      }
    }
  }

  func testMeasurements() {
    XCTAssertEqual(BitmapFont.width(of: "abc", scale: 2), Double(3 * 6 - 1) * 2)
    XCTAssertEqual(BitmapFont.width(of: "", scale: 2), 0)
    XCTAssertEqual(BitmapFont.width(of: "ab\nlonger", scale: 1), 35)
    XCTAssertEqual(BitmapFont.height(of: "one", scale: 3), 21)
    XCTAssertEqual(BitmapFont.height(of: "one\ntwo", scale: 1), 18)
  }
}

final class TextDrawingTests: XCTestCase {
  func testLetterAtScaleOneMatchesItsBits() {
    var canvas = Canvas(width: 10, height: 12)
    canvas.drawText("A", at: Point(1, 1), color: .black, scale: 1)
    for row in 0..<9 {
      for column in 0..<5 {
        let expected: Color = BitmapFont.isSet("A", column: column, row: row) ? .black : .white
        XCTAssertEqual(canvas.pixel(x: 1 + column, y: 1 + row), expected, "bit \(column), \(row)")
      }
    }
  }

  func testIntegerScaleIsCrispAndCentredAlignmentWorks() {
    var canvas = Canvas(width: 40, height: 30)
    canvas.drawText(
      "I", at: Point(20, 15), color: .black, scale: 2, horizontalAlignment: .center, verticalAlignment: .middle)
    // "I" is 5 bits wide (10 px) centred on x = 20: columns 15...24; cap height 14 px centred on y = 15: rows 8...21.
    // Its middle stroke is bit column 2: pixels 19 and 20, all the way down.
    XCTAssertEqual(canvas.pixel(x: 19, y: 12), .black)
    XCTAssertEqual(canvas.pixel(x: 20, y: 18), .black)
    XCTAssertEqual(canvas.pixel(x: 17, y: 8), .black)  // top bar starts at bit column 1: pixels 17 and 18
    XCTAssertEqual(canvas.pixel(x: 16, y: 8), .white)
    XCTAssertEqual(canvas.pixel(x: 17, y: 12), .white)
    XCTAssertEqual(canvas.pixel(x: 19, y: 7), .white)
    let values = Set(canvas.pixels)
    XCTAssertEqual(values, [0, 255], "integer scales give no grey pixels")
  }

  func testUpwardTextIsRotated() {
    var canvas = Canvas(width: 20, height: 20)
    // "L" written upward from (2, 18): its vertical stem becomes a horizontal bar along the bottom edge of the box.
    canvas.drawText("L", at: Point(2, 18), color: .black, scale: 1, orientation: .upward)
    // Stem = bit column 0, rows 0...6 -> x = 2 + row, y = 18 - 0 - 1 = 17.
    for row in 0..<7 { XCTAssertEqual(canvas.pixel(x: 2 + row, y: 17), .black) }
    // Foot = row 6, columns 0...4 -> x = 8, y = 17 - column.
    for column in 0..<5 { XCTAssertEqual(canvas.pixel(x: 8, y: 17 - column), .black) }
    XCTAssertEqual(canvas.pixel(x: 2, y: 15), .white)
  }

  func testFractionalScaleProducesAntiAliasedPixels() {
    var canvas = Canvas(width: 60, height: 30)
    canvas.drawText("Wy", at: Point(2.3, 2.7), color: .black, scale: 1.7)
    let values = Set(canvas.pixels)
    XCTAssertTrue(values.contains(0) || values.contains { $0 < 60 })
    XCTAssertTrue(values.contains { $0 > 0 && $0 < 255 })
  }
}
