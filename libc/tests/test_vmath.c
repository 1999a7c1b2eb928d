/* The vectorized float32 math and gate kernels (gates_f32.c): accuracy
 * against libm in double, special values, and bitwise agreement of the
 * portable and AVX2 builds. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gates_f32.h"
#include "harness.h"

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static int same_bits(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* |got - want| in units of the float spacing at want; results below
 * FLT_MIN are not held to ulps (the kernels may flush them). */
static double ulps(float got, double want)
{
    if (isnan(want)) return isnan(got) ? 0.0 : INFINITY;
    if (fabs(want) < FLT_MIN) return fabs((double)got - want) <= FLT_MIN ? 0.0 : INFINITY;
    int e = ilogb(want);
    if (fabs((double)(float)want) >= ldexp(1.0, e + 1)) e++; /* want rounds up */
    return fabs((double)got - want) / ldexp(1.0, e - 23);
}

enum { STRIDE = 4099 }; /* about a million floats, every sign and exponent */

static void accuracy(const frnn_kernels_f32 *k)
{
    const int64_t n = (int64_t)(((uint64_t)1 << 32) / STRIDE) + 1;
    float *x = malloc(sizeof(float) * (size_t)n), *s = malloc(sizeof(float) * (size_t)n),
          *t = malloc(sizeof(float) * (size_t)n);
    for (int64_t i = 0; i < n; i++) x[i] = from_bits((uint32_t)((uint64_t)i * STRIDE));
    k->sigmoid(x, s, n);
    k->tanh(x, t, n);
    double ms = 0, mt = 0;
    for (int64_t i = 0; i < n; i++) {
        double xd = x[i];
        ms = fmax(ms, ulps(s[i], 1.0 / (1.0 + exp(-xd))));
        mt = fmax(mt, ulps(t[i], tanh(xd)));
    }
    CHECK(ms <= 2.5);
    CHECK(mt <= 2.0);
    free(x);
    free(s);
    free(t);
}

static void special_values(const frnn_kernels_f32 *k)
{
    const float in[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, -NAN, FLT_MAX, -FLT_MAX,
                        1e30f, -1e30f, FLT_MIN, -FLT_MIN, from_bits(1), from_bits(0x80000001u),
                        1e-20f, -1e-20f, 88.0f, -88.0f, 100.0f, -100.0f, 9.0f, -9.0f};
    enum { M = sizeof in / sizeof in[0] };
    float s[M], t[M];
    k->sigmoid(in, s, M);
    k->tanh(in, t, M);
    CHECK(s[0] == 0.5f && s[1] == 0.5f);
    CHECK(same_bits(t[0], 0.0f) && same_bits(t[1], -0.0f));
    CHECK(s[2] == 1.0f && same_bits(s[3], 0.0f));
    CHECK(t[2] == 1.0f && t[3] == -1.0f);
    CHECK(isnan(s[4]) && isnan(s[5]) && isnan(t[4]) && isnan(t[5]));
    CHECK(s[6] == 1.0f && s[7] == 0.0f && t[6] == 1.0f && t[7] == -1.0f);
    CHECK(s[8] == 1.0f && s[9] == 0.0f && t[8] == 1.0f && t[9] == -1.0f);
    /* Tiny inputs: sigmoid is 1/2, tanh is the identity (subnormals too). */
    for (int i = 10; i < 16; i++) {
        CHECK(s[i] == 0.5f);
        CHECK(same_bits(t[i], in[i]));
    }
    CHECK(s[16] == 1.0f && s[17] >= 0.0f && s[17] < FLT_MIN); /* true value 6e-39 */
    CHECK(s[18] == 1.0f && s[19] == 0.0f);
    CHECK(t[20] == 1.0f && t[21] == -1.0f);
}

/* Random data with some special values; H = 37 exercises the tails. */
static void fill(float *v, int64_t n, uint32_t seed)
{
    static const float sp[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e30f, -50.0f};
    for (int64_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        float u = (float)(seed >> 8) / 16777216.0f; /* [0, 1) */
        v[i] = (seed >> 24) < 4 ? sp[(seed >> 8) % 7] : (u - 0.5f) * 16.0f;
    }
}

