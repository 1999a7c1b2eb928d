/* Two-way fork/join for the directions of a bidirectional layer. */
#include <pthread.h>

#include "internal.h"

struct pair_task {
    void (*fn)(void *);
    void *arg;
};

static void *pair_entry(void *p)
{
    struct pair_task *t = p;
    t->fn(t->arg);
    return NULL;
}

void frnn_run_pair(void (*fa)(void *), void *a, void (*fb)(void *), void *b,
                   int parallel)
{
    pthread_t th;
    struct pair_task task = {fb, b};
    if (parallel && pthread_create(&th, NULL, pair_entry, &task) == 0) {
        fa(a);
        pthread_join(th, NULL);
        return;
    }
    fa(a);
    fb(b);
}
