// The Torch engine's model as its source files share it: the weights (Linear, Layer), the
// model (rt_model), and the steps each file defines (engine_weights.cpp: reading weights;
// engine_forward.cpp: the cache and the forward pass). Internal to RunnerTorch: the C
// interface is runner_torch.h, the benchmark probes runner_torch_probes.h.
#pragma once

#include <torch/torch.h>

#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "attention.h"
#include "int8_linear.h"
#include "runner_torch.h"

using torch::Tensor;

// Hidden: the engine's steps are shared by its source files, not exported from the library
// (only the rt_ functions are), so no other library's symbol can take their place.
namespace __attribute__((visibility("hidden"))) engine {

// Errors: every exported function catches, stores the text, returns -1.

/// The text rt_last_error returns, per thread.
extern thread_local std::string last_error_text;

template <typename F>
int guarded(F &&body) {
    try {
        body();
        return 0;
    } catch (const c10::Error &e) {
        last_error_text = e.what_without_backtrace();
    } catch (const std::exception &e) {
        last_error_text = e.what();
    } catch (...) {
        last_error_text = "unknown C++ exception";
    }
    return -1;
}

inline void require(bool condition, const std::string &message) {
    if (!condition) throw std::runtime_error(message);
}

std::string shape_text(at::IntArrayRef shape);

// Weights (engine_weights.cpp)

/// Whether `x` (rows of bfloat16) goes through bf16_gemv rather than oneDNN.
bool few_bf16_rows(const Tensor &x);
/// x weight^T (+ bias) by bf16_gemv into `out` (rows x out, bfloat16 or float32).
void bf16_product(const Tensor &x, const Tensor &weight, const Tensor &bias, void *out, bool bf16_out);

/// A linear layer's weight (out x in) in the compute type, or int8 (int8_linear.h).
struct Linear {
    Tensor weight;
    Tensor bias;
    Int8Weight int8;

    Tensor operator()(const Tensor &x) const;
};

struct Layer {
    // q, k and v are one product, as are gate and up: fewer, larger matrix products per step
    // (the outputs are split by columns), which is most of a decoding step's time.
    Linear qkv, o, gate_up, down;
    Tensor input_norm, post_norm;
};

}  // namespace engine

struct rt_model {
    rt_llama_config config;
    std::map<std::string, Tensor> raw;  // weights as set, by Hugging Face name, until finalize
    Tensor embed, norm, lm_head;
    Int8Weight lm_head_int8;            // the head in int8 (quantization: int8); embed stays
    std::vector<engine::Layer> layers;
    Tensor cos, sin;                    // RoPE tables: max_positions x head_dim
    std::vector<LayerCache> cache;      // per layer (attention.h)
    int64_t capacity = 0;
    bool ready = false;
    bool portable_attention = false;    // the portable loop even where the AVX-512 one runs (tests)
    torch::ScalarType dtype = torch::kFloat32;
    int32_t compute_threads = 1, blas_threads = 1;
    // The threads that have run passes: libgomp keeps a thread team per calling thread, so a
    // caller that moves between threads multiplies spinning teams (rt_model_calling_threads).
    std::mutex calling_lock;
    std::set<std::thread::id> calling_threads;

    void note_calling_thread() {
        std::lock_guard<std::mutex> hold(calling_lock);
        calling_threads.insert(std::this_thread::get_id());
    }

    AttentionShape attention_shape() const { return {config.num_heads, config.num_kv_heads, config.head_dim}; }
};

namespace __attribute__((visibility("hidden"))) engine {

torch::ScalarType scalar_type(int32_t dtype);
/// The shape every weight must have, by name; empty when the name is not a weight.
std::vector<int64_t> expected_shape(const rt_llama_config &c, const std::string &name);
Tensor take(rt_model &m, const std::string &name);
/// One linear layer from the weights `names` stacked by output rows (q, k, v as one product).
Linear make_linear(rt_model &m, const std::vector<std::string> &names, bool bias, int32_t int8);
Linear make_linear(rt_model &m, const std::string &name, bool bias, int32_t int8);

// The cache and the forward pass (engine_forward.cpp)

/// Grows every layer's cache so positions [0, needed) fit.
void ensure_capacity(rt_model &m, int64_t needed);
void check_tokens(const rt_model &m, const int32_t *tokens, int64_t count);
void check_slot(const rt_model &m, int32_t slot);
/// Token rows through every layer; the final hidden states (rows x H).
Tensor forward(rt_model &m, Tensor x, const std::vector<int64_t> &slots, const std::vector<int64_t> &positions, const Tensor &where);
void write_logits(rt_model &m, const Tensor &hidden, float *out);
/// Gives the two thread pools this model's split, if the last call (of any model) left another.
void apply_threads(const rt_model &m);
/// Checks rows and runs them: the shared body of rt_forward and rt_decode.
void run_rows(rt_model &m, int64_t count, const int32_t *slots, const int32_t *tokens, const int32_t *positions,
              const std::vector<int64_t> &logit_rows, float *out_logits);

}  // namespace engine
