// MARK: - Elementwise kernels
//
// The same branch-free formulas as Tensors' fastExp / fastTanh / fastSigmoid (Kernels.swift), operation for
// operation; contraction into fused multiply-adds is off so the results are bit for bit those of the Swift code on
// every instruction set. Comparisons are written as Swift's min and max are (y < x ? y : x), so NaN propagates.

#include "CKernels.h"
#include "Multiversion.h"

#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

/// Output and input buffers are either the same (in place) or disjoint, never offset: element i is read before
/// it is written, so the loop may be vectorised without the compiler's overlap check, which would otherwise send
/// in-place calls to the scalar loop.
#define SAME_OR_DISJOINT _Pragma("clang loop vectorize(assume_safety)")

static inline __attribute__((always_inline)) float bits_to_float(uint32_t bits) {
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

static inline __attribute__((always_inline)) int32_t float_to_bits(float f) {
  int32_t bits;
  memcpy(&bits, &f, sizeof bits);
  return bits;
}

static inline __attribute__((always_inline)) float swift_min(float x, float y) { return y < x ? y : x; }
static inline __attribute__((always_inline)) float swift_max(float x, float y) { return y >= x ? y : x; }

/// e^x = 2^n (1 + p) with p = expm1(r), x = n ln 2 + r; see exponentParts in Kernels.swift.
static inline __attribute__((always_inline)) void exponent_parts(float x, float *two_to_n, float *p) {
  x = swift_min(swift_max(x, -87.0f), 88.0f);
  const float magic = 12582912.0f;
  float shifted = x * 1.44269504f + magic;
  float n = shifted - magic;
  float r = (x - n * 0.693145751953125f) - n * 1.4286067653301871e-6f;
  int32_t n_bits = (int32_t)((uint32_t)float_to_bits(shifted) - (uint32_t)float_to_bits(magic));
  *two_to_n = bits_to_float((uint32_t)(n_bits + 127) << 23);
  *p = r * (1.0f + r * (0.5f + r * (1.0f / 6.0f + r * (1.0f / 24.0f + r * (1.0f / 120.0f + r * (1.0f / 720.0f
        + r * (1.0f / 5040.0f)))))));
}

static inline __attribute__((always_inline)) float fast_exp(float x) {
  float two_to_n, p;
  exponent_parts(x, &two_to_n, &p);
  float e = two_to_n + two_to_n * p;
  return x < -87.0f ? 0.0f : e;
}

/// tanh(x) as expm1(2x) / (expm1(2x) + 2), with expm1 by fused multiply-adds (as fastTanh in Kernels.swift; the
/// fused operations are exact on every instruction set, so the results still agree bit for bit).
static inline __attribute__((always_inline)) float fast_tanh(float x) {
  float y = 2.0f * swift_min(swift_max(x, -9.0f), 9.0f);
  const float magic = 12582912.0f;
  float shifted = __builtin_fmaf(y, 1.44269504f, magic);
  float n = shifted - magic;
  float r = __builtin_fmaf(n, -0.693145751953125f, y);
  r = __builtin_fmaf(n, -1.4286067653301871e-6f, r);
  int32_t n_bits = (int32_t)((uint32_t)float_to_bits(shifted) - (uint32_t)float_to_bits(magic));
  float two_to_n = bits_to_float((uint32_t)(n_bits + 127) << 23);
  float q = __builtin_fmaf(r, 1.0f / 5040.0f, 1.0f / 720.0f);
  q = __builtin_fmaf(r, q, 1.0f / 120.0f);
  q = __builtin_fmaf(r, q, 1.0f / 24.0f);
  q = __builtin_fmaf(r, q, 1.0f / 6.0f);
  q = __builtin_fmaf(r, q, 0.5f);
  q = __builtin_fmaf(r, q, 1.0f);
  float e = __builtin_fmaf(two_to_n, r * q, two_to_n - 1.0f);
  return e / (e + 2.0f);
}

REIN_MULTIVERSION void rein_tanh(const float *x, float *y, ptrdiff_t n) {
  SAME_OR_DISJOINT
  for (ptrdiff_t i = 0; i < n; i++) y[i] = fast_tanh(x[i]);
}

REIN_MULTIVERSION void rein_exp(const float *x, float *y, ptrdiff_t n) {
  SAME_OR_DISJOINT
  for (ptrdiff_t i = 0; i < n; i++) y[i] = fast_exp(x[i]);
}

REIN_MULTIVERSION void rein_sigmoid(const float *x, float *y, ptrdiff_t n) {
  SAME_OR_DISJOINT
  for (ptrdiff_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + fast_exp(-x[i]));
}

REIN_MULTIVERSION void rein_tanh_backward(const float *dy, const float *y, float *dx, ptrdiff_t n) {
  SAME_OR_DISJOINT
  for (ptrdiff_t i = 0; i < n; i++) dx[i] = dy[i] * (1.0f - y[i] * y[i]);
}

REIN_MULTIVERSION void rein_relu(const float *x, float *y, ptrdiff_t n) {
  SAME_OR_DISJOINT
  for (ptrdiff_t i = 0; i < n; i++) y[i] = swift_max(x[i], 0.0f);
}

REIN_MULTIVERSION void rein_relu_backward(const float *dy, const float *y, float *dx, ptrdiff_t n) {
  SAME_OR_DISJOINT
  for (ptrdiff_t i = 0; i < n; i++) dx[i] = dy[i] * (y[i] > 0.0f ? 1.0f : 0.0f);
}

REIN_MULTIVERSION void rein_sigmoid_backward(const float *dy, const float *y, float *dx, ptrdiff_t n) {
  SAME_OR_DISJOINT
  for (ptrdiff_t i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1.0f - y[i]);
}

REIN_MULTIVERSION void rein_add(const float *a, const float *b, float *y, ptrdiff_t n) {
  SAME_OR_DISJOINT
  for (ptrdiff_t i = 0; i < n; i++) y[i] = a[i] + b[i];
}

// MARK: - Reductions and optimizer steps

REIN_MULTIVERSION void rein_sum_along_axis(const float *x, float *y, ptrdiff_t outer, ptrdiff_t length,
                                           ptrdiff_t inner) {
  if (inner == 1) {
    // Along the last axis: one running sum per row, in a register.
    for (ptrdiff_t o = 0; o < outer; o++) {
      float total = 0.0f;
      for (ptrdiff_t k = 0; k < length; k++) total += x[o * length + k];
      y[o] = total;
    }
    return;
  }
  for (ptrdiff_t o = 0; o < outer; o++) {
    float *restrict out = y + o * inner;
    ptrdiff_t j0 = 0;
    // Blocks of 64 columns summed in registers (a bias gradient: the rows of a batch), then the rest through
    // memory; either way each column is summed in order of k.
    for (; j0 + 64 <= inner; j0 += 64) {
      float sums[64] = {0};
      for (ptrdiff_t k = 0; k < length; k++) {
        const float *restrict row = x + (o * length + k) * inner + j0;
        for (int j = 0; j < 64; j++) sums[j] += row[j];
      }
      for (int j = 0; j < 64; j++) out[j0 + j] = sums[j];
    }
    for (ptrdiff_t j = j0; j < inner; j++) out[j] = 0.0f;
    for (ptrdiff_t k = 0; k < length; k++) {
      const float *restrict row = x + (o * length + k) * inner;
      for (ptrdiff_t j = j0; j < inner; j++) out[j] += row[j];
    }
  }
}

REIN_MULTIVERSION double rein_sum_of_squares(const float *x, ptrdiff_t n) {
  // Eight partial sums so the loop vectorises (strict IEEE order would forbid reassociating one accumulator).
  double partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  ptrdiff_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; j++) partial[j] += (double)x[i + j] * (double)x[i + j];
  }
  double total = 0;
  for (; i < n; i++) total += (double)x[i] * (double)x[i];
  for (int j = 0; j < 8; j++) total += partial[j];
  return total;
}

