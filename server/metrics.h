/*
 * metrics.h - counters for GET /metrics, in the Prometheus text format:
 * the build, requests in flight and queued (and how long the queued waited
 * for a worker), API requests by function and result, a latency histogram
 * by function, HTTP answers by status, the database pool's state and the
 * standard process_* metrics.  Lock-free (atomics): every worker records
 * into the same table.
 */
#ifndef NONAGENTD_METRICS_H
#define NONAGENTD_METRICS_H

#include "server/request.h"
#include "server/workers.h"

/* Record one answered request (function/result may be NULL). */
void metrics_observe(const char *function, const char *result, int status, long usec);

/* Render the whole page into b, with the HTTP front's requests in flight
 * and the workers' queue (waiting now, and the waits so far). */
void metrics_render(struct buf *b, unsigned long in_flight, const struct workers_stats *ws);

#endif
