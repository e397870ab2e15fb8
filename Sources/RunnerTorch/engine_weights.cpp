// The engine's weights: linear layers in the compute type, bfloat16 few-row products, int8,
// and the checks of each weight's name and shape as it is set.
#include "bf16_gemv.h"
#include "engine_model.h"

namespace __attribute__((visibility("hidden"))) engine {

/// Whether `x` (rows of bfloat16) goes through bf16_gemv rather than oneDNN: few rows, and a
/// CPU with AVX-512 BF16.
bool few_bf16_rows(const Tensor &x) {
    return x.scalar_type() == torch::kBFloat16 && x.numel() / x.size(-1) <= bf16_gemv_max_rows && bf16_gemv_available();
}

/// x weight^T (+ bias) by bf16_gemv into `out` (rows x out, bfloat16 or float32).
void bf16_product(const Tensor &x, const Tensor &weight, const Tensor &bias, void *out, bool bf16_out) {
    Tensor input = x.contiguous();
    bf16_gemv(input.data_ptr<c10::BFloat16>(), input.numel() / input.size(-1), weight.data_ptr<c10::BFloat16>(), weight.size(0),
              weight.size(1), bias.defined() ? bias.data_ptr<c10::BFloat16>() : nullptr, out, bf16_out);
}

Tensor Linear::operator()(const Tensor &x) const {
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

torch::ScalarType scalar_type(int32_t dtype) {
    switch (dtype) {
        case RT_F32: return torch::kFloat32;
        case RT_F16: return torch::kFloat16;
        case RT_BF16: return torch::kBFloat16;
    }
    throw std::runtime_error("unknown dtype code " + std::to_string(dtype));
}

/// The shape every weight must have, by name; empty when the name is not a weight.
std::vector<int64_t> expected_shape(const rt_llama_config &c, const std::string &name) {
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

Tensor take(rt_model &m, const std::string &name) {
    auto found = m.raw.find(name);
    require(found != m.raw.end(), "missing weight '" + name + "'");
    Tensor t = found->second;
    m.raw.erase(found);
    return t;
}

/// One linear layer from the weights `names` stacked by output rows (q, k, v as one product).
Linear make_linear(rt_model &m, const std::vector<std::string> &names, bool bias, int32_t int8) {
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

Linear make_linear(rt_model &m, const std::string &name, bool bias, int32_t int8) {
    return make_linear(m, std::vector<std::string>{name}, bias, int8);
}

std::string shape_text(at::IntArrayRef shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); i++) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

}  // namespace engine
