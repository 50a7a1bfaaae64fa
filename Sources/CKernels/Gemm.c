// MARK: - Small matrix products
//
// A register-blocked kernel for the matrix sizes of reinforcement learning (batches of 1 to a few thousand rows,
// layers of 1 to a few hundred units), where BLAS spends much of its time on call overhead and packing. B is packed
// into rows of 16-float vectors (zero-padded); a tile of R rows x NV vectors of C is held in registers while the
// k products are accumulated: per step, NV vector loads of B, R broadcasts of A and R x NV multiply-adds.
// Each instruction set gets its own tile (what fits its vector registers) and the best one is chosen at run time.

#include "CKernels.h"
#include "Multiversion.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#pragma clang fp contract(fast)

typedef float v16 __attribute__((ext_vector_type(16)));

#define LANES 16
#define INLINE static inline __attribute__((always_inline))

/// The same vector with float alignment, for unaligned loads and stores (macros rather than functions: passing
/// 64-byte vectors by value would depend on the calling convention of each instruction set).
typedef float v16u __attribute__((ext_vector_type(16), aligned(4)));
#define LOAD16(p) (*(const v16u *)(p))
#define STORE16(p, v) (*(v16u *)(p) = (v))

typedef float v8 __attribute__((ext_vector_type(8)));
typedef float v4 __attribute__((ext_vector_type(4)));

/// The sum of a vector's lanes, by halving.
#define REDUCE16(v)                                                                                    \
  __extension__({                                                                                      \
    v16 whole_ = (v);                                                                                  \
    v8 half_ = __builtin_shufflevector(whole_, whole_, 0, 1, 2, 3, 4, 5, 6, 7)                         \
               + __builtin_shufflevector(whole_, whole_, 8, 9, 10, 11, 12, 13, 14, 15);                \
    v4 quarter_ = __builtin_shufflevector(half_, half_, 0, 1, 2, 3) + __builtin_shufflevector(half_, half_, 4, 5, 6, 7); \
    (quarter_[0] + quarter_[2]) + (quarter_[1] + quarter_[3]);                                          \
  })

/// The operands of one product, B already packed (k rows of `ldp` floats, ldp a multiple of 16).
typedef struct {
  ptrdiff_t k;
  const float *a;
  ptrdiff_t a_row, a_column;
  const float *bp;
  ptrdiff_t ldp;
  float *c;
  ptrdiff_t c_row, c_column;
  const float *bias;
  bool accumulate;
} Operands;

