/*
 * send.c - the rows over HTTP (send.h): one libcurl multi handle, one easy
 * handle per job slot (kept, so connections are reused), form-encoded POSTs
 * so that passwords stay out of URLs and proxy logs.
 *
 * How an answer line becomes an outcome:
 *   SUCCESS: add_phone PHONE HAS BEEN ADDED          added
 *   SUCCESS: update_phone PHONE HAS BEEN UPDATED     updated
 *   SUCCESS: update_phone PHONE HAS BEEN DELETED     deleted
 *   ERROR: add_phone PHONE ALREADY EXISTS ON THIS SERVER: |<user>|<server_ip>|<extension>
 *       with this row's server_ip and extension (as the API filters them):
 *       exists, a success unless --strict
 *   ERROR: update_phone PHONE DOES NOT EXIST ON THIS SERVER: |<user>|<server_ip>|<extension>
 *       for a delete row: gone, a success unless --strict
 *   ERROR: Too many login attempts ... / Login incorrect ... / Your IP Address is not allowed
 *       failed, and the run stops: every further request would count against the API user
 *   HTTP 503 or no connection: tried again after 0.25 s, 0.5 s, 1 s, ... (--retries)
 *   another HTTP status than 200 (418 for the coffee functions): failed, and
 *       the run stops (a wrong URL; VICIdial's PHP failing, as it does with
 *       HTTP 500 and no body for a wrong password under sql_mode '')
 *   anything else: failed
 */
#include "nonagentctl/send.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "server/filters.h"

#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 8000
#define ANSWER_MAX (64 * 1024)      /* an API answer is one short line */

struct slot {
    CURL *easy;
    struct row *row;            /* NULL: free */
    char *body;                 /* the answer so far */
    size_t len;
    char error[CURL_ERROR_SIZE];
};

struct waiting {                /* a row to try again at due_ms */
    struct row *row;
    long long due_ms;
};

struct run {
    struct table *t;
    const struct send_options *o;
    CURLM *multi;
    struct slot *slots;
    struct waiting *retry;
    int nretry;
    int next;                   /* the next row never started */
    int in_flight;
    int answered;               /* rows with an answer from the API */
    int stop;
    char *why;
    size_t whylen;
};

