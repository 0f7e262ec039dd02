/*
 * metrics.h - counters for GET /metrics, in the Prometheus text format:
 * API requests by function and result, a latency histogram, HTTP answers
 * by status, and the database pool's state.  Lock-free (atomics): every
 * worker records into the same table.
 */
#ifndef NONAGENTD_METRICS_H
#define NONAGENTD_METRICS_H

#include "server/request.h"

/* Record one answered request (function/result may be NULL). */
void metrics_observe(const char *function, const char *result, int status, long usec);

/* Render the whole page into b. */
void metrics_render(struct buf *b);

#endif
