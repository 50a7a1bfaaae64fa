import NeuralNetworks

// MARK: - PPO's clipped surrogate objective, in one operation

/// PPO's clipped surrogate loss on a minibatch (Schulman et al. 2017, eq. 7):
///
///     -mean(min(r A, clamp(r, 1 - ε, 1 + ε) A)),  r = exp(log π(a|s) - log π_old(a|s))
///
/// computed in one pass and recorded as one operation instead of eight, with the same values and gradients as
/// writing it out with tensor operations. Also returns the ratios r and their logarithms (not differentiated), from
/// which PPO's diagnostics (clip fraction, approximate KL) are computed.
///
/// - Parameters:
///   - logProbabilities: log π(a | s) of the minibatch under the current policy, [batch]; the loss is differentiated
///     through it.
///   - oldLogProbabilities: log π_old(a | s) stored at collection, [batch]; not differentiated.
///   - advantages: The (possibly normalised) advantages, [batch].
///   - clipRange: ε: ratios are clipped to [1 - ε, 1 + ε].
/// - Returns: The scalar loss, and the ratios r and log r per sample, [batch], both detached.
public func clippedSurrogateLoss(
  logProbabilities: Tensor, oldLogProbabilities: Tensor, advantages: Tensor, clipRange: Float
) -> (loss: Tensor, ratios: Tensor, logRatios: Tensor) {
  precondition(
    logProbabilities.shape == oldLogProbabilities.shape && logProbabilities.shape == advantages.shape
      && logProbabilities.rank == 1,
    "clippedSurrogateLoss: log-probabilities \(logProbabilities.shape), old ones \(oldLogProbabilities.shape) and "
      + "advantages \(advantages.shape) must be vectors of one length")
  let logRatios = logProbabilities.detached() - oldLogProbabilities
  let ratios = exp(logRatios)
  let n = ratios.count
  let (low, high) = (1 - clipRange, 1 + clipRange)
  var total: Float = 0
  // Per sample, the derivative of its surrogate term with respect to r: A where the unclipped term is the
  // minimum (ties included), A inside the clip range otherwise, 0 where clipping holds r fixed.
  var slopes = [Float](repeating: 0, count: n)
  ratios.withUnsafeBufferPointer { r in
    advantages.withUnsafeBufferPointer { a in
      for i in 0..<n {
        let unclipped = r[i] * a[i]
        let clipped = Swift.min(Swift.max(r[i], low), high) * a[i]
        if clipped < unclipped {
          total += clipped
          slopes[i] = r[i] >= low && r[i] <= high ? a[i] : 0
        } else {
          total += unclipped
          slopes[i] = a[i]
        }
      }
    }
  }
  let loss = Tensor(-(total / Float(Swift.max(n, 1))))
  let rule = ClippedSurrogateGradient(ratios: ratios, slopes: slopes)
  return (loss.recorded(by: rule, inputs: [logProbabilities]), ratios, logRatios)
}

/// d loss / d log π_i = -(g / n) · slope_i · r_i, since dr / d log π = r.
private struct ClippedSurrogateGradient: GradientRule {
  let ratios: Tensor
  let slopes: [Float]

  func inputGradients(outputGradient: Tensor) -> [Tensor?] {
    let n = ratios.count
    let scale = -outputGradient.item / Float(Swift.max(n, 1))
    let gradient = ratios.withUnsafeBufferPointer { r in
      Tensor(shape: [n]) { i in scale * slopes[i] * r[i] }
    }
    return [gradient]
  }
}