/// C rows [r0, r0 + R), columns [j0, j0 + columns) with columns <= NV * 16. R and NV are constants at every call
/// site, so after inlining the accumulators live in registers.
INLINE void tile(const int R, const int NV, const Operands *o, ptrdiff_t r0, ptrdiff_t j0, ptrdiff_t columns) {
  v16 acc[8][4];
  for (int i = 0; i < R; i++)
    for (int v = 0; v < NV; v++) acc[i][v] = (v16)0.0f;
  const float *a = o->a + r0 * o->a_row;
  const float *bp = o->bp + j0;
  const ptrdiff_t k = o->k, a_row = o->a_row, a_column = o->a_column, ldp = o->ldp;
  for (ptrdiff_t p = 0; p < k; p++) {
    v16 b[4];
    for (int v = 0; v < NV; v++) b[v] = LOAD16(bp + p * ldp + v * LANES);
    for (int i = 0; i < R; i++) {
      v16 s = (v16)a[i * a_row + p * a_column];
      for (int v = 0; v < NV; v++) acc[i][v] += s * b[v];
    }
  }
  if (o->c_column == 1 && columns == NV * LANES) {
    // Whole vectors into contiguous rows: the common case, kept free of per-element branches.
    v16 bias[4];
    for (int v = 0; v < NV; v++) bias[v] = o->bias ? LOAD16(o->bias + j0 + v * LANES) : (v16)0.0f;
    for (int i = 0; i < R; i++) {
      float *c = o->c + (r0 + i) * o->c_row + j0;
      for (int v = 0; v < NV; v++) {
        v16 out = o->bias ? acc[i][v] + bias[v] : acc[i][v];
        if (o->accumulate) out += LOAD16(c + v * LANES);
        STORE16(c + v * LANES, out);
      }
    }
    return;
  }
  for (int i = 0; i < R; i++) {
    float *c = o->c + (r0 + i) * o->c_row + j0 * o->c_column;
    for (int v = 0; v < NV; v++) {
      ptrdiff_t valid = columns - v * LANES;
      if (valid <= 0) break;
      v16 out = acc[i][v];
      if (valid >= LANES && o->c_column == 1) {
        if (o->bias) out += LOAD16(o->bias + j0 + v * LANES);
        if (o->accumulate) out += LOAD16(c + v * LANES);
        STORE16(c + v * LANES, out);
      } else {
        // A partial vector or a strided row: lane by lane. The accumulating and the overwriting loops are kept
        // apart so that the compiler never reads C (uninitialised, possibly subnormal garbage) when overwriting.
        float lanes[LANES];
        STORE16(lanes, out);
        ptrdiff_t count = valid < LANES ? valid : LANES;
        const float *bias = o->bias ? o->bias + j0 + v * LANES : NULL;
        float *target = c + v * LANES * o->c_column;
        ptrdiff_t step = o->c_column;
        if (bias)
          for (ptrdiff_t l = 0; l < count; l++) lanes[l] += bias[l];
        if (o->accumulate) {
          for (ptrdiff_t l = 0; l < count; l++) target[l * step] += lanes[l];
        } else {
          for (ptrdiff_t l = 0; l < count; l++) target[l * step] = lanes[l];
        }
      }
    }
  }
}

/// Dispatches a tile of `rows` (1 ... RMAX) rows and `nv` (1 ... 4) vectors to its specialised instance.
#define TILE_NV(R, nv, o, r0, j0, columns)          \
  switch (nv) {                                     \
  case 1: tile(R, 1, o, r0, j0, columns); break;    \
  case 2: tile(R, 2, o, r0, j0, columns); break;    \
  case 3: tile(R, 3, o, r0, j0, columns); break;    \
  default: tile(R, 4, o, r0, j0, columns); break;   \
  }

/// The whole product for one instruction set: column blocks of CB vectors, row blocks of RMAX rows.
#define DEFINE_PRODUCT(NAME, ATTRIBUTES, RMAX, CB)                                                        \
  ATTRIBUTES static void NAME(const Operands *o, ptrdiff_t m, ptrdiff_t n) {                              \
    for (ptrdiff_t j0 = 0; j0 < n; j0 += CB * LANES) {                                                    \
      ptrdiff_t columns = n - j0 < CB * LANES ? n - j0 : CB * LANES;                                       \
      int nv = (int)((columns + LANES - 1) / LANES);                                                       \
      ptrdiff_t r0 = 0;                                                                                    \
      for (; r0 + RMAX <= m; r0 += RMAX) { TILE_NV(RMAX, nv, o, r0, j0, columns) }                         \
      switch (m - r0) {                                                                                    \
      case 0: break;                                                                                       \
      case 1: TILE_NV(1, nv, o, r0, j0, columns) break;                                                    \
      case 2: TILE_NV((RMAX > 2 ? 2 : 1), nv, o, r0, j0, columns) break;                                   \
      case 3: TILE_NV((RMAX > 3 ? 3 : 1), nv, o, r0, j0, columns) break;                                   \
      case 4: TILE_NV((RMAX > 4 ? 4 : 1), nv, o, r0, j0, columns) break;                                   \
      case 5: TILE_NV((RMAX > 5 ? 5 : 1), nv, o, r0, j0, columns) break;                                   \
      case 6: TILE_NV((RMAX > 6 ? 6 : 1), nv, o, r0, j0, columns) break;                                   \
      default: TILE_NV((RMAX > 7 ? 7 : 1), nv, o, r0, j0, columns) break;                                  \
      }                                                                                                    \
    }                                                                                                      \
  }

