// MARK: - Arithmetic with broadcasting

extension Tensor {
  public static func + (a: Tensor, b: Tensor) -> Tensor {
    let (shape, storage) = broadcastStorage(a, b, +)
    return Tensor(shape: shape, storage: storage).recording(.add(a.shape, b.shape), a, b)
  }

  public static func - (a: Tensor, b: Tensor) -> Tensor {
    let (shape, storage) = broadcastStorage(a, b, -)
    return Tensor(shape: shape, storage: storage).recording(.subtract(a.shape, b.shape), a, b)
  }

  public static func * (a: Tensor, b: Tensor) -> Tensor {
    let (shape, storage) = broadcastStorage(a, b, *)
    return Tensor(shape: shape, storage: storage).recording(.multiply(a.detached(), b.detached()), a, b)
  }

  public static func / (a: Tensor, b: Tensor) -> Tensor {
    let (shape, storage) = broadcastStorage(a, b, /)
    return Tensor(shape: shape, storage: storage).recording(.divide(a.detached(), b.detached()), a, b)
  }

  public static prefix func - (x: Tensor) -> Tensor {
    Tensor(shape: x.shape, storage: mapStorage(x.detached(), -)).recording(.scale(-1), x)
  }

  // MARK: Scalars

  public static func + (a: Tensor, b: Float) -> Tensor {
    Tensor(shape: a.shape, storage: mapStorage(a.detached()) { $0 + b }).recording(.identity, a)
  }
  public static func + (a: Float, b: Tensor) -> Tensor { b + a }
  public static func - (a: Tensor, b: Float) -> Tensor { a + (-b) }
  public static func - (a: Float, b: Tensor) -> Tensor {
    Tensor(shape: b.shape, storage: mapStorage(b.detached()) { a - $0 }).recording(.scale(-1), b)
  }
  public static func * (a: Tensor, b: Float) -> Tensor {
    Tensor(shape: a.shape, storage: mapStorage(a.detached()) { $0 * b }).recording(.scale(b), a)
  }
  public static func * (a: Float, b: Tensor) -> Tensor { b * a }
  public static func / (a: Tensor, b: Float) -> Tensor {
    Tensor(shape: a.shape, storage: mapStorage(a.detached()) { $0 / b }).recording(.scale(1 / b), a)
  }
  public static func / (a: Float, b: Tensor) -> Tensor {
    Tensor(shape: b.shape, storage: mapStorage(b.detached()) { a / $0 }).recording(.divideScalar(a, b.detached()), b)
  }

  public static func += (a: inout Tensor, b: Tensor) { a = a + b }
  public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
  public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
  public static func *= (a: inout Tensor, b: Float) { a = a * b }
}
