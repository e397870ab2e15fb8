// parallel_ranges (parallel.h) on libgomp's GOMP_parallel, the pool libtorch's own operators use.
#include "parallel.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <exception>

extern "C" {
// libgomp's ABI (GOMP_4.0 and OMP_1.0 symbol versions), loaded with libtorch_cpu.
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
}

namespace {

struct Team {
    const std::function<void(int64_t, int64_t)> *body;
    int64_t count;
    std::atomic_flag failed = ATOMIC_FLAG_INIT;
    std::exception_ptr error;
};

void run_part(void *data) {
    auto &team = *static_cast<Team *>(data);
    // libgomp may give fewer threads than asked (nested or limited): split by what it gave.
    const int64_t threads = omp_get_num_threads(), me = omp_get_thread_num();
    const int64_t part = (team.count + threads - 1) / threads;
    const int64_t begin = me * part, end = std::min(team.count, begin + part);
    if (begin >= end) return;
    try {
        (*team.body)(begin, end);
    } catch (...) {
        if (!team.failed.test_and_set()) team.error = std::current_exception();
    }
}

}  // namespace

void parallel_ranges(int64_t count, int64_t minimum_per_thread, const std::function<void(int64_t, int64_t)> &body) {
    if (count <= 0) return;
    const int64_t by_size = count / std::max<int64_t>(1, minimum_per_thread);
    const int64_t threads = std::min<int64_t>(at::get_num_threads(), by_size);
    if (threads <= 1 || at::in_parallel_region()) return body(0, count);
    Team team{&body, count};
    GOMP_parallel(run_part, &team, (unsigned)threads, 0);
    if (team.error) std::rethrow_exception(team.error);
}
