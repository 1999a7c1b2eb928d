/* A tiny test harness: counts checks, reports failures with location. */
#ifndef FRNN_HARNESS_H
#define FRNN_HARNESS_H

#include <stdio.h>

extern int th_passed, th_failed;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (cond) th_passed++;                                                 \
        else {                                                                 \
            th_failed++;                                                       \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);    \
        }                                                                      \
    } while (0)

#define CHECK_ST(expr, want)                                                   \
    do {                                                                       \
        int got_ = (int)(expr), want_ = (int)(want);                           \
        if (got_ == want_) th_passed++;                                        \
        else {                                                                 \
            th_failed++;                                                       \
            fprintf(stderr, "FAIL %s:%d: %s gave %d, want %d\n", __FILE__,      \
                    __LINE__, #expr, got_, want_);                             \
        }                                                                      \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                  \
    do {                                                                       \
        double a_ = (a), b_ = (b);                                             \
        if (fabs(a_ - b_) <= (tol)) th_passed++;                               \
        else {                                                                 \
            th_failed++;                                                       \
            fprintf(stderr, "FAIL %s:%d: %s = %.17g, want %.17g\n", __FILE__,   \
                    __LINE__, #a, a_, b_);                                     \
        }                                                                      \
    } while (0)

void test_status(void);
void test_validation(void);
void test_sizes(void);
void test_philox(void);
void test_hand(void);
void test_reference(void);
void test_threads(void);

#endif
