/*
 * test_limits.c - resource bounds and odd-but-legal HTTP (issue 6).
 *
 * One database (InnoDB, schema plus demo data); each test starts the
 * daemon it needs with the limit flags it tests:
 *
 *   slowloris          1,000 connections that send a request line a byte
 *                      a second do not stop a normal client: its version
 *                      and add_phone are answered within 1 s (default
 *                      limits), and the daemon really holds them all
 *   --max-connections  with N connections open the next one waits (or is
 *                      refused) while those N are served, and is served
 *                      once one of them closes
 *   --per-ip-connections  the next connection from that address is
 *                      refused; another address is still served
 *   --connection-timeout  an idle connection is closed after ~S seconds
 *   --max-header       a request with 10 KB of headers, or a 10 KB URL,
 *                      gets 413/414/431 and the daemon keeps serving
 *   --max-body         a larger body gets 413: with Content-Length or
 *                      chunked, url-encoded, multipart or of any type
 *   multipart          60 bodies of every shape (names PHP skips, values
 *                      longer than libmicrohttpd's buffer, files, bodies
 *                      cut short, chunked) are each answered
 *   --lock-wait        a contested extension is answered PHONE IS BUSY
 *                      after ~S seconds
 *   out of range       every limit flag refuses a value outside its range
 *                      (exit status 2, the flag named)
 *
 * and requests a client may legally send: 200 headers, bare LF line
 * endings, HTTP/1.0, pipelining, HEAD; and one it may not: a NUL byte
 * anywhere in the request line (400, as Apache).  Every loop is bounded in count and time.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/daemon.h"
#include "tests/support/httpc.h"
#include "tests/support/suite.h"
#include "tests/support/testdb.h"

#define API "/vicidial/non_agent_api.php"
#define VERSION_Q API "?source=test&function=version"
#define SLOW_CONNECTIONS 1000
#define SLOW_ROUNDS 5

static struct testdb db;        /* the database's coordinates (no connection in tests) */

/* ---- daemons: stopped at exit, also when a check fails mid-test -------- */

#define MAX_OWN 4
static struct daemon *own[MAX_OWN];

static void kill_own(void)
{
    for (int i = 0; i < MAX_OWN; i++)
        if (own[i] && own[i]->pid > 0) {
            kill(own[i]->pid, SIGKILL);
            waitpid(own[i]->pid, NULL, 0);
            own[i]->pid = 0;
        }
}

/* d is killed at exit unless stopped before. */
static void own_daemon(struct daemon *d)
{
    static int registered;
    if (!registered) {
        atexit(kill_own);
        registered = 1;
    }
    for (int i = 0; i < MAX_OWN; i++)
        if (!own[i] || own[i]->pid <= 0) {
            own[i] = d;
            break;
        }
}

static void start(struct daemon *d, const char *const *args)
{
    own_daemon(d);
    daemon_start(d, &db, NULL, args);
}

static void stop(struct daemon *d)
{
    ck_assert_msg(daemon_stop(d) == 0, "the daemon did not stop cleanly");
}

/* ---- time and sockets ------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    nanosleep(&ts, NULL);
}

/* A TCP connection to 127.0.0.1:port from source address src (NULL: any). */
static int open_conn(const char *src, unsigned port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_msg(fd >= 0, "socket: %s", strerror(errno));
    if (src) {
        struct sockaddr_in me = { .sin_family = AF_INET };
        inet_pton(AF_INET, src, &me.sin_addr);
        ck_assert_msg(bind(fd, (struct sockaddr *)&me, sizeof me) == 0, "bind %s: %s", src,
                      strerror(errno));
    }
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_msg(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0, "connect: %s",
                  strerror(errno));
    return fd;
}