/// Products whose B is stored transposed (B(p, j) = b[j * b_column + p]) and whose A rows are contiguous, with few
/// columns: each result is a dot product of two contiguous rows, vectorised along k, four rows of A at a time.
#define DEFINE_DOTS(NAME, ATTRIBUTES)                                                                        \
  ATTRIBUTES static void NAME(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t a_row,     \
                              const float *b, ptrdiff_t b_column, float *c, ptrdiff_t c_row,               \
                              ptrdiff_t c_column, const float *bias, bool accumulate) {                    \
    ptrdiff_t whole = k / LANES * LANES;                                                                   \
    for (ptrdiff_t r0 = 0; r0 < m; r0 += 4) {                                                              \
      int rows = m - r0 < 4 ? (int)(m - r0) : 4;                                                           \
      ptrdiff_t first = 0;                                                                                 \
      if (rows == 1 && whole > 0) {                                                                        \
        /* One row (one observation): 16 dot products at a time, reduced together by transposing their */ \
        /* 16 partial-sum vectors and adding the rows, instead of reducing each vector on its own. */      \
        const float *ai = a + r0 * a_row;                                                                  \
        for (; first + LANES <= n; first += LANES) {                                                       \
          v16 sums[16];                                                                                    \
          for (int t = 0; t < 16; t++) sums[t] = (v16)0.0f;                                                \
          for (ptrdiff_t p = 0; p < whole; p += LANES) {                                                   \
            v16 xv = LOAD16(ai + p);                                                                       \
            for (int t = 0; t < 16; t++) sums[t] += xv * LOAD16(b + (first + t) * b_column + p);           \
          }                                                                                                \
          TRANSPOSE_STAGE(sums, 8, TRANSPOSE_LOW_8)                                                        \
          TRANSPOSE_STAGE(sums, 4, TRANSPOSE_LOW_4)                                                        \
          TRANSPOSE_STAGE(sums, 2, TRANSPOSE_LOW_2)                                                        \
          TRANSPOSE_STAGE(sums, 1, TRANSPOSE_LOW_1)                                                        \
          v16 total = sums[0];                                                                             \
          for (int t = 1; t < 16; t++) total += sums[t];                                                   \
          float lanes[LANES];                                                                              \
          STORE16(lanes, total);                                                                           \
          for (int l = 0; l < LANES; l++) {                                                                \
            const float *bj = b + (first + l) * b_column;                                                  \
            float value = lanes[l];                                                                        \
            for (ptrdiff_t p = whole; p < k; p++) value += ai[p] * bj[p];                                  \
            if (bias) value += bias[first + l];                                                            \
            float *target = c + r0 * c_row + (first + l) * c_column;                                       \
            *target = accumulate ? *target + value : value;                                                \
          }                                                                                                \
        }                                                                                                  \
      }                                                                                                    \
      for (ptrdiff_t j = first; j < n; j++) {                                                              \
        const float *bj = b + j * b_column;                                                                \
        v16 acc[4] = {(v16)0.0f, (v16)0.0f, (v16)0.0f, (v16)0.0f};                                         \
        for (ptrdiff_t p = 0; p < whole; p += LANES) {                                                     \
          v16 bv = LOAD16(bj + p);                                                                         \
          for (int i = 0; i < 4; i++)                                                                      \
            if (i < rows) acc[i] += LOAD16(a + (r0 + i) * a_row + p) * bv;                                 \
        }                                                                                                  \
        for (int i = 0; i < rows; i++) {                                                                   \
          const float *ai = a + (r0 + i) * a_row;                                                          \
          float value = whole > 0 ? REDUCE16(acc[i]) : 0.0f;                                                  \
          for (ptrdiff_t p = whole; p < k; p++) value += ai[p] * bj[p];                                    \
          if (bias) value += bias[j];                                                                      \
          float *target = c + (r0 + i) * c_row + j * c_column;                                             \
          *target = accumulate ? *target + value : value;                                                  \
        }                                                                                                  \
      }                                                                                                    \
    }                                                                                                      \
  }

