/*
 * daemon.h - running the built nonagentd from a test: on a free port,
 * against one database of the harness server, its standard error kept in
 * a file the test can read.
 */
#ifndef NONAGENTD_TEST_DAEMON_H
#define NONAGENTD_TEST_DAEMON_H

#include <sys/types.h>

#include "tests/support/testdb.h"

struct daemon {
    pid_t pid;
    unsigned port;
    char log_path[512];
};

/* Start nonagentd (path in $NONAGENTD_BIN) for database t->name, with
 * --sql-mode sql_mode unless NULL, plus extra NULL-terminated arguments
 * (may be NULL).  Returns when /healthz answers 200; aborts the test
 * program after 15 s (60 s under NONAGENTD_VALGRIND=1). */
void daemon_start(struct daemon *d, const struct testdb *t, const char *sql_mode,
                  const char *const *extra_args);

/* daemon_start without the wait: the daemon may still be starting, or
 * failing to. */
void daemon_spawn(struct daemon *d, const struct testdb *t, const char *sql_mode,
                  const char *const *extra_args);

/* Wait at most seconds for the daemon to exit by itself: its exit status,
 * -1 when a signal killed it, -2 when it is still running. */
int daemon_wait_exit(struct daemon *d, unsigned seconds);

/* SIGTERM and wait (at most 60 s); returns the exit status, or -1 when it
 * was killed by a signal or had to be killed. */
int daemon_stop(struct daemon *d);

/* A free TCP port on 127.0.0.1 (bind to 0, read, close). */
unsigned daemon_free_port(void);

/* The daemon's standard error so far, malloc'd. */
char *daemon_log(const struct daemon *d);

/* A whole file, malloc'd; NULL when it cannot be read. */
char *read_whole_file(const char *path);

#endif
