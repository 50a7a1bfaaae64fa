// MARK: - GIF's LZW, for the tests that read GIFs back

/// Why LZW data could not be decoded.
public struct LZWDecodingError: Error, CustomStringConvertible {
  public let description: String
}

/// GIF's variable-length-code LZW decompression (GIF89a, appendix F): codes start at `minimumCodeSize + 1` bits and
/// grow by one each time the table fills its code space, up to 12 bits and 4096 entries; a clear code resets the
/// table, an end code ends the data.
///
/// - Parameters:
///   - data: An image's LZW data, its sub-blocks joined.
///   - minimumCodeSize: The LZW minimum code size stored before the data (2 to 8).
/// - Returns: The palette indices, in pixel order.
/// - Throws: ``LZWDecodingError`` when the data ends before the end code or holds a code not in the table.
public func gifLZWDecode(_ data: [UInt8], minimumCodeSize: Int) throws -> [UInt8] {
  let clearCode = 1 << minimumCodeSize
  let endCode = clearCode + 1
  var codeSize = minimumCodeSize + 1
  var table: [[UInt8]] = []
  func reset() {
    table = (0..<clearCode).map { [UInt8($0)] } + [[], []]
    codeSize = minimumCodeSize + 1
  }
  reset()
  var output: [UInt8] = []
  var previous: [UInt8]? = nil
  var bitBuffer = 0
  var bitCount = 0
  var position = 0
  while true {
    while bitCount < codeSize {
      guard position < data.count else { throw LZWDecodingError(description: "LZW data ended without an end code") }
      bitBuffer |= Int(data[position]) << bitCount
      position += 1
      bitCount += 8
    }
    let code = bitBuffer & ((1 << codeSize) - 1)
    bitBuffer >>= codeSize
    bitCount -= codeSize
    if code == clearCode {
      reset()
      previous = nil
      continue
    }
    if code == endCode { return output }
    let entry: [UInt8]
    if code < table.count {
      entry = table[code]
    } else if code == table.count, let previous {
      entry = previous + [previous[0]]
    } else {
      throw LZWDecodingError(description: "LZW code \(code) out of range")
    }
    output += entry
    if let previous, table.count < 4096 {
      table.append(previous + [entry[0]])
      if table.count == (1 << codeSize) && codeSize < 12 { codeSize += 1 }
    }
    previous = entry
  }
}
