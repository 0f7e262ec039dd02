/*
 * main.c - the nonagentd process: configuration, database settings,
 * descriptor limit, signals, start and stop.  The only file that exits.
 *
 * Signals: SIGTERM and SIGINT stop (see http_stop), within --stop-timeout;
 * SIGHUP reopens the access log file and never stops the daemon.
 *
 * Exit status: 0 after a clean stop (SIGTERM/SIGINT) or --help/--version,
 * 1 when the server cannot start or requests were still in flight at the
 * stop timeout, 2 for a configuration error.
 */
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "server/config.h"
#include "server/http.h"
#include "server/reqlog.h"
#include "server/sdnotify.h"
#include "db/pool.h"
#include "db/schema.h"

/* Descriptors besides client connections: standard streams, the listener,
 * libmicrohttpd's epoll and wake-up descriptors, log files, and the
 * workers' database connections (counted separately). */
#define RESERVED_DESCRIPTORS 64

/*
 * Every client connection takes a descriptor; past the limit, accept()
 * fails over and over and nobody new is served.  Raise the soft limit
 * toward the hard one as far as --max-connections needs, and lower
 * --max-connections to what still fits, saying so.
 */
static void fit_descriptor_limit(struct config *c)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    rlim_t reserve = RESERVED_DESCRIPTORS + (c->threads ? c->threads : 2 * (rlim_t)(cores > 0 ? cores : 1));
    rlim_t want = c->max_connections + reserve;
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || getrlimit(RLIMIT_NOFILE, &rl) != 0 ||
        rl.rlim_cur >= want)
        return;
    unsigned fit = rl.rlim_cur > reserve ? (unsigned)(rl.rlim_cur - reserve) : 1;
    fprintf(stderr, "nonagentd: --max-connections %u lowered to %u: the descriptor limit"
            " (ulimit -n) is %llu\n", c->max_connections, fit, (unsigned long long)rl.rlim_cur);
    c->max_connections = fit;
}

/* The start-up check of the schema (db/schema.h), on the main thread's own
 * connection, closed again after.  Returns 0 while the database cannot be
 * reached (the caller tries again a second later), 1 once checked. */
static int check_schema(void)
{
    char alter[512];
    int missing = 0;
    struct db *db = db_thread();

    if (!db)
        return 0;
    enum db_status st = schema_phones_login_index(db, &missing, alter, sizeof alter);
    db_thread_close();
    if (st == DB_DOWN)
        return 0;
    if (missing)
        fprintf(stderr, "nonagentd: warning: table phones has no index beginning with login, so"
                " every add_phone reads the whole table to check the login; VICIdial works the"
                " same with one: %s\n", alter);
    return 1;
}

int main(int argc, char **argv)
{
    struct config c;
    char err[600];
    struct http_server *server;
    sigset_t handled;
    int sig = 0;

    switch (config_load(&c, argc, argv, NULL, err, sizeof err, stdout)) {
    case CONFIG_EXIT:
        return 0;
    case CONFIG_ERROR:
        fprintf(stderr, "nonagentd: %s\n", err);
        return 2;
    case CONFIG_OK:
        break;
    }

    /* A file of comments only is deliberate (the unit's SetCredential=
     * stand-in when /etc/astguiclient.conf does not exist); one with text
     * but no database line is probably not the file meant. */
    if (c.config_path[0] && c.config_other_lines > 0 && c.config_db_keys == 0)
        fprintf(stderr, "nonagentd: warning: %s has no VARDB_ line (is it an "
                "astguiclient.conf?); the database settings come from the environment, "
                "flags and defaults\n", c.config_path);

    /* Block the handled signals in every thread; main waits for them. */
    sigemptyset(&handled);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &handled, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (reqlog_open(c.access_log, err, sizeof err) != 0) {
        fprintf(stderr, "nonagentd: %s\n", err);
        return 1;
    }
    fit_descriptor_limit(&c);

    struct db_params dp = {
        .host = c.db_host, .user = c.db_user, .pass = c.db_pass, .name = c.db_name,
        .socket = c.db_socket, .sql_mode = c.sql_mode, .port = c.db_port,
        .sql_mode_set = c.sql_mode_set, .connect_timeout = c.db_timeout,
        .rw_timeout = c.db_timeout,
    };
    db_configure(&dp);

    /* Before listening when the database answers, so that the warning
     * comes first; otherwise from the loop below, once it does. */
    int schema_checked = check_schema();

    server = http_start(&c, err, sizeof err);
    if (!server) {
        fprintf(stderr, "nonagentd: %s\n", err);
        return 1;
    }
    fprintf(stderr, "nonagentd: listening on %s:%u, database %s@%s%s%s/%s%s%s\n",
            c.listen_addr, c.listen_port, c.db_user,
            c.db_socket[0] ? "unix:" : c.db_host, c.db_socket[0] ? c.db_socket : "",
            c.db_socket[0] ? "" : "", c.db_name,
            c.config_path[0] ? ", config " : "", c.config_path);
    {
        char listening[160];
        snprintf(listening, sizeof listening, "%s:%u", c.listen_addr, c.listen_port);
        sdnotify_start(listening);
    }

    /* Wait for a stop signal.  Meanwhile, after a second with no request
     * and no connection closed, hand memory freed after a burst back to
     * the system once (glibc keeps it otherwise, and the footprint would
     * stay at its peak); never during load, where trimming costs more than
     * it returns. */
    unsigned long seen = http_requests_started() + http_connections_closed();
    int trimmed = 1;
    for (;;) {
        struct timespec second = { 1, 0 };
        sig = sigtimedwait(&handled, NULL, &second);
        if (sig == SIGTERM || sig == SIGINT)
            break;
        sdnotify_tick();
        if (sig == SIGHUP) {
            if (reqlog_reopen(err, sizeof err) != 0)
                fprintf(stderr, "nonagentd: SIGHUP received: %s; still writing to the old file\n",
                        err);
            else
                fprintf(stderr, "nonagentd: SIGHUP received: access log %s%s\n",
                        strcmp(c.access_log, "off") == 0 || strcmp(c.access_log, "stderr") == 0
                        ? "is " : "reopened: ", c.access_log);
            continue;
        }
        if (!schema_checked)
            schema_checked = check_schema();
        unsigned long now = http_requests_started() + http_connections_closed();
        if (now != seen) {
            seen = now;
            trimmed = 0;
        } else if (!trimmed) {
            malloc_trim(0);
            trimmed = 1;
        }
    }
    fprintf(stderr, "nonagentd: %s received, finishing requests in flight (at most %u s)\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT", c.stop_timeout);
    sdnotify_stopping();
    int left = http_stop(server, c.stop_timeout);
    if (left > 0) {
        fprintf(stderr, "nonagentd: %d request%s still in flight after %u s (--stop-timeout);"
                " exiting without them\n", left, left == 1 ? "" : "s", c.stop_timeout);
        _exit(1);
    }
    fprintf(stderr, "nonagentd: stopped\n");
    return 0;
}