int send_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void send_global_cleanup(void)
{
    curl_global_cleanup();
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t on_body(char *data, size_t size, size_t n, void *p)
{
    struct slot *s = p;
    size_t len = size * n;
    if (s->len + len > ANSWER_MAX)
        return 0;               /* not an API answer: fail the transfer */
    char *grown = realloc(s->body, s->len + len + 1);
    if (!grown)
        return 0;
    memcpy(grown + s->len, data, len);
    s->len += len;
    grown[s->len] = '\0';
    s->body = grown;
    return len;
}

/* Same extension and server (case folded, as the table's key compares). */
static int same_phone(const struct table *t, const struct row *a, const struct row *b)
{
    return strcasecmp(row_get(t, a, "extension"), row_get(t, b, "extension")) == 0 &&
           strcmp(row_get(t, a, "server_ip"), row_get(t, b, "server_ip")) == 0;
}

static int phone_busy(const struct run *run, const struct row *r)
{
    for (int i = 0; i < run->o->jobs; i++)
        if (run->slots[i].row && same_phone(run->t, run->slots[i].row, r))
            return 1;
    for (int i = 0; i < run->nretry; i++)
        if (same_phone(run->t, run->retry[i].row, r))
            return 1;
    return 0;
}

/* name=value& appended, value URL-encoded. */
static int add_param(CURL *easy, char **body, const char *name, const char *value)
{
    char *enc = curl_easy_escape(easy, value, 0), *joined = NULL;
    if (!enc)
        return -1;
    int n = asprintf(&joined, "%s%s%s=%s", *body ? *body : "", *body ? "&" : "", name, enc);
    curl_free(enc);
    if (n < 0)
        return -1;
    free(*body);
    *body = joined;
    return 0;
}

static char *request_body(const struct run *run, CURL *easy, const struct row *r)
{
    const struct table *t = run->t;
    char *body = NULL;
    int bad = add_param(easy, &body, "source", run->o->source) ||
              add_param(easy, &body, "user", run->o->user) ||
              add_param(easy, &body, "pass", run->o->pass) ||
              add_param(easy, &body, "function",
                        r->action == ACTION_ADD ? "add_phone" : "update_phone");
    if (r->action == ACTION_DELETE) {
        bad = bad || add_param(easy, &body, "extension", row_get(t, r, "extension")) ||
              add_param(easy, &body, "server_ip", row_get(t, r, "server_ip")) ||
              add_param(easy, &body, "delete_phone", "Y");
    } else {
        for (int c = 0; !bad && c < t->ncols; c++)
            if (*r->cells[c])
                bad = add_param(easy, &body, t->names[c], r->cells[c]);
    }
    if (bad) {
        free(body);
        return NULL;
    }
    return body;
}

static void set_answer(struct row *r, const char *text, size_t len)
{
    free(r->answer);
    r->answer = strndup(text, len);
}

static void finish(struct run *run, struct row *r, enum row_outcome o)
{
    r->outcome = o;
    if (run->o->on_row)
        run->o->on_row(run->t, r, run->o->ctx);
}

static void stop(struct run *run, const char *fmt, const char *detail)
{
    if (run->stop)
        return;
    run->stop = 1;
    snprintf(run->why, run->whylen, fmt, detail);
}

/* The answer names this row's phone: "...: |<user>|<server_ip>|<extension>". */
static int names_row_phone(const struct run *run, const struct row *r, const char *line,
                           const char *prefix)
{
    size_t plen = strlen(prefix);
    if (strncmp(line, prefix, plen) != 0)
        return 0;
    const char *p = strchr(line + plen, '|');         /* after the user */
    if (!p)
        return 0;
    p++;
    int ok = 0;
    char *server = filter_param("server_ip", row_get(run->t, r, "server_ip"),
                                strlen(row_get(run->t, r, "server_ip")), run->o->non_latin, NULL);
    char *ext = filter_param("extension", row_get(run->t, r, "extension"),
                             strlen(row_get(run->t, r, "extension")), run->o->non_latin, NULL);
    char *want = NULL;
    if (server && ext && asprintf(&want, "%s|%s", server, ext) >= 0)
        ok = strcmp(p, want) == 0;
    free(want);
    free(server);
    free(ext);
    return ok;
}

/* An answer from the API (HTTP 200 or 418 and a body): its outcome. */
static enum row_outcome classify(struct run *run, struct row *r)
{
    const char *a = r->answer;
    int strict = run->o->strict;

    if (strncmp(a, "SUCCESS: add_phone PHONE HAS BEEN ADDED", 39) == 0 &&
        r->action == ACTION_ADD)
        return OUTCOME_ADDED;
    if (strncmp(a, "SUCCESS: update_phone PHONE HAS BEEN UPDATED", 44) == 0 &&
        r->action == ACTION_UPDATE)
        return OUTCOME_UPDATED;
    if (strncmp(a, "SUCCESS: update_phone PHONE HAS BEEN DELETED", 44) == 0 &&
        r->action == ACTION_DELETE)
        return OUTCOME_DELETED;
    if (r->action == ACTION_ADD &&
        names_row_phone(run, r, a, "ERROR: add_phone PHONE ALREADY EXISTS ON THIS SERVER: |"))
        return strict ? OUTCOME_FAILED : OUTCOME_EXISTS;
    if (r->action == ACTION_DELETE &&
        names_row_phone(run, r, a, "ERROR: update_phone PHONE DOES NOT EXIST ON THIS SERVER: |"))
        return strict ? OUTCOME_FAILED : OUTCOME_GONE;
    if (strncmp(a, "ERROR: Too many login attempts", 30) == 0)
        stop(run, "%s", "the API user is locked out (too many failed logins): stopped at "
                        "once; wait 15 minutes before trying again");
    else if (strncmp(a, "ERROR: Login incorrect", 22) == 0)
        stop(run, "%s", "the API refused the login (wrong user or password, or not allowed "
                        "to use the API): stopped at once, since every further try counts "
                        "towards the 15-minute lockout");
    else if (strncmp(a, "ERROR: Your IP Address is not allowed", 37) == 0)
        stop(run, "%s", "the API does not allow this client's IP address: stopped");
    return OUTCOME_FAILED;
}

static void start_row(struct run *run, struct slot *s, struct row *r)
{
    char *body = request_body(run, s->easy, r);
    if (!body) {
        set_answer(r, "out of memory", 13);
        finish(run, r, OUTCOME_FAILED);
        return;
    }
    s->row = r;
    s->len = 0;
    free(s->body);
    s->body = NULL;
    s->error[0] = '\0';
    r->attempts++;
    curl_easy_setopt(s->easy, CURLOPT_COPYPOSTFIELDS, body);
    free(body);
    curl_multi_add_handle(run->multi, s->easy);
    run->in_flight++;
}

/* A transfer that gave no answer (or a 503): try later, or give up. */
static void retry_or_fail(struct run *run, struct row *r, int unreachable)
{
    if (r->attempts <= run->o->retries && !run->stop) {
        long long delay = BACKOFF_FIRST_MS;
        for (int i = 1; i < r->attempts && delay < BACKOFF_MAX_MS; i++)
            delay *= 2;
        if (delay > BACKOFF_MAX_MS)
            delay = BACKOFF_MAX_MS;
        run->retry[run->nretry].row = r;
        run->retry[run->nretry].due_ms = now_ms() + delay;
        run->nretry++;
        return;
    }
    finish(run, r, OUTCOME_FAILED);
    if (unreachable)
        stop(run, "the server cannot be reached after %s: stopped",
             r->attempts > 1 ? "every retry" : "one try (--retries 0)");
    else
        stop(run, "the server stayed unavailable (HTTP 503) after %s: stopped",
             r->attempts > 1 ? "every retry" : "one try (--retries 0)");
}

static void transfer_done(struct run *run, struct slot *s, CURLcode code)
{
    struct row *r = s->row;
    long status = 0;

    curl_multi_remove_handle(run->multi, s->easy);
    s->row = NULL;
    run->in_flight--;
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
    r->http_status = (int)status;

    if (code != CURLE_OK) {
        char text[CURL_ERROR_SIZE + 64];
        int n = snprintf(text, sizeof text, "no answer: %s",
                         s->error[0] ? s->error : curl_easy_strerror(code));
        set_answer(r, text, n > 0 ? (size_t)n : 0);
        if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE ||
            code == CURLE_SSL_CONNECT_ERROR || code == CURLE_UNSUPPORTED_PROTOCOL ||
            code == CURLE_URL_MALFORMAT) {
            finish(run, r, OUTCOME_FAILED);
            stop(run, "%s: stopped", text);
            return;
        }
        retry_or_fail(run, r, 1);
        return;
    }
    const char *body = s->body ? s->body : "";
    size_t line = strcspn(body, "\r\n");
    set_answer(r, body, line);
    if (status == 503) {
        retry_or_fail(run, r, 0);
        return;
    }
    run->answered++;
    if (status != 200 && status != 418) {
        char text[128];
        if (line == 0) {
            int n = snprintf(text, sizeof text, "HTTP %ld, no answer line", status);
            set_answer(r, text, n > 0 ? (size_t)n : 0);
        }
        snprintf(text, sizeof text, "HTTP %ld from the server: stopped%s", status,
                 status == 404 ? " (is --url the API's address?)" : "");
        finish(run, r, OUTCOME_FAILED);
        stop(run, "%s", text);
        return;
    }
    finish(run, r, classify(run, r));
}

