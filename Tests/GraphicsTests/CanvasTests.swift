import Graphics
import XCTest

final class CanvasTests: XCTestCase {
  func testNewCanvasIsFilledWithBackground() {
    let canvas = Canvas(width: 4, height: 3, background: Color(hex: 0x123456))
    XCTAssertEqual(canvas.pixels.count, 4 * 3 * 4)
    XCTAssertEqual(canvas.pixel(x: 3, y: 2), Color(hex: 0x123456))
  }

  func testBlendHalfCoverageMixesColours() {
    var canvas = Canvas(width: 1, height: 1, background: .white)
    canvas.blend(x: 0, y: 0, color: .black, coverage: 0.5)
    XCTAssertEqual(Int(canvas.pixel(x: 0, y: 0).red), 128, accuracy: 1)
    XCTAssertEqual(canvas.pixel(x: 0, y: 0).alpha, 255)
    // Translucent colour at full coverage behaves the same.
    var second = Canvas(width: 1, height: 1, background: .white)
    second.blend(x: 0, y: 0, color: Color.black.withOpacity(0.25), coverage: 1)
    XCTAssertEqual(Int(second.pixel(x: 0, y: 0).green), 191, accuracy: 1)
  }

  func testBlendOntoTransparentKeepsSourceColour() {
    var canvas = Canvas(width: 1, height: 1, background: .transparent)
    canvas.blend(x: 0, y: 0, color: Color(hex: 0x336699).withOpacity(0.5))
    let pixel = canvas.pixel(x: 0, y: 0)
    XCTAssertEqual(pixel.red, 0x33)
    XCTAssertEqual(pixel.blue, 0x99)
    XCTAssertEqual(Int(pixel.alpha), 128, accuracy: 1)
  }

  func testOutOfBoundsDrawingIsIgnored() {
    var canvas = Canvas(width: 5, height: 5)
    canvas.blend(x: -1, y: 2, color: .black)
    canvas.drawLine(from: Point(-100, -100), to: Point(-50, -50), color: .black, width: 3)
    canvas.fillCircle(center: Point(1000, 1000), radius: 10, color: .black)
    canvas.fillPolygon([Point(-10, -10), Point(-5, -10), Point(-5, -5)], color: .black)
    canvas.drawText("hello", at: Point(-500, -500), color: .black)
    XCTAssertTrue(canvas.pixels.allSatisfy { $0 == 255 })
  }
}

final class ShapeTests: XCTestCase {
  func testHorizontalLineCoversItsWidth() {
    var canvas = Canvas(width: 60, height: 40)
    canvas.drawLine(from: Point(10, 20), to: Point(50, 20), color: .black, width: 3)
    XCTAssertEqual(canvas.pixel(x: 30, y: 20), .black)  // centre 20.5, distance 0.5
    XCTAssertEqual(canvas.pixel(x: 30, y: 19), .black)  // centre 19.5, distance 0.5
    XCTAssertEqual(canvas.pixel(x: 30, y: 24), .white)
    XCTAssertEqual(canvas.pixel(x: 30, y: 15), .white)
    // Rows at distance 1.5 from the axis are half covered: anti-aliased edge.
    XCTAssertEqual(Int(canvas.pixel(x: 30, y: 21).red), 128, accuracy: 2)
    XCTAssertEqual(canvas.pixel(x: 55, y: 20), .white)
  }

  func testDiagonalLineIsAntiAliased() {
    var canvas = Canvas(width: 40, height: 40)
    canvas.drawLine(from: Point(5, 5), to: Point(35, 30), color: .black, width: 1.5)
    let greys = canvas.pixels.enumerated().filter { $0.offset % 4 == 0 && $0.element > 0 && $0.element < 255 }
    XCTAssertGreaterThan(greys.count, 20, "a diagonal line should have partially covered pixels")
    // (20.5, 17.5) is 0.32 px from the line: coverage 0.75 + 0.5 - 0.32 = 0.93.
    XCTAssertEqual(Int(canvas.pixel(x: 20, y: 17).red), 18, accuracy: 2)
  }

  func testButtCapStopsAtTheEndPoint() {
    var round = Canvas(width: 40, height: 20)
    var butt = Canvas(width: 40, height: 20)
    round.drawLine(from: Point(10, 10), to: Point(30, 10), color: .black, width: 6, cap: .round)
    butt.drawLine(from: Point(10, 10), to: Point(30, 10), color: .black, width: 6, cap: .butt)
    XCTAssertEqual(round.pixel(x: 31, y: 10), .black)
    XCTAssertEqual(butt.pixel(x: 31, y: 10), .white)
    XCTAssertEqual(butt.pixel(x: 29, y: 10), .black)
  }

