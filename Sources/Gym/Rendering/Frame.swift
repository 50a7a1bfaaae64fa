// MARK: - Frame

/// One rendered picture of an environment: `width` x `height` pixels of 8-bit RGB, rows from the top.
///
/// This is the value of Gymnasium's `render()` with `render_mode="rgb_array"`: a `height x width x 3` array of
/// `uint8`, stored here flat in the same order (`pixels[(y * width + x) * 3 + channel]`).
public struct Frame: Sendable, Equatable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// `width * height * 3` bytes: red, green, blue per pixel, row by row from the top.
  public var pixels: [UInt8]

  /// Creates a frame from RGB bytes; throws when the byte count does not match the size.
  public init(width: Int, height: Int, pixels: [UInt8]) throws {
    guard width > 0, height > 0 else {
      throw RenderError.invalidFrame("a frame needs a positive size, got \(width)x\(height)")
    }
    guard pixels.count == width * height * 3 else {
      throw RenderError.invalidFrame(
        "a \(width)x\(height) RGB frame holds \(width * height * 3) bytes, got \(pixels.count)")
    }
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// A frame filled with one colour.
  public init(width: Int, height: Int, red: UInt8 = 0, green: UInt8 = 0, blue: UInt8 = 0) {
    precondition(width > 0 && height > 0, "Frame size must be positive, got \(width)x\(height)")
    self.width = width
    self.height = height
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for index in stride(from: 0, to: pixels.count, by: 3) {
      pixels[index] = red
      pixels[index + 1] = green
      pixels[index + 2] = blue
    }
    self.pixels = pixels
  }

  /// The shape of the equivalent numpy array, `[height, width, 3]`.
  public var shape: [Int] { [height, width, 3] }

  /// The colour at column `x`, row `y` (from the top).
  public subscript(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
    precondition(
      x >= 0 && x < width && y >= 0 && y < height, "Pixel (\(x), \(y)) is outside the \(width)x\(height) frame")
    let index = (y * width + x) * 3
    return (pixels[index], pixels[index + 1], pixels[index + 2])
  }
}
