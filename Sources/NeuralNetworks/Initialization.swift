import Foundation

// MARK: - Weight initialisation

/// How a `Linear` layer's parameters start.
public enum Initialization: Sendable, Equatable {
  /// PyTorch's default: weight and bias uniform in ±1/sqrt(inputs) (Kaiming-uniform with a = sqrt 5).
  case pytorchDefault
  /// An orthogonal weight matrix scaled by `gain`, zero bias (as SB3 and CleanRL initialise policies).
  case orthogonal(gain: Float)

  /// The gain SB3 uses for hidden layers, sqrt 2.
  public static let hiddenGain: Float = Float(2).squareRoot()
}

extension Tensor {
  /// A [rows, columns] matrix whose rows (if rows <= columns) or columns are orthonormal, times `gain`.
  ///
  /// Orthonormalises a Gaussian matrix by modified Gram–Schmidt in double precision, which gives the Q factor of
  /// its QR decomposition with a positive diagonal of R, the distribution PyTorch's `orthogonal_` samples.
  ///
  /// - Parameters:
  ///   - rows: The number of rows.
  ///   - columns: The number of columns.
  ///   - gain: The factor applied to the orthonormal matrix (SB3: sqrt 2 for hidden layers, 0.01 for policy heads, 1
  ///     for value heads).
  ///   - generator: Supplies the rows × columns normal draws.
  public static func orthogonal(
    rows: Int, columns: Int, gain: Float = 1, using generator: inout RandomGenerator
  )
    -> Tensor
  {
    let tall = rows >= columns
    let (r, c) = tall ? (rows, columns) : (columns, rows)
    // Columns of an r x c Gaussian matrix, each of length r.
    var q = (0..<c).map { _ in (0..<r).map { _ in generator.nextNormal() } }
    for j in 0..<c {
      for i in 0..<j {
        let projection = zip(q[i], q[j]).reduce(0) { $0 + $1.0 * $1.1 }
        for k in 0..<r { q[j][k] -= projection * q[i][k] }
      }
      let norm = q[j].reduce(0) { $0 + $1 * $1 }.squareRoot()
      for k in 0..<r { q[j][k] /= norm }
    }
    return Tensor(shape: [rows, columns]) { flat in
      let (row, column) = (flat / columns, flat % columns)
      // Tall: entry (row, column) is column `column` of Q; wide: the transpose.
      return gain * Float(tall ? q[column][row] : q[row][column])
    }
  }
}
