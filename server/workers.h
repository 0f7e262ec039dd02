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

struct work {
    void (*run)(struct work *w);
    struct work *next;
};

/* Start n worker threads.  0, or -1 when none could be started. */
int workers_start(unsigned n);

/* Queue w; a worker calls w->run(w) soon, in arrival order.  Once
 * workers_stop has begun, w->run(w) runs at once in the calling thread. */
void workers_submit(struct work *w);

/* Items queued and not yet taken by a worker (the queue's depth). */
unsigned long workers_queued(void);

/* Run every queued item, then stop and join the threads. */
void workers_stop(void);

#endif
