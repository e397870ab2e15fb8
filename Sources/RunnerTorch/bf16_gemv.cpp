// The few-row bfloat16 product (bf16_gemv.h): per group of 4 output rows, 32 inputs a step,
// vdpbf16ps into float32 lanes, then one horizontal sum per output.
#include "bf16_gemv.h"

#include <immintrin.h>

#include <c10/util/Exception.h>

#include <algorithm>

#include "parallel.h"
#include "vector_math.h"

#define BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

bool bf16_gemv_available() {
    static const bool available = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512bf16");
    }();
    return available;
}

namespace {

inline __mmask32 first_pairs(int64_t n) { return n >= 32 ? (__mmask32)0xFFFFFFFF : (__mmask32)((1ull << n) - 1); }

BF16 inline __m512bh load32(const c10::BFloat16 *p, __mmask32 lanes) { return (__m512bh)_mm512_maskz_loadu_epi16(lanes, p); }

/// Output rows [n, n + N) for R activation rows: N x R accumulators, each weight load used R times.
/// Whole steps of 32 inputs load unmasked; only the last partial step is masked (zeros
/// beyond `in`), so the sums are the same as an all-masked loop's.
template <int R, int N>
BF16 void outputs(const c10::BFloat16 *x, const c10::BFloat16 *weight, int64_t n, int64_t out, int64_t in, const c10::BFloat16 *bias,
                  void *y, bool bf16_out) {
    __m512 acc[R][N];
    for (int r = 0; r < R; r++)
        for (int j = 0; j < N; j++) acc[r][j] = _mm512_setzero_ps();
    const char *ahead = reinterpret_cast<const char *>(weight + n * in) + vec::prefetch_bytes;
    auto step = [&](int64_t k, __mmask32 lanes, bool prefetch) BF16 {
        __m512bh xs[R];
        for (int r = 0; r < R; r++) xs[r] = load32(x + r * in + k, lanes);
        for (int j = 0; j < N; j++) {
            // One 64-byte line a step and row: 32 bfloat16 inputs.
            if (prefetch) _mm_prefetch(ahead + (j * in + k) * 2, _MM_HINT_T0);
            const __m512bh w = load32(weight + (n + j) * in + k, lanes);
            for (int r = 0; r < R; r++) acc[r][j] = _mm512_dpbf16_ps(acc[r][j], w, xs[r]);
        }
    };
    int64_t k = 0;
    for (; k + 32 <= in; k += 32) step(k, (__mmask32)0xFFFFFFFF, true);
    if (k < in) step(k, first_pairs(in - k), false);
    for (int r = 0; r < R; r++) {
        for (int j = 0; j < N; j++) {
            float v = _mm512_reduce_add_ps(acc[r][j]);
            if (bias) v += (float)bias[n + j];
            if (bf16_out) static_cast<c10::BFloat16 *>(y)[r * out + n + j] = c10::BFloat16(v);
            else static_cast<float *>(y)[r * out + n + j] = v;
        }
    }
}

template <int R>
void output_range(const c10::BFloat16 *x, const c10::BFloat16 *weight, int64_t n0, int64_t n1, int64_t out, int64_t in,
                  const c10::BFloat16 *bias, void *y, bool bf16_out) {
    int64_t n = n0;
    for (; n + 4 <= n1; n += 4) outputs<R, 4>(x, weight, n, out, in, bias, y, bf16_out);
    for (; n < n1; n++) outputs<R, 1>(x, weight, n, out, in, bias, y, bf16_out);
}

}  // namespace

void bf16_gemv(const c10::BFloat16 *x, int64_t rows, const c10::BFloat16 *weight, int64_t out, int64_t in,
               const c10::BFloat16 *bias, void *y, bool bf16_out) {
    TORCH_CHECK(rows >= 1 && rows <= 3, "bf16_gemv: 1 to 3 rows, not ", rows);
    // Output rows split across threads: with the prefetch, two cores read the weights at about
    // 38 GB/s against 24 for one (scratch benchmark of SmolLM2's products).
    const int64_t groups = (out + 3) / 4;
    auto range = [&](int64_t g0, int64_t g1) {
        const int64_t n0 = g0 * 4, n1 = std::min(out, g1 * 4);
        if (rows == 1) output_range<1>(x, weight, n0, n1, out, in, bias, y, bf16_out);
        else if (rows == 2) output_range<2>(x, weight, n0, n1, out, in, bias, y, bf16_out);
        else output_range<3>(x, weight, n0, n1, out, in, bias, y, bf16_out);
    };
    parallel_ranges(groups, 16, range);
}
