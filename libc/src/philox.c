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

fusedrnn_status fusedrnn_dropout_mask(uint64_t seed, int64_t stream, int64_t offset,
                                      int64_t count, double p, uint8_t *keep)
{
    if (!(p >= 0.0 && p < 1.0)) return FUSEDRNN_ERR_BAD_DROPOUT;
    if (stream < 0 || stream > (int64_t)UINT32_MAX) return FUSEDRNN_ERR_BAD_NUM_LAYERS;
    if (offset < 0 || count < 0 || offset > INT64_MAX - count) return FUSEDRNN_ERR_OVERFLOW;
    if (count > 0 && keep == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    for (int64_t i = 0; i < count; i++)
        keep[i] = (uint8_t)frnn_keep(seed, (uint32_t)stream, (uint64_t)(offset + i), p);
    return FUSEDRNN_OK;
}

fusedrnn_status fusedrnn_derive_seed(uint64_t seed, uint64_t index, uint64_t *out)
{
    if (out == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    /* Counter word 3 is 0 for every mask and 1 here: a separate domain. */
    const uint32_t ctr[4] = {(uint32_t)index, (uint32_t)(index >> 32), 0, 1};
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    uint32_t x[4];
    frnn_philox4x32_10(ctr, key, x);
    *out = (uint64_t)x[0] | ((uint64_t)x[1] << 32);
    return FUSEDRNN_OK;
}
