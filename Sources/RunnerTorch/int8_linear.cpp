// Dynamic int8 linear layers (int8_linear.h). Two implementations of one arithmetic: the
// VNNI kernels and a portable loop; both quantise activations the same way, add the same
// int32 products per block and sum the scaled blocks in the same order with fused
// multiply-adds, so they agree to the bit (a test checks it).
#include "int8_linear.h"

#include "parallel.h"
#include "vector_math.h"

#include <immintrin.h>

#include <cmath>
#include <cstring>
#include <vector>

using torch::Tensor;

// MARK: - Packing

Int8Weight Int8Weight::pack(const Tensor &weight, const Tensor &bias, bool portable) {
    torch::InferenceMode guard;
    Int8Weight w;
    w.portable = portable;
    w.out = weight.size(0);
    w.in = weight.size(1);
    w.blocks = (w.in + 31) / 32;
    w.in4 = w.blocks * 8;
    w.panels = (w.out + 15) / 16;
    Tensor padded = torch::zeros({w.panels * 16, w.blocks * 32}, torch::kFloat32);
    padded.narrow(0, 0, w.out).narrow(1, 0, w.in).copy_(weight);
    Tensor blocked = padded.view({w.panels * 16, w.blocks, 32});
    Tensor s = blocked.abs().amax(2, true).clamp_min(1e-30) / 127.0;  // rows x blocks x 1
    Tensor q = (blocked / s).round().clamp(-127, 127).add(128).to(torch::kUInt8).view({w.panels, 16, w.in4, 4});
    w.packed = q.permute({0, 2, 1, 3}).contiguous();  // (panel, row, in4, 4) -> (panel, in4, row, 4)
    w.scale = s.view({w.panels, 16, w.blocks}).permute({0, 2, 1}).contiguous();
    if (bias.defined()) {
        w.bias = torch::zeros({w.panels * 16}, torch::kFloat32);
        w.bias.narrow(0, 0, w.out).copy_(bias.to(torch::kFloat32));
    }
    return w;
}

// MARK: - Shared arithmetic

bool int8_vnni_available() {
    static const bool available = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
    }();
    return available;
}

/// Activations of one call, quantised by blocks of 32: rows x (blocks * 32) signed bytes
/// (padding 0), and per row and block the scale and 128 * the sum of the block's bytes
/// (what the weights' shift by 128 adds to each block's product).
struct QuantizedRows {
    std::vector<int8_t> bytes;
    std::vector<float> scale;       // rows x blocks: amax / 127
    std::vector<int32_t> shift;     // rows x blocks
    int64_t rows = 0, blocks = 0, stride = 0;
};

// MARK: - Portable

/// Rows [first, first + rows) of x into q.
static void quantize_portable(const void *x, bool bf16, int64_t first, int64_t rows, int64_t in, QuantizedRows &q) {
    for (int64_t r = first; r < first + rows; r++) {
        auto value = [&](int64_t k) {
            return bf16 ? (float)((const c10::BFloat16 *)x)[r * in + k] : ((const float *)x)[r * in + k];
        };
        for (int64_t b = 0; b < q.blocks; b++) {
            const int64_t k0 = b * 32, k1 = std::min(in, k0 + 32);
            float amax = 0;
            for (int64_t k = k0; k < k1; k++) amax = std::max(amax, std::fabs(value(k)));
            const float inverse = amax > 0 ? 127.0f / amax : 0.0f;
            int32_t sum = 0;
            for (int64_t k = k0; k < k1; k++) {
                const int8_t v = (int8_t)std::min(127.0f, std::max(-127.0f, std::nearbyint(value(k) * inverse)));
                q.bytes[r * q.stride + k] = v;
                sum += v;
            }
            q.scale[r * q.blocks + b] = amax / 127.0f;
            q.shift[r * q.blocks + b] = 128 * sum;
        }
    }
}