REIN_MULTIVERSION void rein_scale(float *x, ptrdiff_t n, float factor) {
  for (ptrdiff_t i = 0; i < n; i++) x[i] *= factor;
}

REIN_MULTIVERSION void rein_adam_step(float *restrict w, const float *restrict g, float *restrict m, float *restrict v,
                                      ptrdiff_t n, float beta1, float beta2, float epsilon, float learning_rate,
                                      float weight_decay, bool decoupled, float step_size, float correction2_root) {
  const float keep = 1.0f - learning_rate * weight_decay;
  const float one_minus_beta1 = 1.0f - beta1;
  const float one_minus_beta2 = 1.0f - beta2;
  if (decoupled) {
    for (ptrdiff_t i = 0; i < n; i++) {
      float gi = g[i];
      w[i] *= keep;
      m[i] = beta1 * m[i] + one_minus_beta1 * gi;
      v[i] = beta2 * v[i] + one_minus_beta2 * gi * gi;
      w[i] -= step_size * m[i] / (__builtin_elementwise_sqrt(v[i]) / correction2_root + epsilon);
    }
  } else {
    for (ptrdiff_t i = 0; i < n; i++) {
      float gi = g[i] + weight_decay * w[i];
      m[i] = beta1 * m[i] + one_minus_beta1 * gi;
      v[i] = beta2 * v[i] + one_minus_beta2 * gi * gi;
      w[i] -= step_size * m[i] / (__builtin_elementwise_sqrt(v[i]) / correction2_root + epsilon);
    }
  }
}
