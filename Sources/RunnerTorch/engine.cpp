// The Torch engine: a Llama-family decoder on libtorch behind the C interface in
// runner_torch.h. The kernels live beside it (int8_linear, attention, fused_ops); this file
// holds errors, weights, the cache, the forward pass over rows, and the exported functions.
#include <torch/torch.h>

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "attention.h"
#include "bf16_gemv.h"
#include "fused_ops.h"
#include "int8_linear.h"
#include "runner_torch.h"

using torch::Tensor;

// MARK: - Errors: every exported function catches, stores the text, returns -1.

static thread_local std::string last_error_text;

template <typename F>
static int guarded(F &&body) {
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

static void require(bool condition, const std::string &message) {
    if (!condition) throw std::runtime_error(message);
}

static std::string shape_text(at::IntArrayRef shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); i++) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// MARK: - Weights

/// Whether `x` (rows of bfloat16) goes through bf16_gemv rather than oneDNN: few rows, and a
/// CPU with AVX-512 BF16.
static bool few_bf16_rows(const Tensor &x) {
    return x.scalar_type() == torch::kBFloat16 && x.numel() / x.size(-1) <= bf16_gemv_max_rows && bf16_gemv_available();
}

/// x weight^T (+ bias) by bf16_gemv into `out` (rows x out, bfloat16 or float32).
static void bf16_product(const Tensor &x, const Tensor &weight, const Tensor &bias, void *out, bool bf16_out) {
    Tensor input = x.contiguous();
    bf16_gemv(input.data_ptr<c10::BFloat16>(), input.numel() / input.size(-1), weight.data_ptr<c10::BFloat16>(), weight.size(0),
              weight.size(1), bias.defined() ? bias.data_ptr<c10::BFloat16>() : nullptr, out, bf16_out);
}

/// A linear layer's weight (out x in) in the compute type, or int8 (int8_linear.h).
struct Linear {
    Tensor weight;
    Tensor bias;
    Int8Weight int8;

    Tensor operator()(const Tensor &x) const {
        if (int8.defined()) return int8(x, x.scalar_type());
        // One float32 row goes through mv: a 1-row matmul takes a much slower path (PLATFORM.md:
        // 12x). In bfloat16 a few rows take our vdpbf16ps loop, more oneDNN's linear.
        if (few_bf16_rows(x)) {
            auto sizes = x.sizes().vec();
            sizes.back() = weight.size(0);
            Tensor y = torch::empty(sizes, x.options());
            bf16_product(x, weight, bias, y.data_ptr(), true);
            return y;
        }
        if (x.scalar_type() == torch::kBFloat16) {
            Tensor y = torch::linear(x, weight);
            return bias.defined() ? y + bias : y;
        }
        auto y = x.numel() == x.size(-1) ? torch::mv(weight, x.reshape({-1})).view(x.sizes().vec().size() == 3
                                                                                       ? std::vector<int64_t>{1, 1, weight.size(0)}
                                                                                       : std::vector<int64_t>{1, weight.size(0)})
                                         : torch::matmul(x, weight.t());
        return bias.defined() ? y + bias : y;
    }
};

struct Layer {
    // q, k and v are one product, as are gate and up: fewer, larger matrix products per step
    // (the outputs are split by columns), which is most of a decoding step's time.
    Linear qkv, o, gate_up, down;
    Tensor input_norm, post_norm;
};

