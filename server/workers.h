/*
 * workers.h - the threads that run requests.
 *
 * libmicrohttpd's own threads only read and write sockets; a request that
 * needs the database is suspended there and queued here, and one of N
 * worker threads (each with its own database connection) runs it and
 * resumes the connection.  So a slow request (a bcrypt login, a contested
 * lock) never holds up the other connections its I/O thread serves, and
 * the number of database connections is N whatever the number of clients.
 */
#ifndef NONAGENTD_WORKERS_H
#define NONAGENTD_WORKERS_H

#include <time.h>

struct work {
    void (*run)(struct work *w);
    struct work *next;
    struct timespec queued_at;  /* CLOCK_MONOTONIC, set by workers_submit */
};

/* The queue's state and, since start, how long the items a worker took
 * had waited for it: at 32 clients on 4 workers, most of a request's time
 * is this wait (bench/README.md, "add_phone's p99: the queue"). */
struct workers_stats {
    unsigned long queued;           /* items waiting now */
    unsigned long taken;            /* items a worker took, ever */
    unsigned long long waited_us;   /* their waits, summed */
};

/* Start n worker threads.  0, or -1 when none could be started. */
int workers_start(unsigned n);

/* Queue w; a worker calls w->run(w) soon, in arrival order.  Once
 * workers_stop has begun, w->run(w) runs at once in the calling thread. */
void workers_submit(struct work *w);

/* Items queued and not yet taken by a worker (the queue's depth), and
 * the waits of those taken. */
void workers_stats(struct workers_stats *out);

/* Run every queued item, then stop and join the threads. */
void workers_stop(void);

#endif
