// AVX-512 helpers shared by the kernels: 16-lane loads and stores of float32 and bfloat16,
// bfloat16 rounding, e^x, and the few-row products' prefetch distance. Callers check
// avx512_available() before using any of the vector ones.
#pragma once

#include <c10/util/BFloat16.h>
#include <immintrin.h>

#include <cstdint>

#define RT_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl")))

/// Whether this CPU has AVX-512 F, BW and VL (what the kernels below use).
bool avx512_available();

namespace vec {

/// How far ahead of the weight rows it is reading a few-row product prefetches them (the
/// bfloat16 and int8 ones). The hardware prefetcher alone kept one stream at 10 GB/s a core,
/// where a plain read of the weights streams 40: the products' dependency chains hold back the
/// loads that would run ahead (scratch benchmark of SmolLM2's bfloat16 products, one token on
/// 2 cores: 14.4 ms a token without, 8.0 with 8 KB ahead).
constexpr int64_t prefetch_bytes = 8192;

inline __mmask16 first_lanes(int64_t n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1); }

RT_AVX512 inline __m512 load16(const float *p, __mmask16 lanes = 0xFFFF) { return _mm512_maskz_loadu_ps(lanes, p); }
RT_AVX512 inline __m512 load16(const c10::BFloat16 *p, __mmask16 lanes = 0xFFFF) {
    const __m256i bits = _mm256_maskz_loadu_epi16(lanes, p);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(bits), 16));
}

/// float32 lanes rounded to the nearest bfloat16, ties to even (c10::BFloat16's rounding;
/// the inputs here are never NaN), still as float32.
RT_AVX512 inline __m512 round_bf16(__m512 x) {
    const __m512i bits = _mm512_castps_si512(x);
    const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
    const __m512i rounded = _mm512_add_epi32(bits, _mm512_add_epi32(odd, _mm512_set1_epi32(0x7FFF)));
    return _mm512_castsi512_ps(_mm512_and_si512(rounded, _mm512_set1_epi32((int)0xFFFF0000)));
}

RT_AVX512 inline void store16(float *p, __m512 x, __mmask16 lanes = 0xFFFF) { _mm512_mask_storeu_ps(p, lanes, x); }
RT_AVX512 inline void store16(c10::BFloat16 *p, __m512 x, __mmask16 lanes = 0xFFFF) {
    const __m512i high = _mm512_srli_epi32(_mm512_castps_si512(round_bf16(x)), 16);
    _mm256_mask_storeu_epi16(p, lanes, _mm512_cvtepi32_epi16(high));
}

/// e^x: x = n ln2 + r with |r| <= ln2 / 2, e^r by Cephes' degree-6 polynomial, times 2^n by
/// scalef (which takes very negative n to zero). Within ~2 ulp of expf.
RT_AVX512 inline __m512 exp16(__m512 x) {
    x = _mm512_max_ps(_mm512_min_ps(x, _mm512_set1_ps(88.3762626647949f)), _mm512_set1_ps(-103.0f));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500E-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507E-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073E-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894E-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459E-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201E-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

}  // namespace vec