/// One butterfly stage of a 16 x 16 transpose: rows i and i + D (for i with bit D clear) exchange blocks of D lanes.
#define TRANSPOSE_STAGE(rows, D, ...)                                                                     \
  for (int i = 0; i < 16; i++) {                                                                         \
    if (i & D) continue;                                                                                  \
    v16 a_ = rows[i], b_ = rows[i + D];                                                                   \
    rows[i] = __builtin_shufflevector(a_, b_, __VA_ARGS__);                                               \
    rows[i + D] = __builtin_shufflevector(a_, b_, TRANSPOSE_HIGH_##D);                                    \
  }
#define TRANSPOSE_LOW_8 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23
#define TRANSPOSE_HIGH_8 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31
#define TRANSPOSE_LOW_4 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27
#define TRANSPOSE_HIGH_4 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31
#define TRANSPOSE_LOW_2 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29
#define TRANSPOSE_HIGH_2 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31
#define TRANSPOSE_LOW_1 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30
#define TRANSPOSE_HIGH_1 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31

/// Packs a B stored transposed (B(p, j) = b[j * b_column + p], a weight matrix in x Wᵀ) into k rows of ldp floats:
/// whole 16 x 16 blocks by vector shuffles (four butterfly stages), the edges element by element.
#define DEFINE_TRANSPOSE(NAME, ATTRIBUTES)                                                                \
  ATTRIBUTES static void NAME(const float *b, ptrdiff_t b_column, ptrdiff_t k, ptrdiff_t n, float *packed, \
                              ptrdiff_t ldp) {                                                             \
    ptrdiff_t k16 = k / LANES * LANES, n16 = n / LANES * LANES;                                           \
    for (ptrdiff_t j0 = 0; j0 < n16; j0 += LANES) {                                                       \
      for (ptrdiff_t p0 = 0; p0 < k16; p0 += LANES) {                                                     \
        v16 rows[16];                                                                                     \
        for (int i = 0; i < 16; i++) rows[i] = LOAD16(b + (j0 + i) * b_column + p0);                      \
        TRANSPOSE_STAGE(rows, 8, TRANSPOSE_LOW_8)                                                         \
        TRANSPOSE_STAGE(rows, 4, TRANSPOSE_LOW_4)                                                         \
        TRANSPOSE_STAGE(rows, 2, TRANSPOSE_LOW_2)                                                         \
        TRANSPOSE_STAGE(rows, 1, TRANSPOSE_LOW_1)                                                         \
        for (int i = 0; i < 16; i++) STORE16(packed + (p0 + i) * ldp + j0, rows[i]);                      \
      }                                                                                                   \
      for (ptrdiff_t j = j0; j < j0 + LANES; j++)                                                         \
        for (ptrdiff_t p = k16; p < k; p++) packed[p * ldp + j] = b[j * b_column + p];                    \
    }                                                                                                     \
    for (ptrdiff_t j = n16; j < n; j++)                                                                   \
      for (ptrdiff_t p = 0; p < k; p++) packed[p * ldp + j] = b[j * b_column + p];                        \
  }

#if REIN_X86_DISPATCH
// AVX-512: 32 vector registers of 16 floats: 6 x 4 accumulators, 4 of B, 1 broadcast.
#define AVX512_ATTRIBUTES __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,fma,avx2")))
DEFINE_PRODUCT(product_avx512, AVX512_ATTRIBUTES, 6, 4)
DEFINE_DOTS(dots_avx512, AVX512_ATTRIBUTES)
DEFINE_TRANSPOSE(transpose_avx512, AVX512_ATTRIBUTES)
// AVX2: 16 registers of 8 floats (a 16-float vector takes two): 6 x 1 accumulators, 1 of B, 1 broadcast.
DEFINE_PRODUCT(product_avx2, __attribute__((target("avx2,fma"))), 6, 1)
DEFINE_DOTS(dots_avx2, __attribute__((target("avx2,fma"))))
DEFINE_TRANSPOSE(transpose_avx2, __attribute__((target("avx2,fma"))))
// SSE2: 16 registers of 4 floats: 2 x 1 accumulators (8 registers), 1 of B (4), 1 broadcast.
DEFINE_PRODUCT(product_baseline, , 2, 1)
DEFINE_DOTS(dots_baseline, )
DEFINE_TRANSPOSE(transpose_baseline, )
#elif defined(__aarch64__)
// NEON: 32 registers of 4 floats: 6 x 1 accumulators (24), 1 of B (4), 1 broadcast.
DEFINE_PRODUCT(product_baseline, , 6, 1)
DEFINE_DOTS(dots_baseline, )
DEFINE_TRANSPOSE(transpose_baseline, )
#else
DEFINE_PRODUCT(product_baseline, , 2, 1)
DEFINE_DOTS(dots_baseline, )
DEFINE_TRANSPOSE(transpose_baseline, )
#endif

// MARK: - Dispatch

enum { ISA_UNKNOWN = 0, ISA_BASELINE, ISA_AVX2, ISA_AVX512 };

static int detect_isa(void) {
#if REIN_X86_DISPATCH
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
      && __builtin_cpu_supports("avx512bw"))
    return ISA_AVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return ISA_AVX2;
#endif
  return ISA_BASELINE;
}

