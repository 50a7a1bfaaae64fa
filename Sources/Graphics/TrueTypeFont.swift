import Foundation

// MARK: - TrueType font

/// Errors reading a TrueType file.
public enum TrueTypeFontError: Error, Equatable, CustomStringConvertible {
  /// The file cannot be read.
  case unreadable(path: String)
  /// The file is not a TrueType font with glyph outlines, or a table is cut short.
  case malformed(reason: String)

  public var description: String {
    switch self {
    case .unreadable(let path): "cannot read the font file \(path)"
    case .malformed(let reason): "not a usable TrueType font: \(reason)"
    }
  }
}

/// A TrueType font (`glyf` outlines) read from a `.ttf` file: character to glyph mapping (`cmap` formats 4 and
/// 12), advance widths (`hmtx`), and glyph outlines (simple and composite glyphs, quadratic Bézier contours), which
/// ``Canvas/drawText(_:font:size:at:color:horizontalAlignment:verticalAlignment:orientation:)`` fills with
/// coverage anti-aliasing. No hinting and no kerning: text is laid out from the advance widths alone.
///
///     let font = try TrueTypeFont(contentsOf: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
///     font.advanceWidth(of: "return", size: 16)   // pixels
public struct TrueTypeFont: Sendable {
  private let data: [UInt8]
  /// Font units per em.
  public let unitsPerEm: Int
  private let glyphCount: Int
  private let longLocations: Bool
  private let metricCount: Int
  private let tables: [String: (offset: Int, length: Int)]
  private let characterMap: [UInt32: Int]
  private var capHeightUnits = 0

  /// Reads a font file.
  public init(contentsOf path: String) throws {
    guard let contents = FileManager.default.contents(atPath: path) else {
      throw TrueTypeFontError.unreadable(path: path)
    }
    try self.init(data: [UInt8](contents))
  }

  /// Parses a font from its bytes.
  public init(data: [UInt8]) throws {
    self.data = data
    func u16(_ offset: Int) throws -> Int {
      guard offset >= 0, offset + 2 <= data.count else { throw TrueTypeFontError.malformed(reason: "cut short") }
      return Int(data[offset]) << 8 | Int(data[offset + 1])
    }
    func u32(_ offset: Int) throws -> Int {
      try u16(offset) << 16 | u16(offset + 2)
    }
    let version = try u32(0)
    guard version == 0x0001_0000 || version == 0x7472_7565 else {
      throw TrueTypeFontError.malformed(reason: "no TrueType outlines (version \(String(version, radix: 16)))")
    }
    var tables: [String: (offset: Int, length: Int)] = [:]
    for index in 0..<(try u16(4)) {
      let record = 12 + 16 * index
      let tag = String(decoding: data[record..<min(record + 4, data.count)], as: UTF8.self)
      let offset = try u32(record + 8)
      let length = try u32(record + 12)
      guard offset + length <= data.count else { throw TrueTypeFontError.malformed(reason: "table \(tag) cut short") }
      tables[tag] = (offset, length)
    }
    for tag in ["head", "maxp", "hhea", "hmtx", "cmap", "loca", "glyf"] where tables[tag] == nil {
      throw TrueTypeFontError.malformed(reason: "no '\(tag)' table")
    }
    self.tables = tables
    unitsPerEm = try u16(tables["head"]!.offset + 18)
    longLocations = try u16(tables["head"]!.offset + 50) == 1
    glyphCount = try u16(tables["maxp"]!.offset + 4)
    metricCount = try u16(tables["hhea"]!.offset + 34)
    guard unitsPerEm > 0, metricCount > 0 else { throw TrueTypeFontError.malformed(reason: "empty metrics") }
    characterMap = try TrueTypeFont.readCharacterMap(data, at: tables["cmap"]!.offset)
    // The capital height: OS/2's sCapHeight (version 2 and later), else the top of 'H'.
    var capHeight = 0
    if let os2 = tables["OS/2"], try u16(os2.offset) >= 2, os2.length >= 90 {
      capHeight = try u16(os2.offset + 88)
    }
    capHeightUnits = capHeight
    if capHeight == 0 {
      let h = characterMap[72] ?? 0
      let top = (try? outline(glyph: h))?.flatMap { $0 }.map(\.y).max() ?? Double(unitsPerEm) * 0.7
      capHeightUnits = Int(top)
    }
  }

