/*
 * report.c - the results file, the terminal's output and the summary
 * (report.h).  CSV fields are written with libcsv's csv_fwrite (always
 * quoted); JSON strings are escaped here, a dozen lines not worth a
 * library.
 */
#include "nonagentctl/report.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define OUTCOMES (OUTCOME_INVALID + 1)
#define BAR_WIDTH 30
#define REDRAW_NS 100000000LL       /* at most ten progress redraws a second */

struct report {
    struct report_options o;
    FILE *results;
    int write_failed;
    int done;
    int counts[OUTCOMES];
    struct timespec started;
    long long last_draw_ns;
    int bar_shown;
};

static long long elapsed_ns(const struct report *rep)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - rep->started.tv_sec) * 1000000000LL +
           (now.tv_nsec - rep->started.tv_nsec);
}

static void csv_field(struct report *rep, const char *s, int last)
{
    if (csv_fwrite(rep->results, s, strlen(s)) != 0 || fputc(last ? '\n' : ',', rep->results) == EOF)
        rep->write_failed = 1;
}

struct report *report_open(const struct table *t, const struct report_options *o, char *err,
                           size_t errlen)
{
    struct report *rep = calloc(1, sizeof *rep);
    if (!rep) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    rep->o = *o;
    clock_gettime(CLOCK_MONOTONIC, &rep->started);
    if (!o->results_path)
        return rep;
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (o->keep_existing ? O_EXCL : O_TRUNC);
    int fd = open(o->results_path, flags, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            snprintf(err, errlen,
                     "results file %s exists and may hold the passwords of an earlier run: "
                     "move it away or name another with --results",
                     o->results_path);
        else
            snprintf(err, errlen, "results file %s: %s", o->results_path, strerror(errno));
        free(rep);
        return NULL;
    }
    /* An existing file keeps its mode under O_TRUNC: make it private too. */
    if (fchmod(fd, 0600) != 0 || !(rep->results = fdopen(fd, "w"))) {
        snprintf(err, errlen, "results file %s: %s", o->results_path, strerror(errno));
        close(fd);
        free(rep);
        return NULL;
    }
    csv_field(rep, "row", 0);
    csv_field(rep, "action", 0);
    csv_field(rep, "extension", 0);
    csv_field(rep, "server_ip", 0);
    if (t->seats) {
        csv_field(rep, "phone_login", 0);
        csv_field(rep, "phone_pass", 0);
        csv_field(rep, "registration_password", 0);
    }
    csv_field(rep, "outcome", 0);
    csv_field(rep, "answer", 1);
    return rep;
}

/* The answer with every '|'-separated field that equals a secret shown as
 * ********; malloc'd. */
