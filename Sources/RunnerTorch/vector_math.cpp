// avx512_available (vector_math.h).
#include "vector_math.h"

bool avx512_available() {
    static const bool available = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
    }();
    return available;
}
