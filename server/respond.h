/*
 * respond.h - what a request's answer is (struct outcome), and the one
 * place that turns it into the body, the HTTP status and the API log row.
 *
 * Handlers decide; they return an outcome and write nothing themselves.
 * dispatch.c calls respond() once, after the handler has returned, so
 * every named lock is released before the API log row is written (but for
 * a phone's transaction, which keeps them until it commits, with the API
 * log row in it: db/tx.h).  The answer lines:
 *
 *   ERROR: <reason>: |<user>|<data>\n      (and NOTICE: ...)
 *   SUCCESS: <reason> - <user>|<data>\n
 *
 * and the few answers of their own shape (version, the coffee teapot, a
 * failed login, an invalid source, a database that cannot be reached).
 */
#ifndef NONAGENTD_RESPOND_H
#define NONAGENTD_RESPOND_H

#include "server/request.h"

enum answer {
    ANSWER_NONE = 0,        /* nothing decided yet: the request goes on */
    ANSWER_LINE,            /* "<result>: <reason>: |<user>|<shown>" */
    ANSWER_SUCCESS,         /* "SUCCESS: <reason> - <user>|<shown>" */
    ANSWER_TEXT,            /* text[] as it stands */
    ANSWER_INVALID_SOURCE,  /* VICIdial's two "Invalid Source" lines */
    ANSWER_LOGIN_REFUSED,   /* reason is the auth key: BAD, LOCK, IPBLOCK, 2FA */
    ANSWER_DB_DOWN,         /* 503 "ERROR: DATABASE UNAVAILABLE: |<function>|" */
    ANSWER_NO_MEMORY,       /* 500 */
};

struct outcome {
    enum answer answer;
    int status;             /* HTTP status */
    const char *result;     /* SUCCESS, ERROR, NOTICE, ... (and the request log's) */
    const char *reason;
    const char *shown;      /* the data the answer shows */
    const char *logged;     /* the data the API log holds (VICIdial may differ) */
    int logs;               /* the answer writes an API log row */
    char *owned;            /* malloc'd data shown/logged point into; respond frees it */
    char text[192];         /* ANSWER_TEXT's body; its first line is the
                               logged data when `logged` is NULL */
};

/* The request goes on (ANSWER_NONE). */
struct outcome outcome_go(void);
/* ERROR / NOTICE / SUCCESS lines, each with its API log row. */
struct outcome outcome_error(const char *reason, const char *data);
struct outcome outcome_notice(const char *reason, const char *data);
struct outcome outcome_success(const char *reason, const char *data);
/* The same, the data "a|b|c" joined from n strings (NULL counts as ""),
 * owned by the outcome; OUT OF MEMORY (500) when the join fails.
 * outcome_error_joined(reason, n, ...) and outcome_success_joined(reason,
 * n, ...) are the two lines it makes. */
struct outcome outcome_joined(enum answer answer, const char *result, const char *reason, int n,
                              ...);
#define outcome_error_joined(reason, ...) \
    outcome_joined(ANSWER_LINE, "ERROR", (reason), __VA_ARGS__)
#define outcome_success_joined(reason, ...) \
    outcome_joined(ANSWER_SUCCESS, "SUCCESS", (reason), __VA_ARGS__)
/* The database failed the request: 503, no API log row. */
struct outcome outcome_db_down(void);

/* o, decided under named locks that wrote nothing, once the locks are
 * released: a failed release (a lost connection) makes it a 503.  A
 * written row's answer is phone_written()'s (server/api/phone_written.h). */
struct outcome outcome_unlocked(struct outcome o, enum db_status released);

/* Write o's answer into resp (body, status, result) and its API log row,
 * and free what o owns.  Called once per request, after the handler; again
 * only to replace the answer with a 503 when a transaction fails to commit.
 * Returns whether the API log row (if any) was written. */
enum db_status respond(struct request *r, struct outcome *o, struct response *resp);

#endif
