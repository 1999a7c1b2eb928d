/* Type-generic body of one cell step, included twice by cell.c (float32
 * and float64). The includer defines REAL, SUF(name), GEMM, R_EXP, R_TANH,
 * R_LOG1P and R_FABS. Everything was validated before these run. */

static inline REAL SUF(cell_act)(int32_t kind, REAL v)
{
    switch (kind) {
    case FUSEDRNN_ACT_TANH: return R_TANH(v);
    case FUSEDRNN_ACT_RELU: return (v > 0 || v != v) ? v : (REAL)0;
    case FUSEDRNN_ACT_SIGMOID: return (REAL)1 / ((REAL)1 + R_EXP(-v));
    case FUSEDRNN_ACT_SOFTSIGN: return v / ((REAL)1 + R_FABS(v));
    default: return v > (REAL)20 ? v : R_LOG1P(R_EXP(v)); /* softrelu */
    }
}

/* c = a * w^T + c, a (m, k) and w (n, k) row-major. Sizes were checked
 * against the BLAS integer range before we got here. */
static void SUF(cell_gemm)(int64_t m, int64_t n, int64_t k, const REAL *a, const REAL *w,
                           REAL *c)
{
    GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (blasint)m, (blasint)n, (blasint)k,
         (REAL)1, a, (blasint)k, w, (blasint)k, (REAL)1, c, (blasint)n);
}

static void SUF(cell_run)(const fusedrnn_cell_args *a, int64_t G, unsigned char *ws)
{
    const int64_t N = a->batch, In = a->input_size, H = a->hidden_size, GH = G * H;
    const int32_t act = a->activation, ract = a->recurrent_activation;
    const REAL *x = a->x, *h = a->h, *c = a->c;
    const REAL *bi = a->i2h_bias, *bh = a->h2h_bias;
    REAL *gx = (REAL *)ws, *gh = gx + N * GH;
    REAL *h_out = a->h_out, *c_out = a->c_out;

    /* gx = x W_i2h^T + b_i2h and gh = h W_h2h^T + b_h2h, as two separate
     * fully connected products (Gluon's i2h and h2h). */
    for (int64_t n = 0; n < N; n++) {
        memcpy(gx + n * GH, bi, (size_t)GH * sizeof(REAL));
        memcpy(gh + n * GH, bh, (size_t)GH * sizeof(REAL));
    }
    SUF(cell_gemm)(N, GH, In, x, a->i2h_weight, gx);
    if (h != NULL) SUF(cell_gemm)(N, GH, H, h, a->h2h_weight, gh);

    for (int64_t n = 0; n < N; n++) {
        const REAL *p = gx + n * GH, *q = gh + n * GH;
        const REAL *hp = h ? h + n * H : NULL, *cp = c ? c + n * H : NULL;
        REAL *ho = h_out + n * H;
        if (a->cell == FUSEDRNN_CELL_RNN) {
            for (int64_t k = 0; k < H; k++) ho[k] = SUF(cell_act)(act, p[k] + q[k]);
        } else if (a->cell == FUSEDRNN_CELL_LSTM) {
            REAL *co = c_out + n * H;
            for (int64_t k = 0; k < H; k++) {
                REAL ig = SUF(cell_act)(ract, p[k] + q[k]);
                REAL fg = SUF(cell_act)(ract, p[H + k] + q[H + k]);
                REAL gg = SUF(cell_act)(act, p[2 * H + k] + q[2 * H + k]);
                REAL og = SUF(cell_act)(ract, p[3 * H + k] + q[3 * H + k]);
                REAL cv = fg * (cp ? cp[k] : (REAL)0) + ig * gg;
                co[k] = cv;
                ho[k] = og * SUF(cell_act)(act, cv);
            }
        } else {
            for (int64_t k = 0; k < H; k++) {
                REAL rg = SUF(cell_act)(ract, p[k] + q[k]);
                REAL zg = SUF(cell_act)(ract, p[H + k] + q[H + k]);
                REAL ng = SUF(cell_act)(act, p[2 * H + k] + rg * q[2 * H + k]);
                ho[k] = ((REAL)1 - zg) * ng + zg * (hp ? hp[k] : (REAL)0);
            }
        }
    }
}