static void product_portable(const Int8Weight &w, const QuantizedRows &q, void *out, bool bf16_out, int64_t p0, int64_t p1) {
    const uint8_t *packed = w.packed.data_ptr<uint8_t>();
    const float *scale = w.scale.data_ptr<float>();
    const float *bias = w.bias.defined() ? w.bias.data_ptr<float>() : nullptr;
    for (int64_t p = p0; p < p1; p++) {
        for (int64_t r = 0; r < q.rows; r++) {
            const int8_t *x = q.bytes.data() + r * q.stride;
            for (int lane = 0; lane < 16; lane++) {
                const int64_t n = p * 16 + lane;
                if (n >= w.out) break;
                float sum = 0;
                for (int64_t b = 0; b < w.blocks; b++) {
                    int32_t acc = 0;
                    for (int64_t k4 = b * 8; k4 < b * 8 + 8; k4++) {
                        const uint8_t *wk = packed + ((p * w.in4 + k4) * 16 + lane) * 4;
                        for (int i = 0; i < 4; i++) acc += (int32_t)wk[i] * (int32_t)x[k4 * 4 + i];
                    }
                    const float both = q.scale[r * q.blocks + b] * scale[(p * w.blocks + b) * 16 + lane];
                    sum = std::fma((float)(acc - q.shift[r * q.blocks + b]), both, sum);
                }
                const float y = bias ? sum + bias[n] : sum;
                if (bf16_out) ((c10::BFloat16 *)out)[r * w.out + n] = c10::BFloat16(y);  // nearest even, as the VNNI epilogue
                else ((float *)out)[r * w.out + n] = y;
            }
        }
    }
}

// MARK: - AVX-512 VNNI

#define VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

/// 16 activations (fewer under `mask`) as float32. (A lambda would not inherit the target.)
VNNI static inline __m512 load16(const void *x, bool bf16, int64_t at, __mmask16 mask) {
    return bf16 ? vec::load16((const c10::BFloat16 *)x + at, mask) : vec::load16((const float *)x + at, mask);
}

VNNI static void quantize_vnni(const void *x, bool bf16, int64_t first, int64_t rows, int64_t in, QuantizedRows &q) {
    auto mask_at = [in](int64_t k) { return vec::first_lanes(std::max<int64_t>(0, in - k)); };
    const __m512i limit = _mm512_set1_epi32(127);
    for (int64_t r = first; r < first + rows; r++) {
        for (int64_t b = 0; b < q.blocks; b++) {
            const int64_t k = b * 32;
            const __mmask16 m0 = mask_at(k), m1 = mask_at(k + 16);
            const __m512 v0 = load16(x, bf16, r * in + k, m0), v1 = load16(x, bf16, r * in + k + 16, m1);
            const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1)));
            const __m512 inverse = _mm512_set1_ps(amax > 0 ? 127.0f / amax : 0.0f);
            // cvtps rounds to nearest even, as nearbyint does in the portable loop.
            __m512i q0 = _mm512_cvtps_epi32(_mm512_mul_ps(v0, inverse)), q1 = _mm512_cvtps_epi32(_mm512_mul_ps(v1, inverse));
            q0 = _mm512_max_epi32(_mm512_min_epi32(q0, limit), _mm512_sub_epi32(_mm512_setzero_si512(), limit));
            q1 = _mm512_max_epi32(_mm512_min_epi32(q1, limit), _mm512_sub_epi32(_mm512_setzero_si512(), limit));
            int8_t *row = q.bytes.data() + r * q.stride + k;
            _mm_mask_storeu_epi8(row, m0, _mm512_cvtepi32_epi8(q0));
            _mm_mask_storeu_epi8(row + 16, m1, _mm512_cvtepi32_epi8(q1));
            q.scale[r * q.blocks + b] = amax / 127.0f;
            q.shift[r * q.blocks + b] = 128 * _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
        }
    }
}

