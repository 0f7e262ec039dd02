/*
 * send.h - sending a table's rows to the Non-Agent API with libcurl, up to
 * --jobs at once, each row's answer read into its outcome.
 *
 * Rows start in file order; a row waits while an earlier row for the same
 * extension and server is still unanswered, so "add, then update" in one
 * file happens in that order.  The first row goes alone: wrong credentials
 * then cost one failed login, not --jobs of them.  503 answers and
 * connection errors are retried with back-off; a lockout or login failure,
 * a server still unreachable after the retries, or an answer that is not
 * the API's stops the run at once (rows not started become not-sent).
 */
#ifndef NONAGENTCTL_SEND_H
#define NONAGENTCTL_SEND_H

#include <stddef.h>

#include "nonagentctl/table.h"

struct send_options {
    const char *url;
    const char *user, *pass, *source;
    const char *cacert;         /* NULL: the system's CA store */
    int jobs;                   /* requests at once, >= 1 */
    int retries;                /* extra attempts after a 503 or a connection error */
    long timeout;               /* seconds per request */
    int strict;                 /* an existing phone (or a deleted one gone) is a failure */
    int non_latin;              /* how the server filters (for reading its answers) */
    /* Called once per row when its outcome is final. */
    void (*on_row)(const struct table *t, const struct row *r, void *ctx);
    void *ctx;
};

enum send_result {
    SEND_FINISHED,              /* every row answered */
    SEND_STOPPED,               /* stopped early: why says so */
};

/* Send every row; why (at least 256 bytes) gets the reason for a stop. */
enum send_result send_rows(struct table *t, const struct send_options *o, char *why,
                           size_t whylen);

/* Start and end libcurl (main.c, once). */
int send_global_init(void);
void send_global_cleanup(void);

#endif