  // MARK: - Metrics

  /// The glyph of a character (0, the "missing" glyph, when the font has none).
  public func glyph(for scalar: Unicode.Scalar) -> Int { characterMap[scalar.value] ?? 0 }

  /// The advance width of a glyph in font units.
  public func advance(glyph: Int) -> Int {
    let hmtx = tables["hmtx"]!.offset
    let index = min(glyph, metricCount - 1)
    return read16(hmtx + 4 * index) ?? 0
  }

  /// The width of one line of text at `size` pixels per em.
  public func advanceWidth(of text: String, size: Double) -> Double {
    let units = text.unicodeScalars.reduce(0) { $0 + advance(glyph: glyph(for: $1)) }
    return Double(units) * size / Double(unitsPerEm)
  }

  /// The height of capitals at `size` pixels per em.
  public func capHeight(size: Double) -> Double { Double(capHeightUnits) * size / Double(unitsPerEm) }

  // MARK: - Outlines

  /// The glyph's contours as closed polygons in font units (y up), quadratic curves flattened so that no chord
  /// strays more than `tolerance` font units from its curve.
  public func outline(glyph: Int, tolerance: Double = 4) throws -> [[Point]] {
    try outline(glyph: glyph, tolerance: tolerance, depth: 0)
  }

  private func outline(glyph: Int, tolerance: Double, depth: Int) throws -> [[Point]] {
    guard glyph >= 0, glyph < glyphCount, depth < 8 else { return [] }
    let loca = tables["loca"]!.offset
    let glyf = tables["glyf"]!
    let start: Int
    let end: Int
    if longLocations {
      start = (read32(loca + 4 * glyph) ?? 0)
      end = (read32(loca + 4 * glyph + 4) ?? 0)
    } else {
      start = 2 * (read16(loca + 2 * glyph) ?? 0)
      end = 2 * (read16(loca + 2 * glyph + 2) ?? 0)
    }
    guard end > start else { return [] }  // an empty glyph (space)
    guard end <= glyf.length else { throw TrueTypeFontError.malformed(reason: "glyph \(glyph) outside 'glyf'") }
    let offset = glyf.offset + start
    let contourCount = Int(Int16(bitPattern: UInt16(read16(offset) ?? 0)))
    if contourCount >= 0 {
      return try simpleOutline(at: offset, contours: contourCount, tolerance: tolerance)
    }
    return try compositeOutline(at: offset + 10, tolerance: tolerance, depth: depth)
  }

  private func simpleOutline(at offset: Int, contours: Int, tolerance: Double) throws -> [[Point]] {
    var cursor = offset + 10
    var ends: [Int] = []
    for _ in 0..<contours {
      guard let end = read16(cursor) else { throw TrueTypeFontError.malformed(reason: "contour ends cut short") }
      ends.append(end)
      cursor += 2
    }
    guard let pointCount = ends.last.map({ $0 + 1 }) else { return [] }
    cursor += 2 + (read16(cursor) ?? 0)  // skip the instructions
    var flags: [UInt8] = []
    while flags.count < pointCount {
      guard cursor < data.count else { throw TrueTypeFontError.malformed(reason: "flags cut short") }
      let flag = data[cursor]
      cursor += 1
      flags.append(flag)
      if flag & 8 != 0, cursor < data.count {
        let repeats = Int(data[cursor])
        cursor += 1
        flags += Array(repeating: flag, count: repeats)
      }
    }
    func coordinates(short: UInt8, same: UInt8) throws -> [Int] {
      var values: [Int] = []
      var value = 0
      for flag in flags.prefix(pointCount) {
        if flag & short != 0 {
          guard cursor < data.count else { throw TrueTypeFontError.malformed(reason: "coordinates cut short") }
          let delta = Int(data[cursor])
          cursor += 1
          value += flag & same != 0 ? delta : -delta
        } else if flag & same == 0 {
          guard let raw = read16(cursor) else { throw TrueTypeFontError.malformed(reason: "coordinates cut short") }
          cursor += 2
          value += Int(Int16(bitPattern: UInt16(raw)))
        }
        values.append(value)
      }
      return values
    }
    let xs = try coordinates(short: 2, same: 16)
    let ys = try coordinates(short: 4, same: 32)
    var result: [[Point]] = []
    var first = 0
    for end in ends {
      guard end >= first, end < pointCount else { break }
      let points = (first...end).map { (Point(Double(xs[$0]), Double(ys[$0])), flags[$0] & 1 != 0) }
      result.append(TrueTypeFont.flatten(points, tolerance: tolerance))
      first = end + 1
    }
    return result
  }

