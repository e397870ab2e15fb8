// Benchmark probes (runner_torch_probes.h): timing a step's products alone, and counting the
// threads that have run a model's passes. Not part of the engine's C interface.
#include <algorithm>
#include <chrono>
#include <functional>

#include "engine_model.h"
#include "runner_torch_probes.h"

using namespace engine;

extern "C" {

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

}  // extern "C"
