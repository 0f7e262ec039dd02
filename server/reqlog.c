/*
 * reqlog.c - the request log: one line per request, written with a single
 * write(2) so lines from concurrent workers never interleave.
 *
 * The descriptor lines go to never changes number: a reopen opens the file
 * anew and dup2()s it over that number, which the kernel does atomically,
 * so a writer needs no lock and never sees a closed descriptor.
 */
#include "server/reqlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = STDERR_FILENO;     /* -1: off */
static char log_path[512];             /* "" unless a file */

static int open_file(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
}

int reqlog_open(const char *where, char *err, size_t errlen)
{
    log_path[0] = '\0';
    if (strcmp(where, "off") == 0) {
        log_fd = -1;
        return 0;
    }
    if (strcmp(where, "stderr") == 0) {
        log_fd = STDERR_FILENO;
        return 0;
    }
    int fd = open_file(where);
    if (fd < 0) {
        snprintf(err, errlen, "--access-log %s: %s", where, strerror(errno));
        return -1;
    }
    snprintf(log_path, sizeof log_path, "%s", where);
    log_fd = fd;
    return 0;
}

int reqlog_reopen(char *err, size_t errlen)
{
    if (!log_path[0])
        return 0;
    int fd = open_file(log_path);
    if (fd < 0 || dup2(fd, log_fd) < 0) {
        snprintf(err, errlen, "cannot reopen access log %s: %s", log_path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

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
                  const char *function, const char *result, int status, long usec,
                  int delivered)
{
    char when[32], line[768], fn[64], p[128], m[16];
    struct timespec ts;
    struct tm tm;
    int n;

    if (log_fd < 0)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    printable(function, fn, sizeof fn);
    printable(path, p, sizeof p);
    printable(method, m, sizeof m);
    n = snprintf(line, sizeof line, "%s %s %s %s %s %s %d %ldus%s\n", when,
                 client && *client ? client : "-", m, p, fn,
                 result && *result ? result : "-", status, usec,
                 delivered ? "" : " undelivered");
    if (n > 0 && log_fd >= 0) {
        size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
        ssize_t w = write(log_fd, line, len);
        (void)w;
    }
}