  func testTranslucentPolylineJointIsNotBlendedTwice() {
    var canvas = Canvas(width: 40, height: 40)
    let color = Color.black.withOpacity(0.5)
    canvas.drawPolyline([Point(5, 20), Point(20, 20), Point(20, 35)], color: color, width: 4)
    let joint = canvas.pixel(x: 20, y: 20)
    let segment = canvas.pixel(x: 12, y: 20)
    XCTAssertEqual(joint, segment)
    XCTAssertEqual(Int(segment.red), 128, accuracy: 1)
  }

  func testPolylineWithNaNLeavesAGap() {
    var canvas = Canvas(width: 60, height: 20)
    canvas.drawPolyline(
      [Point(0, 10), Point(20, 10), Point(.nan, .nan), Point(40, 10), Point(60, 10)], color: .black, width: 2)
    XCTAssertEqual(canvas.pixel(x: 10, y: 10), .black)
    XCTAssertEqual(canvas.pixel(x: 30, y: 10), .white)
    XCTAssertEqual(canvas.pixel(x: 50, y: 10), .black)
  }

  func testFilledTriangleInsideOutsideAndEdge() {
    var canvas = Canvas(width: 50, height: 50)
    canvas.fillPolygon([Point(10, 10), Point(40, 10), Point(10, 40)], color: .blue)
    XCTAssertEqual(canvas.pixel(x: 15, y: 15), .blue)
    XCTAssertEqual(canvas.pixel(x: 35, y: 35), .white)
    XCTAssertEqual(canvas.pixel(x: 5, y: 5), .white)
    // The hypotenuse x + y = 50 passes through the middle of pixel (24, 25)'s diagonal: half covered.
    XCTAssertEqual(Int(canvas.pixel(x: 24, y: 25).red), 128, accuracy: 12)
    // Total coverage equals the area (450 square pixels).
    let covered = stride(from: 0, to: canvas.pixels.count, by: 4).reduce(0.0) {
      $0 + (255 - Double(canvas.pixels[$1])) / 255
    }
    XCTAssertEqual(covered, 450, accuracy: 3)
  }

  func testNonZeroWindingFillsSelfOverlap() {
    // A pentagram drawn as one path: the centre has winding number 2 and must be filled.
    var canvas = Canvas(width: 100, height: 100)
    let points = (0..<5).map { index -> Point in
      let angle = Double(index * 2) * 2 * Double.pi / 5 - Double.pi / 2
      return Point(50 + 40 * cos(angle), 50 + 40 * sin(angle))
    }
    canvas.fillPolygon(points, color: .black)
    XCTAssertEqual(canvas.pixel(x: 50, y: 50), .black)
    XCTAssertEqual(canvas.pixel(x: 2, y: 2), .white)
  }

  func testFractionalRectangleEdges() {
    var canvas = Canvas(width: 20, height: 20)
    canvas.fillRectangle(x: 5.5, y: 5, width: 4, height: 3, color: .black)
    XCTAssertEqual(Int(canvas.pixel(x: 5, y: 6).red), 128, accuracy: 1)
    XCTAssertEqual(canvas.pixel(x: 6, y: 6), .black)
    XCTAssertEqual(Int(canvas.pixel(x: 9, y: 6).red), 128, accuracy: 1)
    XCTAssertEqual(canvas.pixel(x: 10, y: 6), .white)
    XCTAssertEqual(canvas.pixel(x: 6, y: 8), .white)
  }

  func testCircleAreaAndCentre() {
    var canvas = Canvas(width: 60, height: 60)
    canvas.fillCircle(center: Point(30, 30), radius: 10, color: .black)
    XCTAssertEqual(canvas.pixel(x: 30, y: 30), .black)
    XCTAssertEqual(canvas.pixel(x: 30, y: 45), .white)
    let covered = stride(from: 0, to: canvas.pixels.count, by: 4).reduce(0.0) {
      $0 + (255 - Double(canvas.pixels[$1])) / 255
    }
    XCTAssertEqual(covered, Double.pi * 100, accuracy: 3)
  }

  func testStrokedCircleIsHollow() {
    var canvas = Canvas(width: 60, height: 60)
    canvas.strokeCircle(center: Point(30, 30), radius: 15, color: .red, lineWidth: 3)
    XCTAssertEqual(canvas.pixel(x: 30, y: 30), .white)
    XCTAssertEqual(canvas.pixel(x: 44, y: 29), .red)  // centre (44.5, 29.5): 14.5 px from the centre
  }

  func testStrokedRectangleOutline() {
    var canvas = Canvas(width: 30, height: 30)
    canvas.strokeRectangle(x: 5, y: 5, width: 20, height: 20, color: .black, lineWidth: 2)
    XCTAssertEqual(canvas.pixel(x: 15, y: 5), .black)
    XCTAssertEqual(canvas.pixel(x: 5, y: 15), .black)
    XCTAssertEqual(canvas.pixel(x: 15, y: 15), .white)
  }
}
