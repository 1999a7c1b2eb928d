/* float64 instance of forward_impl.h. */
#include <math.h>

#define REAL double
#define SUF(name) name##_f64
#define GEMM scipy_cblas_dgemm
#define GEMV scipy_cblas_dgemv
#define R_EXP exp
#define R_TANH tanh
#define R_FMIN fmin
#define R_FMAX fmax
#include "forward_impl.h"
