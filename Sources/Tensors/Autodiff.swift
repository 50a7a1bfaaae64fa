import CKernels

// MARK: - The gradient tape
//
// A tracked tensor carries the node that made it. A node records its operation (with whatever the backward rule
// needs) and the nodes of its inputs. `backward` walks the graph from the output in reverse topological order and
// applies each operation's rule (Backward.swift), accumulating gradients per node.

/// One recorded operation on the gradient tape.
@usableFromInline final class Node: @unchecked Sendable {
  @usableFromInline let operation: Operation
  /// The inputs' nodes (nil for untracked inputs): the first three inline, so recording an operation allocates
  /// only the node; any further ones (concatenation) in `moreInputs`.
  @usableFromInline let input0: Node?
  @usableFromInline let input1: Node?
  @usableFromInline let input2: Node?
  @usableFromInline let moreInputs: [Node?]
  @usableFromInline let inputCount: Int
  // The mutable state below belongs to the one backward pass that walks this graph (a graph is differentiated on
  // one thread), so its accesses skip the run-time exclusivity checks of class properties.
  @exclusivity(unchecked) var gradient: Tensor?
  /// Traversal state of the backward pass in progress: set when the node is first reached, cleared when its
  /// gradient has been passed on (so it is false again between passes).
  @exclusivity(unchecked) var isVisited = false
  /// The next input the depth-first traversal will look at.
  @exclusivity(unchecked) var nextInput = 0

  @usableFromInline init(_ operation: Operation, _ inputs: [Node?]) {
    self.operation = operation
    inputCount = inputs.count
    input0 = inputs.count > 0 ? inputs[0] : nil
    input1 = inputs.count > 1 ? inputs[1] : nil
    input2 = inputs.count > 2 ? inputs[2] : nil
    moreInputs = inputs.count > 3 ? Array(inputs[3...]) : []
  }

  @usableFromInline init(_ operation: Operation, input a: Node?, _ b: Node? = nil, _ c: Node? = nil, count: Int) {
    self.operation = operation
    inputCount = count
    input0 = a
    input1 = b
    input2 = c
    moreInputs = []
  }

  /// The node of input `i` (0 ..< inputCount).
  @inline(__always) func input(_ i: Int) -> Node? {
    switch i {
    case 0: return input0
    case 1: return input1
    case 2: return input2
    default: return moreInputs[i - 3]
    }
  }
}

extension Tensor {
  /// Attaches a node for `operation` when the input is tracked.
  @inlinable @inline(__always)
  func recording(_ operation: @autoclosure () -> Operation, _ a: Tensor) -> Tensor {
    guard a.node != nil else { return self }
    var result = self
    result.node = Node(operation(), input: a.node, count: 1)
    return result
  }

  /// Attaches a node for `operation` when either input is tracked.
  @inlinable @inline(__always)
  func recording(_ operation: @autoclosure () -> Operation, _ a: Tensor, _ b: Tensor) -> Tensor {
    guard a.node != nil || b.node != nil else { return self }
    var result = self
    result.node = Node(operation(), input: a.node, b.node, count: 2)
    return result
  }

  /// Attaches a node for `operation` when any input is tracked.
  @inlinable @inline(__always)
  func recording(_ operation: @autoclosure () -> Operation, _ a: Tensor, _ b: Tensor, _ c: Tensor) -> Tensor {
    guard a.node != nil || b.node != nil || c.node != nil else { return self }
    var result = self
    result.node = Node(operation(), input: a.node, b.node, c.node, count: 3)
    return result
  }

  /// Attaches a node for `operation` when any of `inputs` is tracked.
  func recording(_ operation: @autoclosure () -> Operation, inputs: [Tensor]) -> Tensor {
    guard inputs.contains(where: { $0.node != nil }) else { return self }
    var result = self
    result.node = Node(operation(), inputs.map(\.node))
    return result
  }

  /// This tensor as a leaf of a new differentiation, identified by `index`.
  func trackedLeaf(_ index: Int) -> Tensor {
    Tensor(shape: shape, storage: storage, node: Node(.leaf(index), []))
  }
}

/// Computes `f` at `inputs` and the gradient of its (scalar) result with respect to each input.
///
/// The result must have one element; gradients have the shapes of the inputs (zeros for inputs the result does
/// not depend on).
public func valueAndGradient(
  at inputs: [Tensor], _ f: ([Tensor]) throws -> Tensor
) rethrows -> (
  value: Tensor, gradients: [Tensor]
) {
  let leaves = inputs.enumerated().map { $1.trackedLeaf($0) }
  let value = try f(leaves)
  let gradients = backpropagate(from: value, leafCount: inputs.count)
  return (
    value.detached(),
    (0..<inputs.count).map { gradients[$0] ?? Tensor.zeros(inputs[$0].shape.array) }
  )
}

/// The gradient of the scalar `f` at one input.
public func gradient(at input: Tensor, _ f: (Tensor) throws -> Tensor) rethrows -> Tensor {
  try valueAndGradient(at: [input]) { try f($0[0]) }.gradients[0]
}

/// Runs reverse-mode differentiation from `output` and returns the gradients of the leaves by index.
func backpropagate(from output: Tensor, leafCount: Int) -> [Tensor?] {
  precondition(output.count == 1, "gradients need a scalar result, got shape \(output.shape); reduce it first")
  var leafGradients = [Tensor?](repeating: nil, count: leafCount)
  guard let root = output.node else { return leafGradients }

  // Reverse topological order by iterative depth-first search (post-order, then reversed). Visits are marked in
  // the nodes themselves rather than in a set, and unmarked again below. The root keeps every node alive until
  // the pass ends, so the traversal holds them unretained.
  var order: [Unmanaged<Node>] = []
  order.reserveCapacity(64)
  var stack: [Unmanaged<Node>] = [.passUnretained(root)]
  stack.reserveCapacity(64)
  root.isVisited = true
  root.nextInput = 0
  while let top = stack.last {
    let descended = top._withUnsafeGuaranteedRef { node -> Bool in
      while node.nextInput < node.inputCount {
        let i = node.nextInput
        node.nextInput = i + 1
        if let child = node.input(i), !child.isVisited {
          child.isVisited = true
          child.nextInput = 0
          stack.append(.passUnretained(child))
          return true
        }
      }
      return false
    }
    if !descended {
      stack.removeLast()
      order.append(top)
    }
  }

  root.gradient = Tensor(repeating: 1, shape: output.shape.array)
  withExtendedLifetime(root) {
    for reference in order.reversed() {
      reference._withUnsafeGuaranteedRef { node in
        node.isVisited = false
        guard let upstream = node.gradient.take() else { return }
        if case .leaf(let index) = node.operation {
          accumulate(upstream, into: &leafGradients[index])
          return
        }
        var inputGradients = node.operation.backward(upstream) { node.input($0) != nil }
        for i in 0..<node.inputCount {
          guard let input = node.input(i), let gradient = inputGradients.take(i) else { continue }
          accumulate(gradient, into: &input.gradient)
        }
      }
    }
  }
  return leafGradients
}

/// Adds `gradient` to an accumulated gradient (or starts it), in place when the accumulated buffer is not shared.
@inline(__always)
func accumulate(_ gradient: Tensor, into total: inout Tensor?) {
  guard var sum = total.take() else {
    total = gradient
    return
  }
  if sum.shape == gradient.shape, isKnownUniquelyReferenced(&sum.storage), sum.node == nil, gradient.node == nil {
    rein_add(sum.storage.pointer, gradient.storage.pointer, sum.storage.pointer, sum.count)
    total = sum
  } else {
    total = sum + gradient
  }
}
