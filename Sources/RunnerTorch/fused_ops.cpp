// The fused elementwise steps (fused_ops.h). Loops over contiguous rows, templated on the
// element type, AVX-512 where the CPU has it, parts of the rows on each thread; float32
// arithmetic throughout, rounded to bfloat16 where libtorch would.
#include "fused_ops.h"

#include <cmath>
#include <cstring>
#include <type_traits>

#include "parallel.h"
#include "vector_math.h"

using torch::Tensor;

namespace {

inline float widen(float v) { return v; }
inline float widen(c10::BFloat16 v) { return (float)v; }

/// The element type's rounding of a float32 result (nearest even for bfloat16, as libtorch).
template <typename T> inline float rounded(float v) { return (float)(T)v; }
template <> inline float rounded<float>(float v) { return v; }

template <typename T>
void rms_norm_rows(const T *x, const T *weight, T *out, int64_t rows, int64_t width, double eps) {
    for (int64_t r = 0; r < rows; r++) {
        const T *row = x + r * width;
        double squares = 0;
        for (int64_t i = 0; i < width; i++) squares += (double)widen(row[i]) * widen(row[i]);
        const float inverse = 1.0f / std::sqrt((float)(squares / width) + (float)eps);
        for (int64_t i = 0; i < width; i++) out[r * width + i] = (T)(rounded<T>(widen(row[i]) * inverse) * widen(weight[i]));
    }
}

template <typename T>
void rope_rows(T *qkv, const int64_t *positions, const T *cos, const T *sin, int64_t rows, int64_t width, int64_t heads, int64_t head_dim) {
    const int64_t half = head_dim / 2;
    for (int64_t r = 0; r < rows; r++) {
        const T *c = cos + positions[r] * head_dim, *s = sin + positions[r] * head_dim;
        for (int64_t h = 0; h < heads; h++) {
            T *x = qkv + r * width + h * head_dim;
            for (int64_t i = 0; i < half; i++) {
                const float x1 = widen(x[i]), x2 = widen(x[i + half]);
                // x * cos + rotate_half(x) * sin, where rotate_half(x) = (-x2, x1)
                const float first = rounded<T>(x1 * widen(c[i])) + rounded<T>(-x2 * widen(s[i]));
                const float second = rounded<T>(x2 * widen(c[i + half])) + rounded<T>(x1 * widen(s[i + half]));
                x[i] = (T)first;
                x[i + half] = (T)second;
            }
        }
    }
}

template <typename T>
void silu_mul_rows(const T *gate_up, T *out, int64_t rows, int64_t inner) {
    for (int64_t r = 0; r < rows; r++) {
        const T *gate = gate_up + r * 2 * inner, *up = gate + inner;
        for (int64_t i = 0; i < inner; i++) {
            const float g = widen(gate[i]);
            out[r * inner + i] = (T)(rounded<T>(g / (1.0f + std::exp(-g))) * widen(up[i]));
        }
    }
}

/// RMSNorm 16 lanes at a time: squares summed in float32 lanes (libtorch sums in float32 too;
/// the scalar loop above in double), the same roundings.
template <typename T>
RT_AVX512 void rms_norm_rows_avx512(const T *x, const T *weight, T *out, int64_t rows, int64_t width, double eps) {
    for (int64_t r = 0; r < rows; r++) {
        const T *row = x + r * width;
        __m512 squares = _mm512_setzero_ps();
        for (int64_t i = 0; i < width; i += 16) {
            const __m512 v = vec::load16(row + i, vec::first_lanes(width - i));
            squares = _mm512_fmadd_ps(v, v, squares);
        }
        const __m512 inverse = _mm512_set1_ps(1.0f / std::sqrt(_mm512_reduce_add_ps(squares) / (float)width + (float)eps));
        for (int64_t i = 0; i < width; i += 16) {
            const __mmask16 lanes = vec::first_lanes(width - i);
            __m512 y = _mm512_mul_ps(vec::load16(row + i, lanes), inverse);
            if constexpr (std::is_same_v<T, c10::BFloat16>) y = vec::round_bf16(y);
            vec::store16(out + r * width + i, _mm512_mul_ps(y, vec::load16(weight + i, lanes)), lanes);
        }
    }
}

/// The same with 16 lanes at a time and the vector exp: the same roundings to bfloat16, and
/// ~2 ulp from expf.
template <typename T>
RT_AVX512 void silu_mul_rows_avx512(const T *gate_up, T *out, int64_t rows, int64_t inner) {
    for (int64_t r = 0; r < rows; r++) {
        const T *gate = gate_up + r * 2 * inner, *up = gate + inner;
        for (int64_t i = 0; i < inner; i += 16) {
            const __mmask16 lanes = vec::first_lanes(inner - i);
            const __m512 g = vec::load16(gate + i, lanes), u = vec::load16(up + i, lanes);
            __m512 silu = _mm512_div_ps(g, _mm512_add_ps(_mm512_set1_ps(1.0f), vec::exp16(_mm512_sub_ps(_mm512_setzero_ps(), g))));
            if constexpr (std::is_same_v<T, c10::BFloat16>) silu = vec::round_bf16(silu);
            vec::store16(out + r * inner + i, _mm512_mul_ps(silu, u), lanes);
        }
    }
}

}  // namespace

