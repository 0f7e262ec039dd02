/*
 * main.c - the nonagentd process: configuration, database settings,
 * signals, start and stop.  The only file that exits.
 *
 * Exit status: 0 after a clean stop (SIGTERM/SIGINT) or --help/--version,
 * 1 when the server cannot start, 2 for a configuration error.
 */
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/config.h"
#include "server/http.h"
#include "db/pool.h"

#define STOP_GRACE_SECONDS 10

int main(int argc, char **argv)
{
    struct config c;
    char err[512];
    struct http_server *server;
    sigset_t stop_signals;
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

    if (c.config_path[0] && c.config_db_keys == 0)
        fprintf(stderr, "nonagentd: warning: %s has no VARDB_ line (is it an "
                "astguiclient.conf?); the database settings come from the environment, "
                "flags and defaults\n", c.config_path);

    /* Block the stop signals in every thread; main waits for them. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct db_params dp = {
        .host = c.db_host, .user = c.db_user, .pass = c.db_pass, .name = c.db_name,
        .socket = c.db_socket, .sql_mode = c.sql_mode, .port = c.db_port,
        .sql_mode_set = c.sql_mode_set, .connect_timeout = 2, .rw_timeout = 30,
    };
    db_configure(&dp);

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

    /* Wait for a stop signal.  Meanwhile, after a second with no request,
     * hand memory freed after a burst back to the system once (glibc keeps
     * it otherwise, and the footprint would stay at its peak); never during
     * load, where trimming costs more than it returns. */
    unsigned long seen = http_requests_started();
    int trimmed = 1;
    for (;;) {
        struct timespec second = { 1, 0 };
        sig = sigtimedwait(&stop_signals, NULL, &second);
        if (sig == SIGTERM || sig == SIGINT)
            break;
        unsigned long now = http_requests_started();
        if (now != seen) {
            seen = now;
            trimmed = 0;
        } else if (!trimmed) {
            malloc_trim(0);
            trimmed = 1;
        }
    }
    fprintf(stderr, "nonagentd: %s received, finishing requests in flight\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    http_stop(server, STOP_GRACE_SECONDS);
    fprintf(stderr, "nonagentd: stopped\n");
    return 0;
}
