/* The float32 row kernels, a template included by gates_f32.c after
 * vmath_f32.h, once per target (VATTR sets it). The arithmetic of a lane
 * is the same in every instance (see vmath_f32.h). Each loop takes VLANES
 * units at a time; m < VLANES only in the last (partial) chunk. */

#define LD(p) VSUF(frnn_vld)(p, m)
#define ST(p, v) VSUF(frnn_vst)(p, v, m)
#define SIGM(x) VSUF(frnn_vsigmoid)(x)
#define TANH(x) VSUF(frnn_vtanh)(x)
#define SEL(mask, a, b) VSUF(frnn_vsel)(mask, a, b)
#define SPLAT(s) ((VF){0} + (s))

VATTR static void VSUF(lstm)(const float *restrict a, const float *restrict b,
                             float *restrict c, float *restrict h, float *restrict o,
                             float *restrict rr, int64_t H, int clip, float lo, float hi)
{
    for (int64_t k = 0; k < H; k += VLANES) {
        const int64_t m = H - k < VLANES ? H - k : VLANES;
        VF ig = SIGM(LD(a + k) + LD(b + k));
        VF fg = SIGM(LD(a + H + k) + LD(b + H + k));
        VF gg = TANH(LD(a + 2 * H + k) + LD(b + 2 * H + k));
        VF og = SIGM(LD(a + 3 * H + k) + LD(b + 3 * H + k));
        VF cv = fg * LD(c + k) + ig * gg;
        if (clip != FRNN_CLIP_NONE) {
            /* fmin(fmax(cv, lo), hi), C99's NaN rule chosen by clip. */
            VF t = SEL(cv < lo, SPLAT(lo), cv);
            t = SEL(t > hi, SPLAT(hi), t);
            if (clip == FRNN_CLIP_NAN_TO_LO) t = SEL(cv != cv, SPLAT(lo), t);
            cv = t;
        }
        VF hv = og * TANH(cv);
        ST(c + k, cv);
        ST(h + k, hv);
        if (o) ST(o + k, hv);
        if (rr) {
            ST(rr + k, ig);
            ST(rr + H + k, fg);
            ST(rr + 2 * H + k, gg);
            ST(rr + 3 * H + k, og);
            ST(rr + 4 * H + k, cv);
        }
    }
}

VATTR static void VSUF(gru)(const float *restrict a, const float *restrict b,
                            const float *restrict bhn, float *restrict h, float *restrict o,
                            float *restrict rr, int64_t H)
{
    for (int64_t k = 0; k < H; k += VLANES) {
        const int64_t m = H - k < VLANES ? H - k : VLANES;
        VF rg = SIGM(LD(a + k) + LD(b + k));
        VF zg = SIGM(LD(a + H + k) + LD(b + H + k));
        VF hn = LD(b + 2 * H + k) + LD(bhn + k);
        VF ng = TANH(LD(a + 2 * H + k) + rg * hn);
        VF hv = (1.0f - zg) * ng + zg * LD(h + k);
        ST(h + k, hv);
        ST(o + k, hv);
        if (rr) {
            ST(rr + k, rg);
            ST(rr + H + k, zg);
            ST(rr + 2 * H + k, ng);
            ST(rr + 3 * H + k, hn);
        }
    }
}

VATTR static void VSUF(tanh_rnn)(const float *restrict a, const float *restrict b,
                                 float *restrict h, float *restrict o, float *restrict rr,
                                 int64_t H)
{
    for (int64_t k = 0; k < H; k += VLANES) {
        const int64_t m = H - k < VLANES ? H - k : VLANES;
        VF hv = TANH(LD(a + k) + LD(b + k));
        ST(h + k, hv);
        ST(o + k, hv);
        if (rr) ST(rr + k, hv);
    }
}

VATTR static void VSUF(sigmoid)(const float *src, float *dst, int64_t n)
{
    for (int64_t k = 0; k < n; k += VLANES) {
        const int64_t m = n - k < VLANES ? n - k : VLANES;
        VSUF(frnn_vst)(dst + k, SIGM(LD(src + k)), m);
    }
}

VATTR static void VSUF(tanh)(const float *src, float *dst, int64_t n)
{
    for (int64_t k = 0; k < n; k += VLANES) {
        const int64_t m = n - k < VLANES ? n - k : VLANES;
        VSUF(frnn_vst)(dst + k, TANH(LD(src + k)), m);
    }
}

static const frnn_kernels_f32 VSUF(kernels) = {
    VSUF(lstm), VSUF(gru), VSUF(tanh_rnn), VSUF(sigmoid), VSUF(tanh),
};

#undef LD
#undef ST
#undef SIGM
#undef TANH
#undef SPLAT
#undef SEL
