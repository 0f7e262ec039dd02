/*
 * respond.c - outcomes, and the one place that answers them (respond.h).
 */
#include "server/respond.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "server/apilog.h"

struct outcome outcome_go(void)
{
    return (struct outcome){ .answer = ANSWER_NONE };
}

static struct outcome line(enum answer answer, const char *result, const char *reason,
                           const char *data)
{
    return (struct outcome){
        .answer = answer, .status = 200, .result = result, .reason = reason,
        .shown = data, .logged = data, .logs = 1,
    };
}

struct outcome outcome_error(const char *reason, const char *data)
{
    return line(ANSWER_LINE, "ERROR", reason, data);
}

struct outcome outcome_notice(const char *reason, const char *data)
{
    return line(ANSWER_LINE, "NOTICE", reason, data);
}

struct outcome outcome_success(const char *reason, const char *data)
{
    return line(ANSWER_SUCCESS, "SUCCESS", reason, data);
}

struct outcome outcome_joined(enum answer answer, const char *result, const char *reason, int n,
                              ...)
{
    struct buf b = { 0 };
    struct outcome o;
    va_list ap;

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
        return (struct outcome){ .answer = ANSWER_NO_MEMORY, .status = 500 };
    }
    o = line(answer, result, reason, b.data);
    o.owned = b.data;
    return o;
}

struct outcome outcome_db_down(void)
{
    return (struct outcome){ .answer = ANSWER_DB_DOWN, .status = 503, .result = "DBDOWN" };
}

struct outcome outcome_unlocked(struct outcome o, enum db_status released)
{
    if (released == DB_OK || o.answer == ANSWER_DB_DOWN)
        return o;
    free(o.owned);
    return outcome_db_down();
}

static void login_refused(struct request *r, const char *auth_key, struct buf *body)
{
    if (strcmp(auth_key, "LOCK") == 0)
        buf_printf(body, "ERROR: Too many login attempts, try again in 15 minutes: |%s|LOCK|\n",
                   r->user);
    else if (strcmp(auth_key, "IPBLOCK") == 0)
        /* VICIdial prints an undefined variable between the pipes. */
        buf_printf(body, "ERROR: Your IP Address is not allowed: %s: ||IPBLOCK|\n",
                   r->client_ip);
    else
        buf_printf(body, "ERROR: Login incorrect, please try again: |%s|%s|%s|\n", r->user,
                   request_field(r, FIELD_pass), auth_key);
}

enum db_status respond(struct request *r, struct outcome *o, struct response *resp)
{
    struct buf *body = &resp->body;
    enum db_status logged = DB_OK;

    buf_reset(body);
    resp->status = o->status ? o->status : 200;
    resp->result = o->result ? o->result : "ERROR";
    switch (o->answer) {
    case ANSWER_NONE:           /* a handler that decided nothing: a bug */
    case ANSWER_NO_MEMORY:
        resp->status = 500;
        resp->result = "ERROR";
        buf_puts(body, "ERROR: OUT OF MEMORY\n");
        o->logs = 0;
        break;
    case ANSWER_LINE:
        buf_printf(body, "%s: %s: |%s|%s\n", o->result, o->reason, r->user, o->shown);
        break;
    case ANSWER_SUCCESS:
        buf_printf(body, "SUCCESS: %s - %s|%s\n", o->reason, r->user, o->shown);
        break;
    case ANSWER_TEXT:
        buf_puts(body, o->text);
        break;
    case ANSWER_INVALID_SOURCE:
        buf_printf(body, "ERROR: Invalid Source - %s\nERROR: Invalid Source: |%s|\n",
                   r->source, r->source);
        break;
    case ANSWER_LOGIN_REFUSED:
        login_refused(r, o->reason, body);
        break;
    case ANSWER_DB_DOWN:
        buf_printf(body, "ERROR: DATABASE UNAVAILABLE: |%s|\n", r->function ? r->function : "");
        break;
    }
    if (o->logs && r->db) {
        if (o->answer == ANSWER_TEXT && !o->logged)
            o->text[strcspn(o->text, "\n")] = '\0';     /* its first line */
        logged = apilog_write(r, o->result, o->reason ? o->reason : "",
                              o->logged ? o->logged : o->text);
    }
    free(o->owned);
    o->owned = NULL;
    return logged;
}