/// A weight's raw pointers, taken once per call: Tensor::data_ptr checks its type and storage
/// on every call (4.6% of a 64-stream step when the tiles called it).
struct WeightView {
    const uint8_t *packed;
    const float *scale, *bias;
    int64_t out, in4, blocks;

    explicit WeightView(const Int8Weight &w)
        : packed(w.packed.data_ptr<uint8_t>()), scale(w.scale.data_ptr<float>()),
          bias(w.bias.defined() ? w.bias.data_ptr<float>() : nullptr), out(w.out), in4(w.in4), blocks(w.blocks) {}
};

/// R activation rows against P panels (16 output rows each), over every input: per block of
/// 32 inputs, int32 products, then scaled into float32 sums.
template <int R, int P>
VNNI static void tile_vnni(const WeightView &w, const QuantizedRows &q, int64_t r0, int64_t p0, void *out, bool bf16_out) {
    const uint8_t *packed = w.packed + p0 * w.in4 * 64;
    const float *wscale = w.scale + p0 * w.blocks * 16;
    const int8_t *x = q.bytes.data() + r0 * q.stride;
    const float *xscale = q.scale.data() + r0 * q.blocks;
    const int32_t *xshift = q.shift.data() + r0 * q.blocks;
    __m512 sums[R][P];
    for (int r = 0; r < R; r++)
        for (int p = 0; p < P; p++) sums[r][p] = _mm512_setzero_ps();
    for (int64_t b = 0; b < w.blocks; b++) {
        __m512i acc[R][P];
        for (int r = 0; r < R; r++)
            for (int p = 0; p < P; p++) acc[r][p] = _mm512_setzero_si512();
        for (int64_t k4 = b * 8; k4 < b * 8 + 8; k4++) {
            __m512i weights[P];
            for (int p = 0; p < P; p++) {
                // Few rows read the weights faster than the hardware prefetcher fetches them
                // (vec::prefetch_bytes; one stream, SmolLM2, interleaved runs: 175 tok/s with,
                // 165 without); many reuse each line enough not to wait.
                if (R < 4) _mm_prefetch(reinterpret_cast<const char *>(packed + (p * w.in4 + k4) * 64) + vec::prefetch_bytes, _MM_HINT_T0);
                weights[p] = _mm512_loadu_si512(packed + (p * w.in4 + k4) * 64);
            }
            for (int r = 0; r < R; r++) {
                int32_t four;
                std::memcpy(&four, x + r * q.stride + k4 * 4, 4);
                const __m512i broadcast = _mm512_set1_epi32(four);
                for (int p = 0; p < P; p++) acc[r][p] = _mm512_dpbusd_epi32(acc[r][p], weights[p], broadcast);
            }
        }
        for (int p = 0; p < P; p++) {
            const __m512 ws = _mm512_loadu_ps(wscale + (p * w.blocks + b) * 16);
            for (int r = 0; r < R; r++) {
                const __m512 both = _mm512_mul_ps(_mm512_set1_ps(xscale[r * q.blocks + b]), ws);
                const __m512i exact = _mm512_sub_epi32(acc[r][p], _mm512_set1_epi32(xshift[r * q.blocks + b]));
                sums[r][p] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(exact), both, sums[r][p]);
            }
        }
    }
    for (int p = 0; p < P; p++) {
        const int64_t n = (p0 + p) * 16;
        const int64_t valid = std::min<int64_t>(16, w.out - n);
        const __mmask16 mask = vec::first_lanes(valid);
        for (int r = 0; r < R; r++) {
            const __m512 y = w.bias ? _mm512_add_ps(sums[r][p], _mm512_loadu_ps(w.bias + n)) : sums[r][p];
            const int64_t at = (r0 + r) * w.out + n;
            // bfloat16 rounded to nearest even, as the portable loop's c10::BFloat16.
            if (bf16_out) vec::store16((c10::BFloat16 *)out + at, y, mask);
            else vec::store16((float *)out + at, y, mask);
        }
    }
}

