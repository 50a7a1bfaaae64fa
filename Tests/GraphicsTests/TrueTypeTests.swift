import Foundation
import Graphics
import XCTest

/// Rein's TrueType reader and rasteriser against DejaVu Sans (Debian's fonts-dejavu-core, which
/// scripts/setup.sh installs); skipped where the font is not installed, where the bitmap fallback is tested.
final class TrueTypeFontTests: XCTestCase {
  static let path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

  func font() throws -> TrueTypeFont {
    guard FileManager.default.fileExists(atPath: Self.path) else {
      throw XCTSkip("DejaVu Sans is not installed (apt-get install fonts-dejavu-core)")
    }
    return try TrueTypeFont(contentsOf: Self.path)
  }

  func testGlyphsAndMetricsMatchFreeType() throws {
    let font = try font()
    XCTAssertEqual(font.unitsPerEm, 2048)
    // Glyph indices, advances (font units) and contour counts as FreeType 2.12 reports them (FT_LOAD_NO_SCALE).
    let expected: [(Character, glyph: Int, advance: Int, contours: Int)] = [
      ("H", 43, 1540, 1), ("o", 82, 1253, 2), ("1", 20, 1303, 1), ("g", 74, 1300, 2), (" ", 3, 651, 0),
      ("é", 171, 1260, 3),  // a composite glyph: e and the acute accent
    ]
    for (character, glyph, advance, contours) in expected {
      let scalar = character.unicodeScalars.first!
      XCTAssertEqual(font.glyph(for: scalar), glyph, "\(character)")
      XCTAssertEqual(font.advance(glyph: glyph), advance, "\(character)")
      XCTAssertEqual(try font.outline(glyph: glyph).count, contours, "\(character)")
    }
    XCTAssertEqual(font.advanceWidth(of: "Ho", size: 20.48), 15.40 + 12.53, accuracy: 1e-9)
    XCTAssertEqual(font.capHeight(size: 2048), 1493, accuracy: 1)
    XCTAssertEqual(font.glyph(for: "\u{10FFFF}"), 0, "no glyph: the missing-glyph box")
  }

  func testTheHoleOfAnOWindsTheOtherWay() throws {
    let font = try font()
    let contours = try font.outline(glyph: font.glyph(for: "o"))
    func signedArea(_ polygon: [Point]) -> Double {
      polygon.indices.reduce(0) { sum, i in
        let (a, b) = (polygon[i], polygon[(i + 1) % polygon.count])
        return sum + a.x * b.y - b.x * a.y
      } / 2
    }
    let areas = contours.map(signedArea)
    XCTAssertEqual(areas.count, 2)
    XCTAssertLessThan(areas[0] * areas[1], 0, "outer and inner contours have opposite orientations")
  }

  func testTextIsAntiAliasedAndHasAHole() throws {
    let font = try font()
    var canvas = Canvas(width: 120, height: 60)
    canvas.drawText("o", font: font, size: 48, at: Point(10, 10), color: .black)
    var levels = Set<UInt8>()
    for y in 0..<60 { for x in 0..<120 { levels.insert(canvas.pixel(x: x, y: y).red) } }
    XCTAssertTrue(levels.contains(0), "solid ink")
    XCTAssertGreaterThan(levels.filter { $0 > 20 && $0 < 235 }.count, 20, "grey edge pixels: anti-aliased")
    // The middle of the o (x-height 1120 units: the bowl spans about 10 + 0...29 px down from the cap top
    // minus the x-height) is white, the stroke beside it black.
    let advance = font.advanceWidth(of: "o", size: 48)
    let centreX = Int(10 + advance / 2)
    let capTop = 10.0
    let baseline = capTop + font.capHeight(size: 48)
    let middleY = Int(baseline - 48 * 1120 / 2048 / 2)
    XCTAssertEqual(canvas.pixel(x: centreX, y: middleY), .white)
    let row = (10..<centreX).map { canvas.pixel(x: $0, y: middleY).red }
    XCTAssertTrue(row.contains(0), "the left stroke of the o")
  }

