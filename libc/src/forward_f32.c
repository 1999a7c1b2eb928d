/* float32 instance of forward_impl.h. */
#include <math.h>

#define REAL float
#define SUF(name) name##_f32
#define GEMM scipy_cblas_sgemm
#define R_EXP expf
#define R_TANH tanhf
#define R_FMIN fminf
#define R_FMAX fmaxf
#include "forward_impl.h"