/// Runs `rows_body(first_row, row_count)` over parts of the rows on libtorch's threads: these
/// steps are cheap a row, so a part is 16 rows at least (a decoding step of 64 streams splits
/// in two; one stream stays on one thread).
template <typename F>
static void by_rows(int64_t rows, F &&rows_body) {
    parallel_ranges(rows, 16, [&](int64_t begin, int64_t end) { rows_body(begin, end - begin); });
}

/// The three steps for one element type T (float or c10::BFloat16), AVX-512 where it runs.
template <typename T>
static void rms_norm_typed(const Tensor &input, const Tensor &weight, Tensor &out, double eps) {
    const int64_t width = input.size(-1), rows = input.numel() / width;
    const T *in = input.data_ptr<T>(), *w = weight.data_ptr<T>();
    T *o = out.data_ptr<T>();
    const bool vector = avx512_available();
    by_rows(rows, [&](int64_t r, int64_t n) {
        vector ? rms_norm_rows_avx512(in + r * width, w, o + r * width, n, width, eps) : rms_norm_rows(in + r * width, w, o + r * width, n, width, eps);
    });
}

template <typename T>
static void rope_typed(Tensor &qkv, const int64_t *at, const Tensor &cos, const Tensor &sin, int64_t heads, int64_t head_dim) {
    const int64_t width = qkv.size(-1), rows = qkv.numel() / width;
    T *x = qkv.data_ptr<T>();
    const T *c = cos.data_ptr<T>(), *s = sin.data_ptr<T>();
    by_rows(rows, [&](int64_t r, int64_t n) { rope_rows(x + r * width, at + r, c, s, n, width, heads, head_dim); });
}

template <typename T>
static void silu_mul_typed(const Tensor &input, Tensor &out, int64_t inner) {
    const int64_t rows = input.numel() / (2 * inner);
    const T *in = input.data_ptr<T>();
    T *o = out.data_ptr<T>();
    const bool vector = avx512_available();
    by_rows(rows, [&](int64_t r, int64_t n) {
        vector ? silu_mul_rows_avx512(in + r * 2 * inner, o + r * inner, n, inner) : silu_mul_rows(in + r * 2 * inner, o + r * inner, n, inner);
    });
}

Tensor fused_rms_norm(const Tensor &x, const Tensor &weight, double eps) {
    Tensor input = x.contiguous();
    Tensor out = torch::empty_like(input);
    if (input.scalar_type() == torch::kBFloat16) {
        rms_norm_typed<c10::BFloat16>(input, weight, out, eps);
    } else {
        TORCH_CHECK(input.scalar_type() == torch::kFloat32, "rms_norm: float32 or bfloat16 only");
        rms_norm_typed<float>(input, weight, out, eps);
    }
    return out;
}

void fused_rope(Tensor &qkv, const Tensor &positions, const Tensor &cos, const Tensor &sin, int64_t heads, int64_t head_dim) {
    TORCH_CHECK(qkv.is_contiguous(), "rope: qkv must be contiguous");
    Tensor where = positions.to(torch::kLong).contiguous();
    TORCH_CHECK(where.numel() == qkv.numel() / qkv.size(-1), "rope: one position per row");
    if (qkv.scalar_type() == torch::kBFloat16) rope_typed<c10::BFloat16>(qkv, where.data_ptr<int64_t>(), cos, sin, heads, head_dim);
    else rope_typed<float>(qkv, where.data_ptr<int64_t>(), cos, sin, heads, head_dim);
}

Tensor fused_silu_mul(const Tensor &gate_up, int64_t inner) {
    // One loop for any number of rows, so a row's result does not depend on what it is
    // batched with (libtorch's silu rounds its exp differently from a scalar expf).
    Tensor input = gate_up.contiguous();
    auto sizes = input.sizes().vec();
    sizes.back() = inner;
    Tensor out = torch::empty(sizes, input.options());
    if (input.scalar_type() == torch::kBFloat16) silu_mul_typed<c10::BFloat16>(input, out, inner);
    else silu_mul_typed<float>(input, out, inner);
    return out;
}
