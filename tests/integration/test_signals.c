/*
 * test_signals.c - signals under load, and where the access log goes.
 *
 *   SIGTERM   with keep-alive clients sending without a pause and a
 *             connection holding half a request line, the daemon answers
 *             what it received (each answer closing its connection), drops
 *             no request, and exits 0 well inside --stop-timeout
 *   SIGHUP    under load never stops the daemon: no request dropped; with
 *             --access-log FILE renamed away, the lines after the signal go
 *             to a new FILE, and every answer is logged exactly once
 *   --access-log off   no request line at all
 *
 * One database (InnoDB, schema plus demo data); each test starts its own
 * daemon.  Clients are threads speaking HTTP/1.1 over plain sockets.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/daemon.h"
#include "tests/support/httpc.h"
#include "tests/support/suite.h"
#include "tests/support/testdb.h"

#define DB_NAME "nonagentd_test_signals"
#define VERSION_TARGET "/vicidial/non_agent_api.php?source=test&function=version"
#define CLIENTS 16

static struct testdb db;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    nanosleep(&ts, NULL);
}

static int connect_to(unsigned port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    struct timeval tv = { 20, 0 };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

enum answer { ANSWER_WHOLE, ANSWER_WHOLE_AND_CLOSE, ANSWER_NONE, ANSWER_PARTIAL };

/* Read one answer to a version request: whole (200, the VERSION line) or
 * not, and whether the server said it closes the connection. */
static enum answer read_answer(int fd)
{
    char buf[4096];
    size_t got = 0;
    long body_len = -1;
    char *end = NULL;

    while (got < sizeof buf - 1) {
        ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (n <= 0)
            return got == 0 ? ANSWER_NONE : ANSWER_PARTIAL;
        got += (size_t)n;
        buf[got] = '\0';
        if (!end && (end = strstr(buf, "\r\n\r\n")) != NULL) {
            char *cl = strcasestr(buf, "\r\nContent-Length:");
            body_len = cl && cl < end ? strtol(cl + 17, NULL, 10) : -1;
        }
        if (end && body_len >= 0 && got >= (size_t)(end + 4 - buf) + (size_t)body_len)
            break;
    }
    if (!end || strncmp(buf, "HTTP/1.1 200", 12) != 0 || strncmp(end + 4, "VERSION: ", 9) != 0)
        return ANSWER_PARTIAL;
    *end = '\0';
    return strcasestr(buf, "\r\nConnection: close") ? ANSWER_WHOLE_AND_CLOSE : ANSWER_WHOLE;
}

/* ---- a client: version requests without a pause ---------------------- */

struct client {
    unsigned port;
    int keep_alive;             /* one connection for all, or one each */
    atomic_int *quit;
    int answered, dropped, partial, closed_by_server;
};

