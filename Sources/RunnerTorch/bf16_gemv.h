// bfloat16 products for a few rows (decoding one to three streams) on AVX-512 BF16's
// vdpbf16ps. oneDNN's 1-row bfloat16 linear is slow here: one stream decoded at 22-29
// tok/s in bfloat16 against 31-38 in float32, though it reads half the bytes. One row
// against a weight is bound by reading the weight, which this loop does once, in order.
#pragma once

#include <c10/util/BFloat16.h>

#include <cstdint>

/// Whether this CPU has AVX-512 BF16 (every CPU that dtype auto gives bfloat16 has it).
bool bf16_gemv_available();

/// The most rows the loop takes; more go to oneDNN, whose blocked kernels then win.
constexpr int64_t bf16_gemv_max_rows = 3;

/// y = x w^T + bias for rows x in activations and an out x in weight, both row-major
/// bfloat16; sums in float32, y (rows x out) float32 or, rounded to nearest even, bfloat16.
/// `bias` may be null.
void bf16_gemv(const c10::BFloat16 *x, int64_t rows, const c10::BFloat16 *weight, int64_t out, int64_t in,
               const c10::BFloat16 *bias, void *y, bool bf16_out);
