/*
 * respond.c - the answer lines (see respond.h) and their API log rows.
 */
#include "server/respond.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "server/apilog.h"

static void error_line(struct request *r, struct response *resp, const char *result,
                       const char *reason, const char *data, const char *logged_data)
{
    buf_printf(&resp->body, "%s: %s: |%s|%s\n", result, reason, r->user, data);
    resp->result = result;
    apilog_write(r, result, reason, logged_data);
}

void respond_error_logged_as(struct request *r, struct response *resp, const char *reason,
                             const char *data, const char *logged_data)
{
    error_line(r, resp, "ERROR", reason, data, logged_data);
}

void respond_error(struct request *r, struct response *resp, const char *reason,
                   const char *data)
{
    error_line(r, resp, "ERROR", reason, data, data);
}

void respond_notice(struct request *r, struct response *resp, const char *reason,
                    const char *data)
{
    error_line(r, resp, "NOTICE", reason, data, data);
}

void respond_success(struct request *r, struct response *resp, const char *reason,
                     const char *data)
{
    buf_printf(&resp->body, "SUCCESS: %s - %s|%s\n", reason, r->user, data);
    resp->result = "SUCCESS";
    apilog_write(r, "SUCCESS", reason, data);
}

void respond_invalid_source(struct request *r, struct response *resp)
{
    buf_printf(&resp->body, "ERROR: Invalid Source - %s\n", r->source);
    apilog_write(r, "ERROR", "Invalid Source", "");
    buf_printf(&resp->body, "ERROR: Invalid Source: |%s|\n", r->source);
    resp->result = "ERROR";
}

void respond_auth_failure(struct request *r, struct response *resp, const char *auth_key)
{
    resp->result = "ERROR";
    if (strcmp(auth_key, "LOCK") == 0)
        buf_printf(&resp->body,
                   "ERROR: Too many login attempts, try again in 15 minutes: |%s|LOCK|\n",
                   r->user);
    else if (strcmp(auth_key, "IPBLOCK") == 0)
        /* VICIdial prints an undefined variable between the pipes. */
        buf_printf(&resp->body, "ERROR: Your IP Address is not allowed: %s: ||IPBLOCK|\n",
                   r->client_ip);
    else
        buf_printf(&resp->body, "ERROR: Login incorrect, please try again: |%s|%s|%s|\n",
                   r->user, request_field(r, "pass"), auth_key);
}

void respond_db_unavailable(struct request *r, struct response *resp)
{
    buf_reset(&resp->body);
    resp->status = 503;
    resp->result = "DBDOWN";
    buf_printf(&resp->body, "ERROR: DATABASE UNAVAILABLE: |%s|\n", r->function ? r->function : "");
}

void respond_log_only(struct request *r, const char *result, const char *reason,
                      const char *data)
{
    apilog_write(r, result, reason, data);
}

char *respond_join(int n, ...)
{
    va_list ap;
    struct buf b = { 0 };

    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        if (i)
            buf_append(&b, "|", 1);
        buf_puts(&b, s ? s : "");
    }
    va_end(ap);
    if (!b.data || b.oom) {
        free(b.data);
        return strdup("");
    }
    return b.data;
}