static void variants_agree(const frnn_kernels_f32 *k0, const frnn_kernels_f32 *k1)
{
    enum { H = 37, G = 4, ROWS = 6 };
    float a[G * H], b[G * H], bhn[H], c0[H], c1[H], h0[H], h1[H], o0[H], o1[H];
    float r0[5 * H], r1[5 * H];
    for (int row = 0; row < ROWS; row++) {
        fill(a, G * H, 11u + (uint32_t)row);
        fill(b, G * H, 23u + (uint32_t)row);
        fill(bhn, H, 31u + (uint32_t)row);
        fill(c0, H, 41u + (uint32_t)row);
        memcpy(c1, c0, sizeof c0);
        const int clip = row % 3;
        k0->lstm(a, b, c0, h0, o0, r0, H, clip, -1.5f, 2.0f);
        k1->lstm(a, b, c1, h1, o1, r1, H, clip, -1.5f, 2.0f);
        CHECK(memcmp(c0, c1, sizeof c0) == 0 && memcmp(h0, h1, sizeof h0) == 0);
        CHECK(memcmp(o0, o1, sizeof o0) == 0 && memcmp(r0, r1, sizeof r0) == 0);
        memcpy(h1, h0, sizeof h0);
        k0->gru(a, b, bhn, h0, o0, r0, H);
        k1->gru(a, b, bhn, h1, o1, r1, H);
        CHECK(memcmp(h0, h1, sizeof h0) == 0 && memcmp(o0, o1, sizeof o0) == 0);
        CHECK(memcmp(r0, r1, 4 * H * sizeof(float)) == 0);
        k0->tanh_rnn(a, b, h0, o0, NULL, H);
        k1->tanh_rnn(a, b, h1, o1, NULL, H);
        CHECK(memcmp(h0, h1, sizeof h0) == 0 && memcmp(o0, o1, sizeof o0) == 0);
    }
    /* The element-wise functions over the whole sampled float range. */
    const int64_t n = (int64_t)(((uint64_t)1 << 32) / STRIDE) + 1;
    float *x = malloc(sizeof(float) * (size_t)n), *y0 = malloc(sizeof(float) * (size_t)n),
          *y1 = malloc(sizeof(float) * (size_t)n);
    for (int64_t i = 0; i < n; i++) x[i] = from_bits((uint32_t)((uint64_t)i * STRIDE + 7));
    k0->sigmoid(x, y0, n);
    k1->sigmoid(x, y1, n);
    CHECK(memcmp(y0, y1, sizeof(float) * (size_t)n) == 0);
    k0->tanh(x, y0, n);
    k1->tanh(x, y1, n);
    CHECK(memcmp(y0, y1, sizeof(float) * (size_t)n) == 0);
    free(x);
    free(y0);
    free(y1);
}

/* The LSTM row against a scalar libm evaluation of the same equations. */
static void lstm_matches_libm(const frnn_kernels_f32 *k)
{
    enum { H = 29 };
    float a[4 * H], b[4 * H], c[H], h[H], o[H], c_in[H];
    fill(a, 4 * H, 5u);
    fill(b, 4 * H, 6u);
    for (int i = 0; i < 4 * H; i++) {
        if (!isfinite(a[i]) || fabsf(a[i]) > 20.0f) a[i] = 0.25f;
        if (!isfinite(b[i]) || fabsf(b[i]) > 20.0f) b[i] = -0.5f;
    }
    for (int i = 0; i < H; i++) c_in[i] = c[i] = 0.1f * (float)(i - 14);
    k->lstm(a, b, c, h, o, NULL, H, 0, 0.0f, 0.0f);
    for (int i = 0; i < H; i++) {
        double ig = 1 / (1 + exp(-(double)(a[i] + b[i])));
        double fg = 1 / (1 + exp(-(double)(a[H + i] + b[H + i])));
        double gg = tanh((double)(a[2 * H + i] + b[2 * H + i]));
        double og = 1 / (1 + exp(-(double)(a[3 * H + i] + b[3 * H + i])));
        double cv = fg * c_in[i] + ig * gg;
        CHECK_NEAR(c[i], cv, 1e-6 * (1 + fabs(cv)));
        CHECK_NEAR(h[i], og * tanh(cv), 1e-6);
        CHECK(same_bits(o[i], h[i]));
    }
}

void test_vmath(void)
{
    const frnn_kernels_f32 *base = frnn_kernels_f32_variant(0);
    const frnn_kernels_f32 *avx2 = frnn_kernels_f32_variant(1);
    CHECK(base != NULL);
    CHECK(frnn_kernels_f32_best() == (avx2 ? avx2 : base));
    accuracy(base);
    special_values(base);
    lstm_matches_libm(base);
    if (avx2) {
        special_values(avx2);
        variants_agree(base, avx2);
    }
}
