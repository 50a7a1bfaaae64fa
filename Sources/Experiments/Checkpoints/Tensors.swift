// MARK: - Stored tensors

/// The elements of a stored tensor, row-major, with their type; the safetensors dtype names follow each case.
public enum TensorData: Equatable, Sendable {
  /// 32-bit floats (`F32`).
  case float32([Float])
  /// 64-bit floats (`F64`).
  case float64([Double])
  /// Signed 64-bit integers (`I64`).
  case int64([Int64])
  /// Unsigned 64-bit integers (`U64`), e.g. random generator states.
  case uint64([UInt64])

  /// The safetensors dtype name.
  public var dtype: String {
    switch self {
    case .float32: "F32"
    case .float64: "F64"
    case .int64: "I64"
    case .uint64: "U64"
    }
  }

  /// Number of elements.
  public var count: Int {
    switch self {
    case .float32(let values): values.count
    case .float64(let values): values.count
    case .int64(let values): values.count
    case .uint64(let values): values.count
    }
  }

  /// Bytes per element for a dtype name, or nil for a dtype Rein does not read.
  static func byteWidth(of dtype: String) -> Int? {
    switch dtype {
    case "F32": 4
    case "F64", "I64", "U64": 8
    default: nil
    }
  }

  /// The elements as little-endian bytes.
  func littleEndianBytes() -> [UInt8] {
    var bytes: [UInt8] = []
    switch self {
    case .float32(let values):
      bytes.reserveCapacity(values.count * 4)
      for value in values { append(value.bitPattern, to: &bytes) }
    case .float64(let values):
      bytes.reserveCapacity(values.count * 8)
      for value in values { append(value.bitPattern, to: &bytes) }
    case .int64(let values):
      bytes.reserveCapacity(values.count * 8)
      for value in values { append(UInt64(bitPattern: value), to: &bytes) }
    case .uint64(let values):
      bytes.reserveCapacity(values.count * 8)
      for value in values { append(value, to: &bytes) }
    }
    return bytes
  }

  /// Decodes `count` little-endian elements of `dtype` from `bytes` starting at `offset`.
  static func decode(dtype: String, bytes: [UInt8], offset: Int, count: Int) -> TensorData? {
    func word<T: FixedWidthInteger>(_ index: Int, as _: T.Type) -> T {
      var value: T = 0
      let start = offset + index * MemoryLayout<T>.size
      for byte in 0..<MemoryLayout<T>.size { value |= T(bytes[start + byte]) << (8 * byte) }
      return value
    }
    switch dtype {
    case "F32": return .float32((0..<count).map { Float(bitPattern: word($0, as: UInt32.self)) })
    case "F64": return .float64((0..<count).map { Double(bitPattern: word($0, as: UInt64.self)) })
    case "I64": return .int64((0..<count).map { Int64(bitPattern: word($0, as: UInt64.self)) })
    case "U64": return .uint64((0..<count).map { word($0, as: UInt64.self) })
    default: return nil
    }
  }

  private func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    for byte in 0..<MemoryLayout<T>.size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * byte))) }
  }
}

/// A named tensor in a checkpoint: a shape and row-major elements.
public struct StoredTensor: Equatable, Sendable {
  /// The dimensions; `[]` is a scalar (one element).
  public var shape: [Int]
  /// The elements.
  public var data: TensorData

  /// Creates a tensor; the element count must equal the product of the shape (checked when written).
  ///
  /// - Parameters:
  ///   - shape: The dimensions.
  ///   - data: The elements, row-major, with their type.
  public init(shape: [Int], data: TensorData) {
    self.shape = shape
    self.data = data
  }

  /// A `F32` tensor.
  ///
  /// - Parameters:
  ///   - shape: The dimensions.
  ///   - floats: The elements, row-major.
  public init(shape: [Int], floats: [Float]) { self.init(shape: shape, data: .float32(floats)) }
  /// A `F64` tensor.
  ///
  /// - Parameters:
  ///   - shape: The dimensions.
  ///   - doubles: The elements, row-major.
  public init(shape: [Int], doubles: [Double]) { self.init(shape: shape, data: .float64(doubles)) }
  /// A `I64` tensor.
  ///
  /// - Parameters:
  ///   - shape: The dimensions.
  ///   - int64s: The elements, row-major.
  public init(shape: [Int], int64s: [Int64]) { self.init(shape: shape, data: .int64(int64s)) }
  /// A `U64` tensor.
  ///
  /// - Parameters:
  ///   - shape: The dimensions.
  ///   - uint64s: The elements, row-major.
  public init(shape: [Int], uint64s: [UInt64]) { self.init(shape: shape, data: .uint64(uint64s)) }

  /// The product of the shape, or nil when a dimension is negative or the product overflows.
  static func elementCount(of shape: [Int]) -> Int? {
    var count = 1
    for dimension in shape {
      guard dimension >= 0 else { return nil }
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard !overflow else { return nil }
      count = product
    }
    return count
  }
}
