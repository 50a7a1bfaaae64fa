// MARK: - Colour quantisation

/// Reduces an image to at most 256 colours for palette formats such as GIF.
///
/// When the image has no more distinct colours than allowed (typical of rendered scenes), the palette is exact.
/// Otherwise it is built by median cut: the colour box with the widest channel range is split at its median until
/// there are enough boxes, and each box contributes its mean colour. Alpha is ignored (frames are opaque).
public enum ColorQuantizer {
  /// An image as palette indices.
  public struct IndexedImage: Sendable {
    /// The palette colours (opaque), at most 256.
    public var palette: [Color]
    /// One palette index per pixel, rows from the top.
    public var indices: [UInt8]
  }

  /// Quantises `canvas` to a palette of at most `maximumColors` (2...256) colours.
  public static func quantize(_ canvas: Canvas, maximumColors: Int = 256) -> IndexedImage {
    let limit = min(max(maximumColors, 2), 256)
    let pixelCount = canvas.width * canvas.height
    var keys = [UInt32](repeating: 0, count: pixelCount)
    var distinct: [UInt32: UInt8] = [:]
    var exact = true
    var previousKey: UInt32? = nil
    for index in 0..<pixelCount {
      let key = rgbKey(canvas.pixels, at: index * 4)
      keys[index] = key
      if key == previousKey { continue }  // rendered frames have long runs of one colour
      previousKey = key
      if exact, distinct[key] == nil {
        if distinct.count == limit {
          exact = false
        } else {
          distinct[key] = UInt8(distinct.count)
        }
      }
    }
    if exact {
      var palette = [Color](repeating: .black, count: distinct.count)
      for (key, index) in distinct { palette[Int(index)] = color(fromKey: key) }
      var indices = [UInt8](repeating: 0, count: pixelCount)
      var lastKey = UInt32.max
      var lastIndex: UInt8 = 0
      for (position, key) in keys.enumerated() {
        if key != lastKey {
          lastKey = key
          lastIndex = distinct[key]!
        }
        indices[position] = lastIndex
      }
      return IndexedImage(palette: palette, indices: indices)
    }
    let palette = medianCut(keys: keys, colorCount: limit)
    var cache: [UInt32: UInt8] = [:]
    var indices = [UInt8](repeating: 0, count: pixelCount)
    for (position, key) in keys.enumerated() {
      if let cached = cache[key] {
        indices[position] = cached
        continue
      }
      let nearest = nearestIndex(of: color(fromKey: key), in: palette)
      cache[key] = nearest
      indices[position] = nearest
    }
    return IndexedImage(palette: palette, indices: indices)
  }

  // MARK: - Median cut

  static func medianCut(keys: [UInt32], colorCount: Int) -> [Color] {
    // Sample at most about 65,536 pixels with a fixed stride; the palette does not need every pixel.
    let sampleStride = max(keys.count / 65_536, 1)
    var samples: [(UInt8, UInt8, UInt8)] = []
    samples.reserveCapacity(keys.count / sampleStride + 1)
    for index in Swift.stride(from: 0, to: keys.count, by: sampleStride) {
      let key = keys[index]
      samples.append((UInt8(key >> 16), UInt8((key >> 8) & 0xFF), UInt8(key & 0xFF)))
    }
    var boxes: [ArraySlice<(UInt8, UInt8, UInt8)>] = [samples[...]]
    func channel(_ pixel: (UInt8, UInt8, UInt8), _ index: Int) -> UInt8 {
      index == 0 ? pixel.0 : (index == 1 ? pixel.1 : pixel.2)
    }
    func widestChannel(_ box: ArraySlice<(UInt8, UInt8, UInt8)>) -> (channel: Int, range: Int) {
      var best = (channel: 0, range: -1)
      for index in 0..<3 {
        var low = UInt8.max
        var high = UInt8.min
        for pixel in box {
          let value = channel(pixel, index)
          low = min(low, value)
          high = max(high, value)
        }
        if Int(high) - Int(low) > best.range { best = (index, Int(high) - Int(low)) }
      }
      return best
    }
    while boxes.count < colorCount {
      var splitIndex = -1
      var splitChannel = 0
      var widest = 0
      for (index, box) in boxes.enumerated() where box.count > 1 {
        let candidate = widestChannel(box)
        if candidate.range > widest {
          widest = candidate.range
          splitIndex = index
          splitChannel = candidate.channel
        }
      }
      guard splitIndex >= 0 else { break }
      let sorted = boxes[splitIndex].sorted { channel($0, splitChannel) < channel($1, splitChannel) }
      let middle = sorted.count / 2
      boxes[splitIndex] = sorted[..<middle]
      boxes.append(sorted[middle...])
    }
    return boxes.map { box in
      var sums = (0, 0, 0)
      for pixel in box {
        sums.0 += Int(pixel.0)
        sums.1 += Int(pixel.1)
        sums.2 += Int(pixel.2)
      }
      let count = max(box.count, 1)
      return Color(
        red: UInt8((sums.0 + count / 2) / count), green: UInt8((sums.1 + count / 2) / count),
        blue: UInt8((sums.2 + count / 2) / count))
    }
  }

  static func nearestIndex(of color: Color, in palette: [Color]) -> UInt8 {
    var best = 0
    var bestDistance = Int.max
    for (index, candidate) in palette.enumerated() {
      let dr = Int(candidate.red) - Int(color.red)
      let dg = Int(candidate.green) - Int(color.green)
      let db = Int(candidate.blue) - Int(color.blue)
      let distance = 2 * dr * dr + 4 * dg * dg + 3 * db * db  // weights roughly follow perceived brightness
      if distance < bestDistance {
        bestDistance = distance
        best = index
      }
    }
    return UInt8(best)
  }

  static func rgbKey(_ pixels: [UInt8], at offset: Int) -> UInt32 {
    UInt32(pixels[offset]) << 16 | UInt32(pixels[offset + 1]) << 8 | UInt32(pixels[offset + 2])
  }

  static func color(fromKey key: UInt32) -> Color {
    Color(red: UInt8(key >> 16), green: UInt8((key >> 8) & 0xFF), blue: UInt8(key & 0xFF))
  }
}
