// The Torch engine: a Llama-family decoder on libtorch behind the C interface in
// runner_torch.h. This file is that interface; the model and its steps are engine_model.h,
// engine_weights.cpp and engine_forward.cpp, the kernels beside them (int8_linear, attention,
// fused_ops), the benchmark probes engine_probes.cpp.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "engine_model.h"
#include "fused_ops.h"

using namespace engine;

thread_local std::string engine::last_error_text;

// MARK: - The C interface

extern "C" {

const char *rt_last_error(void) { return last_error_text.c_str(); }

int rt_model_set_threads(rt_model *model, int32_t compute, int32_t blas) {
    return guarded([&] {
        require(compute > 0 && blas > 0, "thread counts must be positive");
        model->compute_threads = compute;
        model->blas_threads = blas;
    });
}

int rt_model_new(const rt_llama_config *config, rt_model **out) {
    return guarded([&] {
        const auto &c = *config;
        require(c.vocab_size > 0 && c.hidden_size > 0 && c.num_layers > 0 && c.num_heads > 0 && c.num_kv_heads > 0 && c.head_dim > 0,
                "every size in the model config must be positive");
        require(c.num_heads % c.num_kv_heads == 0, "num_heads must be a multiple of num_kv_heads");
        require(c.head_dim % 2 == 0, "head_dim must be even for rotary embeddings");
        require(c.slots > 0 && c.max_positions > 0, "slots and max_positions must be positive");
        auto m = std::make_unique<rt_model>();
        m->config = c;
        m->dtype = scalar_type(c.dtype);
        require(m->dtype == torch::kFloat32 || m->dtype == torch::kBFloat16, "compute dtype must be float32 or bfloat16");
        *out = m.release();
    });
}

int rt_model_set_tensor(rt_model *model, const char *name, int32_t dtype, const int64_t *shape, int32_t ndim, const void *data) {
    return guarded([&] {
        require(!model->ready, "the model is finalized; weights can no longer change");
        std::vector<int64_t> dims(shape, shape + ndim);
        auto expected = expected_shape(model->config, name);
        require(!expected.empty(), std::string("'") + name + "' is not a weight of this architecture");
        require(expected == dims, std::string("'") + name + "' has shape " + shape_text(dims) + ", expected " + shape_text(expected));
        auto options = torch::TensorOptions().dtype(scalar_type(dtype));
        model->raw[name] = torch::from_blob(const_cast<void *>(data), dims, options).clone();
    });
}

int rt_model_add_lora(rt_model *model, const char *name, int32_t dtype, const int64_t *a_shape, const void *a,
                      const int64_t *b_shape, const void *b, double scale) {
    return guarded([&] {
        auto found = model->raw.find(name);
        require(found != model->raw.end(), std::string("LoRA for '") + name + "': the base weight is not set (set it before finalize)");
        auto options = torch::TensorOptions().dtype(scalar_type(dtype));
        Tensor A = torch::from_blob(const_cast<void *>(a), {a_shape[0], a_shape[1]}, options).to(torch::kFloat32);
        Tensor B = torch::from_blob(const_cast<void *>(b), {b_shape[0], b_shape[1]}, options).to(torch::kFloat32);
        Tensor &W = found->second;
        require(B.size(1) == A.size(0) && B.size(0) == W.size(0) && A.size(1) == W.size(1),
                std::string("LoRA for '") + name + "': A " + shape_text(A.sizes()) + " and B " + shape_text(B.sizes()) +
                    " do not fit the weight " + shape_text(W.sizes()));
        W = (W.to(torch::kFloat32) + scale * torch::matmul(B, A)).to(W.scalar_type());
    });
}

int rt_model_finalize(rt_model *model, int32_t flags) {
    return guarded([&] {
        torch::InferenceMode guard;
        auto &m = *model;
        require((flags & ~(RT_QUANTIZE_INT8 | RT_PORTABLE_INT8 | RT_PORTABLE_ATTENTION)) == 0, "unknown finalize flags " + std::to_string(flags));
        m.portable_attention = flags & RT_PORTABLE_ATTENTION;
        // make_linear's int8 argument: 0 none, 1 the VNNI kernels where they run, 2 the portable loop.
        const int32_t quantize_int8 = (flags & RT_QUANTIZE_INT8) ? ((flags & RT_PORTABLE_INT8) ? 2 : 1) : 0;
        const auto &c = m.config;
        Tensor embed = take(m, "model.embed_tokens.weight");
        Tensor head = embed;
        if (c.tie_embeddings) m.raw.erase("lm_head.weight"); else head = take(m, "lm_head.weight");
        m.embed = embed.to(m.dtype).contiguous();
        // In int8 the head goes too: it is a fifth of SmolLM2's weights, read at every step.
        if (quantize_int8) m.lm_head_int8 = Int8Weight::pack(head, Tensor(), quantize_int8 == 2);
        else m.lm_head = c.tie_embeddings ? m.embed : head.to(m.dtype).contiguous();
        m.norm = take(m, "model.norm.weight").to(m.dtype);
        for (int64_t l = 0; l < c.num_layers; l++) {
            const std::string p = "model.layers." + std::to_string(l) + ".";
            Layer layer;
            layer.qkv = make_linear(m, {p + "self_attn.q_proj", p + "self_attn.k_proj", p + "self_attn.v_proj"}, c.attention_bias, quantize_int8);
            layer.o = make_linear(m, p + "self_attn.o_proj", false, quantize_int8);
            layer.gate_up = make_linear(m, {p + "mlp.gate_proj", p + "mlp.up_proj"}, false, quantize_int8);
            layer.down = make_linear(m, p + "mlp.down_proj", false, quantize_int8);
            layer.input_norm = take(m, p + "input_layernorm.weight").to(m.dtype);
            layer.post_norm = take(m, p + "post_attention_layernorm.weight").to(m.dtype);
            m.layers.push_back(layer);
        }
        // Hugging Face's rotary tables: inv_freq over even dimensions, then (freqs, freqs).
        // A caller that scales RoPE (linear, llama3) hands its own inv_freq.
        Tensor inv = m.raw.count("rope.inv_freq")
                         ? take(m, "rope.inv_freq").to(torch::kFloat64)
                         : 1.0 / torch::pow(c.rope_theta, torch::arange(0, c.head_dim, 2, torch::kFloat64) / (double)c.head_dim);
        if (!m.raw.empty()) throw std::runtime_error("unexpected weight '" + m.raw.begin()->first + "'");
        Tensor freqs = torch::outer(torch::arange(c.max_positions, torch::kFloat64), inv);
        Tensor emb = torch::cat({freqs, freqs}, -1);
        m.cos = emb.cos().to(m.dtype);
        m.sin = emb.sin().to(m.dtype);
        m.ready = true;
    });
}

void rt_model_free(rt_model *model) { delete model; }

int rt_forward(rt_model *model, int32_t count, const int32_t *slots, const int32_t *tokens, const int32_t *positions,
               int32_t logit_count, const int32_t *logit_rows, float *out_logits) {
    return guarded([&] {
        torch::InferenceMode guard;
        require(logit_count >= 0, "logit_count must be 0 or more");
        run_rows(*model, count, slots, tokens, positions, std::vector<int64_t>(logit_rows, logit_rows + logit_count), out_logits);
    });
}

int rt_decode(rt_model *model, int32_t count, const int32_t *slots, const int32_t *tokens, const int32_t *positions, float *out_logits) {
    return guarded([&] {
        torch::InferenceMode guard;
        require(count > 0, "decode needs at least one sequence");
        std::set<int32_t> seen;
        for (int32_t i = 0; i < count; i++) require(seen.insert(slots[i]).second, "slot " + std::to_string(slots[i]) + " appears twice in one decode step");
        std::vector<int64_t> logit_rows(count);
        for (int32_t i = 0; i < count; i++) logit_rows[i] = i;
        run_rows(*model, count, slots, tokens, positions, logit_rows, out_logits);
    });
}

int rt_copy_slot(rt_model *model, int32_t from, int32_t to, int32_t length) {
    return guarded([&] {
        torch::InferenceMode guard;
        auto &m = *model;
        m.note_calling_thread();
        check_slot(m, from);
        check_slot(m, to);
        require(length >= 0 && length <= m.capacity, "cannot copy " + std::to_string(length) + " positions of a cache holding " + std::to_string(m.capacity));
        if (from == to || length == 0) return;
        for (auto &layer : m.cache) layer.copy_slot(from, to, length);
    });
}

}  // extern "C"