/* The next row that may start now: a retry that is due, else (unless
 * retries_only) the next row in order unless its phone is busy.  NULL when
 * none. */
static struct row *pick(struct run *run, long long now, int retries_only)
{
    for (int i = 0; i < run->nretry; i++)
        if (run->retry[i].due_ms <= now) {
            struct row *r = run->retry[i].row;
            run->retry[i] = run->retry[--run->nretry];
            return r;
        }
    if (!retries_only && run->next < run->t->nrows && !phone_busy(run, &run->t->rows[run->next]))
        return &run->t->rows[run->next++];
    return NULL;
}

static int open_slots(struct run *run)
{
    run->slots = calloc(run->o->jobs, sizeof *run->slots);
    run->retry = calloc(run->t->nrows ? run->t->nrows : 1, sizeof *run->retry);
    if (!run->slots || !run->retry)
        return -1;
    for (int i = 0; i < run->o->jobs; i++) {
        CURL *e = curl_easy_init();
        if (!e)
            return -1;
        run->slots[i].easy = e;
        curl_easy_setopt(e, CURLOPT_URL, run->o->url);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &run->slots[i]);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, run->slots[i].error);
        curl_easy_setopt(e, CURLOPT_TIMEOUT, run->o->timeout);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, run->o->timeout < 10 ? run->o->timeout : 10L);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_USERAGENT, "nonagentctl/" NONAGENTD_VERSION);
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        /* TLS: peer and host name verified (libcurl's defaults, stated). */
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
        if (run->o->cacert)
            curl_easy_setopt(e, CURLOPT_CAINFO, run->o->cacert);
    }
    return 0;
}