static char *redacted(const struct report *rep, const struct table *t, const struct row *r)
{
    const char *secrets[] = { row_get(t, r, "phone_pass"), row_get(t, r, "registration_password"),
                              rep->o.api_pass };
    const char *a = r->answer ? r->answer : "";
    char *out = malloc(strlen(a) * 2 + 16), *o = out;
    if (!out)
        return NULL;
    while (1) {
        size_t n = strcspn(a, "|");
        int secret = 0;
        for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
            if (secrets[i] && *secrets[i] && strlen(secrets[i]) == n &&
                strncmp(a, secrets[i], n) == 0)
                secret = 1;
        if (secret) {
            memcpy(o, "********", 8);
            o += 8;
        } else {
            memcpy(o, a, n);
            o += n;
        }
        a += n;
        if (!*a)
            break;
        *o++ = *a++;            /* the '|' */
    }
    *o = '\0';
    return out;
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void clear_bar(struct report *rep)
{
    if (rep->bar_shown) {
        fputs("\r\033[K", stderr);
        rep->bar_shown = 0;
    }
}

static void draw_bar(struct report *rep, int total, int force)
{
    long long ns = elapsed_ns(rep);
    if (!force && ns - rep->last_draw_ns < REDRAW_NS)
        return;
    rep->last_draw_ns = ns;
    double secs = ns / 1e9;
    double rate = secs > 0 ? rep->done / secs : 0;
    int filled = total ? (int)((long long)rep->done * BAR_WIDTH / total) : BAR_WIDTH;
    char bar[BAR_WIDTH + 1];
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[BAR_WIDTH] = '\0';
    fprintf(stderr, "\r\033[K[%s] %d/%d rows  %.0f rows/s", bar, rep->done, total, rate);
    if (rate > 0 && rep->done < total) {
        long eta = (long)((total - rep->done) / rate + 0.5);
        fprintf(stderr, "  ETA %ld:%02ld", eta / 60, eta % 60);
    }
    fflush(stderr);
    rep->bar_shown = 1;
}

void report_row(const struct table *t, const struct row *r, void *report)
{
    struct report *rep = report;

    rep->done++;
    rep->counts[r->outcome]++;
    if (rep->results) {
        char num[16];
        snprintf(num, sizeof num, "%d", r->number);
        csv_field(rep, num, 0);
        csv_field(rep, action_name(r->action), 0);
        csv_field(rep, row_get(t, r, "extension"), 0);
        csv_field(rep, row_get(t, r, "server_ip"), 0);
        if (t->seats) {
            /* A seat that was there already kept its own passwords. */
            int set = r->outcome == OUTCOME_ADDED || r->outcome == OUTCOME_VALID;
            csv_field(rep, row_get(t, r, "phone_login"), 0);
            csv_field(rep, set ? row_get(t, r, "phone_pass") : "", 0);
            csv_field(rep, set ? row_get(t, r, "registration_password") : "", 0);
        }
        csv_field(rep, outcome_name(r->outcome), 0);
        csv_field(rep, r->answer ? r->answer : "", 1);
        if (fflush(rep->results) != 0)
            rep->write_failed = 1;
    }
    if (rep->o.quiet)
        return;
    char *shown = redacted(rep, t, r);
    const char *answer = shown ? shown : "";
    if (rep->o.json) {
        printf("{\"row\":%d,\"action\":\"%s\",\"extension\":", r->number, action_name(r->action));
        json_string(stdout, row_get(t, r, "extension"));
        printf(",\"server_ip\":");
        json_string(stdout, row_get(t, r, "server_ip"));
        printf(",\"outcome\":\"%s\",\"answer\":", outcome_name(r->outcome));
        json_string(stdout, answer);
        printf("}\n");
    } else if (!rep->o.progress || !outcome_succeeded(r->outcome) || rep->o.dry_run) {
        /* On a terminal, only the rows that need a look scroll above the bar. */
        clear_bar(rep);
        printf("row %d %s %s: %s\n", r->number, action_name(r->action),
               outcome_name(r->outcome), answer);
    }
    fflush(stdout);
    free(shown);
    if (rep->o.progress && !rep->o.json)
        draw_bar(rep, t->nrows, rep->done == t->nrows);
}

int report_close(struct report *rep, const struct table *t, const char *stopped, char *err,
                 size_t errlen)
{
    int rc = 0;
    double secs = elapsed_ns(rep) / 1e9;
    const int *n = rep->counts;

    clear_bar(rep);
    if (rep->results) {
        if (fclose(rep->results) != 0)
            rep->write_failed = 1;
        if (rep->write_failed) {
            snprintf(err, errlen, "results file %s: not completely written",
                     rep->o.results_path);
            rc = -1;
        }
    }
    if (rep->o.json) {
        printf("{\"summary\":{\"rows\":%d", t->nrows);
        for (int o = OUTCOME_ADDED; o < OUTCOMES; o++)
            printf(",\"%s\":%d", outcome_name(o), n[o]);
        printf(",\"seconds\":%.3f,\"stopped\":", secs);
        if (stopped)
            json_string(stdout, stopped);
        else
            printf("null");
        printf(",\"results\":");
        if (rep->o.results_path)
            json_string(stdout, rep->o.results_path);
        else
            printf("null");
        printf("}}\n");
    } else if (!rep->o.quiet && rep->o.dry_run) {
        printf("dry run: %d rows: %d valid, %d invalid (nothing sent)\n", t->nrows,
               n[OUTCOME_VALID], n[OUTCOME_INVALID]);
    } else if (!rep->o.quiet) {
        printf("%d rows in %.2f s: %d added, %d updated, %d deleted, %d already existing, "
               "%d already deleted, %d failed, %d not sent\n",
               t->nrows, secs, n[OUTCOME_ADDED], n[OUTCOME_UPDATED], n[OUTCOME_DELETED],
               n[OUTCOME_EXISTS], n[OUTCOME_GONE], n[OUTCOME_FAILED], n[OUTCOME_NOT_SENT]);
    }
    if (!rep->o.json && !rep->o.quiet && rep->o.results_path)
        printf("results: %s\n", rep->o.results_path);
    fflush(stdout);
    free(rep);
    return rc;
}
