// MARK: - Color

/// An RGBA colour with 8-bit channels and straight (not premultiplied) alpha.
public struct Color: Hashable, Sendable {
  /// Red channel, 0...255.
  public var red: UInt8
  /// Green channel, 0...255.
  public var green: UInt8
  /// Blue channel, 0...255.
  public var blue: UInt8
  /// Opacity, 0 (transparent) ... 255 (opaque).
  public var alpha: UInt8

  /// Creates a colour from 8-bit channels.
  public init(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8 = 255) {
    self.red = red
    self.green = green
    self.blue = blue
    self.alpha = alpha
  }

  /// Creates an opaque colour from a 24-bit `0xRRGGBB` value.
  public init(hex: UInt32, alpha: UInt8 = 255) {
    self.init(
      red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF), alpha: alpha)
  }

  /// The same colour with its opacity replaced by `opacity` (0...1).
  public func withOpacity(_ opacity: Double) -> Color {
    var copy = self
    copy.alpha = UInt8((min(max(opacity, 0), 1) * 255).rounded())
    return copy
  }

  /// The colour as `#rrggbb` (opacity is not included), as SVG and CSS expect.
  public var hexString: String {
    let digits = Array("0123456789abcdef")
    var text = "#"
    for channel in [red, green, blue] {
      text.append(digits[Int(channel >> 4)])
      text.append(digits[Int(channel & 0xF)])
    }
    return text
  }

  // MARK: - Named colours

  /// Opaque white.
  public static let white = Color(red: 255, green: 255, blue: 255)
  /// Opaque black.
  public static let black = Color(red: 0, green: 0, blue: 0)
  /// Fully transparent black.
  public static let transparent = Color(red: 0, green: 0, blue: 0, alpha: 0)
  /// Opaque red.
  public static let red = Color(red: 255, green: 0, blue: 0)
  /// Opaque green.
  public static let green = Color(red: 0, green: 255, blue: 0)
  /// Opaque blue.
  public static let blue = Color(red: 0, green: 0, blue: 255)

  /// Ten distinguishable colours for data series (the "tab10" palette of matplotlib).
  public static let categorical: [Color] = [
    0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
  ].map { Color(hex: $0) }
}
