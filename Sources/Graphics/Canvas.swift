// MARK: - Canvas

/// An RGBA image in memory that shapes and text are drawn onto.
///
/// Pixels are stored row by row from the top, four bytes per pixel (red, green, blue, alpha), straight
/// alpha. Drawing composites with the "source over" rule, weighted by how much of each pixel a shape covers,
/// which is what makes edges anti-aliased.
public struct Canvas: Sendable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// The pixels, `width * height * 4` bytes, RGBA, rows from the top.
  public internal(set) var pixels: [UInt8]

  /// Creates a canvas filled with `background`.
  ///
  /// - Precondition: `width` and `height` are positive (a canvas of no pixels cannot be drawn or encoded).
  public init(width: Int, height: Int, background: Color = .white) {
    precondition(width > 0 && height > 0, "Canvas size must be positive, got \(width)x\(height)")
    self.width = width
    self.height = height
    self.pixels = [UInt8](repeating: 0, count: width * height * 4)
    fill(background)
  }

  // MARK: - Pixel access

  /// The colour of the pixel at column `x`, row `y` (from the top).
  public func pixel(x: Int, y: Int) -> Color {
    precondition(x >= 0 && x < width && y >= 0 && y < height, "Pixel (\(x), \(y)) is outside the canvas")
    let index = (y * width + x) * 4
    return Color(red: pixels[index], green: pixels[index + 1], blue: pixels[index + 2], alpha: pixels[index + 3])
  }

  /// Replaces the pixel at column `x`, row `y` without blending; positions outside the canvas are ignored.
  public mutating func setPixel(x: Int, y: Int, to color: Color) {
    guard x >= 0 && x < width && y >= 0 && y < height else { return }
    let index = (y * width + x) * 4
    pixels[index] = color.red
    pixels[index + 1] = color.green
    pixels[index + 2] = color.blue
    pixels[index + 3] = color.alpha
  }

  /// Sets every pixel to `color` (no blending).
  public mutating func fill(_ color: Color) {
    for index in stride(from: 0, to: pixels.count, by: 4) {
      pixels[index] = color.red
      pixels[index + 1] = color.green
      pixels[index + 2] = color.blue
      pixels[index + 3] = color.alpha
    }
  }

  // MARK: - Blending

  /// Composites `color` over the pixel at (`x`, `y`) with the given coverage (0...1); outside pixels are ignored.
  public mutating func blend(x: Int, y: Int, color: Color, coverage: Double = 1) {
    guard x >= 0 && x < width && y >= 0 && y < height, coverage > 0 else { return }
    let sourceAlpha = Double(color.alpha) / 255 * min(coverage, 1)
    guard sourceAlpha > 0 else { return }
    let index = (y * width + x) * 4
    let destinationAlpha = Double(pixels[index + 3]) / 255
    let outputAlpha = sourceAlpha + destinationAlpha * (1 - sourceAlpha)
    guard outputAlpha > 0 else { return }
    let destinationWeight = destinationAlpha * (1 - sourceAlpha)
    func mix(_ source: UInt8, _ destination: UInt8) -> UInt8 {
      let value = (Double(source) * sourceAlpha + Double(destination) * destinationWeight) / outputAlpha
      return UInt8(min(max(value.rounded(), 0), 255))
    }
    pixels[index] = mix(color.red, pixels[index])
    pixels[index + 1] = mix(color.green, pixels[index + 1])
    pixels[index + 2] = mix(color.blue, pixels[index + 2])
    pixels[index + 3] = UInt8(min(max((outputAlpha * 255).rounded(), 0), 255))
  }

  /// Composites `color` through a coverage mask.
  mutating func composite(_ mask: CoverageMask, color: Color) {
    let opaque = color.alpha == 255
    for row in 0..<mask.height {
      let y = mask.originY + row
      guard y >= 0 && y < height else { continue }
      for column in 0..<mask.width {
        let coverage = mask.values[row * mask.width + column]
        if opaque && coverage >= 0.999_9 {
          // Fully covered by an opaque colour: the result is the colour itself, so skip the blending arithmetic.
          let x = mask.originX + column
          guard x >= 0 && x < width else { continue }
          let index = (y * width + x) * 4
          pixels[index] = color.red
          pixels[index + 1] = color.green
          pixels[index + 2] = color.blue
          pixels[index + 3] = 255
        } else if coverage > 0 {
          blend(x: mask.originX + column, y: y, color: color, coverage: Double(coverage))
        }
      }
    }
  }
}

// MARK: - Coverage mask

/// How much of each pixel of a rectangular region a shape covers (0...1), before it is composited.
///
/// Shapes first accumulate into a mask and are then composited once, so that overlapping parts of one shape
/// (the joints of a polyline, adjacent pixels of a glyph) are not blended twice.
struct CoverageMask {
  let originX: Int
  let originY: Int
  let width: Int
  let height: Int
  var values: [Float]

  /// A mask over the pixels touched by the box `[minX, maxX] x [minY, maxY]`, clipped to the canvas; nil when
  /// the box misses the canvas.
  init?(minX: Double, minY: Double, maxX: Double, maxY: Double, canvasWidth: Int, canvasHeight: Int) {
    guard minX.isFinite, minY.isFinite, maxX.isFinite, maxY.isFinite else { return nil }
    let x0 = max(Int(minX.rounded(.down)), 0)
    let y0 = max(Int(minY.rounded(.down)), 0)
    let x1 = min(Int(maxX.rounded(.up)), canvasWidth)
    let y1 = min(Int(maxY.rounded(.up)), canvasHeight)
    guard x1 > x0, y1 > y0 else { return nil }
    originX = x0
    originY = y0
    width = x1 - x0
    height = y1 - y0
    values = [Float](repeating: 0, count: width * height)
  }

  /// Raises the coverage of canvas pixel (`x`, `y`) to at least `coverage`.
  mutating func raise(x: Int, y: Int, to coverage: Float) {
    let column = x - originX
    let row = y - originY
    guard column >= 0 && column < width && row >= 0 && row < height else { return }
    let index = row * width + column
    if coverage > values[index] { values[index] = coverage }
  }

  /// Adds `coverage` to canvas pixel (`x`, `y`), saturating at 1.
  mutating func add(x: Int, y: Int, coverage: Float) {
    let column = x - originX
    let row = y - originY
    guard column >= 0 && column < width && row >= 0 && row < height else { return }
    let index = row * width + column
    values[index] = min(values[index] + coverage, 1)
  }
}
