// Attention over the paneled KV cache (attention.h): an AVX-512 loop and a portable one.
// They compute the same sums in different orders, so they agree to float32 rounding, not
// to the bit (a test bounds the difference).
#include "attention.h"

#include <immintrin.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "parallel.h"
#include "vector_math.h"

using torch::Tensor;

namespace {

constexpr int64_t panel = 16;  // positions per key panel: one AVX-512 register of float32

inline float widen(float v) { return v; }
inline float widen(c10::BFloat16 v) { return (float)v; }

/// Where one (slot, key head)'s keys and values start.
template <typename T>
struct HeadCache {
    const T *keys;    // (capacity / 16) x head_dim x 16
    const T *values;  // capacity x head_dim
};

/// A layer cache's raw pointers, taken once per call (Tensor::data_ptr checks on every call).
template <typename T>
struct CacheView {
    const T *keys, *values;
    int64_t per_head, kv_heads;

    CacheView(const LayerCache &cache, const AttentionShape &shape)
        : keys(cache.keys.data_ptr<T>()), values(cache.values.data_ptr<T>()), per_head(cache.capacity() * shape.head_dim),
          kv_heads(shape.kv_heads) {}

    HeadCache<T> head(int64_t slot, int64_t kv_head) const {
        const int64_t offset = (slot * kv_heads + kv_head) * per_head;
        return {keys + offset, values + offset};
    }
};

/// Scratch of one thread: queries, scores, outputs (float32), grown as needed.
struct Scratch {
    std::vector<float> queries, scores, outputs;
};
thread_local Scratch scratch;

// MARK: - Portable

/// Row `query`'s `group` query heads (group x head_dim, float32) against `length` positions;
/// writes group x head_dim float32 outputs.
template <typename T>
void attend_portable(const HeadCache<T> &cache, const float *query, int64_t group, int64_t head_dim, int64_t length,
                     float scale, float *scores, float *out) {
    for (int64_t j = 0; j < group; j++) {
        const float *q = query + j * head_dim;
        float *s = scores + j * length;
        float top = -INFINITY;
        for (int64_t t = 0; t < length; t++) {
            const T *k = cache.keys + (t / panel) * head_dim * panel + t % panel;
            float dot = 0;
            for (int64_t d = 0; d < head_dim; d++) dot += q[d] * widen(k[d * panel]);
            s[t] = dot * scale;
            top = std::max(top, s[t]);
        }
        float sum = 0;
        for (int64_t t = 0; t < length; t++) sum += (s[t] = std::exp(s[t] - top));
        float *o = out + j * head_dim;
        for (int64_t d = 0; d < head_dim; d++) o[d] = 0;
        for (int64_t t = 0; t < length; t++) {
            const T *v = cache.values + t * head_dim;
            for (int64_t d = 0; d < head_dim; d++) o[d] += s[t] * widen(v[d]);
        }
        for (int64_t d = 0; d < head_dim; d++) o[d] /= sum;
    }
}

// MARK: - AVX-512

#define AVX512 RT_AVX512
using vec::exp16;
using vec::first_lanes;
using vec::load16;

/// Scores of G query heads against the keys of N panels (16 positions each): N x G
/// accumulators, so N x G multiply-adds are in flight rather than G (one chain per
/// accumulator, 4 cycles each: with G = 3 alone the loop waited on latency).
template <int G, int N, typename T>
AVX512 inline void panel_scores(const T *keys, const float *query, int64_t head_dim, float scale, float *scores, int64_t stride) {
    __m512 acc[N][G];
    for (int n = 0; n < N; n++)
        for (int j = 0; j < G; j++) acc[n][j] = _mm512_setzero_ps();
    for (int64_t d = 0; d < head_dim; d++) {
        __m512 k[N];
        for (int n = 0; n < N; n++) k[n] = load16(keys + (n * head_dim + d) * panel);
        for (int j = 0; j < G; j++) {
            const __m512 q = _mm512_set1_ps(query[j * head_dim + d]);
            for (int n = 0; n < N; n++) acc[n][j] = _mm512_fmadd_ps(q, k[n], acc[n][j]);
        }
    }
    for (int n = 0; n < N; n++)
        for (int j = 0; j < G; j++) _mm512_storeu_ps(scores + j * stride + n * panel, _mm512_mul_ps(acc[n][j], _mm512_set1_ps(scale)));
}

/// Outputs of G query heads for C x 16 of the head's dimensions: weights (unnormalised) times
/// values, C x G accumulators (one weight broadcast feeds C of them).
template <int G, int C, typename T>
AVX512 inline void weighted_values(const T *values, const float *weights, int64_t stride, int64_t head_dim, int64_t length,
                                   __mmask16 last_lanes, const float *inverse_sums, float *out) {
    __m512 acc[C][G];
    for (int c = 0; c < C; c++)
        for (int j = 0; j < G; j++) acc[c][j] = _mm512_setzero_ps();
    for (int64_t t = 0; t < length; t++) {
        __m512 v[C];
        for (int c = 0; c < C; c++) v[c] = load16(values + t * head_dim + c * panel, c == C - 1 ? last_lanes : (__mmask16)0xFFFF);
        for (int j = 0; j < G; j++) {
            const __m512 w = _mm512_set1_ps(weights[j * stride + t]);
            for (int c = 0; c < C; c++) acc[c][j] = _mm512_fmadd_ps(w, v[c], acc[c][j]);
        }
    }
    for (int c = 0; c < C; c++)
        for (int j = 0; j < G; j++)
            _mm512_mask_storeu_ps(out + j * head_dim + c * panel, c == C - 1 ? last_lanes : (__mmask16)0xFFFF,
                                  _mm512_mul_ps(acc[c][j], _mm512_set1_ps(inverse_sums[j])));
}

/// Query heads [first, first + G) of a group; G is a template argument so the accumulators
/// stay in registers.
template <int G, typename T>
AVX512 void attend_heads(const HeadCache<T> &cache, const float *query, int64_t head_dim, int64_t length, float scale,
                         float *scores, int64_t stride, float *out) {
    const int64_t panels = (length + panel - 1) / panel;
    int64_t b = 0;
    for (; b + 4 <= panels; b += 4) panel_scores<G, 4>(cache.keys + b * head_dim * panel, query, head_dim, scale, scores + b * panel, stride);
    for (; b < panels; b++) panel_scores<G, 1>(cache.keys + b * head_dim * panel, query, head_dim, scale, scores + b * panel, stride);
    float inverse_sums[G];
    for (int j = 0; j < G; j++) {
        float *s = scores + j * stride;
        __m512 top = _mm512_set1_ps(-INFINITY);
        for (int64_t t = 0; t < length; t += panel) top = _mm512_max_ps(top, _mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), first_lanes(length - t), s + t));
        const __m512 most = _mm512_set1_ps(_mm512_reduce_max_ps(top));
        __m512 sum = _mm512_setzero_ps();
        for (int64_t t = 0; t < length; t += panel) {
            const __mmask16 lanes = first_lanes(length - t);
            const __m512 e = _mm512_maskz_mov_ps(lanes, exp16(_mm512_sub_ps(_mm512_loadu_ps(s + t), most)));
            _mm512_storeu_ps(s + t, e);
            sum = _mm512_add_ps(sum, e);
        }
        inverse_sums[j] = 1.0f / _mm512_reduce_add_ps(sum);
    }
    // Dimensions by 64 (4 registers), then what is left (head_dim is even, not always a multiple of 16).
    int64_t c = 0;
    for (; c + 4 * panel <= head_dim; c += 4 * panel)
        weighted_values<G, 4>(cache.values + c, scores, stride, head_dim, length, 0xFFFF, inverse_sums, out + c);
    for (; c < head_dim; c += panel)
        weighted_values<G, 1>(cache.values + c, scores, stride, head_dim, length, first_lanes(head_dim - c), inverse_sums, out + c);
}

