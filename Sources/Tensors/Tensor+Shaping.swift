// MARK: - Shape manipulation

extension Tensor {
  /// The same values with another shape of the same element count; one dimension may be -1 (inferred).
  public func reshaped(_ dimensions: [Int]) -> Tensor {
    var dims = dimensions
    if let inferred = dims.firstIndex(of: -1) {
      var known = 1
      for (axis, d) in dims.enumerated() where axis != inferred { known *= d }
      precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(dimensions)")
      dims[inferred] = count / known
    }
    let newShape = Shape(dims)
    precondition(newShape.elementCount == count, "cannot reshape \(shape) (\(count) values) to \(dimensions)")
    return Tensor(shape: newShape, storage: storage).recording(.reshape(shape), self)
  }

  /// Removes a dimension of size 1.
  public func squeezed(axis: Int) -> Tensor {
    let axis = shape.axis(axis)
    precondition(shape[axis] == 1, "cannot squeeze axis \(axis) of size \(shape[axis]) in shape \(shape)")
    var dims = shape.array
    dims.remove(at: axis)
    return reshaped(dims)
  }

  /// Inserts a dimension of size 1 at `axis` (0 ... rank).
  public func expanded(axis: Int) -> Tensor {
    let axis = axis < 0 ? axis + rank + 1 : axis
    precondition(axis >= 0 && axis <= rank, "cannot insert axis \(axis) into shape \(shape)")
    var dims = shape.array
    dims.insert(1, at: axis)
    return reshaped(dims)
  }

  /// The tensor broadcast to `target` (numpy's rules), materialised.
  public func broadcast(to target: Shape) -> Tensor {
    if shape == target { return self }
    guard Shape.broadcast(shape, target) == target else {
      preconditionFailure("shape \(shape) does not broadcast to \(target)")
    }
    let (_, storage) = broadcastStorage(Tensor(repeating: 0, shape: target.array), self.detached()) { $1 }
    return Tensor(shape: target, storage: storage).recording(.broadcast(shape), self)
  }

  /// The tensor broadcast to `dimensions`.
  public func broadcast(to dimensions: [Int]) -> Tensor { broadcast(to: Shape(dimensions)) }

  /// The matrix transpose of a rank-2 tensor.
  public func transposed() -> Tensor {
    precondition(rank == 2, "transposed() needs a matrix, got shape \(shape); use permuted(_:) for other ranks")
    return permuted([1, 0])
  }

  /// The axes reordered: result axis i is input axis `axes[i]`.
  public func permuted(_ axes: [Int]) -> Tensor {
    precondition(axes.sorted() == Array(0..<rank), "permutation \(axes) does not fit shape \(shape)")
    let newShape = Shape(axes.map { shape[$0] })
    let inStrides = shape.strides
    let out = TensorStorage.make(uninitializedCount: count)
    let src = storage.pointer
    if rank == 2 && axes == [1, 0] {
      let rows = shape[0]
      let columns = shape[1]
      for i in 0..<rows {
        for j in 0..<columns { out.pointer[j * rows + i] = src[i * columns + j] }
      }
    } else {
      let strides = axes.map { inStrides[$0] }
      var index = [Int](repeating: 0, count: rank)
      for flat in 0..<count {
        var offset = 0
        for a in 0..<rank { offset += index[a] * strides[a] }
        out.pointer[flat] = src[offset]
        var a = rank - 1
        while a >= 0 {
          index[a] += 1
          if index[a] < newShape[a] { break }
          index[a] = 0
          a -= 1
        }
      }
    }
    var inverse = [Int](repeating: 0, count: rank)
    for (i, a) in axes.enumerated() { inverse[a] = i }
    return Tensor(shape: newShape, storage: out).recording(.permute(inverse), self)
  }

  /// The elements with index in `range` along `axis`.
  public func slice(alongAxis axis: Int, _ range: Range<Int>) -> Tensor {
    let axis = shape.axis(axis)
    precondition(
      range.lowerBound >= 0 && range.upperBound <= shape[axis],
      "slice \(range) is out of bounds for axis \(axis) of shape \(shape)")
    let layout = AxisLayout(shape, axis: axis)
    var dims = shape.array
    dims[axis] = range.count
    let out = TensorStorage.make(uninitializedCount: layout.outer * range.count * layout.inner)
    let block = range.count * layout.inner
    for o in 0..<layout.outer {
      (out.pointer + o * block).update(
        from: storage.pointer + (o * layout.length + range.lowerBound) * layout.inner, count: block)
    }
    return Tensor(shape: Shape(dims), storage: out).recording(.slice(shape, axis, range.lowerBound), self)
  }