struct rt_model {
    rt_llama_config config;
    std::map<std::string, Tensor> raw;  // weights as set, by Hugging Face name, until finalize
    Tensor embed, norm, lm_head;
    Int8Weight lm_head_int8;            // the head in int8 (quantization: int8); embed stays
    std::vector<Layer> layers;
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

static torch::ScalarType scalar_type(int32_t dtype) {
    switch (dtype) {
        case RT_F32: return torch::kFloat32;
        case RT_F16: return torch::kFloat16;
        case RT_BF16: return torch::kBFloat16;
    }
    throw std::runtime_error("unknown dtype code " + std::to_string(dtype));
}

/// The shape every weight must have, by name; empty when the name is not a weight.
static std::vector<int64_t> expected_shape(const rt_llama_config &c, const std::string &name) {
    const int64_t h = c.hidden_size, q = c.num_heads * c.head_dim, kv = c.num_kv_heads * c.head_dim;
    if (name == "model.embed_tokens.weight" || name == "lm_head.weight") return {c.vocab_size, h};
    if (name == "model.norm.weight") return {h};
    // Rotary frequencies computed by the caller (scaled RoPE: linear, llama3); optional.
    if (name == "rope.inv_freq") return {c.head_dim / 2};
    const std::string prefix = "model.layers.";
    if (name.rfind(prefix, 0) != 0) return {};
    auto dot = name.find('.', prefix.size());
    if (dot == std::string::npos) return {};
    const int64_t layer = std::stoll(name.substr(prefix.size(), dot - prefix.size()));
    if (layer < 0 || layer >= c.num_layers) return {};
    const std::string rest = name.substr(dot + 1);
    if (rest == "self_attn.q_proj.weight") return {q, h};
    if (rest == "self_attn.k_proj.weight" || rest == "self_attn.v_proj.weight") return {kv, h};
    if (rest == "self_attn.o_proj.weight") return {h, q};
    if (rest == "self_attn.q_proj.bias") return {q};
    if (rest == "self_attn.k_proj.bias" || rest == "self_attn.v_proj.bias") return {kv};
    if (rest == "mlp.gate_proj.weight" || rest == "mlp.up_proj.weight") return {c.intermediate_size, h};
    if (rest == "mlp.down_proj.weight") return {h, c.intermediate_size};
    if (rest == "input_layernorm.weight" || rest == "post_attention_layernorm.weight") return {h};
    return {};
}

static Tensor take(rt_model &m, const std::string &name) {
    auto found = m.raw.find(name);
    require(found != m.raw.end(), "missing weight '" + name + "'");
    Tensor t = found->second;
    m.raw.erase(found);
    return t;
}

/// One linear layer from the weights `names` stacked by output rows (q, k, v as one product).
static Linear make_linear(rt_model &m, const std::vector<std::string> &names, bool bias, int32_t int8) {
    Linear l;
    std::vector<Tensor> weights, biases;
    for (const auto &name : names) {
        weights.push_back(take(m, name + ".weight"));
        if (bias) biases.push_back(take(m, name + ".bias"));
    }
    Tensor w = weights.size() == 1 ? weights[0] : torch::cat(weights, 0);
    Tensor b = bias ? (biases.size() == 1 ? biases[0] : torch::cat(biases, 0)) : Tensor();
    if (int8) {
        l.int8 = Int8Weight::pack(w, b, int8 == 2);
        return l;
    }
    l.weight = w.to(m.dtype).contiguous();
    if (bias) l.bias = b.to(m.dtype);
    return l;
}

static Linear make_linear(rt_model &m, const std::string &name, bool bias, int32_t int8) {
    return make_linear(m, std::vector<std::string>{name}, bias, int8);
}

// MARK: - Cache

/// Grows every layer's cache so positions [0, needed) fit, doubling to amortise copies
/// (capacities are whole key panels of 16 positions).
static void ensure_capacity(rt_model &m, int64_t needed) {
    if (needed <= m.capacity) return;
    require(needed <= m.config.max_positions,
            "sequence of " + std::to_string(needed) + " tokens exceeds the context window of " + std::to_string(m.config.max_positions));
    int64_t capacity = std::max<int64_t>(m.capacity == 0 ? 256 : m.capacity * 2, needed);
    capacity = (std::min<int64_t>(capacity, m.config.max_positions) + 15) / 16 * 16;
    for (int64_t l = 0; l < m.config.num_layers; l++) {
        LayerCache grown = LayerCache::zeros(m.config.slots, capacity, m.attention_shape(), m.dtype);
        if (m.capacity > 0) grown.copy_from(m.cache[l], m.capacity);
        if ((int64_t)m.cache.size() <= l) m.cache.push_back(grown); else m.cache[l] = grown;
    }
    m.capacity = capacity;
}

// MARK: - Forward pass

static void check_tokens(const rt_model &m, const int32_t *tokens, int64_t count) {
    for (int64_t i = 0; i < count; i++) {
        require(tokens[i] >= 0 && tokens[i] < m.config.vocab_size,
                "token id " + std::to_string(tokens[i]) + " is outside the vocabulary of " + std::to_string(m.config.vocab_size));
    }
}

static void check_slot(const rt_model &m, int32_t slot) {
    require(slot >= 0 && slot < m.config.slots, "slot " + std::to_string(slot) + " is not in 0..<" + std::to_string(m.config.slots));
}

/// Token rows through every layer. `x`: rows x H; row r is at position positions[r] of slot
/// slots[r] (`where`: the positions as a tensor, for RoPE). Each layer writes every row's key
/// and value to the cache first, so rows of one sequence see each other; a row attends to
/// [0, its position] of its slot. Returns the final hidden states (rows x H).
static Tensor forward(rt_model &m, Tensor x, const std::vector<int64_t> &slots, const std::vector<int64_t> &positions, const Tensor &where) {
    const auto &c = m.config;
    const AttentionShape shape = m.attention_shape();
    for (size_t li = 0; li < m.layers.size(); li++) {
        const Layer &layer = m.layers[li];
        Tensor h = fused_rms_norm(x, layer.input_norm, c.rms_norm_eps);
        Tensor qkv = layer.qkv(h).contiguous();
        fused_rope(qkv, where, m.cos, m.sin, c.num_heads + c.num_kv_heads, c.head_dim);  // queries and keys, in place
        write_keys_values(m.cache[li], qkv, slots.data(), positions.data(), shape);
        x = x + layer.o(attend(m.cache[li], qkv, slots.data(), positions.data(), shape, m.portable_attention));
        Tensor h2 = fused_rms_norm(x, layer.post_norm, c.rms_norm_eps);
        x = x + layer.down(fused_silu_mul(layer.gate_up(h2), c.intermediate_size));
    }
    return fused_rms_norm(x, m.norm, c.rms_norm_eps);
}

static void write_logits(rt_model &m, const Tensor &hidden, float *out) {
    if (m.lm_head_int8.defined()) return m.lm_head_int8.into(hidden, out);
    if (few_bf16_rows(hidden)) return bf16_product(hidden, m.lm_head, Tensor(), out, false);
    const bool one_float_row = hidden.size(0) == 1 && hidden.scalar_type() == torch::kFloat32;
    Tensor logits = (one_float_row ? torch::mv(m.lm_head, hidden.reshape({-1})) : torch::linear(hidden, m.lm_head))
                        .to(torch::kFloat32).contiguous();
    std::memcpy(out, logits.data_ptr<float>(), logits.numel() * sizeof(float));
}

/// Gives the two thread pools this model's split, if the last call (of any model) left another.
static void apply_threads(const rt_model &m) {
    static int32_t current_compute = -1, current_blas = -1;
    if (m.compute_threads != current_compute) at::set_num_threads(current_compute = m.compute_threads);
    if (m.blas_threads != current_blas) {
        // OpenBLAS is libtorch's BLAS here (Debian's libblas.so.3 alternative); another BLAS keeps its own setting.
        using SetThreads = void (*)(int);
        static auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
        if (set) set(m.blas_threads);
        current_blas = m.blas_threads;
    }
}

/// Checks rows and runs them: the shared body of rt_forward and rt_decode.
/// Writes the logits of rows `logit_rows`, in that order.
static void run_rows(rt_model &m, int64_t count, const int32_t *slots, const int32_t *tokens, const int32_t *positions,
                     const std::vector<int64_t> &logit_rows, float *out_logits) {
    require(m.ready, "the model is not finalized");
    require(count > 0, "a forward pass needs at least one token");
    m.note_calling_thread();
    apply_threads(m);
    check_tokens(m, tokens, count);
    std::vector<int64_t> slot_list(count), position_list(count);
    std::set<std::pair<int64_t, int64_t>> seen;
    int64_t longest = 0;
    for (int64_t i = 0; i < count; i++) {
        check_slot(m, slots[i]);
        require(positions[i] >= 0, "positions must be 0 or more");
        require(seen.insert({slots[i], positions[i]}).second,
                "slot " + std::to_string(slots[i]) + " position " + std::to_string(positions[i]) + " appears twice in one forward pass");
        slot_list[i] = slots[i];
        position_list[i] = positions[i];
        longest = std::max<int64_t>(longest, positions[i] + 1);
    }
    for (int64_t r : logit_rows) require(r >= 0 && r < count, "logit row " + std::to_string(r) + " is not in 0..<" + std::to_string(count));
    ensure_capacity(m, longest);
    Tensor ids = torch::from_blob(const_cast<int32_t *>(tokens), {count}, torch::kInt32).to(torch::kLong);
    Tensor where = torch::tensor(position_list, torch::kLong);
    Tensor hidden = forward(m, m.embed.index_select(0, ids), slot_list, position_list, where);
    bool every_row_in_order = (int64_t)logit_rows.size() == count;
    for (int64_t i = 0; every_row_in_order && i < count; i++) every_row_in_order = logit_rows[i] == i;
    if (every_row_in_order) return write_logits(m, hidden, out_logits);
    if (logit_rows.size() == 1) return write_logits(m, hidden.narrow(0, logit_rows[0], 1), out_logits);
    write_logits(m, hidden.index_select(0, torch::tensor(logit_rows, torch::kLong)), out_logits);
}

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

int rt_time_products(rt_model *model, int32_t rows, int32_t context, int32_t repeats, double *weight_seconds, double *attention_seconds) {
    return guarded([&] {
        torch::InferenceMode guard;
        auto &m = *model;
        const auto &c = m.config;
        require(m.ready, "the model is not finalized");
        require(rows > 0 && context > 0 && repeats > 0, "rows, context and repeats must be positive");
        m.note_calling_thread();
        apply_threads(m);
        auto options = torch::TensorOptions().dtype(m.dtype);
        Tensor hidden = torch::randn({rows, c.hidden_size}, options), heads = torch::randn({rows, c.num_heads * c.head_dim}, options);
        Tensor inner = torch::randn({rows, c.intermediate_size}, options);
        // The median of `repeats` runs of `body`, after one that warms caches and is not
        // counted. Not the best: a decoding step's rate is a mean over hundreds of steps, and
        // on a shared machine the fastest of a few runs is an outlier (seen: 35 ms best, 41 ms
        // median, 35.5 ms the same products averaged inside 64-stream steps).
        auto median_of = [repeats](const std::function<void()> &body) {
            std::vector<double> times;
            for (int32_t i = 0; i <= repeats; i++) {
                const auto start = std::chrono::steady_clock::now();
                body();
                const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                if (i > 0) times.push_back(elapsed);
            }
            std::sort(times.begin(), times.end());
            return times[times.size() / 2];
        };
        std::vector<float> logits((size_t)rows * c.vocab_size);
        *weight_seconds = median_of([&] {
            for (const auto &layer : m.layers) {
                layer.qkv(hidden);
                layer.o(heads);
                layer.gate_up(hidden);
                layer.down(inner);
            }
            write_logits(m, hidden, logits.data());
        });
        // Attention's two products (scores, weighted values) with their softmax: each row sees
        // `context` positions of a slot of its own, a cache per layer (the step reads 30 of them,
        // not one that stays in cache).
        const AttentionShape shape = m.attention_shape();
        std::vector<LayerCache> caches;
        for (int64_t l = 0; l < c.num_layers; l++) {
            LayerCache cache = LayerCache::zeros(rows, (context + 15) / 16 * 16, shape, m.dtype);
            cache.keys.normal_();
            cache.values.normal_();
            caches.push_back(cache);
        }
        Tensor qkv = torch::randn({rows, (c.num_heads + 2 * c.num_kv_heads) * c.head_dim}, options);
        std::vector<int64_t> slots(rows), positions(rows, context - 1);
        for (int32_t r = 0; r < rows; r++) slots[r] = r;
        *attention_seconds = median_of([&] {
            for (const auto &cache : caches) attend(cache, qkv, slots.data(), positions.data(), shape, m.portable_attention);
        });
    });
}

int32_t rt_model_calling_threads(rt_model *model) {
    std::lock_guard<std::mutex> hold(model->calling_lock);
    return (int32_t)model->calling_threads.size();
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
