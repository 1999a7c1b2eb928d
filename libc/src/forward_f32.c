/* float32 instance of forward_impl.h. */
#include <math.h>

#define REAL float
#define SUF(name) name##_f32
#define GEMM scipy_cblas_sgemm
#define GEMV scipy_cblas_sgemv
#define R_FMIN fminf
#define R_FMAX fmaxf
#define FRNN_VECTOR_F32 1 /* row kernels of gates_f32.c; no libm exp/tanh */
#include "forward_impl.h"
