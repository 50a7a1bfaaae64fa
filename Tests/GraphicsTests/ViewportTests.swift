import Foundation
import Graphics
import XCTest

final class ViewportTests: XCTestCase {
  func testWorldToPixelFlipsYAndRoundTrips() {
    let viewport = Viewport(scale: 125, origin: Point(-2.4, 0), pixelOrigin: Point(0, 300))
    XCTAssertEqual(viewport.pixel(Point(-2.4, 0)), Point(0, 300))
    XCTAssertEqual(viewport.pixel(Point(0, 1)), Point(300, 175))
    let back = viewport.world(viewport.pixel(Point(1.25, -0.5)))
    XCTAssertEqual(back.x, 1.25, accuracy: 1e-12)
    XCTAssertEqual(back.y, -0.5, accuracy: 1e-12)
    XCTAssertEqual(viewport.pixels(0.5), 62.5)
  }

  func testRotationIsCounterClockwise() {
    let rotated = Point(1, 0).rotated(by: .pi / 2)
    XCTAssertEqual(rotated.x, 0, accuracy: 1e-12)
    XCTAssertEqual(rotated.y, 1, accuracy: 1e-12)
    let around = Point(2, 1).rotated(by: .pi, around: Point(1, 1))
    XCTAssertEqual(around.x, 0, accuracy: 1e-12)
    XCTAssertEqual(around.y, 1, accuracy: 1e-12)
    XCTAssertEqual(Point(1, 2).offset(by: 3, -1), Point(4, 1))
  }

  func testRGBFramesRoundTrip() {
    var canvas = Canvas(width: 3, height: 2, background: .white)
    canvas.setPixel(x: 2, y: 1, to: Color(red: 1, green: 2, blue: 3))
    let bytes = canvas.rgbBytes()
    XCTAssertEqual(bytes.count, 18)
    XCTAssertEqual(Array(bytes.suffix(3)), [1, 2, 3])
    let rebuilt = Canvas(width: 3, height: 2, rgbBytes: bytes)
    XCTAssertEqual(rebuilt?.pixels, canvas.pixels)
    XCTAssertNil(Canvas(width: 3, height: 2, rgbBytes: [1, 2]))
  }
}