static void *run_client(void *arg)
{
    struct client *c = arg;
    static const char keep[] = "GET " VERSION_TARGET " HTTP/1.1\r\nHost: x\r\n\r\n";
    static const char close_req[] = "GET " VERSION_TARGET " HTTP/1.1\r\nHost: x\r\n"
                                    "Connection: close\r\n\r\n";
    const char *req = c->keep_alive ? keep : close_req;
    size_t len = strlen(req);
    int fd = -1;

    while (!atomic_load(c->quit)) {
        if (fd < 0 && (fd = connect_to(c->port)) < 0)
            break;              /* not accepting any more */
        if (send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len) {
            c->dropped++;
            break;
        }
        enum answer a = read_answer(fd);
        if (a == ANSWER_NONE || a == ANSWER_PARTIAL) {
            *(a == ANSWER_NONE ? &c->dropped : &c->partial) += 1;
            break;
        }
        c->answered++;
        if (a == ANSWER_WHOLE_AND_CLOSE || !c->keep_alive) {
            char byte;
            c->closed_by_server += recv(fd, &byte, 1, 0) == 0 && c->keep_alive;
            close(fd);
            fd = -1;
            if (c->keep_alive)
                break;          /* the server is stopping */
        }
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

static void start_clients(pthread_t *th, struct client *c, int n, unsigned port, int keep_alive,
                          atomic_int *quit)
{
    for (int i = 0; i < n; i++) {
        c[i] = (struct client){ .port = port, .keep_alive = keep_alive, .quit = quit };
        ck_assert_int_eq(pthread_create(&th[i], NULL, run_client, &c[i]), 0);
    }
}

static int wait_exit(pid_t pid, double timeout_s, double *took)
{
    double t0 = now_s();
    int status;

    while (now_s() - t0 < timeout_s) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            *took = now_s() - t0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        sleep_s(0.01);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    *took = now_s() - t0;
    return -2;
}

static long count_lines(const char *text, const char *needle)
{
    long n = 0;
    for (const char *p = text; p && (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static char *read_file(const char *path)
{
    char *text = read_whole_file(path);
    return text ? text : strdup("");
}

/* ---- SIGTERM ---------------------------------------------------------- */

START_TEST(sigterm_with_keep_alive_clients_sending_exits_within_the_stop_timeout)
{
    static const char *const ARGS[] = { "--stop-timeout", "8", NULL };
    pthread_t th[CLIENTS];
    struct client c[CLIENTS];
    atomic_int quit = 0;
    struct daemon d;
    int half, answered = 0, dropped = 0, partial = 0, closed = 0, rc;
    double took;

    daemon_start(&d, &db, NULL, ARGS);
    start_clients(th, c, CLIENTS, d.port, 1, &quit);
    half = connect_to(d.port);
    ck_assert_int_ge(half, 0);
    send(half, "GET /vicidial/non_agent_api.php?sou", 35, MSG_NOSIGNAL);
    sleep_s(1.0);

    kill(d.pid, SIGTERM);
    rc = wait_exit(d.pid, 30, &took);
    d.pid = 0;
    atomic_store(&quit, 1);     /* only once the daemon is gone: they keep sending */
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(th[i], NULL);
        answered += c[i].answered;
        dropped += c[i].dropped;
        partial += c[i].partial;
        closed += c[i].closed_by_server;
    }
    close(half);
    fprintf(stderr, "sigterm under keep-alive load: exit %d after %.2f s; %d answers, %d dropped,"
            " %d partial, %d of %d connections closed after a last answer\n", rc, took, answered,
            dropped, partial, closed, CLIENTS);
    ck_assert_msg(rc == 0, "exit status %d (-2: still running after 30 s)", rc);
    /* The bound is the point, not the speed: the daemon must not wait for
     * the clients to stop, nor for the half-sent request line. */
    ck_assert_msg(took < 8.0, "the daemon took %.2f s to stop (--stop-timeout 8)", took);
    ck_assert_msg(answered > CLIENTS, "only %d answers: no load", answered);
    ck_assert_msg(dropped == 0 && partial == 0, "%d requests dropped, %d answers cut", dropped,
                  partial);
    ck_assert_msg(closed == CLIENTS, "only %d of %d keep-alive connections got a last answer"
                  " and a close", closed, CLIENTS);
}
END_TEST

/* ---- SIGHUP ----------------------------------------------------------- */

START_TEST(sighup_under_load_reopens_the_access_log_and_drops_no_request)
{
    char path[600], moved[620];
    const char *args[] = { "--access-log", path, NULL };
    pthread_t th[CLIENTS];
    struct client c[CLIENTS];
    atomic_int quit = 0;
    struct daemon d;
    int answered = 0, dropped = 0, partial = 0;

    snprintf(path, sizeof path, "%s/signals-access.log", getenv("NONAGENTD_TESTDB_DIR"));
    snprintf(moved, sizeof moved, "%s.1", path);
    unlink(path);
    unlink(moved);
    daemon_start(&d, &db, NULL, args);
    /* Half the clients keep their connection, half open one per request. */
    start_clients(th, c, CLIENTS / 2, d.port, 1, &quit);
    start_clients(th + CLIENTS / 2, c + CLIENTS / 2, CLIENTS / 2, d.port, 0, &quit);
    sleep_s(1.0);
    ck_assert_int_eq(rename(path, moved), 0);     /* what logrotate does */
    ck_assert_int_eq(kill(d.pid, SIGHUP), 0);
    sleep_s(1.5);
    atomic_store(&quit, 1);
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(th[i], NULL);
        answered += c[i].answered;
        dropped += c[i].dropped;
        partial += c[i].partial;
    }
    ck_assert_msg(kill(d.pid, 0) == 0 && waitpid(d.pid, NULL, WNOHANG) == 0,
                  "the daemon is gone after SIGHUP");
    ck_assert_msg(dropped == 0 && partial == 0, "%d requests dropped, %d answers cut around"
                  " SIGHUP", dropped, partial);
    ck_assert_int_eq(daemon_stop(&d), 0);

    char *before = read_file(moved), *after = read_file(path), *err = daemon_log(&d);
    long in_before = count_lines(before, " version SUCCESS 200 "),
         in_after = count_lines(after, " version SUCCESS 200 ");
    fprintf(stderr, "sighup under load: %d answers; %ld lines in the renamed log, %ld in the"
            " new one\n", answered, in_before, in_after);
    ck_assert_msg(strstr(err, "nonagentd: SIGHUP received: access log reopened: ") != NULL,
                  "no log line about SIGHUP:\n%s", err);
    ck_assert_msg(in_before > 0 && in_after > 0, "lines before SIGHUP %ld, after %ld", in_before,
                  in_after);
    ck_assert_msg(in_before + in_after == answered, "%d answers, %ld + %ld access log lines",
                  answered, in_before, in_after);
    ck_assert_msg(count_lines(err, " version SUCCESS ") == 0,
                  "request lines on stderr with --access-log FILE");
    free(before);
    free(after);
    free(err);
}
END_TEST

START_TEST(access_log_off_writes_no_request_line_and_stderr_is_the_default)
{
    static const char *const OFF[] = { "--access-log", "off", NULL };
    struct daemon d;
    struct http_reply r;
    char *log;

    daemon_start(&d, &db, NULL, OFF);
    ck_assert_int_eq(http_get(d.port, VERSION_TARGET, &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
    ck_assert_int_eq(daemon_stop(&d), 0);
    log = daemon_log(&d);
    ck_assert_msg(strstr(log, " version ") == NULL, "--access-log off logged:\n%s", log);
    free(log);

    daemon_start(&d, &db, NULL, NULL);
    ck_assert_int_eq(http_get(d.port, VERSION_TARGET, &r), 0);
    http_reply_free(&r);
    ck_assert_int_eq(daemon_stop(&d), 0);
    log = daemon_log(&d);
    ck_assert_msg(strstr(log, " version SUCCESS 200 ") != NULL, "no request line on stderr:\n%s",
                  log);
    free(log);
}
END_TEST

static Suite *signals_suite(void)
{
    Suite *s = suite_create("signals");
    TCase *tc = test_add_case(s, "signals", 120, NULL, NULL);

    tcase_add_test(tc, sigterm_with_keep_alive_clients_sending_exits_within_the_stop_timeout);
    tcase_add_test(tc, sighup_under_load_reopens_the_access_log_and_drops_no_request);
    tcase_add_test(tc, access_log_off_writes_no_request_line_and_stderr_is_the_default);
    return s;
}

int main(void)
{
    int failed;

    testdb_connect(&db);
    testdb_create_demo(&db, DB_NAME, NULL);
    failed = test_run_suite(signals_suite());
    testdb_close(&db);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
