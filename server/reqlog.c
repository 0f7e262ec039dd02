/*
 * reqlog.c - the request log: one line per request, written with a single
 * write(2) so lines from concurrent workers never interleave.
 */
#include "server/reqlog.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Keep the log one line per request whatever a client sends. */
static void printable(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; in && in[i] && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)in[i];
        out[o++] = (c < 0x21 || c > 0x7E) ? '?' : (char)c;
    }
    out[o] = '\0';
    if (o == 0 && cap > 1) {
        out[0] = '-';
        out[1] = '\0';
    }
}

void reqlog_write(const char *client, const char *method, const char *path,
                  const char *function, const char *result, int status, long usec)
{
    char when[32], line[768], fn[64], p[128], m[16];
    struct timespec ts;
    struct tm tm;
    int n;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    printable(function, fn, sizeof fn);
    printable(path, p, sizeof p);
    printable(method, m, sizeof m);
    n = snprintf(line, sizeof line, "%s %s %s %s %s %s %d %ldus\n", when,
                 client && *client ? client : "-", m, p, fn,
                 result && *result ? result : "-", status, usec);
    if (n > 0) {
        size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
        ssize_t w = write(STDERR_FILENO, line, len);
        (void)w;
    }
}