  private func compositeOutline(at start: Int, tolerance: Double, depth: Int) throws -> [[Point]] {
    var cursor = start
    var result: [[Point]] = []
    while true {
      guard let flags = read16(cursor), let component = read16(cursor + 2) else {
        throw TrueTypeFontError.malformed(reason: "composite glyph cut short")
      }
      cursor += 4
      var dx = 0.0
      var dy = 0.0
      if flags & 1 != 0 {
        dx = Double(Int16(bitPattern: UInt16(read16(cursor) ?? 0)))
        dy = Double(Int16(bitPattern: UInt16(read16(cursor + 2) ?? 0)))
        cursor += 4
      } else {
        dx = Double(Int8(bitPattern: data[min(cursor, data.count - 1)]))
        dy = Double(Int8(bitPattern: data[min(cursor + 1, data.count - 1)]))
        cursor += 2
      }
      func f2dot14(_ offset: Int) -> Double { Double(Int16(bitPattern: UInt16(read16(offset) ?? 0))) / 16384 }
      var (a, b, c, d) = (1.0, 0.0, 0.0, 1.0)
      if flags & 8 != 0 {
        a = f2dot14(cursor)
        d = a
        cursor += 2
      } else if flags & 0x40 != 0 {
        a = f2dot14(cursor)
        d = f2dot14(cursor + 2)
        cursor += 4
      } else if flags & 0x80 != 0 {
        a = f2dot14(cursor)
        b = f2dot14(cursor + 2)
        c = f2dot14(cursor + 4)
        d = f2dot14(cursor + 6)
        cursor += 8
      }
      // Only offsets given as x, y values (flag 2) are supported; point matching is rare and left at zero.
      if flags & 2 == 0 { (dx, dy) = (0, 0) }
      for contour in try outline(glyph: component, tolerance: tolerance, depth: depth + 1) {
        result.append(contour.map { Point(a * $0.x + c * $0.y + dx, b * $0.x + d * $0.y + dy) })
      }
      if flags & 0x20 == 0 { break }
    }
    return result
  }

