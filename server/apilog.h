/*
 * apilog.h - VICIdial's api_log(): the vicidial_api_log row (and its
 * vicidial_api_urls row) that every logged answer writes (docs/rows.md, "The API log").
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

#endif
