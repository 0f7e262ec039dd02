/*
 * metrics.h - counters for GET /metrics, in the Prometheus text format:
 * the build, requests in flight and queued, API requests by function and
 * result, a latency histogram by function, HTTP answers by status, the
 * database pool's state and the standard process_* metrics.  Lock-free
 * (atomics): every worker records into the same table.
 */
#ifndef NONAGENTD_METRICS_H
#define NONAGENTD_METRICS_H

#include "server/request.h"

/* Record one answered request (function/result may be NULL). */
void metrics_observe(const char *function, const char *result, int status, long usec);

/* Render the whole page into b, with the HTTP front's two gauges: requests
 * in flight and requests waiting for a worker. */
void metrics_render(struct buf *b, unsigned long in_flight, unsigned long queued);

#endif
