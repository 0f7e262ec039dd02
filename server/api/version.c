/*
 * version.c - function=version (docs/api.md, "The answers"), answered before
 * authentication: the API's version and build, the clock, and the first
 * active server's GMT offset.
 */
#include "server/api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/servers.h"

#define API_VERSION "2.14-202"
#define API_BUILD "250720-1841"

/* A number as PHP's echo prints it (precision 14): -4, 6.5, 5.3. */
static void php_number(double v, char *out, size_t cap)
{
    if (v == 0)
        v = 0;          /* no "-0" */
    snprintf(out, cap, "%.14G", v);
}

struct outcome api_version(struct request *r)
{
    struct outcome o = { .answer = ANSWER_TEXT, .status = 200, .result = "SUCCESS",
                         .reason = "", .logs = 1 };
    char tz[32], tznow[32];
    struct tm tm;
    int found = 0;

    if (r->gmt_checked) {
        found = r->gmt_found;
        snprintf(tz, sizeof tz, "%s", found ? r->gmt : "");
    } else if (server_active_gmt(r->db, tz, sizeof tz, &found) != DB_OK) {
        return outcome_db_down();
    }
    localtime_r(&r->started_wall, &tm);
    if (!found) {
        /* date("O") without its '+', read as a number, divided by 100. */
        long off = tm.tm_gmtoff / 60;
        long hhmm = (off / 60) * 100 + off % 60;
        php_number((double)hhmm / 100.0, tznow, sizeof tznow);
    } else if (tm.tm_isdst > 0) {
        php_number(strtod(tz, NULL) + 1, tznow, sizeof tznow);
    } else {
        snprintf(tznow, sizeof tznow, "%s", tz);
    }
    /* The line is the answer and, without its newline, the logged data. */
    snprintf(o.text, sizeof o.text,
             "VERSION: " API_VERSION "|BUILD: " API_BUILD
             "|DATE: %s|EPOCH: %lld|DST: %d|TZ: %s|TZNOW: %s|\n",
             r->now_time, (long long)r->started_wall, tm.tm_isdst > 0, tz, tznow);
    return o;
}