enum send_result send_rows(struct table *t, const struct send_options *o, char *why,
                           size_t whylen)
{
    struct run run = { .t = t, .o = o, .why = why, .whylen = whylen };

    why[0] = '\0';
    run.multi = curl_multi_init();
    if (!run.multi || open_slots(&run) != 0) {
        snprintf(why, whylen, "out of memory starting libcurl");
        run.stop = 1;
    }
    if (run.multi)
        curl_multi_setopt(run.multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)o->jobs);

    while (!run.stop || run.in_flight > 0) {
        long long now = now_ms();
        /* The first row alone, retries included, until the API has
         * answered one. */
        int first = run.answered == 0;
        int limit = first ? 1 : o->jobs;
        for (int i = 0; !run.stop && i < o->jobs && run.in_flight < limit; i++) {
            if (run.slots[i].row)
                continue;
            struct row *r = pick(&run, now, first && run.nretry > 0);
            if (!r)
                break;
            start_row(&run, &run.slots[i], r);
        }
        if (run.in_flight == 0 && run.nretry == 0 && run.next >= t->nrows)
            break;
        int running = 0;
        curl_multi_perform(run.multi, &running);
        CURLMsg *m;
        int left, finished = 0;
        while ((m = curl_multi_info_read(run.multi, &left))) {
            if (m->msg != CURLMSG_DONE)
                continue;
            for (int i = 0; i < o->jobs; i++)
                if (run.slots[i].easy == m->easy_handle && run.slots[i].row) {
                    transfer_done(&run, &run.slots[i], m->data.result);
                    finished = 1;
                    break;
                }
        }
        if (finished)
            continue;           /* fill the free slots before waiting */
        long wait = 1000;
        for (int i = 0; i < run.nretry; i++) {
            long long d = run.retry[i].due_ms - now_ms();
            if (d < wait)
                wait = d < 0 ? 0 : (long)d;
        }
        if (run.in_flight > 0 || (run.nretry > 0 && wait > 0))
            curl_multi_poll(run.multi, NULL, 0, (int)wait, NULL);
    }

    /* Rows waiting for a retry when the run stopped keep their last answer. */
    for (int i = 0; i < run.nretry; i++)
        finish(&run, run.retry[i].row, OUTCOME_FAILED);
    for (; run.next < t->nrows; run.next++) {
        struct row *r = &t->rows[run.next];
        set_answer(r, "not sent: the run stopped", 25);
        finish(&run, r, OUTCOME_NOT_SENT);
    }
    for (int i = 0; run.slots && i < o->jobs; i++) {
        if (run.slots[i].easy)
            curl_easy_cleanup(run.slots[i].easy);
        free(run.slots[i].body);
    }
    free(run.slots);
    free(run.retry);
    if (run.multi)
        curl_multi_cleanup(run.multi);
    return run.stop ? SEND_STOPPED : SEND_FINISHED;
}
