/*
 * apilog.h - VICIdial's api_log(): the vicidial_api_log row (and its
 * vicidial_api_urls row) that every logged answer writes (api.md 1.10).
 */
#ifndef NONAGENTD_APILOG_H
#define NONAGENTD_APILOG_H

#include "server/request.h"

/* Write the API log for one answer.  Failures are reported on stderr;
 * they change the answer only inside a phone's transaction, which then
 * rolls back (db/tx.h, dispatch.c). */
enum db_status apilog_write(struct request *r, const char *result, const char *reason,
                            const char *data);

/* The URL VICIdial logs: apiPAGE "?" query_string (with POST data folded
 * in).  malloc'd. */
char *apilog_url(const struct request *r);

/* Make s storable in a utf8mb3 column whatever the sql_mode: invalid UTF-8
 * and 4-byte characters become '?', as a non-strict server stores them.
 * malloc'd. */
char *apilog_storable(const char *s, size_t len);

#endif
