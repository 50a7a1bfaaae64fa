import CKernels
import Foundation

// MARK: - Optimizers

/// Updates a model's parameters from gradients. Hyperparameters and their defaults follow PyTorch.
///
/// State (moment estimates, step counts) is kept per parameter name and can be exported and restored exactly,
/// so a resumed run continues bit for bit.
open class Optimizer {
  /// The step size; schedules change it between updates.
  public var learningRate: Float
  /// How many updates have been applied.
  public internal(set) var stepCount: Int = 0
  /// Per-parameter state tensors, one per slot (in the order of ``slotNames``), for the parameters named in
  /// `slotOwners` at the same positions. Kept in arrays in the order updates visit the parameters, so the usual
  /// update finds each parameter's state at its own position without hashing its name.
  private var slotStates: [[Tensor]] = []
  private var slotOwners: [String] = []
  private var slotPositions: [String: Int] = [:]

  init(learningRate: Float) {
    precondition(learningRate >= 0 && learningRate.isFinite, "the learning rate must be finite and >= 0")
    self.learningRate = learningRate
  }

  /// The names of the state slots this optimizer keeps per parameter.
  open var slotNames: [String] { [] }

  /// Applies one update to the trainable parameters of `model` along `gradients` (keyed like them).
  ///
  /// - Parameters:
  ///   - model: The module whose trainable parameters are updated in place.
  ///   - gradients: The gradients keyed like the model's trainable parameters, from ``valueAndGradient(of:_:)``.
  public func update(_ model: Module, along gradients: Gradients) {
    update(model.trainableParameters(), along: gradients)
  }

  /// Applies one update to `parameters` only, taking each one's gradient by name from `gradients` (which may hold
  /// more, for example the gradients of a whole model when this optimizer owns only its value network).
  ///
  /// - Parameters:
  ///   - parameters: The parameters to update in place, with their names.
  ///   - gradients: Holds a gradient for every name in `parameters`, of its shape.
  public func update(_ parameters: [(name: String, parameter: Parameter)], along gradients: Gradients) {
    stepCount += 1
    let aligned = parameters.count == gradients.names.count
    for (i, (name, parameter)) in parameters.enumerated() {
      let index = aligned && gradients.names[i] == name ? i : gradients.names.firstIndex(of: name)
      guard let index else { preconditionFailure("optimizer: no gradient given for parameter \(name)") }
      let gradient = gradients.tensors[index]
      precondition(
        gradient.shape == parameter.value.shape,
        "optimizer: gradient of \(name) has shape \(gradient.shape), the parameter \(parameter.value.shape)")
      let position = slotPosition(of: name, expectedAt: i, shape: parameter.value.shape)
      // Moved out of the array so the state tensors stay uniquely referenced and update in place.
      var state = slotStates[position]
      slotStates[position] = []
      apply(to: &parameter.value, gradient: gradient, state: &state)
      slotStates[position] = state
    }
  }

  /// Where the state of parameter `name` is kept (usually at `expected`, its position in the update), made with
  /// zeros on first use.
  private func slotPosition(of name: String, expectedAt expected: Int, shape: Shape) -> Int {
    if expected < slotOwners.count && slotOwners[expected] == name { return expected }
    if let position = slotPositions[name] {
      guard expected < slotOwners.count else { return position }
      // Moved to where the next update will look for it first (after a restore the order is by name).
      slotOwners.swapAt(expected, position)
      slotStates.swapAt(expected, position)
      slotPositions[slotOwners[position]] = position
      slotPositions[name] = expected
      return expected
    }
    slotOwners.append(name)
    slotStates.append(slotNames.map { _ in Tensor.zeros(shape.array) })
    slotPositions[name] = slotOwners.count - 1
    return slotOwners.count - 1
  }

  /// Updates one parameter in place. `state` holds one tensor per slot, zeros at first.
  ///
  /// - Parameters:
  ///   - parameter: The parameter's value, updated in place.
  ///   - gradient: Its gradient, of the same shape.
  ///   - state: The parameter's slots in the order of ``slotNames``, updated in place.
  open func apply(to parameter: inout Tensor, gradient: Tensor, state: inout [Tensor]) {
    fatalError("\(type(of: self)) must implement apply(to:gradient:state:)")
  }

  /// The full state: step count, learning rate and every slot tensor, named `slot/parameter`.
  public func exportState() -> (scalars: [String: Double], tensors: [String: Tensor]) {
    var tensors: [String: Tensor] = [:]
    for (name, state) in zip(slotOwners, slotStates) {
      for (slot, t) in zip(slotNames, state) { tensors["\(slot)/\(name)"] = t }
    }
    return (["step": Double(stepCount), "learning_rate": Double(learningRate)], tensors)
  }