static void send_str(int fd, const char *s, size_t len)
{
    for (size_t sent = 0; sent < len;) {
        ssize_t n = send(fd, s + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return;     /* the server may close before reading it all */
        sent += (size_t)n;
    }
}

/* What the server sent within `timeout` seconds, until it closed (*closed
 * = 1) or went quiet; *first is the delay of the first byte (or of the
 * close) when anything happened, -1 otherwise. */
struct got {
    char data[65536];
    size_t len;
    int closed;         /* EOF or reset seen */
    double first;
};

static void read_for(int fd, double timeout, struct got *g)
{
    double t0 = now_s();

    g->len = 0;
    g->closed = 0;
    g->first = -1;
    for (;;) {
        double left = timeout - (now_s() - t0);
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (left <= 0)
            break;
        int rc = poll(&p, 1, (int)(left * 1000) + 1);
        if (rc <= 0)
            break;
        ssize_t n = recv(fd, g->data + g->len, sizeof g->data - 1 - g->len, 0);
        if (g->first < 0)
            g->first = now_s() - t0;
        if (n <= 0) {
            g->closed = 1;
            break;
        }
        g->len += (size_t)n;
        if (g->len >= sizeof g->data - 1)
            break;
    }
    g->data[g->len] = '\0';
}

static int status_of(const char *response)
{
    int status = 0;
    if (sscanf(response, "HTTP/1.%*d %d", &status) != 1)
        return 0;
    return status;
}

static const char *body_of(const char *response)
{
    const char *b = strstr(response, "\r\n\r\n");
    return b ? b + 4 : "";
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* One request on its own connection; the whole response, within 5 s. */
static void exchange(unsigned port, const char *req, size_t len, struct got *g)
{
    int fd = open_conn(NULL, port);
    send_str(fd, req, len);
    read_for(fd, 5.0, g);
    close(fd);
}

/* The daemon still answers version, within 1 s. */
static void expect_serving(unsigned port)
{
    struct http_reply r;
    double t0 = now_s();

    ck_assert_int_eq(http_get(port, VERSION_Q, &r), 0);
    ck_assert_msg(now_s() - t0 < 1.0, "version took %.2f s", now_s() - t0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(starts(r.body, "VERSION: 2.14-202|"), "%s", r.body);
    http_reply_free(&r);
}

static int serial;

/* A valid add_phone for a new extension; its answer must be SUCCESS within
 * `limit` seconds. */
static void expect_add_phone(unsigned port, double limit)
{
    char target[512];
    struct http_reply r;
    double t0, took;
    int n = serial++;

    snprintf(target, sizeof target,
             API "?source=test&function=add_phone&user=6666&pass=1234&extension=lim%d_%d"
             "&dialplan_number=9%d&voicemail_id=9%d&phone_login=liml%d_%d&phone_pass=test"
             "&server_ip=10.0.9.8&protocol=SIP&registration_password=test"
             "&phone_full_name=Limits&local_gmt=-5.00&outbound_cid=7275551212",
             (int)getpid(), n, n, n, (int)getpid(), n);
    t0 = now_s();
    ck_assert_int_eq(http_get(port, target, &r), 0);
    took = now_s() - t0;
    ck_assert_msg(took < limit, "add_phone took %.2f s", took);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(starts(r.body, "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|lim"), "%s",
                  r.body);
    http_reply_free(&r);
}

/* Open sockets of a process (its listening socket and database ones too). */
static int socket_count(pid_t pid)
{
    char dir[64], link[128], path[320];
    struct dirent *e;
    int n = 0;
    DIR *d;

    snprintf(dir, sizeof dir, "/proc/%d/fd", (int)pid);
    d = opendir(dir);
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ssize_t len = readlink(path, link, sizeof link - 1);
        if (len > 0) {
            link[len] = '\0';
            n += strncmp(link, "socket:", 7) == 0;
        }
    }
    closedir(d);
    return n;
}

/* ---- slowloris -------------------------------------------------------- */

START_TEST(slowloris_1000_connections_do_not_stop_a_normal_client)
{
    static const char line[] = "GET /vicidial/non_agent_api.php?source=test&function=version"
                               "&a=b HTTP/1.1\r\n";
    static int fds[SLOW_CONNECTIONS];
    struct daemon d;
    int dropped = 0, held;
    double t0 = now_s(), slowest = 0;

    start(&d, NULL);
    /* From eight addresses: one address alone would meet the per-address
     * default (the next test). */
    for (int i = 0; i < SLOW_CONNECTIONS; i++) {
        char src[32];
        snprintf(src, sizeof src, "127.0.1.%d", 1 + i % 8);
        fds[i] = open_conn(src, d.port);
        send_str(fds[i], line, 1);
        ck_assert_msg(now_s() - t0 < 60, "opening the slow connections took over 60 s");
    }
    for (int round = 1; round <= SLOW_ROUNDS; round++) {
        double r0 = now_s();
        for (int i = 0; i < SLOW_CONNECTIONS; i++)
            if (fds[i] >= 0 && send(fds[i], line + round, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1) {
                close(fds[i]);
                fds[i] = -1;
                dropped++;
            }
        /* the normal client, while every slow one is mid-request */
        double c0 = now_s();
        expect_serving(d.port);
        expect_add_phone(d.port, 1.0);
        if (now_s() - c0 > slowest)
            slowest = now_s() - c0;
        sleep_s(1.0 - (now_s() - r0));
    }
    /* The daemon held them (they did not just sit in the listen queue). */
    held = socket_count(d.pid);
    ck_assert_msg(held >= SLOW_CONNECTIONS, "the daemon has %d sockets open, %d slow clients",
                  held, SLOW_CONNECTIONS - dropped);
    ck_assert_msg(dropped == 0, "%d slow connections were dropped within %d s", dropped,
                  SLOW_ROUNDS);
    fprintf(stderr, "slowloris: %d slow connections held (daemon sockets: %d); the normal"
            " client's version + add_phone took at most %.3f s\n", SLOW_CONNECTIONS, held,
            slowest);
    for (int i = 0; i < SLOW_CONNECTIONS; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    expect_serving(d.port);
    stop(&d);
}
END_TEST

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Times of `n` version requests from address src, each on a new
 * connection, appended to took[*count]. */
static void time_version_requests(unsigned port, const char *src, int n, double *took, int *count)
{
    static const char req[] = "GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    struct got g;

    for (int i = 0; i < n; i++) {
        double t0 = now_s();
        int fd = open_conn(src, port);
        send_str(fd, req, sizeof req - 1);
        read_for(fd, 5.0, &g);
        took[(*count)++] = now_s() - t0;
        close(fd);
        ck_assert_msg(status_of(g.data) == 200 && starts(body_of(g.data), "VERSION: "),
                      "probe %d from %s: '%.80s'", i, src, g.data);
    }
}

/* One byte more on every slow connection still open; the number the
 * daemon has closed so far. */
static int trickle(int *fds, int n, const char *line, size_t at)
{
    int closed = 0;
    for (int i = 0; i < n; i++) {
        if (fds[i] >= 0 && send(fds[i], line + at, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1) {
            close(fds[i]);
            fds[i] = -1;
        }
        closed += fds[i] < 0;
    }
    return closed;
}

#define FLOOD_CONNECTIONS 5000
#define PROBE_ROUNDS 3
#define PROBES 7

START_TEST(slowloris_5000_connections_from_one_address_leave_another_served_within_100ms)
{
    static const char line[] = "GET /vicidial/non_agent_api.php?source=test&function=version&a=b";
    static int fds[FLOOD_CONNECTIONS];
    double took[PROBE_ROUNDS * PROBES], t0 = now_s();
    int refused = 0, before, probes = 0;
    size_t at = 1;
    struct rlimit rl;
    struct daemon d;

    /* 5,000 sockets here (the daemon has its own limit). */
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_cur < FLOOD_CONNECTIONS + 100 && rl.rlim_max >= FLOOD_CONNECTIONS + 100) {
        rl.rlim_cur = FLOOD_CONNECTIONS + 100;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    ck_assert_msg(rl.rlim_cur >= FLOOD_CONNECTIONS + 100, "this test needs ulimit -n %d",
                  FLOOD_CONNECTIONS + 100);
    start(&d, NULL);
    for (int i = 0; i < FLOOD_CONNECTIONS; i++) {
        fds[i] = open_conn("127.0.0.3", d.port);
        send_str(fds[i], line, 1);
        ck_assert_msg(now_s() - t0 < 60, "opening the slow connections took over 60 s");
    }
    /* The daemon first works through the burst of connections waiting to
     * be accepted (refusing those past the per-address limit); what is
     * measured is the state after it, 5,000 connections trickling on. */
    do {
        before = refused;
        sleep_s(0.5);
        refused = trickle(fds, FLOOD_CONNECTIONS, line, at++ % (sizeof line - 1));
    } while (refused != before && now_s() - t0 < 30);
    /* The median of 21 probes over three rounds, not each one: on a loaded
     * two-core machine any single probe can lose its core to another
     * process for longer than 100 ms, while a daemon that really keeps the
     * other address waiting makes most of them slow. */
    for (int round = 0; round < PROBE_ROUNDS; round++) {
        refused = trickle(fds, FLOOD_CONNECTIONS, line, at++ % (sizeof line - 1));
        time_version_requests(d.port, "127.0.0.2", PROBES, took, &probes);
        sleep_s(0.3);
    }
    qsort(took, (size_t)probes, sizeof took[0], compare_doubles);
    fprintf(stderr, "slowloris from one address: %d connections, %d closed by the daemon;"
            " another address served in %.1f ms (median of %d; fastest %.1f, slowest %.1f)\n",
            FLOOD_CONNECTIONS, refused, took[probes / 2] * 1000, probes, took[0] * 1000,
            took[probes - 1] * 1000);
    ck_assert_msg(took[probes / 2] < 0.100, "another address waited %.1f ms (median of %d)",
                  took[probes / 2] * 1000, probes);
    ck_assert_msg(refused >= FLOOD_CONNECTIONS - 1000, "only %d of %d connections from one"
                  " address were refused", refused, FLOOD_CONNECTIONS);
    for (int i = 0; i < FLOOD_CONNECTIONS; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    expect_serving(d.port);
    stop(&d);
}
END_TEST

START_TEST(trickled_bytes_do_not_extend_the_request_timeout)
{
    static const char *const ARGS[] = { "--request-timeout", "2", "--connection-timeout", "30",
                                        NULL };
    static const char line[] = "GET /vicidial/non_agent_api.php?source=test&function=version"
                               "&a=b HTTP/1.1\r\nHost: x\r\n";
    static const char keep[] = "GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\n\r\n";
    enum { TRICKLERS = 10 };
    int fds[TRICKLERS + 1], open_after = 0;
    double closed_at[TRICKLERS + 1];
    struct daemon d;
    struct got g;
    double t0;

    start(&d, ARGS);
    /* Ten new connections, and one kept alive after an answer, each send
     * a byte every 0.25 s and never finish. */
    for (int i = 0; i < TRICKLERS; i++)
        fds[i] = open_conn(NULL, d.port);
    fds[TRICKLERS] = open_conn(NULL, d.port);
    send_str(fds[TRICKLERS], keep, strlen(keep));
    read_for(fds[TRICKLERS], 1.0, &g);
    ck_assert_int_eq(status_of(g.data), 200);
    t0 = now_s();
    for (int i = 0; i <= TRICKLERS; i++)
        closed_at[i] = -1;
    for (size_t b = 0; now_s() - t0 < 8.0; b = (b + 1) % (sizeof line - 1)) {
        for (int i = 0; i <= TRICKLERS; i++) {
            char c;
            if (closed_at[i] >= 0)
                continue;
            if (send(fds[i], line + b, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1 ||
                recv(fds[i], &c, 1, MSG_DONTWAIT) == 0)
                closed_at[i] = now_s() - t0;
        }
        sleep_s(0.25);
    }
    for (int i = 0; i <= TRICKLERS; i++) {
        open_after += closed_at[i] < 0;
        close(fds[i]);
    }
    ck_assert_msg(open_after == 0, "%d of %d trickling connections still open after 8 s"
                  " (--request-timeout 2)", open_after, TRICKLERS + 1);
    for (int i = 0; i < TRICKLERS; i++)
        ck_assert_msg(closed_at[i] > 1.0, "connection %d closed after only %.2f s", i,
                      closed_at[i]);
    expect_serving(d.port);
    stop(&d);
}
END_TEST

/* ---- --max-connections ----------------------------------------------- */

/* nonagentd with RLIMIT_NOFILE at `limit` (soft and hard), as a unit or a
 * container may start it; by hand, as daemon_start cannot set a limit. */
static void start_with_descriptor_limit(struct daemon *d, rlim_t limit, const char *max_conns)
{
    const char *bin = getenv("NONAGENTD_BIN");
    char listen[64];

    d->port = daemon_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%u", d->port);
    snprintf(d->log_path, sizeof d->log_path, "%.400s/limits-nofile-%u.log",
             getenv("NONAGENTD_TESTDB_DIR"), d->port);
    d->pid = fork();
    ck_assert_int_ge(d->pid, 0);
    if (d->pid == 0) {
        struct rlimit rl = { limit, limit };
        int out = open(d->log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, STDERR_FILENO);
        setrlimit(RLIMIT_NOFILE, &rl);
        execl(bin, bin, "--listen", listen, "--db-socket", db.socket, "--db-user", db.user,
              "--db-pass", db.pass, "--db-name", db.name, "--threads", "4",
              "--max-connections", max_conns, "--per-ip-connections", "0", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 300; i++) {
        struct http_reply r;
        int ok = http_get(d->port, "/healthz", &r) == 0 && r.status == 200;
        http_reply_free(&r);
        if (ok)
            return;
        sleep_s(0.05);
    }
    ck_abort_msg("nonagentd with ulimit -n %d never became healthy", (int)limit);
}

START_TEST(max_connections_is_lowered_to_the_descriptor_limit_and_every_request_is_served)
{
    static const char req[] = "GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\n"
                              "Connection: close\r\n\r\n";
    enum { CLIENTS = 400 };
    static int fds[CLIENTS];
    struct daemon d = { 0 };
    int ok = 0, unavailable = 0, other = 0, lines = 0;
    double t0 = now_s();
    char *log;

    own_daemon(&d);
    start_with_descriptor_limit(&d, 256, "4000");
    /* More clients at once than descriptors, each with a request: those
     * accepted are answered, the rest wait in the listen queue for a slot,
     * and no worker is ever short of a descriptor for its database
     * connection. */
    for (int i = 0; i < CLIENTS; i++) {
        fds[i] = open_conn(NULL, d.port);
        send_str(fds[i], req, sizeof req - 1);
    }
    for (int i = 0; i < CLIENTS; i++) {
        struct got g;
        read_for(fds[i], 10.0, &g);
        if (status_of(g.data) == 200)
            ok++;
        else if (status_of(g.data) != 0)
            other++;
        unavailable += strstr(g.data, "DATABASE UNAVAILABLE") != NULL;
    }
    for (int i = 0; i < CLIENTS; i++)
        close(fds[i]);
    expect_serving(d.port);
    stop(&d);
    log = daemon_log(&d);
    for (const char *p = log; (p = strstr(p, "nonagentd: ")) != NULL; p++)
        lines++;
    fprintf(stderr, "ulimit -n 256: %d of %d clients answered 200 within %.1f s, %d otherwise;"
            " %d lines of the daemon's own\n", ok, CLIENTS, now_s() - t0, other, lines);
    ck_assert_msg(strstr(log, "nonagentd: --max-connections 4000 lowered to ") &&
                  strstr(log, ": the descriptor limit (ulimit -n) is 256\n"),
                  "no line about the lowered limit:\n%.600s", log);
    ck_assert_msg(unavailable == 0 && other == 0, "%d answers said DATABASE UNAVAILABLE, %d were"
                  " not 200", unavailable, other);
    ck_assert_msg(ok == CLIENTS, "only %d of %d clients answered", ok, CLIENTS);
    ck_assert_msg(lines < 20, "%d lines of the daemon's own:\n%.600s", lines, log);
    free(log);
}
END_TEST

START_TEST(max_connections_the_next_one_waits_until_one_closes)
{
    static const char *const ARGS[] = { "--max-connections", "8", NULL };
    static const char rest[] = "ersion HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    static const char partial[] = "GET " VERSION_Q;
    int held[8], extra;
    struct daemon d;
    struct got g;

    start(&d, ARGS);
    for (int i = 0; i < 8; i++) {
        held[i] = open_conn(NULL, d.port);
        /* a partial request: "...function=v" */
        send_str(held[i], partial, strlen(partial) - 6);
    }
    sleep_s(0.3);
    extra = open_conn(NULL, d.port);    /* the listen queue takes it */
    send_str(extra, "GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
             strlen("GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    read_for(extra, 1.0, &g);
    ck_assert_msg(g.len == 0, "the 9th connection was served with 8 open: %.80s", g.data);
    int refused = g.closed;

    /* the 8 are served meanwhile: finish one's request */
    send_str(held[0], rest, strlen(rest));
    read_for(held[0], 2.0, &g);
    ck_assert_int_eq(status_of(g.data), 200);
    ck_assert_msg(starts(body_of(g.data), "VERSION: "), "%s", g.data);
    close(held[0]);
    held[0] = -1;

    if (!refused) {
        /* it waited: now it is served */
        read_for(extra, 2.0, &g);
        ck_assert_msg(status_of(g.data) == 200, "the waiting connection got: '%.80s'", g.data);
        ck_assert_msg(g.first < 1.0, "the waiting connection was served %.2f s after a slot"
                      " freed", g.first);
    }
    close(extra);
    expect_serving(d.port);
    for (int i = 1; i < 8; i++)
        close(held[i]);
    expect_serving(d.port);
    stop(&d);
}
END_TEST

/* ---- --per-ip-connections -------------------------------------------- */

START_TEST(per_ip_connections_refuses_the_next_from_that_address_only)
{
    static const char *const ARGS[] = { "--per-ip-connections", "4", NULL };
    static const char req[] = "GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    int held[4], fd;
    struct daemon d;
    struct got g;

    static const char keep[] = "GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\n\r\n";
    start(&d, ARGS);
    /* Four connections, each proven accepted by an answered request and
     * then held open (keep-alive). */
    for (int i = 0; i < 4; i++) {
        held[i] = open_conn("127.0.0.1", d.port);
        send_str(held[i], keep, strlen(keep));
        read_for(held[i], 2.0, &g);     /* kept alive: waits it all */
        ck_assert_msg(strstr(g.data, "200 OK") != NULL, "held connection %d not served", i);
    }
    /* a fifth from 127.0.0.1: closed without an answer */
    fd = open_conn("127.0.0.1", d.port);
    send_str(fd, req, strlen(req));
    read_for(fd, 2.0, &g);
    ck_assert_msg(g.closed && g.len == 0, "5th connection from one address: closed %d, got '%.80s'",
                  g.closed, g.data);
    close(fd);
    /* another address is served */
    fd = open_conn("127.0.0.2", d.port);
    send_str(fd, req, strlen(req));
    read_for(fd, 2.0, &g);
    ck_assert_msg(status_of(g.data) == 200 && starts(body_of(g.data), "VERSION: "),
                  "from 127.0.0.2: '%.80s'", g.data);
    close(fd);
    /* one slot freed: 127.0.0.1 is served again */
    close(held[0]);
    sleep_s(0.3);
    fd = open_conn("127.0.0.1", d.port);
    send_str(fd, req, strlen(req));
    read_for(fd, 2.0, &g);
    ck_assert_msg(status_of(g.data) == 200, "after a slot freed: '%.80s'", g.data);
    close(fd);
    for (int i = 1; i < 4; i++)
        close(held[i]);
    stop(&d);
}
END_TEST

/* ---- --connection-timeout -------------------------------------------- */

START_TEST(connection_timeout_closes_an_idle_connection)
{
    static const char *const ARGS[] = { "--connection-timeout", "2", NULL };
    static const char keep[] = "GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\n\r\n";
    struct daemon d;
    struct got g;
    int silent, partial, kept;
    double opened, idle;

    start(&d, ARGS);
    silent = open_conn(NULL, d.port);       /* sends nothing */
    opened = now_s();
    partial = open_conn(NULL, d.port);      /* half a request line */
    send_str(partial, "GET /vicidial/non_agent_api.php?sou", 35);
    kept = open_conn(NULL, d.port);         /* a keep-alive request, answered */
    send_str(kept, keep, strlen(keep));
    read_for(kept, 1.0, &g);
    ck_assert_int_eq(status_of(g.data), 200);

    /* meanwhile the daemon serves others */
    expect_serving(d.port);
    idle = now_s() - opened;
    read_for(silent, 6.0, &g);
    idle += g.first;
    ck_assert_msg(g.closed && g.len == 0 && idle > 1.5 && idle < 4.0,
                  "idle connection: closed %d after %.2f s, got '%.60s'", g.closed, idle,
                  g.data);
    read_for(partial, 2.0, &g);
    ck_assert_msg(g.closed, "a connection idle mid-request was not closed");
    read_for(kept, 2.0, &g);
    ck_assert_msg(g.closed, "an idle keep-alive connection was not closed");
    close(silent);
    close(partial);
    close(kept);
    expect_serving(d.port);
    stop(&d);
}
END_TEST

/* ---- --max-header ---------------------------------------------------- */

START_TEST(max_header_oversized_headers_get_4xx_and_the_daemon_keeps_serving)
{
    static const char *const ARGS[] = { "--max-header", "8192", NULL };
    char *req = malloc(32768);
    struct daemon d;
    struct got g;
    size_t n;
    int status;

    start(&d, ARGS);
    /* 10 KB in one header */
    n = (size_t)snprintf(req, 32768, "GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(req + n, 'a', 10240);
    n += 10240;
    n += (size_t)snprintf(req + n, 32768 - n, "\r\nConnection: close\r\n\r\n");
    exchange(d.port, req, n, &g);
    status = status_of(g.data);
    ck_assert_msg(status == 431 || status == 413 || status == 414, "10 KB header: '%.80s'",
                  g.data);
    expect_serving(d.port);

    /* 10 KB in 160 headers */
    n = (size_t)snprintf(req, 32768, "GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 160; i++)
        n += (size_t)snprintf(req + n, 32768 - n, "X-Header-%03d: %050d\r\n", i, i);
    n += (size_t)snprintf(req + n, 32768 - n, "Connection: close\r\n\r\n");
    ck_assert_uint_gt(n, 10000);
    exchange(d.port, req, n, &g);
    status = status_of(g.data);
    ck_assert_msg(status == 431 || status == 413 || status == 414, "10 KB of headers: '%.80s'",
                  g.data);
    expect_serving(d.port);

    /* a 10 KB URL */
    n = (size_t)snprintf(req, 32768, "GET " VERSION_Q "&pad=");
    memset(req + n, 'b', 10240);
    n += 10240;
    n += (size_t)snprintf(req + n, 32768 - n, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    exchange(d.port, req, n, &g);
    status = status_of(g.data);
    ck_assert_msg(status == 431 || status == 413 || status == 414, "10 KB URL: '%.80s'", g.data);
    expect_serving(d.port);

    /* well under the limit: served */
    n = (size_t)snprintf(req, 32768, "GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\nX-Small: ");
    memset(req + n, 'c', 1024);
    n += 1024;
    n += (size_t)snprintf(req + n, 32768 - n, "\r\nConnection: close\r\n\r\n");
    exchange(d.port, req, n, &g);
    ck_assert_msg(status_of(g.data) == 200, "1 KB header: '%.80s'", g.data);
    free(req);
    stop(&d);
}
END_TEST

/* ---- --max-body ------------------------------------------------------- */

/* A POST of `size` body bytes, by Content-Length or chunked (1 KB chunks). */
static size_t make_post(char *req, size_t cap, const char *content_type, int chunked,
                        size_t size)
{
    char *body = malloc(size + 1);
    size_t n;

    /* a form that would be a valid version call */
    n = (size_t)snprintf(body, size + 1, "source=test&function=version&pad=");
    if (n < size)
        memset(body + n, 'x', size - n);
    body[size] = '\0';
    n = (size_t)snprintf(req, cap, "POST " API " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
    if (content_type)
        n += (size_t)snprintf(req + n, cap - n, "Content-Type: %s\r\n", content_type);
    if (chunked) {
        n += (size_t)snprintf(req + n, cap - n, "Transfer-Encoding: chunked\r\n\r\n");
        for (size_t off = 0; off < size; off += 1024) {
            size_t len = size - off < 1024 ? size - off : 1024;
            n += (size_t)snprintf(req + n, cap - n, "%zx\r\n%.*s\r\n", len, (int)len, body + off);
        }
        n += (size_t)snprintf(req + n, cap - n, "0\r\n\r\n");
    } else {
        n += (size_t)snprintf(req + n, cap - n, "Content-Length: %zu\r\n\r\n%s", size, body);
    }
    free(body);
    return n;
}

static size_t make_multipart(char *req, size_t cap, int chunked, size_t pad)
{
    char *body = malloc(pad + 512);
    int blen = snprintf(body, pad + 512,
                        "--B0undary\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\ntest\r\n"
                        "--B0undary\r\nContent-Disposition: form-data; name=\"function\"\r\n\r\nversion\r\n"
                        "--B0undary\r\nContent-Disposition: form-data; name=\"pad\"\r\n\r\n%0*d\r\n"
                        "--B0undary--\r\n", (int)pad, 0);
    size_t n = (size_t)snprintf(req, cap, "POST " API " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                "Content-Type: multipart/form-data; boundary=B0undary\r\n");
    if (chunked) {
        n += (size_t)snprintf(req + n, cap - n, "Transfer-Encoding: chunked\r\n\r\n");
        for (int off = 0; off < blen; off += 1000) {
            int len = blen - off < 1000 ? blen - off : 1000;
            n += (size_t)snprintf(req + n, cap - n, "%x\r\n%.*s\r\n", len, len, body + off);
        }
        n += (size_t)snprintf(req + n, cap - n, "0\r\n\r\n");
    } else {
        n += (size_t)snprintf(req + n, cap - n, "Content-Length: %d\r\n\r\n%s", blen, body);
    }
    free(body);
    return n;
}

/* A deterministic generator for the multipart bodies below. */
static unsigned long long mix_state = 0x9E3779B97F4A7C15ull;

static unsigned mix_next(unsigned n)
{
    mix_state ^= mix_state << 13;
    mix_state ^= mix_state >> 7;
    mix_state ^= mix_state << 17;
    return (unsigned)(mix_state % n);
}

/* One multipart request of 0-4 parts: names PHP registers, skips ("[x",
 * "", "__Host-x") or makes arrays, values from empty to 40 KB (over
 * libmicrohttpd's 16 KB buffer, so they arrive in pieces), some parts
 * files, some bodies cut short, with Content-Length or chunked. */
static size_t make_mixed_multipart(char *req, size_t cap)
{
    static const char *const names[] = {
        "function", "source", "[x", "", "__Host-x", "a[b][c]", "zz", " a.b", "pass",
    };
    static const size_t sizes[] = { 0, 7, 300, 17000, 40000 };
    size_t bcap = 4 * 40100 + 1024, blen = 0, n;
    char *body = malloc(bcap);
    unsigned parts = mix_next(5);

    for (unsigned i = 0; i < parts; i++) {
        const char *name = names[mix_next(sizeof names / sizeof names[0])];
        size_t size = sizes[mix_next(sizeof sizes / sizeof sizes[0])];
        int file = mix_next(8) == 0;

        blen += (size_t)snprintf(body + blen, bcap - blen,
                                 "--M1x\r\nContent-Disposition: form-data; name=\"%s\"%s\r\n\r\n",
                                 name, file ? "; filename=\"f.txt\"" : "");
        if (strcmp(name, "function") == 0 && size < 300) {
            blen += (size_t)snprintf(body + blen, bcap - blen, "version");
        } else {
            for (size_t k = 0; k < size; k++)
                body[blen++] = (char)('A' + mix_next(26));
        }
        blen += (size_t)snprintf(body + blen, bcap - blen, "\r\n");
    }
    blen += (size_t)snprintf(body + blen, bcap - blen, "--M1x--\r\n");
    if (mix_next(5) == 0)
        blen = mix_next((unsigned)blen + 1);    /* cut short, announced as such */
    n = (size_t)snprintf(req, cap, "POST " API " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                         "Content-Type: multipart/form-data; boundary=M1x\r\n");
    if (mix_next(3) == 0) {
        n += (size_t)snprintf(req + n, cap - n, "Transfer-Encoding: chunked\r\n\r\n");
        for (size_t off = 0; off < blen;) {
            size_t len = 1 + mix_next(9000);
            if (len > blen - off)
                len = blen - off;
            n += (size_t)snprintf(req + n, cap - n, "%zx\r\n", len);
            memcpy(req + n, body + off, len);
            n += len;
            n += (size_t)snprintf(req + n, cap - n, "\r\n");
            off += len;
        }
        n += (size_t)snprintf(req + n, cap - n, "0\r\n\r\n");
    } else {
        n += (size_t)snprintf(req + n, cap - n, "Content-Length: %zu\r\n\r\n", blen);
        memcpy(req + n, body, blen);
        n += blen;
    }
    free(body);
    return n;
}

static void expect_status(unsigned port, const char *req, size_t len, int want, const char *what)
{
    struct got g;
    exchange(port, req, len, &g);
    ck_assert_msg(status_of(g.data) == want, "%s: expected %d, got '%.100s'", what, want, g.data);
    if (want == 200)
        ck_assert_msg(starts(body_of(g.data), "VERSION: "), "%s: '%.100s'", what, g.data);
}

static const char FORM[] = "application/x-www-form-urlencoded";

START_TEST(max_body_oversized_form_gets_413)
{
    static const char *const ARGS[] = { "--max-body", "4096", NULL };
    size_t cap = 64 * 1024, n;
    char *req = malloc(cap);
    struct daemon d;

    start(&d, ARGS);
    n = make_post(req, cap, FORM, 0, 5120);
    expect_status(d.port, req, n, 413, "5 KB form, Content-Length");
    n = make_post(req, cap, FORM, 1, 5120);
    expect_status(d.port, req, n, 413, "5 KB form, chunked");
    n = make_multipart(req, cap, 0, 5120);
    expect_status(d.port, req, n, 413, "5 KB multipart, Content-Length");
    n = make_multipart(req, cap, 1, 5120);
    expect_status(d.port, req, n, 413, "5 KB multipart, chunked");
    /* the limit itself is allowed */
    n = make_post(req, cap, FORM, 0, 4096);
    expect_status(d.port, req, n, 200, "4096-byte form, Content-Length");
    n = make_post(req, cap, FORM, 1, 4096);
    expect_status(d.port, req, n, 200, "4096-byte form, chunked");
    expect_serving(d.port);
    free(req);
    stop(&d);
}
END_TEST

/* Multipart bodies of every shape, long values in pieces among them: each
 * gets an answer (200, or 400 for a body libmicrohttpd cannot parse), and
 * the daemon goes on serving.  A long value under a name PHP skips once
 * crashed it. */
START_TEST(mixed_multipart_bodies_are_each_answered)
{
    size_t cap = 4 * 40100 + 64 * 1024, n;
    char *req = malloc(cap);
    struct daemon d;
    struct got g;

    start(&d, NULL);
    for (int i = 0; i < 60; i++) {
        n = make_mixed_multipart(req, cap);
        exchange(d.port, req, n, &g);
        ck_assert_msg(status_of(g.data) == 200 || status_of(g.data) == 400,
                      "multipart request %d: '%.100s'", i, g.data);
    }
    expect_serving(d.port);
    free(req);
    stop(&d);
}
END_TEST

/* "--max-body: largest POST body; a larger one gets 413", whatever its
 * type: a body PHP would not parse is still read, so it is bounded too
 * (as it is when announced with Content-Length). */
START_TEST(max_body_applies_to_a_body_of_any_type)
{
    static const char *const ARGS[] = { "--max-body", "4096", NULL };
    size_t cap = 64 * 1024, n;
    char *req = malloc(cap);
    struct daemon d;

    start(&d, ARGS);
    n = make_post(req, cap, "text/plain", 0, 5120);
    expect_status(d.port, req, n, 413, "5 KB text/plain, Content-Length");
    n = make_post(req, cap, NULL, 0, 5120);
    expect_status(d.port, req, n, 413, "5 KB without Content-Type, Content-Length");
    n = make_post(req, cap, "text/plain", 1, 5120);
    expect_status(d.port, req, n, 413, "5 KB text/plain, chunked");
    n = make_post(req, cap, NULL, 1, 5120);
    expect_status(d.port, req, n, 413, "5 KB without Content-Type, chunked");
    expect_serving(d.port);
    free(req);
    stop(&d);
}
END_TEST

/* ---- --lock-wait ----------------------------------------------------- */

/* Hold the extension's lock from the test, send add_phone to a daemon
 * started with args: it answers PHONE IS BUSY after about `wait` seconds,
 * then, with the lock released, adds the phone at once. */
static void expect_busy_after(const char *const *args, double wait, const char *tag)
{
    struct testdb t;
    struct daemon d;
    struct http_reply r;
    char ext[64], target[512], busy[256];
    double t0, took;

    testdb_connect(&t);
    testdb_exec(&t, "USE %s", db.name);
    snprintf(t.name, sizeof t.name, "%s", db.name);
    snprintf(ext, sizeof ext, "%s%d", tag, (int)getpid());
    /* the extension's key as db/locks.c builds it, held by the test */
    ck_assert_int_eq(testdb_count(&t,
        "SELECT GET_LOCK(CONCAT('nonagentd.ext.', SHA1(CONCAT(WEIGHT_STRING("
        "CONVERT('%s' USING utf8mb3) COLLATE utf8mb3_unicode_ci), '|', WEIGHT_STRING("
        "CONVERT('10.0.9.8' USING utf8mb3) COLLATE utf8mb3_unicode_ci)))), 0)", ext), 1);
    start(&d, args);
    snprintf(target, sizeof target,
             API "?source=test&function=add_phone&user=6666&pass=1234&extension=%s"
             "&dialplan_number=77&voicemail_id=77&phone_login=%sl&phone_pass=test"
             "&server_ip=10.0.9.8&protocol=SIP&registration_password=test"
             "&phone_full_name=Lock&local_gmt=-5.00&outbound_cid=7275551212", ext, ext);
    t0 = now_s();
    ck_assert_int_eq(http_get(d.port, target, &r), 0);
    took = now_s() - t0;
    snprintf(busy, sizeof busy, "ERROR: add_phone PHONE IS BUSY, TRY AGAIN: |6666|10.0.9.8|%s\n",
             ext);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, busy);
    ck_assert_msg(took > wait - 0.1 && took < wait + 2.0, "busy answer after %.2f s (wait %.0f s)",
                  took, wait);
    http_reply_free(&r);
    ck_assert_int_eq(testdb_count(&t, "SELECT COUNT(*) FROM phones WHERE extension='%s'", ext), 0);

    testdb_exec(&t, "DO RELEASE_ALL_LOCKS()");
    t0 = now_s();
    ck_assert_int_eq(http_get(d.port, target, &r), 0);
    ck_assert_msg(now_s() - t0 < 1.0, "after release: %.2f s", now_s() - t0);
    ck_assert_msg(starts(r.body, "SUCCESS: add_phone PHONE HAS BEEN ADDED"), "%s", r.body);
    http_reply_free(&r);
    testdb_close(&t);
    stop(&d);
}

START_TEST(lock_wait_contested_extension_is_busy_after_the_wait)
{
    static const char *const ARGS[] = { "--lock-wait", "1", NULL };
    expect_busy_after(ARGS, 1.0, "lockw");
}
END_TEST

/* A lock wait longer than --db-timeout is still a wait, not a frozen
 * database: the answer is PHONE IS BUSY after the whole wait, not a 503
 * after the read timeout. */
START_TEST(lock_wait_longer_than_db_timeout_is_busy_not_503)
{
    static const char *const ARGS[] = { "--lock-wait", "3", "--db-timeout", "1", NULL };
    expect_busy_after(ARGS, 3.0, "lockl");
}
END_TEST

/* ---- the flags' ranges ----------------------------------------------- */

/* Run nonagentd with args; its exit status (-1: signal or timeout) and
 * the start of its standard error. */
static int run_flags(const char *const *args, char *err, size_t cap)
{
    const char *bin = getenv("NONAGENTD_BIN");
    const char *argv[16];
    int argc = 0, pipefd[2], status = 0;
    pid_t pid;
    size_t got = 0;

    ck_assert_ptr_nonnull(bin);
    argv[argc++] = bin;
    argv[argc++] = "--listen";
    argv[argc++] = "127.0.0.1:1";       /* never reached: the flags fail first */
    for (int i = 0; args[i] && argc < 15; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    ck_assert_int_eq(pipe(pipefd), 0);
    pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        dup2(pipefd[1], STDOUT_FILENO);
        close(pipefd[0]);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    close(pipefd[1]);
    fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
    for (int i = 0; i < 100; i++) {     /* 5 s at most */
        ssize_t n = read(pipefd[0], err + got, cap - 1 - got);
        if (n > 0)
            got += (size_t)n;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            n = read(pipefd[0], err + got, cap - 1 - got);
            if (n > 0)
                got += (size_t)n;
            err[got] = '\0';
            close(pipefd[0]);
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        sleep_s(0.05);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(pipefd[0]);
    err[got] = '\0';
    return -1;
}

START_TEST(limit_flags_refuse_values_out_of_range)
{
    static const char *const BAD[][3] = {
        { "--max-connections", "0", "max-connections" },
        { "--max-connections", "100001", "max-connections" },
        { "--per-ip-connections", "-1", "per-ip-connections" },
        { "--connection-timeout", "0", "connection-timeout" },
        { "--connection-timeout", "3601", "connection-timeout" },
        { "--max-body", "1023", "max-body" },
        { "--max-body", "67108865", "max-body" },
        { "--max-header", "4095", "max-header" },
        { "--max-header", "1048577", "max-header" },
        { "--lock-wait", "0", "lock-wait" },
        { "--lock-wait", "301", "lock-wait" },
        { "--max-body", "4k", "max-body" },
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        const char *args[] = { BAD[i][0], BAD[i][1], NULL };
        char err[1024];
        int rc = run_flags(args, err, sizeof err);
        ck_assert_msg(rc == 2, "%s %s: exit %d (%s)", BAD[i][0], BAD[i][1], rc, err);
        ck_assert_msg(strstr(err, BAD[i][2]) != NULL, "%s %s: the message does not name the flag:"
                      " %s", BAD[i][0], BAD[i][1], err);
    }
}
END_TEST

/* ---- odd but legal requests ------------------------------------------ */

static struct daemon plain;     /* default limits, for the tests below */

static void plain_setup(void)
{
    start(&plain, NULL);
}

static void plain_teardown(void)
{
    stop(&plain);
}

START_TEST(two_hundred_headers_are_served)
{
    char *req = malloc(16384);
    size_t n = (size_t)snprintf(req, 16384, "GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(req + n, 16384 - n, "X-H%d: value %d\r\n", i, i);
    n += (size_t)snprintf(req + n, 16384 - n, "Connection: close\r\n\r\n");
    expect_status(plain.port, req, n, 200, "200 headers");
    free(req);
}
END_TEST

START_TEST(nul_byte_anywhere_in_the_request_line_gets_400)
{
    static const char in_method[] = "GE\0T /vicidial/non_agent_api.php?source=test&function=version"
                                    " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    static const char in_path[] = "GET /vicidial/non_agent\0_api.php?source=test&function=version"
                                  " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    static const char after_path[] = "GET /vicidial/non_agent_api.php\0?source=test&function=version"
                                     " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    static const char in_query[] = "GET /vicidial/non_agent_api.php?source=test&function=ver\0sion"
                                   " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    static const char end_of_uri[] = "GET /vicidial/non_agent_api.php?source=test&function=version\0"
                                     " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    static const char in_version[] = "GET /vicidial/non_agent_api.php?source=test&function=version"
                                     " HTTP/1.1\0\r\nHost: x\r\nConnection: close\r\n\r\n";
    static const char in_add_phone[] =
        "GET /vicidial/non_agent_api.php?source=test&function=add_phone&user=6666&pass=1234"
        "&extension=nul\0x&dialplan_number=77 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    const struct { const char *req; size_t len; } cases[] = {
        { in_method, sizeof in_method - 1 }, { in_path, sizeof in_path - 1 },
        { after_path, sizeof after_path - 1 }, { in_query, sizeof in_query - 1 },
        { end_of_uri, sizeof end_of_uri - 1 }, { in_version, sizeof in_version - 1 },
        { in_add_phone, sizeof in_add_phone - 1 },
    };
    struct got g;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        exchange(plain.port, cases[i].req, cases[i].len, &g);
        /* refused as Apache refuses it: never routed on what preceded the NUL */
        ck_assert_msg(status_of(g.data) == 400, "case %zu: '%.120s'", i, g.data);
        expect_serving(plain.port);
    }
    /* %00 in a value is data that the filters delete */
    expect_status(plain.port,
                  "GET " API "?source=test&function=vers%00ion HTTP/1.1\r\nHost: x\r\n"
                  "Connection: close\r\n\r\n",
                  strlen("GET " API "?source=test&function=vers%00ion HTTP/1.1\r\nHost: x\r\n"
                         "Connection: close\r\n\r\n"), 200, "%00 in function");
}
END_TEST

START_TEST(bare_lf_line_endings)
{
    static const char req[] = "GET " VERSION_Q " HTTP/1.1\nHost: x\nConnection: close\n\n";
    expect_status(plain.port, req, sizeof req - 1, 200, "bare LF");
}
END_TEST

START_TEST(http_1_0_request_is_answered_and_closed)
{
    static const char req[] = "GET " VERSION_Q " HTTP/1.0\r\n\r\n";
    int fd = open_conn(NULL, plain.port);
    struct got g;

    send_str(fd, req, sizeof req - 1);
    read_for(fd, 3.0, &g);
    close(fd);
    ck_assert_msg(status_of(g.data) == 200 && starts(body_of(g.data), "VERSION: "), "'%.100s'",
                  g.data);
    ck_assert_msg(g.closed, "HTTP/1.0 without keep-alive: the connection stayed open");
}
END_TEST

/* Split a stream of responses (each with Content-Length, `bodiless` ones
 * sent for HEAD) into their bodies; returns how many were found. */
static int split_responses(const char *data, size_t len, const char **bodies, size_t *lens,
                           int max, int bodiless_first)
{
    int n = 0;
    size_t off = 0;

    while (off < len && n < max) {
        const char *head = data + off;
        const char *end = strstr(head, "\r\n\r\n");
        const char *cl;
        size_t clen = 0;

        if (!end || !starts(head, "HTTP/1.1 "))
            break;
        cl = strcasestr(head, "\r\nContent-Length:");
        if (cl && cl < end)
            clen = strtoul(cl + 17, NULL, 10);
        if (n == 0 && bodiless_first)
            clen = 0;
        bodies[n] = end + 4;
        lens[n] = clen;
        n++;
        off = (size_t)(end + 4 - data) + clen;
    }
    return n;
}

START_TEST(pipelined_requests_are_answered_in_order)
{
    char req[2048];
    const char *bodies[4];
    size_t lens[4];
    struct got g;
    int n = (int)getpid();
    size_t len = (size_t)snprintf(req, sizeof req,
        "GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\n\r\n"
        "GET " API "?source=test&function=add_phone&user=6666&pass=1234&extension=pipe%d"
        "&dialplan_number=77&voicemail_id=77&phone_login=pipel%d&phone_pass=test"
        "&server_ip=10.0.9.8&protocol=SIP&registration_password=test"
        "&phone_full_name=Pipe&local_gmt=-5.00&outbound_cid=7275551212 HTTP/1.1\r\nHost: x\r\n\r\n"
        "POST " API " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 28\r\n\r\nsource=test&function=version"
        "GET " API "?source=test&function=coffee HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        n, n);

    int fd = open_conn(NULL, plain.port);
    send_str(fd, req, len);
    read_for(fd, 5.0, &g);
    close(fd);
    ck_assert_int_eq(split_responses(g.data, g.len, bodies, lens, 4, 0), 4);
    ck_assert_msg(starts(bodies[0], "VERSION: "), "1st: %.*s", (int)lens[0], bodies[0]);
    ck_assert_msg(starts(bodies[1], "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|pipe"),
                  "2nd: %.*s", (int)lens[1], bodies[1]);
    ck_assert_msg(starts(bodies[2], "VERSION: "), "3rd: %.*s", (int)lens[2], bodies[2]);
    ck_assert_msg(starts(bodies[3], "Coffee: coffee|Error 418"), "4th: %.*s", (int)lens[3],
                  bodies[3]);
    ck_assert_msg(g.closed, "Connection: close was not honoured");
}
END_TEST

START_TEST(head_request_gets_headers_only)
{
    /* HEAD, then a GET on the same connection: a body sent for the HEAD
     * would show up where the GET's status line must be. */
    static const char req[] = "HEAD " VERSION_Q " HTTP/1.1\r\nHost: x\r\n\r\n"
                              "GET " VERSION_Q " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    const char *bodies[2];
    size_t lens[2];
    struct got g;
    int fd = open_conn(NULL, plain.port);

    send_str(fd, req, sizeof req - 1);
    read_for(fd, 3.0, &g);
    close(fd);
    ck_assert_msg(status_of(g.data) == 200, "'%.100s'", g.data);
    ck_assert_msg(split_responses(g.data, g.len, bodies, lens, 2, 1) == 2,
                  "the HEAD answer carried a body, or the GET was not answered: '%s'", g.data);
    ck_assert_msg(starts(bodies[1], "VERSION: "), "GET after HEAD: '%.100s'", bodies[1]);
    /* and alone */
    struct http_reply r;
    ck_assert_int_eq(http_raw(plain.port, "HEAD " VERSION_Q " HTTP/1.1\r\nHost: x\r\n"
                              "Connection: close\r\n\r\n",
                              strlen("HEAD " VERSION_Q " HTTP/1.1\r\nHost: x\r\n"
                                     "Connection: close\r\n\r\n"), &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.body_len, 0);
    http_reply_free(&r);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *flags = tcase_create("limit flags");
    TCase *http = tcase_create("odd requests");

    tcase_set_timeout(flags, 180);
    tcase_add_test(flags, slowloris_1000_connections_do_not_stop_a_normal_client);
    tcase_add_test(flags, slowloris_5000_connections_from_one_address_leave_another_served_within_100ms);
    tcase_add_test(flags, trickled_bytes_do_not_extend_the_request_timeout);
    tcase_add_test(flags, max_connections_is_lowered_to_the_descriptor_limit_and_every_request_is_served);
    tcase_add_test(flags, max_connections_the_next_one_waits_until_one_closes);
    tcase_add_test(flags, per_ip_connections_refuses_the_next_from_that_address_only);
    tcase_add_test(flags, connection_timeout_closes_an_idle_connection);
    tcase_add_test(flags, max_header_oversized_headers_get_4xx_and_the_daemon_keeps_serving);
    tcase_add_test(flags, max_body_oversized_form_gets_413);
    tcase_add_test(flags, max_body_applies_to_a_body_of_any_type);
    tcase_add_test(flags, mixed_multipart_bodies_are_each_answered);
    tcase_add_test(flags, lock_wait_contested_extension_is_busy_after_the_wait);
    tcase_add_test(flags, lock_wait_longer_than_db_timeout_is_busy_not_503);
    tcase_add_test(flags, limit_flags_refuse_values_out_of_range);
    suite_add_tcase(s, flags);

    tcase_add_checked_fixture(http, plain_setup, plain_teardown);
    tcase_set_timeout(http, 60);
    tcase_add_test(http, two_hundred_headers_are_served);
    tcase_add_test(http, nul_byte_anywhere_in_the_request_line_gets_400);
    tcase_add_test(http, bare_lf_line_endings);
    tcase_add_test(http, http_1_0_request_is_answered_and_closed);
    tcase_add_test(http, pipelined_requests_are_answered_in_order);
    tcase_add_test(http, head_request_gets_headers_only);
    suite_add_tcase(s, http);
    return s;
}

int main(void)
{
    /* One database for every test: the limits are the HTTP front's, the
     * same on every storage engine. */
    testdb_connect(&db);
    testdb_create_demo(&db, "t_limits", "InnoDB");
    snprintf(db.name, sizeof db.name, "t_limits");
    testdb_close(&db);
    return test_run_suite(make_suite()) ? EXIT_FAILURE : EXIT_SUCCESS;
}
