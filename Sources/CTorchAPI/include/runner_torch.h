// The C interface of the Torch engine (libRunnerTorch.so).
//
// The runner never links libtorch: loading it costs ~650 ms at start-up. Models opens this
// library with dlopen when a local model is first built and calls these functions through
// pointers; only plain C types cross the boundary. Every function returns 0 on success and
// -1 on failure, with the reason in rt_last_error() (per thread). No C++ exception escapes.
#ifndef RUNNER_TORCH_H
#define RUNNER_TORCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Element types of tensors handed to the engine.
enum { RT_F32 = 0, RT_F16 = 1, RT_BF16 = 2 };

/// A Llama-family decoder: RMSNorm, RoPE (Hugging Face's rotate-half layout), grouped-query
/// attention, SwiGLU. Covers SmolLM2, Llama 2/3, Mistral and Qwen2 (with attention_bias).
typedef struct {
    int64_t vocab_size;
    int64_t hidden_size;
    int64_t intermediate_size;
    int64_t num_layers;
    int64_t num_heads;
    int64_t num_kv_heads;
    int64_t head_dim;
    double rope_theta;
    double rms_norm_eps;
    int32_t tie_embeddings;   // lm_head shares model.embed_tokens.weight
    int32_t attention_bias;   // q/k/v projections have biases (Qwen2)
    int32_t dtype;            // compute type: RT_F32 or RT_BF16
    int32_t slots;            // sequences that can hold a KV cache at once
    int32_t max_positions;    // longest sequence (context window)
} rt_llama_config;

typedef struct rt_model rt_model;

const char *rt_last_error(void);

int rt_model_new(const rt_llama_config *config, rt_model **out);
/// Copies one weight, by its Hugging Face name (model.layers.0.self_attn.q_proj.weight, ...).
int rt_model_set_tensor(rt_model *model, const char *name, int32_t dtype, const int64_t *shape, int32_t ndim, const void *data);
/// Adds a LoRA delta to a weight already set: W += scale * B @ A (A: r x in, B: out x r).
int rt_model_add_lora(rt_model *model, const char *name, int32_t dtype, const int64_t *a_shape, const void *a,
                      const int64_t *b_shape, const void *b, double scale);
/// Flags of rt_model_finalize.
enum {
    /// Every linear weight and the head as int8 by blocks of 32 inputs (a scale each), with
    /// activations quantised the same way as they arrive (AVX-512 VNNI where the CPU has it).
    RT_QUANTIZE_INT8 = 1,
    /// int8 products by the portable loop even where the VNNI kernels run (tests compare the
    /// two: they agree to the bit).
    RT_PORTABLE_INT8 = 2,
    /// Attention by the portable loop even where the AVX-512 one runs (tests compare the two:
    /// they agree to float32 rounding).
    RT_PORTABLE_ATTENTION = 4,
};

/// Checks every weight is present with its shape and converts to the compute type; `flags`
/// is 0 or any of the flags above or'ed.
int rt_model_finalize(rt_model *model, int32_t flags);
void rt_model_free(rt_model *model);

/// The threads this model's calls use: `compute` in libtorch's OpenMP pool (our kernels,
/// oneDNN's bfloat16 products, elementwise steps) and `blas` in OpenBLAS's (float32
/// products). Applied at the start of each call of this model, as the two pools spin while
/// idle and must not both have every core.
int rt_model_set_threads(rt_model *model, int32_t compute, int32_t blas);

/// Runs `count` token rows in one forward pass, of any mix of sequences: row i is tokens[i] at
/// position positions[i] of slot slots[i]. Every row's key and value is written to its slot's
/// cache, and row i attends to positions [0, positions[i]] of its slot, so the positions
/// before it must be in the cache already or among the rows (several prompts can be packed
/// end to end, with decoding rows beside them). A (slot, position) may appear once. Writes
/// the next-token logits of rows logit_rows[0..<logit_count], in that order (vocab floats each).
int rt_forward(rt_model *model, int32_t count, const int32_t *slots, const int32_t *tokens, const int32_t *positions,
               int32_t logit_count, const int32_t *logit_rows, float *out_logits);

/// Runs one token for each of `count` sequences at once (continuous batching): token i sits
/// at positions[i] of slots[i]. Writes count * vocab logits.
int rt_decode(rt_model *model, int32_t count, const int32_t *slots, const int32_t *tokens,
              const int32_t *positions, float *out_logits);

/// Copies the first `length` cache positions of one slot to another (a shared context).
int rt_copy_slot(rt_model *model, int32_t from, int32_t to, int32_t length);

#ifdef __cplusplus
}
#endif

#endif