  /// Restores a state taken with ``exportState()``.
  ///
  /// - Parameters:
  ///   - scalars: Must hold `step` and `learning_rate`.
  ///   - tensors: Slot tensors named `slot/parameter`, with this optimizer's slot names.
  /// - Throws: ``OptimizerError/invalidState(_:)`` for a missing scalar or a tensor this optimizer does not keep.
  public func restoreState(scalars: [String: Double], tensors: [String: Tensor]) throws {
    guard let step = scalars["step"], let rate = scalars["learning_rate"] else {
      throw OptimizerError.invalidState("the state needs 'step' and 'learning_rate'")
    }
    var restored: [String: [Tensor]] = [:]
    var found: [String: Int] = [:]
    for (key, tensor) in tensors {
      guard let slash = key.firstIndex(of: "/"), let slot = slotNames.firstIndex(of: String(key[..<slash])) else {
        throw OptimizerError.invalidState("unexpected state tensor '\(key)' for \(type(of: self))")
      }
      let name = String(key[key.index(after: slash)...])
      restored[name, default: slotNames.map { _ in Tensor(0) }][slot] = tensor
      found[name, default: 0] += 1
    }
    for (name, count) in found where count != slotNames.count {
      throw OptimizerError.invalidState("the state of '\(name)' lacks some of \(slotNames.joined(separator: ", "))")
    }
    stepCount = Int(step)
    learningRate = Float(rate)
    slotOwners = restored.keys.sorted()
    slotStates = slotOwners.map { restored[$0]! }
    slotPositions = Dictionary(uniqueKeysWithValues: slotOwners.enumerated().map { ($1, $0) })
  }
}

/// Moves slot `i` out of `state` (leaving a placeholder) so the caller holds its only reference.
@inline(__always) func takeSlot(_ state: inout [Tensor], _ i: Int) -> Tensor {
  let tensor = state[i]
  state[i] = placeholderSlot
  return tensor
}

private let placeholderSlot = Tensor(0)

/// Errors raised when restoring optimizer state.
public enum OptimizerError: Error, Equatable, CustomStringConvertible {
  case invalidState(String)
  public var description: String {
    switch self {
    case .invalidState(let message): return "invalid optimizer state: \(message)"
    }
  }
}

// MARK: - SGD

/// Stochastic gradient descent with optional momentum (PyTorch's `SGD`: the first step sets the buffer to the
/// gradient; later ones b = momentum b + (1 - dampening) g), Nesterov momentum and L2 weight decay.
public final class SGD: Optimizer {
  public var momentum: Float
  public var dampening: Float
  public var nesterov: Bool
  public var weightDecay: Float

  /// SGD with PyTorch's defaults (no momentum, dampening, Nesterov or decay).
  ///
  /// - Parameters:
  ///   - learningRate: The step size lr; finite and at least 0.
  ///   - momentum: The momentum factor; 0 for none.
  ///   - dampening: Dampening of the momentum buffer.
  ///   - nesterov: True for Nesterov momentum.
  ///   - weightDecay: L2 decay added to the gradient, weightDecay · w.
  public init(
    learningRate: Float, momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false, weightDecay: Float = 0
  ) {
    self.momentum = momentum
    self.dampening = dampening
    self.nesterov = nesterov
    self.weightDecay = weightDecay
    super.init(learningRate: learningRate)
  }

  public override var slotNames: [String] { momentum == 0 ? [] : ["momentum"] }

  public override func apply(to parameter: inout Tensor, gradient: Tensor, state: inout [Tensor]) {
    let lr = learningRate
    let first = stepCount == 1
    gradient.withUnsafeBufferPointer { g in
      parameter.withUnsafeMutableBufferPointer { w in
        if momentum == 0 {
          for i in 0..<w.count { w[i] -= lr * (g[i] + weightDecay * w[i]) }
          return
        }
        state[0].withUnsafeMutableBufferPointer { b in
          for i in 0..<w.count {
            let d = g[i] + weightDecay * w[i]
            b[i] = first ? d : momentum * b[i] + (1 - dampening) * d
            w[i] -= lr * (nesterov ? d + momentum * b[i] : b[i])
          }
        }
      }
    }
  }
}

// MARK: - Adam and AdamW

/// Adam (Kingma & Ba), as PyTorch computes it: m and v moving averages, bias corrections, and
/// w -= lr / (1 - β1^t) · m / (sqrt(v) / sqrt(1 - β2^t) + ε). `weightDecay` adds L2 decay to the gradient.
public class Adam: Optimizer {
  public var beta1: Float
  public var beta2: Float
  public var epsilon: Float
  public var weightDecay: Float
  /// True for AdamW's decoupled decay w -= lr · weightDecay · w before the Adam step.
  let decoupled: Bool

  /// Adam with PyTorch's defaults.
  ///
  /// - Parameters:
  ///   - learningRate: The step size lr; finite and at least 0.
  ///   - beta1: β1, the decay of the first moment.
  ///   - beta2: β2, the decay of the second moment.
  ///   - epsilon: ε, added to the denominator.
  ///   - weightDecay: L2 decay added to the gradient, weightDecay · w.
  public init(
    learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0
  ) {
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.decoupled = false
    super.init(learningRate: learningRate)
  }

