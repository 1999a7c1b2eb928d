/* The float32 row kernels, built for the portable target (4-lane vectors,
 * SSE2 on x86-64) and, on x86, for AVX2 (8 lanes); the AVX2 build runs
 * when the CPU has it. Both give the same bits (lane-wise IEEE arithmetic,
 * no FMA contraction), so the choice affects speed only. */
#include "gates_f32.h"

typedef float frnn_v4f __attribute__((vector_size(16)));
typedef int32_t frnn_v4i __attribute__((vector_size(16)));

#define VF frnn_v4f
#define VI frnn_v4i
#define VLANES 4
#define VATTR
#define VSUF(name) name##_base
#include "vmath_f32.h"
#include "vgates_f32_impl.h"
#undef VF
#undef VI
#undef VLANES
#undef VATTR
#undef VSUF

#if defined(__x86_64__) || defined(__i386__)
#define FRNN_HAVE_AVX2 1
typedef float frnn_v8f __attribute__((vector_size(32)));
typedef int32_t frnn_v8i __attribute__((vector_size(32)));

#define VF frnn_v8f
#define VI frnn_v8i
#define VLANES 8
#define VATTR __attribute__((target("avx2")))
#define VSUF(name) name##_avx2
#include "vmath_f32.h"
#include "vgates_f32_impl.h"
#endif

static int cpu_has_avx2(void)
{
#ifdef FRNN_HAVE_AVX2
    __builtin_cpu_init(); /* idempotent; needed if we run before constructors */
    return __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

const frnn_kernels_f32 *frnn_kernels_f32_variant(int variant)
{
    if (variant == 0) return &kernels_base;
#ifdef FRNN_HAVE_AVX2
    if (variant == 1 && cpu_has_avx2()) return &kernels_avx2;
#endif
    return NULL;
}

const frnn_kernels_f32 *frnn_kernels_f32_best(void)
{
    const frnn_kernels_f32 *k = frnn_kernels_f32_variant(1);
    return k ? k : &kernels_base;
}
