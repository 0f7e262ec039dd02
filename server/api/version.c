/*
 * version.c - function=version (api.md 1.6), answered before
 * authentication: the API's version and build, the clock, and the first
 * active server's GMT offset.
 */
#include "server/api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/respond.h"
#include "server/apilog.h"
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

void api_version(struct request *r, struct response *resp)
{
    char tz[32], tznow[32], line[256];
    struct tm tm;
    int found = 0;

    if (server_active_gmt(r->db, tz, sizeof tz, &found) != DB_OK) {
        r->db_failed = 1;
        return;
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
    snprintf(line, sizeof line,
             "VERSION: " API_VERSION "|BUILD: " API_BUILD "|DATE: %s|EPOCH: %lld|DST: %d|TZ: %s|TZNOW: %s|",
             r->now_time, (long long)r->started_wall, tm.tm_isdst > 0, tz, tznow);
    buf_printf(&resp->body, "%s\n", line);
    resp->result = "SUCCESS";
    apilog_write(r, "SUCCESS", "", line);
}
