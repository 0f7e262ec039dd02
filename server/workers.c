/*
 * workers.c - a FIFO queue and the worker threads that drain it
 * (see workers.h).  Invariant: an item is run exactly once, by one
 * worker (or, once stopping, by its submitter); after workers_stop returns
 * the queue is empty and no worker runs.
 */
#include "server/workers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "db/pool.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static struct work *head, *tail;
static atomic_ulong queued;     /* items between submit and a worker taking them */
static atomic_ulong taken;
static atomic_ullong waited_us;
static int stopping;
static pthread_t *threads;
static unsigned nthreads;

static void note_wait(const struct work *w)
{
    struct timespec now;
    long long us;

    clock_gettime(CLOCK_MONOTONIC, &now);
    us = (long long)(now.tv_sec - w->queued_at.tv_sec) * 1000000 +
         (now.tv_nsec - w->queued_at.tv_nsec) / 1000;
    atomic_fetch_add(&waited_us, (unsigned long long)(us > 0 ? us : 0));
    atomic_fetch_add(&taken, 1);
}

static void *worker_main(void *arg)
{
    (void)arg;
    for (;;) {
        struct work *w;

        pthread_mutex_lock(&lock);
        while (!head && !stopping)
            pthread_cond_wait(&ready, &lock);
        w = head;
        if (w) {
            head = w->next;
            if (!head)
                tail = NULL;
            atomic_fetch_sub(&queued, 1);
        }
        pthread_mutex_unlock(&lock);
        if (!w)
            break;              /* stopping and nothing left */
        note_wait(w);
        w->run(w);
    }
    db_thread_close();
    return NULL;
}

int workers_start(unsigned n)
{
    threads = calloc(n, sizeof *threads);
    if (!threads)
        return -1;
    stopping = 0;
    for (nthreads = 0; nthreads < n; nthreads++)
        if (pthread_create(&threads[nthreads], NULL, worker_main, NULL) != 0)
            break;
    return nthreads > 0 ? 0 : -1;
}

void workers_submit(struct work *w)
{
    w->next = NULL;
    clock_gettime(CLOCK_MONOTONIC, &w->queued_at);
    pthread_mutex_lock(&lock);
    if (stopping) {
        /* The workers may have drained the queue and left already: a
         * request that arrives during the stop runs here, in the caller. */
        pthread_mutex_unlock(&lock);
        w->run(w);
        return;
    }
    if (tail)
        tail->next = w;
    else
        head = w;
    tail = w;
    atomic_fetch_add(&queued, 1);
    pthread_cond_signal(&ready);
    pthread_mutex_unlock(&lock);
}

void workers_stats(struct workers_stats *out)
{
    out->queued = atomic_load(&queued);
    out->taken = atomic_load(&taken);
    out->waited_us = atomic_load(&waited_us);
}

void workers_stop(void)
{
    pthread_mutex_lock(&lock);
    stopping = 1;
    pthread_cond_broadcast(&ready);
    pthread_mutex_unlock(&lock);
    for (unsigned i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    threads = NULL;
    nthreads = 0;
}
