import Foundation

// MARK: - Text font

/// The font a ``Figure`` measures and draws its texts with: DejaVu Sans from the system's fonts when it is
/// installed (Debian's `fonts-dejavu-core`), drawn by Rein's TrueType rasteriser, else the built-in
/// ``BitmapFont`` scaled to the same capital height. SVG names the same family, so both renderings look alike.
public struct TextFont: Sendable {
  /// The TrueType faces (regular, bold), nil for the bitmap fallback.
  public let regular: TrueTypeFont?
  /// The bold face; the regular one when there is no bold file.
  public let bold: TrueTypeFont?

  /// The font-family list written into SVG files.
  public static let svgFontFamily = "DejaVu Sans, Verdana, Arial, sans-serif"

  /// Where DejaVu Sans is looked for.
  public static let searchPaths = [
    "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/TTF", "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts", "/opt/homebrew/share/fonts", "/Library/Fonts",
  ]

  /// Creates a font from TrueType faces (nil: the bitmap font).
  public init(regular: TrueTypeFont?, bold: TrueTypeFont? = nil) {
    self.regular = regular
    self.bold = bold ?? regular
  }

  /// The bitmap fallback.
  public static let bitmap = TextFont(regular: nil)

  /// DejaVu Sans when installed, else the bitmap font (loaded once).
  public static let standard: TextFont = {
    func load(_ name: String) -> TrueTypeFont? {
      for folder in searchPaths {
        if let font = try? TrueTypeFont(contentsOf: folder + "/" + name) { return font }
      }
      return nil
    }
    guard let regular = load("DejaVuSans.ttf") else { return .bitmap }
    return TextFont(regular: regular, bold: load("DejaVuSans-Bold.ttf"))
  }()

  /// Whether texts are drawn from a TrueType font.
  public var isTrueType: Bool { regular != nil }

  /// DejaVu Sans's capital height in ems (1493 of 2048 units), which the bitmap fallback is scaled to.
  static let capHeightInEms = 0.729

  /// The width of one line of `text` at `size` pixels.
  public func width(of text: String, size: Double, bold isBold: Bool = false) -> Double {
    if let face = isBold ? bold : regular { return face.advanceWidth(of: text, size: size) }
    return BitmapFont.width(of: text, scale: bitmapScale(size))
  }

  /// The height of capitals at `size`.
  public func capHeight(size: Double) -> Double {
    if let regular { return regular.capHeight(size: size) }
    return Double(BitmapFont.capHeight) * bitmapScale(size)
  }

  /// The bitmap font's scale for a size: the same capital height, rounded to half pixels per font bit.
  func bitmapScale(_ size: Double) -> Double {
    max(1, (2 * size * TextFont.capHeightInEms / Double(BitmapFont.capHeight)).rounded() / 2)
  }

  /// Draws a figure's text on a canvas.
  func draw(_ text: Figure.Text, on canvas: inout Canvas) {
    if let face = text.bold ? bold : regular {
      canvas.drawText(
        text.text, font: face, size: text.size, at: text.position, color: text.color,
        horizontalAlignment: text.horizontalAlignment, verticalAlignment: text.verticalAlignment,
        orientation: text.orientation)
    } else {
      canvas.drawText(
        text.text, at: text.position, color: text.color, scale: bitmapScale(text.size),
        horizontalAlignment: text.horizontalAlignment, verticalAlignment: text.verticalAlignment,
        orientation: text.orientation)
    }
  }
}
