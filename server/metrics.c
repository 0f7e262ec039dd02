/*
 * metrics.c - the /metrics page (see metrics.h).
 *
 * Function and result names come from requests, so they are folded onto
 * fixed lists ("other" for anything else): a client cannot grow the page.
 */
#include "server/metrics.h"

#include <stdatomic.h>
#include <string.h>

#include "db/pool.h"
#include "server/http.h"
#include "server/procstats.h"

static const char *const FUNCTIONS[] = {
    "version", "add_phone", "update_phone", "add_phone_alias", "update_phone_alias",
    "coffee", "none", "other",
};
static const char *const RESULTS[] = {
    "SUCCESS", "ERROR", "NOTICE", "DBDOWN", "other",
};
#define NFUNCTIONS (sizeof FUNCTIONS / sizeof FUNCTIONS[0])
#define NRESULTS (sizeof RESULTS / sizeof RESULTS[0])

/* Upper bounds in microseconds; the last bucket is +Inf. */
static const long BUCKETS_US[] = { 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000,
                                   250000, 500000, 1000000, 2500000 };
#define NBUCKETS (sizeof BUCKETS_US / sizeof BUCKETS_US[0])

static const int STATUSES[] = { 200, 404, 413, 418, 499, 500, 503 };
#define NSTATUSES (sizeof STATUSES / sizeof STATUSES[0])

static atomic_ulong requests[NFUNCTIONS][NRESULTS];
static atomic_ulong latency_bucket[NFUNCTIONS][NBUCKETS + 1];
static atomic_ulong latency_sum_us[NFUNCTIONS];
static atomic_ulong latency_count[NFUNCTIONS];
static atomic_ulong http_status[NSTATUSES + 1];

static size_t function_index(const char *function)
{
    if (!function || !*function)
        return NFUNCTIONS - 2;      /* "none" */
    if (strstr(function, "coffee"))
        return 5;
    for (size_t i = 0; i < NFUNCTIONS - 3; i++)
        if (strcmp(function, FUNCTIONS[i]) == 0)
            return i;
    return NFUNCTIONS - 1;
}

static size_t result_index(const char *result)
{
    for (size_t i = 0; result && i < NRESULTS - 1; i++)
        if (strcmp(result, RESULTS[i]) == 0)
            return i;
    return NRESULTS - 1;
}

void metrics_observe(const char *function, const char *result, int status, long usec)
{
    size_t b = 0, s = 0;

    if (function) {
        size_t f = function_index(function);
        atomic_fetch_add(&requests[f][result_index(result)], 1);
        while (b < NBUCKETS && usec > BUCKETS_US[b])
            b++;
        atomic_fetch_add(&latency_bucket[f][b], 1);
        atomic_fetch_add(&latency_sum_us[f], (unsigned long)(usec > 0 ? usec : 0));
        atomic_fetch_add(&latency_count[f], 1);
    }
    while (s < NSTATUSES && STATUSES[s] != status)
        s++;
    atomic_fetch_add(&http_status[s], 1);
}

