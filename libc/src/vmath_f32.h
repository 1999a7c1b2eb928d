/* Branch-free float32 exp/sigmoid/tanh on GCC vectors; a template
 * included by gates_f32.c once per target: VF/VI name a float/int32
 * vector type of VLANES lanes, VSUF(name) suffixes the functions.
 *
 * Every operation is a lane-wise IEEE add, subtract, multiply, divide,
 * compare, bit operation or exact integer conversion, and the build uses
 * -ffp-contract=off, so a lane's result does not depend on the vector
 * width or instruction set: the portable (SSE2, 4 lanes) and AVX2 (8
 * lanes) kernels agree bit for bit (a C test checks). VATTR is the target.
 * Max error against exact values, measured over all 2^32 floats (results
 * of normal size): sigmoid 2.40 ulp, tanh 1.75 ulp. */
#include <stdint.h>
#include <string.h>

#undef VINLINE
#define VINLINE VATTR static inline __attribute__((always_inline))

/* m ? a : b, lane by lane; m lanes are all ones or all zeros. */
VINLINE VF VSUF(frnn_vsel)(VI m, VF a, VF b)
{
    return (VF)(((VI)a & m) | ((VI)b & ~m));
}

VINLINE VF VSUF(frnn_vabs)(VF x)
{
    return (VF)((VI)x & 0x7fffffff);
}

/* Loads/stores m <= VLANES floats; missing lanes read as 0. */
VINLINE VF VSUF(frnn_vld)(const float *p, int64_t m)
{
    VF v = {0};
    if (m == VLANES) memcpy(&v, p, sizeof v); /* the common case: one load */
    else memcpy(&v, p, (size_t)m * sizeof(float));
    return v;
}

VINLINE void VSUF(frnn_vst)(float *p, VF v, int64_t m)
{
    if (m == VLANES) memcpy(p, &v, sizeof v);
    else memcpy(p, &v, (size_t)m * sizeof(float));
}

/* exp(x) for x <= 0 (callers pass -|y|); 0 below ln(FLT_MIN) = -87.33654,
 * where the true value is under FLT_MIN, and for NaN (callers restore NaN
 * themselves).
 * Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2 (n*ln2_hi is exact),
 * Cephes' degree-7 polynomial for exp(r), then 2^n from exponent bits
 * (n in [-126, 0], so the scale is a normal float). */
VINLINE VF VSUF(frnn_vexp_neg)(VF x)
{
    const float lo = -87.33654f, shift = 12582912.0f; /* 1.5 * 2^23 rounds to int */
    VI ok = x >= lo; /* false for NaN */
    VF xc = VSUF(frnn_vsel)(ok, x, (VF){0} + lo);
    VF n = (xc * 1.44269504088896341f + shift) - shift;
    VF r = xc - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    VF p = r * 1.9875691500e-4f + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    VI bits = (__builtin_convertvector(n, VI) + 127) << 23;
    VF e = p * (VF)bits;
    return VSUF(frnn_vsel)(ok, e, (VF){0});
}

/* 1 / (1 + exp(-x)), written as e/(1+e) for x < 0 with e = exp(-|x|) so
 * the exponential never overflows. sigmoid(+-inf) = 1/0, NaN -> NaN. */
VINLINE VF VSUF(frnn_vsigmoid)(VF x)
{
    VF e = VSUF(frnn_vexp_neg)(-VSUF(frnn_vabs)(x));
    VF num = VSUF(frnn_vsel)(x < 0.0f, e, (VF){0} + 1.0f);
    VF s = num / (e + 1.0f);
    return VSUF(frnn_vsel)(x != x, x, s);
}

/* tanh: for |x| < ln(3)/2 Cephes' odd polynomial x + x^3 P(x^2) (no
 * cancellation near 0), else (1 - e)/(1 + e) with e = exp(-2|x|) <= 1/3;
 * both on |x|, then x's sign bit is put back (so tanh(-0) = -0). */
VINLINE VF VSUF(frnn_vtanh)(VF x)
{
    VF ax = VSUF(frnn_vabs)(x);
    VF z = ax * ax;
    VF p = z * -5.70498872745e-3f + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    VF small = (p * z) * ax + ax;
    VF e = VSUF(frnn_vexp_neg)(-2.0f * ax);
    VF big = (1.0f - e) / (1.0f + e);
    VF t = VSUF(frnn_vsel)(ax < 0.5493f, small, big);
    t = (VF)((VI)t | ((VI)x & (int32_t)0x80000000u));
    return VSUF(frnn_vsel)(x != x, x, t);
}