  /// Rows `range` of the first axis.
  public subscript(range: Range<Int>) -> Tensor { slice(alongAxis: 0, range) }

  /// Row `index` of the first axis, with that axis removed.
  public subscript(row index: Int) -> Tensor { slice(alongAxis: 0, index..<(index + 1)).squeezed(axis: 0) }

  /// The rows of the first axis at `indices`, in that order (a minibatch).
  public func gatherRows(_ indices: [Int]) -> Tensor {
    let rowSize = rank == 0 ? 1 : count / Swift.max(shape[0], 1)
    var gathered = shape
    gathered[0] = indices.count
    let out = TensorStorage.make(uninitializedCount: indices.count * rowSize)
    let rows = shape.count == 0 ? 1 : shape[0]
    let source = storage.pointer
    let target = out.pointer
    for (i, r) in indices.enumerated() {
      precondition(r >= 0 && r < rows, "row \(r) is out of range for shape \(shape)")
      if rowSize <= 16 {
        // Short rows (a minibatch of observations or scalars) element by element: a memmove call per row costs
        // more than the copy.
        for j in 0..<rowSize { target[i * rowSize + j] = source[r * rowSize + j] }
      } else {
        (target + i * rowSize).update(from: source + r * rowSize, count: rowSize)
      }
    }
    return Tensor(shape: gathered, storage: out).recording(.gatherRows(shape, indices), self)
  }

  /// One element per position along `axis`, chosen by `indices` (numpy's `take_along_axis` with the axis
  /// dropped): for a [batch, actions] matrix and axis 1, `result[b] = self[b, indices[b]]`.
  public func gather(alongAxis axis: Int, indices: [Int]) -> Tensor {
    let axis = shape.axis(axis)
    let layout = AxisLayout(shape, axis: axis)
    precondition(
      indices.count == layout.outer * layout.inner,
      "gather along axis \(axis) of shape \(shape) needs \(layout.outer * layout.inner) indices, got \(indices.count)")
    let out = TensorStorage.make(uninitializedCount: indices.count)
    for o in 0..<layout.outer {
      for j in 0..<layout.inner {
        let k = indices[o * layout.inner + j]
        precondition(k >= 0 && k < layout.length, "index \(k) is out of range for axis \(axis) of shape \(shape)")
        out.pointer[o * layout.inner + j] = storage.pointer[(o * layout.length + k) * layout.inner + j]
      }
    }
    let outShape = AxisLayout.reducedShape(shape, axis: axis, keepingDimension: false)
    return Tensor(shape: outShape, storage: out).recording(.gather(shape, axis, indices), self)
  }

  /// Joins tensors along an existing axis; all other dimensions must agree.
  public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "concatenate needs at least one tensor")
    let first = tensors[0].shape
    let axis = first.axis(axis)
    for t in tensors {
      precondition(t.rank == first.count, "concatenate: ranks differ, \(first) and \(t.shape)")
      for a in 0..<first.count where a != axis {
        precondition(t.shape[a] == first[a], "concatenate along \(axis): shapes \(first) and \(t.shape) differ")
      }
    }
    let sizes = tensors.map { $0.shape[axis] }
    var dims = first.array
    dims[axis] = sizes.reduce(0, +)
    let outShape = Shape(dims)
    let layout = AxisLayout(outShape, axis: axis)
    let out = TensorStorage.make(uninitializedCount: outShape.elementCount)
    var offset = 0
    for (t, size) in zip(tensors, sizes) {
      let block = size * layout.inner
      for o in 0..<layout.outer {
        (out.pointer + (o * layout.length + offset) * layout.inner).update(
          from: t.storage.pointer + o * block, count: block)
      }
      offset += size
    }
    return Tensor(shape: outShape, storage: out).recording(.concatenate(axis, sizes), inputs: tensors)
  }

  /// Stacks equally shaped tensors along a new axis.
  public static func stack(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "stack needs at least one tensor")
    return concatenate(tensors.map { $0.expanded(axis: axis) }, alongAxis: axis)
  }
}
