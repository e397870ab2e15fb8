// Dynamic int8 linear layers, llama.cpp's Q8_0 arithmetic: weights and activations in
// blocks of 32 inputs, each block int8 with its own scale; activations are quantised as they
// arrive; int32 dot products per block on AVX-512 VNNI (vpdpbusd), scaled and summed in float32.
// One scale per whole row (what torch's dynamic quantisation does) was measured and refused:
// SmolLM2's logprobs moved 0.35 on average (3.2 at most) from llama.cpp's.
//
// Why not libtorch's own: Debian's libtorch 1.13 has no fbgemm, and its oneDNN engine
// (`quantized::linear_dynamic`) compiles a new kernel on every call, because the activation
// scale is a primitive attribute: 5.5-8.6 tok/s against bfloat16's 22 (measured).
#pragma once

#include <torch/torch.h>

/// A weight quantised to int8 by blocks of 32 inputs (symmetric, scale amax / 127), stored
/// shifted by 128 (vpdpbusd multiplies unsigned by signed bytes) and packed in panels of 16
/// output rows: in a panel, 4 consecutive inputs of each of the 16 rows lie side by side, so
/// one 64-byte load feeds 16 dot products four inputs further.
struct Int8Weight {
    int64_t out = 0, in = 0;
    int64_t blocks = 0;    // inputs padded to a multiple of 32, over 32
    int64_t in4 = 0;       // blocks * 8
    int64_t panels = 0;    // output rows padded to a multiple of 16, over 16
    torch::Tensor packed;  // uint8 (int8 + 128): panels x in4 x 16 x 4
    torch::Tensor scale;   // float32: panels x blocks x 16
    torch::Tensor bias;    // float32, panels * 16, or undefined
    bool portable = false; // the portable loop even where VNNI runs (tests compare the two)

    bool defined() const { return packed.defined(); }

    /// Quantises `weight` (out x in, any float type) and an optional bias (out).
    static Int8Weight pack(const torch::Tensor &weight, const torch::Tensor &bias, bool portable);

    /// x: (..., in) in float32 or bfloat16; returns (..., out) in `out_type`.
    torch::Tensor operator()(const torch::Tensor &x, torch::ScalarType out_type) const;

    /// The same product written straight into `out` (rows x out float32).
    void into(const torch::Tensor &x, float *out) const;
};

/// Whether this CPU runs the VNNI kernels; elsewhere a portable loop gives the same numbers
/// (slowly).
bool int8_vnni_available();