static int current_isa(void) {
  static int isa = ISA_UNKNOWN;  // computed once; a race only writes the same value twice
  int value = __atomic_load_n(&isa, __ATOMIC_RELAXED);
  if (value == ISA_UNKNOWN) {
    value = detect_isa();
    __atomic_store_n(&isa, value, __ATOMIC_RELAXED);
  }
  return value;
}

const char *rein_kernel_isa(void) {
  switch (current_isa()) {
  case ISA_AVX512: return "avx512";
  case ISA_AVX2: return "avx2";
  default: return "baseline";
  }
}

/// REIN_GEMM=blas in the environment sends every product to BLAS (to compare the two in benchmarks).
static bool blas_forced(void) {
  static int forced = -1;
  int value = __atomic_load_n(&forced, __ATOMIC_RELAXED);
  if (value < 0) {
    const char *setting = getenv("REIN_GEMM");
    value = setting && strcmp(setting, "blas") == 0;
    __atomic_store_n(&forced, value, __ATOMIC_RELAXED);
  }
  return value;
}

bool rein_gemm_preferred(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k) {
  (void)m, (void)n, (void)k;
  int isa = current_isa();
  return (isa == ISA_AVX512 || isa == ISA_AVX2) && !blas_forced();
}

static void run_product(const Operands *o, ptrdiff_t m, ptrdiff_t n) {
#if REIN_X86_DISPATCH
  switch (current_isa()) {
  case ISA_AVX512: product_avx512(o, m, n); return;
  case ISA_AVX2: product_avx2(o, m, n); return;
  default: break;
  }
#endif
  product_baseline(o, m, n);
}

static void run_transpose(const float *b, ptrdiff_t b_column, ptrdiff_t k, ptrdiff_t n, float *packed,
                          ptrdiff_t ldp) {
#if REIN_X86_DISPATCH
  switch (current_isa()) {
  case ISA_AVX512: transpose_avx512(b, b_column, k, n, packed, ldp); return;
  case ISA_AVX2: transpose_avx2(b, b_column, k, n, packed, ldp); return;
  default: break;
  }
#endif
  transpose_baseline(b, b_column, k, n, packed, ldp);
}

static void run_dots(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t a_row, const float *b,
                     ptrdiff_t b_column, float *c, ptrdiff_t c_row, ptrdiff_t c_column, const float *bias,
                     bool accumulate) {
#if REIN_X86_DISPATCH
  switch (current_isa()) {
  case ISA_AVX512: dots_avx512(m, n, k, a, a_row, b, b_column, c, c_row, c_column, bias, accumulate); return;
  case ISA_AVX2: dots_avx2(m, n, k, a, a_row, b, b_column, c, c_row, c_column, bias, accumulate); return;
  default: break;
  }
#endif
  dots_baseline(m, n, k, a, a_row, b, b_column, c, c_row, c_column, bias, accumulate);
}

