/* The dropout stream: Random123 known answers and the keep rule. */
#include <math.h>

#include "harness.h"
#include "philox.h"
#include "util.h"

void test_philox(void)
{
    uint32_t out[4];
    const uint32_t c0[4] = {0, 0, 0, 0}, k0[2] = {0, 0};
    frnn_philox4x32_10(c0, k0, out);
    CHECK(out[0] == 0x6627e8d5u && out[1] == 0xe169c58du && out[2] == 0xbc57ac4cu &&
          out[3] == 0x9b00dbd8u);
    const uint32_t c1[4] = {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u};
    const uint32_t k1[2] = {0xa4093822u, 0x299f31d0u};
    frnn_philox4x32_10(c1, k1, out);
    CHECK(out[0] == 0xd16cfe09u && out[1] == 0x94fdccebu && out[2] == 0x5001e420u &&
          out[3] == 0x24126ea1u);

    /* keep iff x0 / 2^32 >= p, with the documented counter and key. */
    const uint64_t seed = 0x0123456789abcdefull;
    int agree = 1, kept = 0, n = 20000;
    for (int64_t i = 0; i < n; i++) {
        int64_t index = i * 7919 + ((int64_t)1 << 33);
        const uint32_t c[4] = {(uint32_t)index, (uint32_t)(index >> 32), 3, 0};
        const uint32_t k[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
        frnn_philox4x32_10(c, k, out);
        int32_t keep = -1;
        if (fusedrnn_dropout_keep(seed, 3, index, 0.3, &keep) != FUSEDRNN_OK) agree = 0;
        agree &= keep == ((double)out[0] / 4294967296.0 >= 0.3);
        kept += keep;
    }
    CHECK(agree);
    CHECK(fabs((double)kept / n - 0.7) < 0.02);
    int32_t keep = 0;
    CHECK_ST(fusedrnn_dropout_keep(1, 0, 0, 0.0, &keep), FUSEDRNN_OK);
    CHECK(keep == 1);
    CHECK_ST(fusedrnn_dropout_keep(1, 0, 0, 0.5, NULL), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_dropout_keep(1, 0, 0, 1.0, &keep), FUSEDRNN_ERR_BAD_DROPOUT);
    CHECK_ST(fusedrnn_dropout_keep(1, 0, 0, -0.5, &keep), FUSEDRNN_ERR_BAD_DROPOUT);
    CHECK_ST(fusedrnn_dropout_keep(1, 0, 0, NAN, &keep), FUSEDRNN_ERR_BAD_DROPOUT);
    CHECK_ST(fusedrnn_dropout_keep(1, -1, 0, 0.5, &keep), FUSEDRNN_ERR_BAD_NUM_LAYERS);
    CHECK_ST(fusedrnn_dropout_keep(1, (int64_t)1 << 32, 0, 0.5, &keep), FUSEDRNN_ERR_BAD_NUM_LAYERS);
    CHECK_ST(fusedrnn_dropout_keep(1, 0, -1, 0.5, &keep), FUSEDRNN_ERR_OVERFLOW);

    /* The bulk mask is the keep stream, element by element. */
    uint8_t mask[257];
    CHECK_ST(fusedrnn_dropout_mask(seed, 5, 1000, 257, 0.4, mask), FUSEDRNN_OK);
    int same = 1;
    for (int64_t i = 0; i < 257; i++) {
        int32_t k = -1;
        fusedrnn_dropout_keep(seed, 5, 1000 + i, 0.4, &k);
        same &= mask[i] == (uint8_t)k;
    }
    CHECK(same);
    CHECK_ST(fusedrnn_dropout_mask(seed, 5, 0, 0, 0.4, NULL), FUSEDRNN_OK);
    CHECK_ST(fusedrnn_dropout_mask(seed, 5, 0, 1, 0.4, NULL), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_dropout_mask(seed, 5, -1, 1, 0.4, mask), FUSEDRNN_ERR_OVERFLOW);
    CHECK_ST(fusedrnn_dropout_mask(seed, 5, INT64_MAX, 2, 0.4, mask), FUSEDRNN_ERR_OVERFLOW);
    CHECK_ST(fusedrnn_dropout_mask(seed, 5, 0, -1, 0.4, mask), FUSEDRNN_ERR_OVERFLOW);
    CHECK_ST(fusedrnn_dropout_mask(seed, -1, 0, 1, 0.4, mask), FUSEDRNN_ERR_BAD_NUM_LAYERS);
    CHECK_ST(fusedrnn_dropout_mask(seed, 5, 0, 1, 1.0, mask), FUSEDRNN_ERR_BAD_DROPOUT);

    /* Derived seeds: known answers computed independently (fusedrnn.philox, NumPy). */
    uint64_t derived = 0;
    CHECK_ST(fusedrnn_derive_seed(0, 0, &derived), FUSEDRNN_OK);
    CHECK(derived == 0x1348e23f2dce73e5ull);
    CHECK_ST(fusedrnn_derive_seed(12345, 7, &derived), FUSEDRNN_OK);
    CHECK(derived == 0x7d7a466302659a72ull);
    CHECK_ST(fusedrnn_derive_seed(UINT64_MAX, ((uint64_t)1 << 40) + 3, &derived), FUSEDRNN_OK);
    CHECK(derived == 0xf0f44d6991a1fff7ull);
    CHECK_ST(fusedrnn_derive_seed(1, 2, NULL), FUSEDRNN_ERR_NULL_POINTER);
}
