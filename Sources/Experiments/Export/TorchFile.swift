// MARK: - PyTorch's file format

/// A file `torch.load` reads (PyTorch's zip format since 1.6): a zip whose entries sit in one folder, `archive/`:
/// `data.pkl` (the object as a protocol-2 pickle), `data/<key>` (each tensor's storage, raw little-endian bytes,
/// aligned to 64 bytes), `version` (`3`), `byteorder` (`little`), `.format_version` and `.storage_alignment`.
///
/// A tensor is pickled as `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)`,
/// its storage as the persistent id `('storage', torch.FloatStorage, key, 'cpu', element count)`; these are the
/// names `torch.load(..., weights_only=True)` accepts.
struct TorchFile {
  /// A float32 tensor to store: row-major values and a shape.
  struct Tensor {
    var shape: [Int]
    var values: [Float]
  }

  private var storages: [[Float]] = []

  /// The pickle value of `tensor`, whose storage this file will hold.
  mutating func value(of tensor: Tensor) -> PickleValue {
    let key = String(storages.count)
    storages.append(tensor.values)
    var strides: [Int] = []
    var stride = 1
    for dimension in tensor.shape.reversed() {
      strides.insert(stride, at: 0)
      stride *= max(dimension, 1)
    }
    let storage = PickleValue.persistent(
      .tuple([
        .string("storage"), .global(module: "torch", name: "FloatStorage"), .string(key), .string("cpu"),
        .int(tensor.values.count),
      ]))
    return .call(
      .global(module: "torch._utils", name: "_rebuild_tensor_v2"),
      [
        storage, .int(0), .tuple(tensor.shape.map { .int($0) }), .tuple(strides.map { .int($0) }), .bool(false),
        Self.orderedDict([]),
      ])
  }

  /// `collections.OrderedDict` holding `items`, as `torch.save` writes a state dict.
  static func orderedDict(_ items: [(PickleValue, PickleValue)]) -> PickleValue {
    .callWithItems(.global(module: "collections", name: "OrderedDict"), [], items: items)
  }

  /// A state dict (`OrderedDict` of name to tensor) in this format.
  static func stateDict(_ tensors: [(name: String, tensor: Tensor)]) throws -> [UInt8] {
    var file = TorchFile()
    let items = tensors.map { (PickleValue.string($0.name), file.value(of: $0.tensor)) }
    return try file.encoded(root: orderedDict(items))
  }

  /// The file bytes with `root` as the pickled object.
  func encoded(root: PickleValue) throws -> [UInt8] {
    var zip = ZipArchive()
    try zip.add("archive/data.pkl", root.pickled())
    try zip.add("archive/.format_version", Array("1".utf8))
    try zip.add("archive/.storage_alignment", Array("64".utf8))
    try zip.add("archive/byteorder", Array("little".utf8))
    for (key, values) in storages.enumerated() {
      var bytes: [UInt8] = []
      bytes.reserveCapacity(values.count * 4)
      for value in values {
        let bits = value.bitPattern
        for byte in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * byte))) }
      }
      try zip.add("archive/data/\(key)", bytes, alignment: 64)
    }
    try zip.add("archive/version", Array("3\n".utf8))
    return zip.finished()
  }
}