void metrics_render(struct buf *b, unsigned long in_flight, const struct workers_stats *ws)
{
    struct db_stats st;

    buf_printf(b, "# HELP nonagentd_build_info The running build: its version, the API it is"
                  " compatible with, and libmicrohttpd's version.\n"
                  "# TYPE nonagentd_build_info gauge\n"
                  "nonagentd_build_info{version=\"%s\",api=\"non_agent_api.php 2.14-202\","
                  "libmicrohttpd=\"%s\"} 1\n", NONAGENTD_VERSION, http_library_version());
    buf_printf(b, "# HELP nonagentd_http_requests_in_flight Requests received and not yet"
                  " answered (queued, running or being sent).\n"
                  "# TYPE nonagentd_http_requests_in_flight gauge\n"
                  "nonagentd_http_requests_in_flight %lu\n"
                  "# HELP nonagentd_worker_queue_depth Requests waiting for a worker thread.\n"
                  "# TYPE nonagentd_worker_queue_depth gauge\n"
                  "nonagentd_worker_queue_depth %lu\n"
                  "# HELP nonagentd_worker_queue_wait_seconds Time requests waited for a worker"
                  " thread, from arrival of the whole request.\n"
                  "# TYPE nonagentd_worker_queue_wait_seconds summary\n"
                  "nonagentd_worker_queue_wait_seconds_sum %.6f\n"
                  "nonagentd_worker_queue_wait_seconds_count %lu\n",
               in_flight, ws->queued, (double)ws->waited_us / 1e6, ws->taken);
    buf_puts(b, "# HELP nonagentd_api_requests_total API requests answered, by function and result.\n"
                "# TYPE nonagentd_api_requests_total counter\n");
    for (size_t f = 0; f < NFUNCTIONS; f++)
        for (size_t r = 0; r < NRESULTS; r++)
            buf_printf(b, "nonagentd_api_requests_total{function=\"%s\",result=\"%s\"} %lu\n",
                       FUNCTIONS[f], RESULTS[r], atomic_load(&requests[f][r]));

    buf_puts(b, "# HELP nonagentd_api_request_duration_seconds Time from arrival to answer,"
                " by function.\n"
                "# TYPE nonagentd_api_request_duration_seconds histogram\n");
    for (size_t f = 0; f < NFUNCTIONS; f++) {
        unsigned long cumulative = 0;
        for (size_t i = 0; i <= NBUCKETS; i++) {
            cumulative += atomic_load(&latency_bucket[f][i]);
            if (i < NBUCKETS)
                buf_printf(b, "nonagentd_api_request_duration_seconds_bucket{function=\"%s\","
                              "le=\"%g\"} %lu\n", FUNCTIONS[f], (double)BUCKETS_US[i] / 1e6,
                           cumulative);
            else
                buf_printf(b, "nonagentd_api_request_duration_seconds_bucket{function=\"%s\","
                              "le=\"+Inf\"} %lu\n", FUNCTIONS[f], cumulative);
        }
        buf_printf(b, "nonagentd_api_request_duration_seconds_sum{function=\"%s\"} %.6f\n",
                   FUNCTIONS[f], (double)atomic_load(&latency_sum_us[f]) / 1e6);
        buf_printf(b, "nonagentd_api_request_duration_seconds_count{function=\"%s\"} %lu\n",
                   FUNCTIONS[f], atomic_load(&latency_count[f]));
    }

    buf_puts(b, "# HELP nonagentd_http_responses_total HTTP answers by status code.\n"
                "# TYPE nonagentd_http_responses_total counter\n");
    for (size_t i = 0; i <= NSTATUSES; i++) {
        if (i < NSTATUSES)
            buf_printf(b, "nonagentd_http_responses_total{code=\"%d\"} %lu\n", STATUSES[i],
                       atomic_load(&http_status[i]));
        else
            buf_printf(b, "nonagentd_http_responses_total{code=\"other\"} %lu\n",
                       atomic_load(&http_status[i]));
    }

    db_stats(&st);
    buf_printf(b,
               "# HELP nonagentd_db_connections_open Database connections held by workers.\n"
               "# TYPE nonagentd_db_connections_open gauge\n"
               "nonagentd_db_connections_open %lu\n"
               "# HELP nonagentd_db_connects_total Connections opened (first use and reconnects).\n"
               "# TYPE nonagentd_db_connects_total counter\n"
               "nonagentd_db_connects_total %lu\n"
               "# HELP nonagentd_db_connect_failures_total Connection attempts that failed.\n"
               "# TYPE nonagentd_db_connect_failures_total counter\n"
               "nonagentd_db_connect_failures_total %lu\n"
               "# HELP nonagentd_db_errors_total Statements that failed (connection or SQL error).\n"
               "# TYPE nonagentd_db_errors_total counter\n"
               "nonagentd_db_errors_total %lu\n"
               "# HELP nonagentd_db_statements_total Statements executed.\n"
               "# TYPE nonagentd_db_statements_total counter\n"
               "nonagentd_db_statements_total %lu\n",
               st.open, st.connects, st.connect_failures, st.errors, st.statements);
    procstats_render(b);
}