  /// A contour of on- and off-curve points as a polygon: consecutive off-curve points imply an on-curve point
  /// halfway between them; each quadratic piece is cut into enough chords to stay within `tolerance`.
  static func flatten(_ points: [(Point, Bool)], tolerance: Double) -> [Point] {
    guard !points.isEmpty else { return [] }
    // Start at an on-curve point (or the midpoint of the first two off-curve ones).
    var sequence = points
    if let firstOn = sequence.firstIndex(where: { $0.1 }) {
      sequence = Array(sequence[firstOn...] + sequence[..<firstOn])
    } else {
      let a = sequence[0].0
      let b = sequence[1 % sequence.count].0
      sequence.insert((Point((a.x + b.x) / 2, (a.y + b.y) / 2), true), at: 0)
    }
    var output = [sequence[0].0]
    var current = sequence[0].0
    var control: Point?
    func curve(to end: Point, via control: Point) {
      // The deviation of a quadratic from its chord is at most a quarter of |p0 - 2c + p2|.
      let deviation =
        ((current.x - 2 * control.x + end.x) * (current.x - 2 * control.x + end.x)
        + (current.y - 2 * control.y + end.y) * (current.y - 2 * control.y + end.y)).squareRoot() / 4
      let steps = max(1, min(32, Int((deviation / max(tolerance, 1e-3)).squareRoot().rounded(.up))))
      for step in 1...steps {
        let t = Double(step) / Double(steps)
        let u = 1 - t
        output.append(
          Point(
            u * u * current.x + 2 * u * t * control.x + t * t * end.x,
            u * u * current.y + 2 * u * t * control.y + t * t * end.y))
      }
      current = end
    }
    for (point, onCurve) in sequence.dropFirst() + [sequence[0]] {
      if onCurve {
        if let c = control {
          curve(to: point, via: c)
        } else {
          output.append(point)
          current = point
        }
        control = nil
      } else if let c = control {
        let middle = Point((c.x + point.x) / 2, (c.y + point.y) / 2)
        curve(to: middle, via: c)
        control = point
      } else {
        control = point
      }
    }
    return output
  }

  // MARK: - Reading

  private func read16(_ offset: Int) -> Int? {
    guard offset >= 0, offset + 2 <= data.count else { return nil }
    return Int(data[offset]) << 8 | Int(data[offset + 1])
  }

  private func read32(_ offset: Int) -> Int? {
    guard let high = read16(offset), let low = read16(offset + 2) else { return nil }
    return high << 16 | low
  }

  /// The Unicode subtable of `cmap` (format 12 preferred, else format 4) as a dictionary.
  private static func readCharacterMap(_ data: [UInt8], at cmap: Int) throws -> [UInt32: Int] {
    func u16(_ offset: Int) -> Int {
      offset + 2 <= data.count ? Int(data[offset]) << 8 | Int(data[offset + 1]) : 0
    }
    func u32(_ offset: Int) -> Int { u16(offset) << 16 | u16(offset + 2) }
    var format4: Int?
    var format12: Int?
    for index in 0..<u16(cmap + 2) {
      let record = cmap + 4 + 8 * index
      let platform = u16(record)
      let encoding = u16(record + 2)
      let subtable = cmap + u32(record + 4)
      let isUnicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
      guard isUnicode else { continue }
      switch u16(subtable) {
      case 4: format4 = format4 ?? subtable
      case 12: format12 = format12 ?? subtable
      default: break
      }
    }
    var map: [UInt32: Int] = [:]
    if let table = format12 {
      for group in 0..<u32(table + 12) {
        let record = table + 16 + 12 * group
        let first = u32(record)
        let last = u32(record + 4)
        let glyph = u32(record + 8)
        guard last >= first, last - first < 0x11_0000 else { continue }
        for code in first...last { map[UInt32(code)] = glyph + code - first }
      }
      return map
    }
    guard let table = format4 else { throw TrueTypeFontError.malformed(reason: "no Unicode character map") }
    let segments = u16(table + 6) / 2
    let ends = table + 14
    let starts = ends + 2 * segments + 2
    let deltas = starts + 2 * segments
    let rangeOffsets = deltas + 2 * segments
    for segment in 0..<segments {
      let end = u16(ends + 2 * segment)
      let start = u16(starts + 2 * segment)
      let delta = u16(deltas + 2 * segment)
      let rangeOffset = u16(rangeOffsets + 2 * segment)
      guard start <= end, start != 0xFFFF else { continue }
      for code in start...end {
        var glyph: Int
        if rangeOffset == 0 {
          glyph = (code + delta) & 0xFFFF
        } else {
          let address = rangeOffsets + 2 * segment + rangeOffset + 2 * (code - start)
          glyph = u16(address)
          if glyph != 0 { glyph = (glyph + delta) & 0xFFFF }
        }
        if glyph != 0 { map[UInt32(code)] = glyph }
      }
    }
    return map
  }
}