// MARK: - Entry point

/// Packed B panels up to this many floats live on the stack (32 KiB); larger ones are allocated.
#define STACK_PANEL_FLOATS 8192

void rein_gemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t a_row, ptrdiff_t a_column,
               const float *b, ptrdiff_t b_row, ptrdiff_t b_column, float *c, ptrdiff_t c_row, ptrdiff_t c_column,
               const float *bias, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  // A result with few columns but many rows (a network's head on a batch, the gradient of a narrow input layer)
  // would fill only some lanes of each vector. When A's rows and Bᵀ's rows are contiguous (x Wᵀ), each result is a
  // dot product along k; when A's columns are contiguous (dyᵀ x), the product is computed transposed, Cᵀ = Bᵀ Aᵀ, so
  // that vectors run along the longer side (the bias then runs down the columns, so it is added to C first).
  // The same dot products serve x Wᵀ for a single row (one observation), where packing Wᵀ would cost more than the
  // product; from two rows on, packing wins (`rein-bench kernels.linear-2x64x64`, `kernels.linear-8x64x64`).
  // Tiny products (one observation through a narrow first layer) are done the same way, lane by lane.
  if (a_column == 1 && b_row == 1
      && ((k >= LANES && ((n < LANES && m > n) || m <= 1)) || m * n * k <= 1024)) {
    run_dots(m, n, k, a, a_row, b, b_column, c, c_row, c_column, bias, accumulate);
    return;
  }
  if (n < LANES && m > n && a_row == 1) {
    if (bias) {
      for (ptrdiff_t r = 0; r < m; r++)
        for (ptrdiff_t j = 0; j < n; j++) {
          float *target = c + r * c_row + j * c_column;
          *target = accumulate ? *target + bias[j] : bias[j];
        }
      accumulate = true;
      bias = NULL;
    }
    rein_gemm(n, m, k, b, b_column, b_row, a, a_column, a_row, c, c_column, c_row, NULL, accumulate);
    return;
  }
  if (k <= 0) {
    for (ptrdiff_t r = 0; r < m; r++)
      for (ptrdiff_t j = 0; j < n; j++) {
        float *target = c + r * c_row + j * c_column;
        float value = bias ? bias[j] : 0.0f;
        *target = accumulate ? *target + value : value;
      }
    return;
  }
  Operands o = {k, a, a_row, a_column, b, b_row, c, c_row, c_column, bias, accumulate};
  float stack_panel[STACK_PANEL_FLOATS] __attribute__((aligned(64)));
  float *panel = NULL;
  if (!(b_column == 1 && n % LANES == 0)) {
    // Pack B into k rows of ldp floats, zero-padded to whole vectors.
    ptrdiff_t ldp = (n + LANES - 1) / LANES * LANES;
    float *packed = stack_panel;
    if (k * ldp > STACK_PANEL_FLOATS) {
      panel = malloc((size_t)(k * ldp) * sizeof(float));
      if (!panel) abort();
      packed = panel;
    }
    if (b_column == 1) {
      for (ptrdiff_t p = 0; p < k; p++) {
        memcpy(packed + p * ldp, b + p * b_row, (size_t)n * sizeof(float));
        memset(packed + p * ldp + n, 0, (size_t)(ldp - n) * sizeof(float));
      }
    } else {
      if (ldp > n)
        for (ptrdiff_t p = 0; p < k; p++) memset(packed + p * ldp + n, 0, (size_t)(ldp - n) * sizeof(float));
      if (b_row == 1) {
        run_transpose(b, b_column, k, n, packed, ldp);
      } else {
        for (ptrdiff_t j = 0; j < n; j++)
          for (ptrdiff_t p = 0; p < k; p++) packed[p * ldp + j] = b[p * b_row + j * b_column];
      }
    }
    o.bp = packed;
    o.ldp = ldp;
  }
  run_product(&o, m, n);
  free(panel);
}
