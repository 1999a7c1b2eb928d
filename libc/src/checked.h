/* Overflow-checked size arithmetic with a sticky error flag, so a chain of
 * computations can be checked once at the end. */
#ifndef FRNN_CHECKED_H
#define FRNN_CHECKED_H

#include <stddef.h>
#include <stdint.h>

typedef struct { int bad; } frnn_ck;

static inline int64_t ck_mul(frnn_ck *c, int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r)) { c->bad = 1; return 0; }
    return r;
}

static inline int64_t ck_add(frnn_ck *c, int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) { c->bad = 1; return 0; }
    return r;
}

/* Bytes of n elements of size es. */
static inline size_t ck_bytes(frnn_ck *c, int64_t n, size_t es)
{
    size_t r;
    if (n < 0 || (uint64_t)n > SIZE_MAX) { c->bad = 1; return 0; }
    if (__builtin_mul_overflow((size_t)n, es, &r)) { c->bad = 1; return 0; }
    return r;
}

static inline size_t ck_zadd(frnn_ck *c, size_t a, size_t b)
{
    size_t r;
    if (__builtin_add_overflow(a, b, &r)) { c->bad = 1; return 0; }
    return r;
}

static inline size_t ck_zmul(frnn_ck *c, size_t a, size_t b)
{
    size_t r;
    if (__builtin_mul_overflow(a, b, &r)) { c->bad = 1; return 0; }
    return r;
}

/* Appends a block of `bytes` at *cursor, rounded up to the alignment, and
 * returns its offset. */
static inline size_t ck_take(frnn_ck *c, size_t *cursor, size_t bytes)
{
    size_t off = *cursor;
    size_t rounded = ck_zadd(c, bytes, 63);
    rounded -= rounded % 64;
    *cursor = ck_zadd(c, *cursor, rounded);
    return off;
}

#endif
