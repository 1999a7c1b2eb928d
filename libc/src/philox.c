/* The dropout stream: Philox4x32-10 (Salmon et al., SC'11), see docs/c-api.md. */
#include <stdint.h>

#include "internal.h"
#include "philox.h"

void frnn_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        uint64_t p0 = (uint64_t)0xD2511F53u * c0;
        uint64_t p1 = (uint64_t)0xCD9E8D57u * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

int frnn_keep(uint64_t seed, uint32_t layer, uint64_t index, double p)
{
    const uint32_t ctr[4] = {(uint32_t)index, (uint32_t)(index >> 32), layer, 0};
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    uint32_t x[4];
    frnn_philox4x32_10(ctr, key, x);
    double u = (double)x[0] * 0x1p-32; /* exact: x0 < 2^32 fits a double */
    return u >= p;
}

fusedrnn_status fusedrnn_dropout_keep(uint64_t seed, int64_t layer, int64_t index,
                                      double p, int32_t *keep)
{
    if (keep == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    if (!(p >= 0.0 && p < 1.0)) return FUSEDRNN_ERR_BAD_DROPOUT;
    /* The layer is one 32-bit counter word; the index two. */
    if (layer < 0 || layer > (int64_t)UINT32_MAX) return FUSEDRNN_ERR_BAD_NUM_LAYERS;
    if (index < 0) return FUSEDRNN_ERR_OVERFLOW;
    *keep = frnn_keep(seed, (uint32_t)layer, (uint64_t)index, p);
    return FUSEDRNN_OK;
}