/// Up to 4 rows by up to 2 panels: 16 accumulators, int32 and float32, in 32 registers.
template <int R>
static void tile_rows(int panels, const WeightView &w, const QuantizedRows &q, int64_t r0, int64_t p0, void *out, bool bf16_out) {
    if (panels == 1) return tile_vnni<R, 1>(w, q, r0, p0, out, bf16_out);
    return tile_vnni<R, 2>(w, q, r0, p0, out, bf16_out);
}

static void product_vnni(const Int8Weight &weight, const QuantizedRows &q, void *out, bool bf16_out, int64_t p0, int64_t p1) {
    const WeightView w(weight);
    // Two panels (32 output rows, 32 x in bytes) stay in cache while every row passes.
    for (int64_t p = p0; p < p1; p += 2) {
        const int panels = (int)std::min<int64_t>(2, p1 - p);
        for (int64_t r = 0; r < q.rows; r += 4) {
            switch (std::min<int64_t>(4, q.rows - r)) {
                case 1: tile_rows<1>(panels, w, q, r, p, out, bf16_out); break;
                case 2: tile_rows<2>(panels, w, q, r, p, out, bf16_out); break;
                case 3: tile_rows<3>(panels, w, q, r, p, out, bf16_out); break;
                default: tile_rows<4>(panels, w, q, r, p, out, bf16_out); break;
            }
        }
    }
}

// MARK: - Calls

static void run(const Int8Weight &w, const Tensor &x, void *out, bool bf16_out) {
    TORCH_CHECK(x.size(-1) == w.in, "int8 linear: input has ", x.size(-1), " features, the weight takes ", w.in);
    Tensor flat = x.contiguous();
    const bool bf16_in = flat.scalar_type() == torch::kBFloat16;
    TORCH_CHECK(bf16_in || flat.scalar_type() == torch::kFloat32, "int8 linear: input must be float32 or bfloat16");
    QuantizedRows q;
    q.rows = flat.numel() / w.in;
    q.blocks = w.blocks;
    q.stride = w.blocks * 32;
    q.bytes.assign(q.rows * q.stride, 0);
    q.scale.resize(q.rows * q.blocks);
    q.shift.resize(q.rows * q.blocks);
    const bool vnni = !w.portable && int8_vnni_available();
    auto quantize = vnni ? quantize_vnni : quantize_portable;
    const void *input = flat.data_ptr();
    parallel_ranges(q.rows, 16, [&](int64_t begin, int64_t end) { quantize(input, bf16_in, begin, end - begin, w.in, q); });
    // Threads split the output rows (whole pairs of panels), even for one row: one stream,
    // SmolLM2, 175 tok/s split against 129 on one thread. (An earlier measurement had one
    // thread ahead, 92 against 66, while libgomp kept a spinning team for every thread the
    // engine's calls had run on; see EngineThread.swift.)
    auto product = vnni ? product_vnni : product_portable;
    const int64_t groups = (w.panels + 1) / 2;
    parallel_ranges(groups, 1, [&](int64_t g0, int64_t g1) { product(w, q, out, bf16_out, g0 * 2, std::min(w.panels, g1 * 2)); });
}

Tensor Int8Weight::operator()(const Tensor &x, torch::ScalarType out_type) const {
    auto sizes = x.sizes().vec();
    sizes.back() = out;
    Tensor y = torch::empty(sizes, torch::TensorOptions().dtype(out_type));
    TORCH_CHECK(out_type == torch::kFloat32 || out_type == torch::kBFloat16, "int8 linear: output must be float32 or bfloat16");
    run(*this, x, y.data_ptr(), out_type == torch::kBFloat16);
    return y;
}

void Int8Weight::into(const Tensor &x, float *destination) const { run(*this, x, destination, false); }
