// MARK: - Text layout options

/// Where the anchor point of a text lies along the direction of writing.
public enum HorizontalTextAlignment: Sendable {
  /// The anchor is at the start of each line.
  case leading
  /// The anchor is at the middle of each line.
  case center
  /// The anchor is at the end of each line.
  case trailing
}

/// Where the anchor point of a text lies across the direction of writing.
public enum VerticalTextAlignment: Sendable {
  /// The anchor is at the top of the capitals of the first line.
  case top
  /// The anchor is halfway between the top of the first line and the baseline of the last.
  case middle
  /// The anchor is at the baseline of the last line.
  case baseline
}

/// The direction text is written in.
public enum TextOrientation: Sendable {
  /// Left to right.
  case horizontal
  /// Bottom to top (rotated a quarter turn counter-clockwise), as for a y-axis label.
  case upward
}

// MARK: - Text

extension Canvas {
  /// Draws `text` with the built-in ``BitmapFont``; `scale` is the size of one font bit in pixels (2 gives
  /// capitals 14 pixels tall). Lines are separated by `\n`.
  public mutating func drawText(
    _ text: String, at anchor: Point, color: Color, scale: Double = 2,
    horizontalAlignment: HorizontalTextAlignment = .leading, verticalAlignment: VerticalTextAlignment = .top,
    orientation: TextOrientation = .horizontal
  ) {
    guard scale > 0, !text.isEmpty else { return }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let blockHeight = BitmapFont.height(of: text, scale: scale)
    let acrossOffset: Double =
      switch verticalAlignment {
      case .top: 0
      case .middle: -blockHeight / 2
      case .baseline: -blockHeight
      }
    // Text-local coordinates: u along the writing direction, v across it (downwards for horizontal text).
    let blockWidth = BitmapFont.width(of: text, scale: scale)
    let alongStart: Double =
      switch horizontalAlignment {
      case .leading: 0
      case .center: -blockWidth / 2
      case .trailing: -blockWidth
      }
    let acrossEnd = acrossOffset + blockHeight + Double(BitmapFont.glyphHeight - BitmapFont.capHeight) * scale
    let bounds: (Double, Double, Double, Double) =
      switch orientation {
      case .horizontal:
        (anchor.x + alongStart, anchor.y + acrossOffset, anchor.x + alongStart + blockWidth, anchor.y + acrossEnd)
      case .upward:
        (anchor.x + acrossOffset, anchor.y - alongStart - blockWidth, anchor.x + acrossEnd, anchor.y - alongStart)
      }
    guard
      var mask = CoverageMask(
        minX: bounds.0, minY: bounds.1, maxX: bounds.2, maxY: bounds.3, canvasWidth: width, canvasHeight: height)
    else { return }
    for (lineIndex, line) in lines.enumerated() {
      let lineWidth = BitmapFont.width(of: String(line), scale: scale)
      let alongOffset: Double =
        switch horizontalAlignment {
        case .leading: 0
        case .center: -lineWidth / 2
        case .trailing: -lineWidth
        }
      let lineTop = acrossOffset + Double(lineIndex * BitmapFont.lineHeight) * scale
      for (characterIndex, character) in line.enumerated() {
        let glyphStart = alongOffset + Double(characterIndex * BitmapFont.advance) * scale
        for row in 0..<BitmapFont.glyphHeight {
          for column in 0..<BitmapFont.glyphWidth where BitmapFont.isSet(character, column: column, row: row) {
            let u = glyphStart + Double(column) * scale
            let v = lineTop + Double(row) * scale
            switch orientation {
            case .horizontal:
              addRectangle(x: anchor.x + u, y: anchor.y + v, width: scale, height: scale, into: &mask)
            case .upward:
              // Rotating a quarter turn counter-clockwise maps (u, v) to (v, -u).
              addRectangle(x: anchor.x + v, y: anchor.y - u - scale, width: scale, height: scale, into: &mask)
            }
          }
        }
      }
    }
    composite(mask, color: color)
  }
}

// MARK: - TrueType text

extension Canvas {
  /// Draws one line of `text` in a TrueType font at `size` pixels per em, anti-aliased by exact coverage.
  /// Alignments are as for the bitmap font: `.top` anchors the top of capitals, `.baseline` the baseline.
  public mutating func drawText(
    _ text: String, font: TrueTypeFont, size: Double, at anchor: Point, color: Color,
    horizontalAlignment: HorizontalTextAlignment = .leading, verticalAlignment: VerticalTextAlignment = .top,
    orientation: TextOrientation = .horizontal
  ) {
    guard size > 0, !text.isEmpty, anchor.x.isFinite, anchor.y.isFinite else { return }
    let scale = size / Double(font.unitsPerEm)
    let width = font.advanceWidth(of: text, size: size)
    let cap = font.capHeight(size: size)
    let alongStart: Double =
      switch horizontalAlignment {
      case .leading: 0
      case .center: -width / 2
      case .trailing: -width
      }
    let baseline: Double =
      switch verticalAlignment {
      case .top: cap
      case .middle: cap / 2
      case .baseline: 0
      }
    // Text-local coordinates: u along the writing direction, v downwards from the anchor across it.
    var contours: [[Point]] = []
    var pen = alongStart
    for scalar in text.unicodeScalars {
      let glyph = font.glyph(for: scalar)
      for contour in (try? font.outline(glyph: glyph, tolerance: 0.2 / scale)) ?? [] {
        contours.append(
          contour.map { point in
            let u = pen + point.x * scale
            let v = baseline - point.y * scale
            switch orientation {
            case .horizontal: return Point(anchor.x + u, anchor.y + v)
            case .upward: return Point(anchor.x + v, anchor.y - u)
            }
          })
      }
      pen += Double(font.advance(glyph: glyph)) * scale
    }
    fillContours(contours, color: color)
  }
}
