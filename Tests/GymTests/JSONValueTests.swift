import Gym
import XCTest

final class JSONValueTests: XCTestCase {
  func testParsesAndKeepsIntegersApart() throws {
    let value = try JSONValue(parsing: #"{"a": 1, "b": 1.5, "c": [true, null, "x\n\u00e9\ud83d\ude00"], "d": -2e3}"#)
    XCTAssertEqual(value["a"], .int(1))
    XCTAssertEqual(value["b"], .double(1.5))
    XCTAssertEqual(value["c"], .array([.bool(true), .null, .string("x\né😀")]))
    XCTAssertEqual(value["d"], .double(-2000))
    XCTAssertEqual(value["d"]?.intValue, -2000)
  }

  func testSerialisationRoundTrip() throws {
    let value: JSONValue = ["name": "run \"1\"", "values": [1, 2.5, -0.1], "nested": ["ok": true, "none": nil]]
    let text = value.serialized()
    XCTAssertEqual(text, #"{"name":"run \"1\"","nested":{"none":null,"ok":true},"values":[1,2.5,-0.1]}"#)
    XCTAssertEqual(try JSONValue(parsing: text), value)
    XCTAssertEqual(try JSONValue(parsing: value.serialized(pretty: true)), value)
  }

  func testMalformedInputThrows() {
    let bad = [
      "", "{", "[1,]", "{\"a\" 1}", "tru", "01", "1.", "\"abc", "{\"a\":1}}", "\"\\x\"", "[1 2]", "-", "\"\u{01}\"",
      String(repeating: "[", count: 100_000),
    ]
    for text in bad {
      XCTAssertThrowsError(try JSONValue(parsing: text), "accepted \(text.prefix(20))") { error in
        XCTAssertTrue(error is JSONValueError)
      }
    }
  }
}
