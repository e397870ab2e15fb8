// Benchmark probes of the Torch engine (engine_probes.cpp): not part of its C interface
// (runner_torch.h). The runner loads them by name for bench/ and one test only.
#pragma once

#include "runner_torch.h"

#ifdef __cplusplus
extern "C" {
#endif

/// How many threads have run passes (rt_forward, rt_decode, rt_time_products, rt_copy_slot) of this
/// model. Callers should keep to one: libgomp keeps a spinning thread team for every thread
/// that opens a parallel region, and teams of idle callers slow the working one.
int32_t rt_model_calling_threads(rt_model *model);

/// Times a decoding step's matrix products alone for `rows` rows, the median of `repeats` runs
/// each: the weight products (every layer's q/k/v, o, gate/up and down, and the head) on
/// random activations, and attention's products (scores, softmax, weighted values) over
/// `context` random cached positions a row. The benchmark's yardstick: a decoding step of
/// `rows` streams can be no faster than the two together.
int rt_time_products(rt_model *model, int32_t rows, int32_t context, int32_t repeats, double *weight_seconds,
                     double *attention_seconds);

#ifdef __cplusplus
}
#endif
