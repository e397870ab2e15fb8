// The small elementwise steps of a layer as one loop each, instead of 4-10 libtorch calls:
// a decoding step of one sequence spent about a third of its time in libtorch's per-call
// overhead (perf, int8). Each rounds like the libtorch calls it replaces (bfloat16 after each
// of their operations), so results do not move.
#pragma once

#include <torch/torch.h>

/// RMSNorm in float32, then back to x's type and times `weight` (Hugging Face's order).
torch::Tensor fused_rms_norm(const torch::Tensor &x, const torch::Tensor &weight, double eps);

/// Rotates, in place, the first `heads` heads of every row of `qkv` (rows x width, heads of
/// `head_dim` side by side) by the row's position: x * cos + rotate_half(x) * sin.
void fused_rope(torch::Tensor &qkv, const torch::Tensor &positions, const torch::Tensor &cos, const torch::Tensor &sin,
                int64_t heads, int64_t head_dim);

/// silu(gate) * up, where gate_up holds gate then up in each row (AVX-512 where the CPU has it).
torch::Tensor fused_silu_mul(const torch::Tensor &gate_up, int64_t inner);
