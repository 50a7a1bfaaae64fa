@_exported import Tensors

// MARK: - Parameters and modules

/// A trainable tensor owned by a module. Modules hold parameters by reference so optimizers can update them in
/// place and differentiation can swap in tracked values.
public final class Parameter: @unchecked Sendable {
  /// The current value.
  ///
  /// Kept in a buffer the parameter owns rather than in a stored property: a class's stored `var` is read with a
  /// run-time exclusivity check, which cost as much as a small layer's arithmetic when every forward pass reads
  /// every parameter. As before, a parameter must not be mutated while another thread uses it.
  public var value: Tensor {
    // A borrow, not a copy: a layer passing its weight to `linear` then costs no reference counting.
    _read { yield box.pointee }
    set { box.pointee = newValue }
    _modify { yield &box.pointee }
  }
  /// False to freeze the parameter (it is then left out of gradients and optimizer updates).
  public var isTrainable: Bool
  private let box: UnsafeMutablePointer<Tensor>

  /// A parameter holding `value`.
  ///
  /// - Parameters:
  ///   - value: The initial value.
  ///   - trainable: False to freeze it: it is then left out of gradients and optimizer updates.
  public init(_ value: Tensor, trainable: Bool = true) {
    box = UnsafeMutablePointer<Tensor>.allocate(capacity: 1)
    box.initialize(to: value)
    self.isTrainable = trainable
  }

  deinit {
    box.deinitialize(count: 1)
    box.deallocate()
  }
}

/// A network component with parameters and sub-modules, discovered by reflection and named by their paths
/// (`actor.0.weight`), in declaration order.
///
/// Subclasses declare parameters as `let weight: Parameter`, children as `let trunk: Sequential` (or arrays and
/// optionals of modules). The structure is read once, the first time it is asked for, and must not change after.
open class Module {
  private var cachedParameters: [(name: String, parameter: Parameter)]?
  private var cachedNames: [String]?

  public init() {}

  /// The direct children and their names; the default reads the stored properties.
  open func namedChildren() -> [(String, Module)] { reflectedMembers().children }

  /// The parameters held directly by this module; the default reads the stored properties.
  open func namedLocalParameters() -> [(String, Parameter)] { reflectedMembers().parameters }

  /// Every parameter of this module and its descendants, named by path, trainable or not.
  public func namedParameters() -> [(name: String, parameter: Parameter)] {
    if let cachedParameters { return cachedParameters }
    var result = namedLocalParameters().map { (name: $0.0, parameter: $0.1) }
    for (childName, child) in namedChildren() {
      result += child.namedParameters().map { (name: childName + "." + $0.name, parameter: $0.parameter) }
    }
    cachedParameters = result
    return result
  }

  /// The trainable parameters, named by path.
  public func trainableParameters() -> [(name: String, parameter: Parameter)] {
    let all = namedParameters()
    // Usually every parameter is: then the cached list itself (no new array for every update).
    return all.allSatisfy { $0.parameter.isTrainable } ? all : all.filter { $0.parameter.isTrainable }
  }

  /// The names of ``trainableParameters()``, in order.
  public func trainableParameterNames() -> [String] {
    let trainable = trainableParameters()
    if let cachedNames, cachedNames.count == trainable.count, zip(cachedNames, trainable).allSatisfy({ $0 == $1.name })
    {
      return cachedNames
    }
    let names = trainable.map(\.name)
    cachedNames = names
    return names
  }

  /// The number of scalars in all parameters (trainable or not).
  public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.parameter.value.count } }

  /// Current parameter values by name.
  public func parameterValues() -> [String: Tensor] {
    Dictionary(uniqueKeysWithValues: namedParameters().map { ($0.name, $0.parameter.value) })
  }

  /// Replaces parameter values by name; every parameter must be given with its exact shape.
  ///
  /// - Parameter values: A value for every parameter, by its dotted name, with the parameter's exact shape; no other
  ///   names.
  /// - Throws: ``ModuleError/missingParameter(_:)``, ``ModuleError/unexpectedParameter(_:)`` or a shape error; nothing
  ///   is changed then.
  public func load(_ values: [String: Tensor]) throws {
    let parameters = namedParameters()
    for (name, parameter) in parameters {
      guard let value = values[name] else { throw ModuleError.missingParameter(name) }
      try value.checkShape(parameter.value.shape.array, "parameter \(name)")
    }
    let known = Set(parameters.map(\.name))
    if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
      throw ModuleError.unexpectedParameter(unknown)
    }
    for (name, parameter) in parameters { parameter.value = values[name]!.detached() }
  }

  /// Copies every parameter value from `other`, which must have the same structure.
  ///
  /// - Parameter other: A module of the same structure (the same parameter names and shapes).
  /// - Throws: As ``load(_:)``.
  public func copyParameters(from other: Module) throws { try load(other.parameterValues()) }

  private func reflectedMembers() -> (children: [(String, Module)], parameters: [(String, Parameter)]) {
    var children: [(String, Module)] = []
    var parameters: [(String, Parameter)] = []
    func visit(_ label: String, _ value: Any) {
      switch value {
      case let parameter as Parameter: parameters.append((label, parameter))
      case let module as Module: children.append((label, module))
      case let modules as [Module]: for (i, m) in modules.enumerated() { children.append(("\(label).\(i)", m)) }
      case let list as [Parameter]: for (i, p) in list.enumerated() { parameters.append(("\(label).\(i)", p)) }
      default:
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional, let wrapped = mirror.children.first { visit(label, wrapped.value) }
      }
    }
    var mirrors: [Mirror] = []
    var mirror: Mirror? = Mirror(reflecting: self)
    while let m = mirror, m.subjectType != Module.self {
      mirrors.append(m)
      mirror = m.superclassMirror
    }
    for m in mirrors.reversed() {
      for child in m.children {
        guard var label = child.label else { continue }
        if label.hasPrefix("$__lazy_storage_$_") { continue }
        if label.hasPrefix("_") { label.removeFirst() }
        visit(label, child.value)
      }
    }
    return (children, parameters)
  }
}

/// A module that maps one tensor to another.
public protocol UnaryLayer: Module {
  /// Applies the layer.
  ///
  /// - Parameter x: The input, [batch, features] for the layers here.
  func callAsFunction(_ x: Tensor) -> Tensor
}

/// Errors raised when parameters are loaded into a module.
public enum ModuleError: Error, Equatable, CustomStringConvertible {
  case missingParameter(String)
  case unexpectedParameter(String)

  public var description: String {
    switch self {
    case .missingParameter(let name):
      return "no value given for parameter '\(name)'; the values come from a different architecture"
    case .unexpectedParameter(let name):
      return "the values hold '\(name)', which this model does not have; they come from a different architecture"
    }
  }
}
