/* Two-way fork/join for the directions of a bidirectional layer. */
#include <pthread.h>

#include <cblas.h>

#include "internal.h"

/* OpenBLAS's thresholds for one thread: interface/gemm.c runs a GEMM
 * serially when m*n*k <= SMP_THRESHOLD_MIN * GEMM_MULTITHREAD_THRESHOLD
 * (65536 * 4), interface/gemv.c a GEMV when m*n < 2304 * 4. */
#define FRNN_BLAS_SERIAL_GEMM 262144.0
#define FRNN_BLAS_SERIAL_GEMV 9216.0

int frnn_blas_serial_gemm(double mnk)
{
    return scipy_openblas_get_num_threads() <= 1 || mnk <= FRNN_BLAS_SERIAL_GEMM;
}

int frnn_blas_serial_gemv(double mn)
{
    return scipy_openblas_get_num_threads() <= 1 || mn < FRNN_BLAS_SERIAL_GEMV;
}

int frnn_pair_parallel(int max_threads, int blas_serial)
{
    return max_threads != 1 && blas_serial && scipy_openblas_get_num_procs() >= 2;
}

struct pair_task {
    void (*fn)(void *);
    void *arg;
};

static void *pair_entry(void *p)
{
    struct pair_task *t = p;
    t->fn(t->arg);
    return NULL;
}

void frnn_run_pair(void (*fa)(void *), void *a, void (*fb)(void *), void *b,
                   int parallel)
{
    pthread_t th;
    struct pair_task task = {fb, b};
    if (parallel && pthread_create(&th, NULL, pair_entry, &task) == 0) {
        fa(a);
        pthread_join(th, NULL);
        return;
    }
    fa(a);
    fb(b);
}
