/* Raw Philox4x32-10 block, private; exposed to the C tests for the
 * Random123 known-answer vectors. */
#ifndef FRNN_PHILOX_H
#define FRNN_PHILOX_H

#include <stdint.h>

void frnn_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

#endif
