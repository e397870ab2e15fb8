// Attention over the KV cache for rows that each name their own slot and position.
//
// One loop per (row, key head) replaces about ten libtorch calls a layer (the mask,
// index_put_, two batched products, masked_fill, softmax, casts and transposes), and it is
// what lets one forward pass mix rows of many sequences: the decoding rows of 64 streams,
// or the prefills of many questions packed end to end. Scores, softmax and the weighted sum
// are float32; only the result is rounded to the compute type.
#pragma once

#include <torch/torch.h>

/// Heads of one layer: `heads` query heads share `kv_heads` key heads (grouped-query).
struct AttentionShape {
    int64_t heads, kv_heads, head_dim;
};

/// One layer's keys and values for every slot. Keys lie in panels of 16 positions,
/// slots x kv_heads x (capacity / 16) x head_dim x 16, so a query meets 16 keys with one
/// vector multiply-add per dimension and no horizontal sums; values lie as
/// slots x kv_heads x capacity x head_dim, read one position at a time.
struct LayerCache {
    torch::Tensor keys, values;

    /// Zeros for `slots` slots of `capacity` positions (a multiple of 16).
    static LayerCache zeros(int64_t slots, int64_t capacity, AttentionShape shape, torch::ScalarType dtype);

    int64_t capacity() const { return values.size(2); }

    /// Copies positions [0, length) of every slot of `from` (a smaller cache being grown).
    void copy_from(const LayerCache &from, int64_t length);

    /// Copies positions [0, length) of slot `from` to slot `to` (a shared context).
    void copy_slot(int64_t from, int64_t to, int64_t length);
};

/// Writes each row's key and value, read from `qkv` (rows x (heads + 2 kv_heads) * head_dim,
/// queries then keys then values, after RoPE), at the row's slot and position.
void write_keys_values(LayerCache &cache, const torch::Tensor &qkv, const int64_t *slots, const int64_t *positions,
                       AttentionShape shape);

/// softmax(q k / sqrt(head_dim)) v for every row and query head, where row r's queries (in
/// `qkv`) see positions [0, positions[r]] of slot slots[r]. Returns rows x heads * head_dim in
/// qkv's type. `portable` takes the plain loop even where the AVX-512 one runs (tests).
torch::Tensor attend(const LayerCache &cache, const torch::Tensor &qkv, const int64_t *slots, const int64_t *positions,
                     AttentionShape shape, bool portable);
