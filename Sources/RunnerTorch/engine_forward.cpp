// The engine's cache and forward pass: rows of tokens through every layer, logits out.
#include <dlfcn.h>

#include <algorithm>
#include <cstring>

#include "bf16_gemv.h"
#include "engine_model.h"
#include "fused_ops.h"

namespace __attribute__((visibility("hidden"))) engine {

/// Grows every layer's cache so positions [0, needed) fit, doubling to amortise copies
/// (capacities are whole key panels of 16 positions).
void ensure_capacity(rt_model &m, int64_t needed) {
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

void check_tokens(const rt_model &m, const int32_t *tokens, int64_t count) {
    for (int64_t i = 0; i < count; i++) {
        require(tokens[i] >= 0 && tokens[i] < m.config.vocab_size,
                "token id " + std::to_string(tokens[i]) + " is outside the vocabulary of " + std::to_string(m.config.vocab_size));
    }
}

void check_slot(const rt_model &m, int32_t slot) {
    require(slot >= 0 && slot < m.config.slots, "slot " + std::to_string(slot) + " is not in 0..<" + std::to_string(m.config.slots));
}

/// Token rows through every layer. `x`: rows x H; row r is at position positions[r] of slot
/// slots[r] (`where`: the positions as a tensor, for RoPE). Each layer writes every row's key
/// and value to the cache first, so rows of one sequence see each other; a row attends to
/// [0, its position] of its slot. Returns the final hidden states (rows x H).
Tensor forward(rt_model &m, Tensor x, const std::vector<int64_t> &slots, const std::vector<int64_t> &positions, const Tensor &where) {
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

void write_logits(rt_model &m, const Tensor &hidden, float *out) {
    if (m.lm_head_int8.defined()) return m.lm_head_int8.into(hidden, out);
    if (few_bf16_rows(hidden)) return bf16_product(hidden, m.lm_head, Tensor(), out, false);
    const bool one_float_row = hidden.size(0) == 1 && hidden.scalar_type() == torch::kFloat32;
    Tensor logits = (one_float_row ? torch::mv(m.lm_head, hidden.reshape({-1})) : torch::linear(hidden, m.lm_head))
                        .to(torch::kFloat32).contiguous();
    std::memcpy(out, logits.data_ptr<float>(), logits.numel() * sizeof(float));
}

/// Gives the two thread pools this model's split, if the last call (of any model) left another.
void apply_threads(const rt_model &m) {
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
void run_rows(rt_model &m, int64_t count, const int32_t *slots, const int32_t *tokens, const int32_t *positions,
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

}  // namespace engine
