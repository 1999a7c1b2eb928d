#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ref.h"

static double sig(double v) { return 1.0 / (1.0 + exp(-v)); }

void ref_forward(const fusedrnn_config *c, const tu_run *r)
{
    const int64_t T = r->T, N = r->N, H = c->hidden_size, L = c->num_layers;
    const int64_t D = c->bidirectional ? 2 : 1, P = c->projection_size, R = P ? P : H;
    const int64_t G = c->mode == FUSEDRNN_LSTM ? 4 : c->mode == FUSEDRNN_GRU ? 3 : 1;
    const int ntc = c->layout == FUSEDRNN_NTC;
    int64_t Icur = c->input_size;
    /* Layer input in TNC. */
    double *in = malloc(sizeof(double) * (size_t)(T * N * Icur));
    for (int64_t t = 0; t < T; t++)
        for (int64_t n = 0; n < N; n++)
            memcpy(in + (t * N + n) * Icur, r->x + (ntc ? n * T + t : t * N + n) * Icur,
                   sizeof(double) * (size_t)Icur);
    /* Walk the flat vector in order: weights, then biases. */
    const double *wp = r->params;
    int64_t nweights = 0;
    for (int64_t l = 0; l < L; l++)
        nweights += D * (G * H * (l ? R * D : c->input_size) + G * H * R + P * H);
    const double *bp = r->params + nweights;
    double *gi = malloc(sizeof(double) * (size_t)(G * H)), *gh = malloc(sizeof(double) * (size_t)(G * H));
    double *h = malloc(sizeof(double) * (size_t)H), *cc = malloc(sizeof(double) * (size_t)H);
    double *hp = malloc(sizeof(double) * (size_t)R), *hf = malloc(sizeof(double) * (size_t)H);
    for (int64_t l = 0; l < L; l++) {
        double *out = calloc((size_t)(T * N * D * R), sizeof(double));
        for (int64_t dir = 0; dir < D; dir++) {
            const double *Wi = wp, *Wh = Wi + G * H * Icur, *Wr = Wh + G * H * R;
            wp = Wr + P * H;
            const double *bi = bp, *bh = bp + G * H;
            bp += 2 * G * H;
            int64_t s = l * D + dir;
            for (int64_t n = 0; n < N; n++) {
                int64_t len = r->lengths ? r->lengths[n] : T;
                for (int64_t k = 0; k < R; k++) hp[k] = r->hx ? r->hx[(s * N + n) * R + k] : 0;
                for (int64_t k = 0; k < H; k++) cc[k] = r->cx ? r->cx[(s * N + n) * H + k] : 0;
                for (int64_t st = 0; st < len; st++) {
                    int64_t t = dir ? len - 1 - st : st;
                    const double *xv = in + (t * N + n) * Icur;
                    for (int64_t k = 0; k < G * H; k++) {
                        gi[k] = bi[k];
                        for (int64_t q = 0; q < Icur; q++) gi[k] += Wi[k * Icur + q] * xv[q];
                        gh[k] = bh[k];
                        for (int64_t q = 0; q < R; q++) gh[k] += Wh[k * R + q] * hp[q];
                    }
                    for (int64_t k = 0; k < H; k++) {
                        if (c->mode == FUSEDRNN_RNN_TANH) h[k] = tanh(gi[k] + gh[k]);
                        else if (c->mode == FUSEDRNN_RNN_RELU) h[k] = fmax(gi[k] + gh[k], 0);
                        else if (c->mode == FUSEDRNN_GRU) {
                            double rr = sig(gi[k] + gh[k]), z = sig(gi[H + k] + gh[H + k]);
                            double nn = tanh(gi[2 * H + k] + rr * gh[2 * H + k]);
                            h[k] = (1 - z) * nn + z * hp[k];
                        } else {
                            double i = sig(gi[k] + gh[k]), f = sig(gi[H + k] + gh[H + k]);
                            double g = tanh(gi[2 * H + k] + gh[2 * H + k]);
                            double o = sig(gi[3 * H + k] + gh[3 * H + k]);
                            cc[k] = f * cc[k] + i * g;
                            if (c->use_clip) {
                                if (isnan(cc[k])) { if (c->clip_nan) cc[k] = c->clip_min; }
                                else if (cc[k] < c->clip_min) cc[k] = c->clip_min;
                                else if (cc[k] > c->clip_max) cc[k] = c->clip_max;
                            }
                            h[k] = o * tanh(cc[k]);
                        }
                    }
                    if (P) {
                        for (int64_t k = 0; k < P; k++) {
                            hf[k] = 0;
                            for (int64_t q = 0; q < H; q++) hf[k] += Wr[k * H + q] * h[q];
                        }
                        memcpy(hp, hf, sizeof(double) * (size_t)P);
                    } else {
                        memcpy(hp, h, sizeof(double) * (size_t)H);
                    }
                    memcpy(out + (t * N + n) * D * R + dir * R, hp, sizeof(double) * (size_t)R);
                }
                if (r->hy) memcpy(r->hy + (s * N + n) * R, hp, sizeof(double) * (size_t)R);
                if (r->cy) memcpy(r->cy + (s * N + n) * H, cc, sizeof(double) * (size_t)H);
            }
        }
        if (r->training && c->dropout > 0 && l < L - 1) {
            for (int64_t e = 0; e < T * N * D * R; e++) {
                int32_t keep = 0;
                fusedrnn_dropout_keep(r->seed, l, e, c->dropout, &keep);
                out[e] = keep ? out[e] * (1.0 / (1.0 - c->dropout)) : 0.0;
            }
        }
        free(in);
        in = out;
        Icur = D * R;
    }
    for (int64_t t = 0; t < T; t++)
        for (int64_t n = 0; n < N; n++)
            memcpy(r->y + (ntc ? n * T + t : t * N + n) * D * R, in + (t * N + n) * D * R,
                   sizeof(double) * (size_t)(D * R));
    free(in); free(gi); free(gh); free(h); free(cc); free(hp); free(hf);
}
