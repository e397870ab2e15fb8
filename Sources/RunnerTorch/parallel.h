// Work split across libtorch's OpenMP threads.
//
// This library is compiled by Swift's clang without -fopenmp, so ATen's inline
// at::parallel_for compiles to a plain loop: every int8 product ran on one core while perf
// showed the second thread spinning in libgomp. Starting a pool of our own would fight
// libtorch's spinning workers for two cores, so we enter libtorch's pool (libgomp's) through
// libgomp's public entry point, the one GCC emits for `#pragma omp parallel`.
#pragma once

#include <cstdint>
#include <functional>

/// Calls `body(begin, end)` on consecutive parts of [0, count), one per thread, using at most
/// at::get_num_threads() threads and at least `minimum_per_thread` items a thread (a part too
/// small costs more to hand over than it saves). The first exception thrown is rethrown here.
void parallel_ranges(int64_t count, int64_t minimum_per_thread, const std::function<void(int64_t, int64_t)> &body);