template <typename T>
AVX512 void attend_avx512(const HeadCache<T> &cache, const float *query, int64_t group, int64_t head_dim, int64_t length,
                          float scale, float *scores, int64_t stride, float *out) {
    for (int64_t j = 0; j < group;) {
        const int64_t n = std::min<int64_t>(group - j, 4);
        const float *q = query + j * head_dim;
        float *s = scores + j * stride, *o = out + j * head_dim;
        switch (n) {
            case 1: attend_heads<1>(cache, q, head_dim, length, scale, s, stride, o); break;
            case 2: attend_heads<2>(cache, q, head_dim, length, scale, s, stride, o); break;
            case 3: attend_heads<3>(cache, q, head_dim, length, scale, s, stride, o); break;
            default: attend_heads<4>(cache, q, head_dim, length, scale, s, stride, o); break;
        }
        j += n;
    }
}

// MARK: - Rows

/// T: the element type of qkv, the result and the cache.
template <typename T>
void attend_rows(const LayerCache &cache, const Tensor &qkv, const int64_t *slots, const int64_t *positions,
                 const AttentionShape &shape, bool vector, Tensor &result) {
    const int64_t rows = qkv.size(0), width = qkv.size(1), hd = shape.head_dim;
    const int64_t group = shape.heads / shape.kv_heads;
    const float scale = 1.0f / std::sqrt((float)hd);
    const T *all = qkv.data_ptr<T>();
    T *out = result.data_ptr<T>();
    const CacheView<T> view(cache, shape);
    // Work items are (row, key head); a decoding row costs ~its position, so 4 a thread at least.
    parallel_ranges(rows * shape.kv_heads, 4, [&](int64_t begin, int64_t end) {
        Scratch &s = scratch;
        for (int64_t item = begin; item < end; item++) {
            const int64_t r = item / shape.kv_heads, h = item % shape.kv_heads;
            const int64_t length = positions[r] + 1, stride = (length + panel - 1) / panel * panel;
            s.queries.resize(group * hd);
            s.scores.resize(group * stride);
            s.outputs.resize(group * hd);
            const T *q = all + r * width + h * group * hd;
            for (int64_t i = 0; i < group * hd; i++) s.queries[i] = widen(q[i]);
            const HeadCache<T> head = view.head(slots[r], h);
            if (vector) attend_avx512(head, s.queries.data(), group, hd, length, scale, s.scores.data(), stride, s.outputs.data());
            else attend_portable(head, s.queries.data(), group, hd, length, scale, s.scores.data(), s.outputs.data());
            T *o = out + r * shape.heads * hd + h * group * hd;
            for (int64_t i = 0; i < group * hd; i++) o[i] = (T)s.outputs[i];
        }
    });
}