  init(learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float, decoupled: Bool) {
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.decoupled = decoupled
    super.init(learningRate: learningRate)
  }

  public override var slotNames: [String] { ["m", "v"] }

  /// 1 - β1^t and sqrt(1 - β2^t) for step t with the given betas.
  private var corrections: (step: Int, beta1: Float, beta2: Float, first: Float, secondRoot: Float) = (-1, 0, 0, 1, 1)

  public override func apply(to parameter: inout Tensor, gradient: Tensor, state: inout [Tensor]) {
    // The bias corrections are the same for every parameter of a step: computed for its first one.
    if corrections.step != stepCount || corrections.beta1 != beta1 || corrections.beta2 != beta2 {
      let t = Float(stepCount)
      corrections = (
        stepCount, beta1, beta2, 1 - Foundation.pow(beta1, t), (1 - Foundation.pow(beta2, t)).squareRoot()
      )
    }
    let (correction1, correction2Root) = (corrections.first, corrections.secondRoot)
    let stepSize = learningRate / correction1
    let (b1, b2, eps, lr, wd, decoupled) = (beta1, beta2, epsilon, learningRate, weightDecay, decoupled)
    gradient.withUnsafeBufferPointer { g in
      parameter.withUnsafeMutableBufferPointer { w in
        // The slots are updated where they are (the array is not rebuilt for every parameter and step).
        state.withUnsafeMutableBufferPointer { slots in
          slots[0].withUnsafeMutableBufferPointer { m in
            slots[1].withUnsafeMutableBufferPointer { v in
              // The loop of the formula above, vectorised (CKernels): w, m and v in place.
              rein_adam_step(
                w.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!, w.count, b1, b2, eps, lr, wd,
                decoupled, stepSize, correction2Root)
            }
          }
        }
      }
    }
  }
}

/// AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, PyTorch's default decay 0.01.
public final class AdamW: Adam {
  public override init(
    learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0.01
  ) {
    super.init(
      learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
      decoupled: true)
  }
}

// MARK: - RMSprop

/// RMSprop as PyTorch computes it: s = α s + (1 - α) g², w -= lr · g / (sqrt(s) + ε), with optional momentum and
/// centring. SB3's A2C uses α = 0.99, ε = 1e-5.
public final class RMSprop: Optimizer {
  public var alpha: Float
  public var epsilon: Float
  public var momentum: Float
  public var centered: Bool
  public var weightDecay: Float

  /// RMSprop with PyTorch's defaults.
  ///
  /// - Parameters:
  ///   - learningRate: The step size lr; finite and at least 0.
  ///   - alpha: α, the decay of the squared-gradient average.
  ///   - epsilon: ε, added to the square root.
  ///   - momentum: The momentum factor; 0 for none.
  ///   - centered: True to divide by an estimate of the variance (subtracting the squared mean gradient) rather than
  ///     the second moment.
  ///   - weightDecay: L2 decay added to the gradient, weightDecay · w.
  public init(
    learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8, momentum: Float = 0, centered: Bool = false,
    weightDecay: Float = 0
  ) {
    self.alpha = alpha
    self.epsilon = epsilon
    self.momentum = momentum
    self.centered = centered
    self.weightDecay = weightDecay
    super.init(learningRate: learningRate)
  }

  public override var slotNames: [String] { ["square_average", "gradient_average", "momentum"] }

  public override func apply(to parameter: inout Tensor, gradient: Tensor, state: inout [Tensor]) {
    let (a, eps, lr, mu, wd, centered) = (alpha, epsilon, learningRate, momentum, weightDecay, centered)
    var s = takeSlot(&state, 0)
    var gAverage = takeSlot(&state, 1)
    var buffer = takeSlot(&state, 2)
    gradient.withUnsafeBufferPointer { g in
      parameter.withUnsafeMutableBufferPointer { w in
        s.withUnsafeMutableBufferPointer { s in
          gAverage.withUnsafeMutableBufferPointer { ga in
            buffer.withUnsafeMutableBufferPointer { b in
              for i in 0..<w.count {
                let gi = g[i] + wd * w[i]
                s[i] = a * s[i] + (1 - a) * gi * gi
                var average: Float
                if centered {
                  ga[i] = a * ga[i] + (1 - a) * gi
                  average = (s[i] - ga[i] * ga[i]).squareRoot() + eps
                } else {
                  average = s[i].squareRoot() + eps
                }
                if mu > 0 {
                  b[i] = mu * b[i] + gi / average
                  w[i] -= lr * b[i]
                } else {
                  w[i] -= lr * gi / average
                }
              }
            }
          }
        }
      }
    }
    state = [s, gAverage, buffer]
  }
}