  func testUpwardTextRunsBottomToTop() throws {
    let font = try font()
    var canvas = Canvas(width: 40, height: 200)
    canvas.drawText("return", font: font, size: 20, at: Point(10, 190), color: .black, orientation: .upward)
    var ink: [Int] = []
    for y in 0..<200 where (0..<40).contains(where: { canvas.pixel(x: $0, y: y).red < 128 }) { ink.append(y) }
    let length = font.advanceWidth(of: "return", size: 20)
    XCTAssertEqual(Double(ink.max()! - ink.min()!), length, accuracy: 6)
    XCTAssertLessThanOrEqual(ink.max()!, 190)
  }

  func testMalformedFilesAreTypedErrors() {
    XCTAssertThrowsError(try TrueTypeFont(data: [])) { error in
      XCTAssertTrue(error is TrueTypeFontError)
    }
    XCTAssertThrowsError(try TrueTypeFont(data: Array("OTTO0000000000000000".utf8)))
    XCTAssertThrowsError(try TrueTypeFont(contentsOf: "/nonexistent/font.ttf")) { error in
      XCTAssertEqual(error as? TrueTypeFontError, .unreadable(path: "/nonexistent/font.ttf"))
    }
    // A real font cut in half: an error, never a trap.
    if let data = FileManager.default.contents(atPath: Self.path) {
      let half = [UInt8](data.prefix(data.count / 2))
      if let font = try? TrueTypeFont(data: half) {
        for scalar in "Hog".unicodeScalars { _ = try? font.outline(glyph: font.glyph(for: scalar)) }
      }
    }
  }
}

final class FigureTests: XCTestCase {
  func testBitmapFallbackDrawsTheSameLayout() {
    var figure = Figure(width: 200, height: 60, font: .bitmap)
    XCTAssertFalse(figure.font.isTrueType)
    figure.addText("Return", at: Point(10, 10), size: 20, color: .black)
    let canvas = figure.canvas()
    let inked = (0..<60).contains { y in (0..<200).contains { canvas.pixel(x: $0, y: y).red < 128 } }
    XCTAssertTrue(inked)
    XCTAssertGreaterThan(figure.textWidth("Return", size: 20), 40)
    XCTAssertTrue(figure.svg().contains(">Return</text>"))
  }

  func testClippingPolylinesAndPolygons() {
    let box = Figure.Rectangle(x: 0, y: 0, width: 10, height: 10)
    let pieces = Figure.clip(polyline: [Point(-5, 5), Point(5, 5), Point(5, 20), Point(8, 5)], to: box)
    XCTAssertEqual(pieces, [[Point(0, 5), Point(5, 5), Point(5, 10)], [Point(7, 10), Point(8, 5)]])
    let polygon = Figure.clip(polygon: [Point(-5, -5), Point(15, -5), Point(15, 15), Point(-5, 15)], to: box)
    XCTAssertEqual(Set(polygon), [Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10)])
    XCTAssertEqual(Figure.clip(polyline: [Point(20, 20), Point(30, 30)], to: box), [])
  }

  func testDashesCutAPolylineByLength() {
    let dashed = Figure.dashed([Point(0, 0), Point(10, 0)], pattern: [3, 2])
    let runs = dashed.split { !$0.x.isFinite }.map(Array.init)
    XCTAssertEqual(
      runs, [[Point(0, 0), Point(3, 0)], [Point(5, 0), Point(8, 0)]], "the next dash would start at the end")
    var figure = Figure(width: 40, height: 10)
    figure.addPolyline([Point(0, 5), Point(40, 5)], color: .black, width: 2, dash: [6, 4])
    XCTAssertTrue(figure.svg().contains("stroke-dasharray=\"6,4\""))
    let canvas = figure.canvas()
    XCTAssertLessThan(canvas.pixel(x: 2, y: 5).red, 50, "a dash")
    XCTAssertGreaterThan(canvas.pixel(x: 8, y: 5).red, 200, "a gap")
  }
}