template <typename T>
void write_rows(LayerCache &cache, const Tensor &qkv, const int64_t *slots, const int64_t *positions, const AttentionShape &shape) {
    const int64_t rows = qkv.size(0), width = qkv.size(1), hd = shape.head_dim, capacity = cache.capacity();
    const T *all = qkv.data_ptr<T>();
    T *keys = cache.keys.data_ptr<T>(), *values = cache.values.data_ptr<T>();
    // Rows write distinct (slot, position)s, so parts of them can go to different threads.
    parallel_ranges(rows, 16, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; r++) {
            const int64_t p = positions[r];
            for (int64_t h = 0; h < shape.kv_heads; h++) {
                const int64_t head = (slots[r] * shape.kv_heads + h) * capacity * hd;
                const T *k = all + r * width + (shape.heads + h) * hd;
                const T *v = all + r * width + (shape.heads + shape.kv_heads + h) * hd;
                T *panel_start = keys + head + (p / panel) * hd * panel + p % panel;
                for (int64_t d = 0; d < hd; d++) panel_start[d * panel] = k[d];
                std::memcpy(values + head + p * hd, v, hd * sizeof(T));
            }
        }
    });
}

}  // namespace

// MARK: - LayerCache

LayerCache LayerCache::zeros(int64_t slots, int64_t capacity, AttentionShape shape, torch::ScalarType dtype) {
    TORCH_CHECK(capacity % panel == 0, "cache capacity must be a multiple of 16");
    auto options = torch::TensorOptions().dtype(dtype);
    return {torch::zeros({slots, shape.kv_heads, capacity / panel, shape.head_dim, panel}, options),
            torch::zeros({slots, shape.kv_heads, capacity, shape.head_dim}, options)};
}

void LayerCache::copy_from(const LayerCache &from, int64_t length) {
    const int64_t panels = (length + panel - 1) / panel;
    keys.narrow(2, 0, panels).copy_(from.keys.narrow(2, 0, panels));
    values.narrow(2, 0, length).copy_(from.values.narrow(2, 0, length));
}

void LayerCache::copy_slot(int64_t from, int64_t to, int64_t length) {
    // Whole panels: positions past `length` in the last one are rewritten before any row reads them.
    const int64_t panels = (length + panel - 1) / panel;
    keys[to].narrow(1, 0, panels).copy_(keys[from].narrow(1, 0, panels));
    values[to].narrow(1, 0, length).copy_(values[from].narrow(1, 0, length));
}

// MARK: - Calls

/// Checks qkv is contiguous rows of the cache's type, float32 or bfloat16; whether bfloat16.
static bool bf16_rows(const LayerCache &cache, const Tensor &qkv) {
    TORCH_CHECK(qkv.is_contiguous() && qkv.dim() == 2, "attention: qkv must be contiguous rows");
    TORCH_CHECK(qkv.scalar_type() == cache.values.scalar_type(), "attention: qkv and the cache differ in type");
    const bool bf16 = qkv.scalar_type() == torch::kBFloat16;
    TORCH_CHECK(bf16 || qkv.scalar_type() == torch::kFloat32, "attention: float32 or bfloat16 only");
    return bf16;
}

void write_keys_values(LayerCache &cache, const Tensor &qkv, const int64_t *slots, const int64_t *positions, AttentionShape shape) {
    if (bf16_rows(cache, qkv)) write_rows<c10::BFloat16>(cache, qkv, slots, positions, shape);
    else write_rows<float>(cache, qkv, slots, positions, shape);
}

Tensor attend(const LayerCache &cache, const Tensor &qkv, const int64_t *slots, const int64_t *positions, AttentionShape shape,
              bool portable) {
    const bool bf16 = bf16_rows(cache, qkv), vector = !portable && avx512_available();
    Tensor result = torch::empty({qkv.size(0), shape.heads * shape.head_dim}, qkv.options());
    if (bf16) attend_rows<c10::BFloat16>(cache, qkv, slots, positions, shape, vector, result);
    else attend_rows<float>(cache, qkv, slots, positions, shape, vector, result);
    return result;
}
