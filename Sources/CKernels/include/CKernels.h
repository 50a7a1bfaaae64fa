// CKernels: the hot loops of Rein's tensor library, in C so that each can be compiled for several instruction sets
// (AVX-512, AVX2 + FMA, baseline) and the best one picked at run time, without unsafe compiler flags.
//
// Every kernel computes exactly what the Swift code it replaces computed: the same formula, the same constants and
// the same treatment of NaN, so results agree up to float rounding (the matrix kernel uses fused multiply-adds when
// the processor has them, as BLAS does).

#ifndef REIN_CKERNELS_H
#define REIN_CKERNELS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Matrix products

/// C = A B (+ C when `accumulate`) for an m x k matrix A and a k x n matrix B, all addressed through strides:
/// A(r, p) = a[r * a_row + p * a_column], B(p, j) = b[p * b_row + j * b_column], C(r, j) = c[r * c_row + j * c_column].
/// When `bias` is not NULL it is added to every row of the result: C(r, j) += bias[j] (bias has n elements).
void rein_gemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t a_row, ptrdiff_t a_column,
               const float *b, ptrdiff_t b_row, ptrdiff_t b_column, float *c, ptrdiff_t c_row, ptrdiff_t c_column,
               const float *bias, bool accumulate);

/// True when rein_gemm is expected to beat the platform's BLAS for an m x k by k x n product (measured on x86-64 with
/// AVX2 or AVX-512; elsewhere BLAS is always preferred).
bool rein_gemm_preferred(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k);

/// The instruction set the kernels run with: "avx512", "avx2" or "baseline".
const char *rein_kernel_isa(void);

// MARK: - Elementwise functions (output and input are the same buffer or disjoint, never partly overlapping)

/// y = tanh(x) via expm1(2x) / (expm1(2x) + 2), as Tensors.fastTanh.
void rein_tanh(const float *x, float *y, ptrdiff_t n);
/// y = exp(x), as Tensors.fastExp.
void rein_exp(const float *x, float *y, ptrdiff_t n);
/// y = 1 / (1 + exp(-x)), as Tensors.fastSigmoid.
void rein_sigmoid(const float *x, float *y, ptrdiff_t n);

/// y = max(x, 0), as Swift.max(x, 0) (NaN propagates).
void rein_relu(const float *x, float *y, ptrdiff_t n);

/// dx = dy * (1 - y * y): the gradient of tanh from its output.
void rein_tanh_backward(const float *dy, const float *y, float *dx, ptrdiff_t n);
/// dx = dy * (y > 0 ? 1 : 0): the gradient of relu from its output.
void rein_relu_backward(const float *dy, const float *y, float *dx, ptrdiff_t n);
/// dx = dy * y * (1 - y): the gradient of the sigmoid from its output.
void rein_sigmoid_backward(const float *dy, const float *y, float *dx, ptrdiff_t n);

/// y = a + b (y may be a or b).
void rein_add(const float *a, const float *b, float *y, ptrdiff_t n);

// MARK: - Reductions and optimizer steps

/// y[o, j] = Σ_k x[o, k, j] for x viewed as outer x length x inner (sums in order of k, as the Swift loop did).
void rein_sum_along_axis(const float *x, float *y, ptrdiff_t outer, ptrdiff_t length, ptrdiff_t inner);

/// Σ x² accumulated in double precision.
double rein_sum_of_squares(const float *x, ptrdiff_t n);
/// x *= factor.
void rein_scale(float *x, ptrdiff_t n, float factor);

/// One Adam step on n parameters, as NeuralNetworks.Adam computes it (decoupled: AdamW's decay).
void rein_adam_step(float *w, const float *g, float *m, float *v, ptrdiff_t n, float beta1, float beta2,
                    float epsilon, float learning_rate, float weight_decay, bool decoupled, float step_size,
                    float correction2_root);

// MARK: - Buffers

/// A buffer of at least `bytes` bytes (never NULL: aborts when memory is exhausted); `capacity` receives its real
/// size, which must be passed back to rein_buffer_release. Large buffers are recycled through a bounded pool.
void *rein_buffer_allocate(size_t bytes, size_t *capacity);
/// Returns a buffer from rein_buffer_allocate.
void rein_buffer_release(void *buffer, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif
