/*
 * respond.h - every answer's format, in one place.
 *
 *   ERROR: <reason>: |<user>|<data>\n      (and NOTICE: ...)
 *   SUCCESS: <reason> - <user>|<data>\n
 *
 * Each of these also writes the API log row VICIdial writes for it.  The
 * answers that VICIdial gives without an API log row (failed logins, the
 * coffee teapot, a database that cannot be reached) have their own calls.
 */
#ifndef NONAGENTD_RESPOND_H
#define NONAGENTD_RESPOND_H

#include "server/request.h"

void respond_error(struct request *r, struct response *resp, const char *reason,
                   const char *data);
/* The same line, where VICIdial logs other data than it prints. */
void respond_error_logged_as(struct request *r, struct response *resp, const char *reason,
                             const char *data, const char *logged_data);
void respond_notice(struct request *r, struct response *resp, const char *reason,
                    const char *data);
void respond_success(struct request *r, struct response *resp, const char *reason,
                     const char *data);

/* VICIdial's two-line "Invalid Source" answer, logged between the lines. */
void respond_invalid_source(struct request *r, struct response *resp);

/* An authentication failure (no API log row). */
void respond_auth_failure(struct request *r, struct response *resp, const char *auth_key);

/* HTTP 503 "ERROR: DATABASE UNAVAILABLE: |<function>|". */
void respond_db_unavailable(struct request *r, struct response *resp);

/* Only the API log row, for answers built elsewhere. */
void respond_log_only(struct request *r, const char *result, const char *reason,
                      const char *data);

/* Format a data field "a|b|c" from n strings into a malloc'd string. */
char *respond_join(int n, ...);

#endif
