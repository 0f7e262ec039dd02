/*
 * test_dbdown.c - proves README promise 6: a database that cannot be
 * reached gives HTTP 503 and `ERROR: DATABASE UNAVAILABLE: |<function>|`,
 * quickly, and the daemon reconnects by itself when the database returns;
 * and promise 1 across the outage: no SUCCESS for a phone that is not in
 * the table.
 *
 * It needs a database it may take down, so it starts a second private
 * MariaDB with tests/harness/mariadb.sh in $NONAGENTD_TESTDB_DIR/dbdown,
 * shuts it down with mariadb-admin (a real outage: the server process is
 * gone and its socket with it) and starts mariadbd again on the same data
 * directory with exactly the arguments the harness gave it (read from
 * /proc/<pid>/cmdline).  The server is removed at exit, also on failure.
 *
 * The tests run in order in one process (CK_NOFORK): up, down, up again.
 * Each one first brings the database to the state it needs, so a failure
 * in one does not hide the others.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <mysql.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/daemon.h"
#include "tests/support/httpc.h"
#include "tests/support/suite.h"
#include "tests/support/testdb.h"

#define DB_NAME "nonagentd_dbdown"
#define API "/vicidial/non_agent_api.php"
#define MAX_ARGS 64

static char main_dir[1024];         /* the harness server's directory */
static char db_dir[1100];           /* our second server's directory */
static pid_t owner;                 /* the process that may stop it */
static int server_started;
static pid_t server_pid;
static char *server_argv[MAX_ARGS + 1];
static struct testdb db;            /* socket, port, user of the second server */
static struct daemon daemon_;
static int db_is_up;

/* Every extension the daemon answered SUCCESS for. */
static char succeeded[512][16];
static int n_succeeded;
static pthread_mutex_t succeeded_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- the second MariaDB ----------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static int run_harness(const char *action)
{
    char script[1200];
    pid_t pid;
    int status = 0;

    snprintf(script, sizeof script, "%s/tests/harness/mariadb.sh", testdb_source_dir());
    pid = fork();
    if (pid == 0) {
        execl("/bin/bash", "bash", script, action, db_dir, (char *)NULL);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void read_line(const char *name, char *buf, size_t cap)
{
    char path[1300];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", db_dir, name);
    f = fopen(path, "r");
    buf[0] = '\0';
    if (f) {
        if (!fgets(buf, (int)cap, f))
            buf[0] = '\0';
        fclose(f);
    }
    buf[strcspn(buf, "\r\n")] = '\0';
}

static void write_line(const char *name, const char *value)
{
    char path[1300];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", db_dir, name);
    f = fopen(path, "w");
    if (f) {
        fprintf(f, "%s\n", value);
        fclose(f);
    }
}

/* The process exists and is not a zombie (/proc/pid/stat's state; its
 * cmdline can read empty for a moment while it execs). */
static int server_alive(pid_t pid)
{
    char path[64], buf[512], *paren;
    ssize_t n;
    int fd;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

/* The arguments the harness started the server with. */
static void remember_server_argv(void)
{
    char path[64], *buf = malloc(65536);
    ssize_t n;
    int fd, argc = 0;

    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)server_pid);
    fd = open(path, O_RDONLY);
    if (fd < 0 || !buf) {
        fprintf(stderr, "test_dbdown: cannot read %s: %s\n", path, strerror(errno));
        exit(1);
    }
    n = read(fd, buf, 65535);
    close(fd);
    if (n <= 0) {
        fprintf(stderr, "test_dbdown: %s is empty\n", path);
        exit(1);
    }
    buf[n] = '\0';
    for (ssize_t i = 0; i < n && argc < MAX_ARGS; i += (ssize_t)strlen(buf + i) + 1)
        server_argv[argc++] = strdup(buf + i);
    server_argv[argc] = NULL;
    free(buf);
}

/* Can a client connect and run a query? */
static int server_answers(void)
{
    MYSQL *m = mysql_init(NULL);
    unsigned timeout = 2;
    int ok;

    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    ok = mysql_real_connect(m, "localhost", "root", "", NULL, 0, db.socket, 0) != NULL &&
         mysql_query(m, "SELECT 1") == 0;
    if (ok) {
        MYSQL_RES *res = mysql_store_result(m);
        if (res)
            mysql_free_result(res);
    }
    mysql_close(m);
    return ok;
}

/* A real outage: a clean shutdown, the process gone. */
static void database_down(void)
{
    char sock_opt[600];
    pid_t pid;
    int status;
    double t0 = now_s();

    if (!db_is_up)
        return;
    snprintf(sock_opt, sizeof sock_opt, "--socket=%s", db.socket);
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        execlp("mariadb-admin", "mariadb-admin", "--no-defaults", "--user=root", sock_opt,
               "--connect-timeout=2", "shutdown", (char *)NULL);
        execlp("mysqladmin", "mysqladmin", "--no-defaults", "--user=root", sock_opt,
               "--connect-timeout=2", "shutdown", (char *)NULL);
        _exit(127);
    }
    waitpid(pid, &status, 0);
    while (server_alive(server_pid) && now_s() - t0 < 60)
        sleep_ms(50);
    ck_assert_msg(!server_alive(server_pid), "mariadbd %d did not stop", (int)server_pid);
    ck_assert_msg(!server_answers(), "the database still answers after shutdown");
    db_is_up = 0;
}

/* mariadbd again, same data directory, socket, port and options. */
static void database_up(void)
{
    int fds[2];
    pid_t child, grandchild = 0;
    char errlog[1300], pidbuf[32];
    double t0 = now_s();

    if (db_is_up)
        return;
    ck_assert_int_eq(pipe(fds), 0);
    child = fork();
    if (child == 0) {
        close(fds[0]);
        setsid();
        grandchild = fork();
        if (grandchild == 0) {
            int in = open("/dev/null", O_RDONLY);
            int out;
            snprintf(errlog, sizeof errlog, "%s/mariadb.err", db_dir);
            out = open(errlog, O_WRONLY | O_CREAT | O_APPEND, 0644);
            close(fds[1]);
            dup2(in, STDIN_FILENO);
            if (out >= 0) {
                dup2(out, STDOUT_FILENO);
                dup2(out, STDERR_FILENO);
            }
            execv(server_argv[0], server_argv);
            _exit(127);
        }
        if (write(fds[1], &grandchild, sizeof grandchild) != (ssize_t)sizeof grandchild)
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    ck_assert_int_eq(read(fds[0], &grandchild, sizeof grandchild), (ssize_t)sizeof grandchild);
    close(fds[0]);
    waitpid(child, NULL, 0);
    server_pid = grandchild;
    snprintf(pidbuf, sizeof pidbuf, "%d", (int)server_pid);
    write_line("pid", pidbuf);     /* so that mariadb.sh stop finds it */

    while (!server_answers() && now_s() - t0 < 60) {
        ck_assert_msg(server_alive(server_pid), "mariadbd exited on restart (see %s/mariadb.err)",
                      db_dir);
        sleep_ms(50);
    }
    if (!server_answers()) {
        kill(server_pid, SIGKILL);      /* never two servers on one data directory */
        ck_abort_msg("mariadbd did not answer within 60 s of its restart");
    }
    db_is_up = 1;
}

static void cleanup(void)
{
    if (getpid() != owner || !server_started)
        return;
    if (server_pid > 0)
        kill(server_pid, SIGCONT);      /* a freeze test may have failed midway */
    if (daemon_.pid > 0)
        daemon_stop(&daemon_);
    run_harness("stop");
    server_started = 0;
}

static void on_signal(int sig)
{
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void start_everything(void)
{
    const char *dir = getenv("NONAGENTD_TESTDB_DIR");
    char pidbuf[32];

    if (!dir || !*dir) {
        fprintf(stderr, "test_dbdown: NONAGENTD_TESTDB_DIR is not set (run through ctest)\n");
        exit(1);
    }
    snprintf(main_dir, sizeof main_dir, "%s", dir);
    snprintf(db_dir, sizeof db_dir, "%s/dbdown", main_dir);
    owner = getpid();
    atexit(cleanup);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    server_started = 1;
    if (run_harness("start") != 0) {
        fprintf(stderr, "test_dbdown: mariadb.sh start %s failed\n", db_dir);
        exit(1);
    }
    db_is_up = 1;
    read_line("pid", pidbuf, sizeof pidbuf);
    server_pid = (pid_t)atoi(pidbuf);
    remember_server_argv();

    /* testdb_* find the server through $NONAGENTD_TESTDB_DIR. */
    setenv("NONAGENTD_TESTDB_DIR", db_dir, 1);
    testdb_connect(&db);
    testdb_create_demo(&db, DB_NAME, NULL);
    setenv("NONAGENTD_TESTDB_DIR", main_dir, 1);
    testdb_close(&db);

    daemon_start(&daemon_, &db, NULL, NULL);
}

/* ---- requests --------------------------------------------------------- */

static void add_phone_query(char *out, size_t cap, const char *ext, const char *function)
{
    snprintf(out, cap,
             API "?source=test&function=%s&user=6666&pass=1234&extension=%s"
             "&dialplan_number=%s&voicemail_id=%s&phone_login=%s&phone_pass=test"
             "&server_ip=10.0.9.8&protocol=SIP&registration_password=test"
             "&phone_full_name=Extension+%s&local_gmt=-5.00&outbound_cid=7275551212",
             function, ext, ext, ext, ext, ext);
}

static void note_success(const char *ext, const char *body)
{
    if (strncmp(body, "SUCCESS:", 8) != 0)
        return;
    pthread_mutex_lock(&succeeded_lock);
    if (n_succeeded < (int)(sizeof succeeded / sizeof succeeded[0]))
        snprintf(succeeded[n_succeeded++], sizeof succeeded[0], "%s", ext);
    pthread_mutex_unlock(&succeeded_lock);
}

/* add_phone for ext; returns the reply (status and body). */
static struct http_reply add_phone(const char *ext, const char *function, double *seconds)
{
    char target[1024];
    struct http_reply r;
    double t0 = now_s();

    add_phone_query(target, sizeof target, ext, function);
    http_get(daemon_.port, target, &r);
    if (seconds)
        *seconds = now_s() - t0;
    if (r.body)
        note_success(ext, r.body);
    return r;
}

static void expect_success(const char *ext)
{
    char want[256];
    struct http_reply r = add_phone(ext, "add_phone", NULL);

    snprintf(want, sizeof want, "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|%s|10.0.9.8|SIP|%s\n",
             ext, ext);
    ck_assert_msg(r.status == 200 && r.body && strcmp(r.body, want) == 0,
                  "add_phone %s: status %d body \"%s\", expected 200 \"%s\"", ext, r.status,
                  r.body ? r.body : "", want);
    http_reply_free(&r);
}

static void expect_unavailable(const char *target, const char *want_body)
{
    struct http_reply r;
    double t0 = now_s(), took;

    http_get(daemon_.port, target, &r);
    took = now_s() - t0;
    ck_assert_msg(r.status == 503, "%s while the database is down: status %d (body \"%s\"),"
                  " expected 503", target, r.status, r.body ? r.body : "");
    if (want_body)
        ck_assert_msg(strcmp(r.body, want_body) == 0, "%s: body \"%s\", expected \"%s\"", target,
                      r.body, want_body);
    ck_assert_msg(took < 5.0, "%s took %.2f s while the database is down", target, took);
    http_reply_free(&r);
}

/* A fresh connection to the second server, for checking rows. */
static long phones_with_extension(const char *ext)
{
    struct testdb t;
    long n;

    setenv("NONAGENTD_TESTDB_DIR", db_dir, 1);
    testdb_connect(&t);
    setenv("NONAGENTD_TESTDB_DIR", main_dir, 1);
    testdb_exec(&t, "USE " DB_NAME);
    n = testdb_count(&t, "SELECT COUNT(*) FROM phones WHERE extension='%s' AND server_ip='10.0.9.8'",
                     ext);
    testdb_close(&t);
    return n;
}

/* ---- the tests, in order ---------------------------------------------- */

START_TEST(add_phone_succeeds_while_the_database_is_up)
{
    database_up();
    expect_success("55000");
    ck_assert_int_eq(phones_with_extension("55000"), 1);
}
END_TEST

START_TEST(every_function_answers_503_database_unavailable_quickly_while_it_is_down)
{
    char target[1024];

    database_down();
    /* Several times each: every worker thread must notice its connection
     * is gone, not only the first one asked. */
    for (int i = 0; i < 8; i++) {
        add_phone_query(target, sizeof target, "55001", "add_phone");
        expect_unavailable(target, "ERROR: DATABASE UNAVAILABLE: |add_phone|\n");
        expect_unavailable(API "?function=version", "ERROR: DATABASE UNAVAILABLE: |version|\n");
        /* The function is named as filtered. */
        add_phone_query(target, sizeof target, "55001", "add_ph%40one");
        expect_unavailable(target, "ERROR: DATABASE UNAVAILABLE: |add_phone|\n");
        expect_unavailable(API "?function=version&user=6666&pass=1234",
                           "ERROR: DATABASE UNAVAILABLE: |version|\n");
    }
}
END_TEST

START_TEST(healthz_is_503_while_the_database_is_down)
{
    database_down();
    for (int i = 0; i < 8; i++)
        expect_unavailable("/healthz", NULL);
}
END_TEST

START_TEST(daemon_answers_normally_again_within_seconds_of_the_database_returning)
{
    double t0;
    int healthy = 0, last_status = 0;
    char last_body[256] = "";

    database_down();
    database_up();
    t0 = now_s();
    while (now_s() - t0 < 3.0) {
        struct http_reply r;
        http_get(daemon_.port, API "?function=version", &r);
        last_status = r.status;
        snprintf(last_body, sizeof last_body, "%s", r.body ? r.body : "");
        http_reply_free(&r);
        if (last_status == 200 && strncmp(last_body, "VERSION: 2.14-202|", 18) == 0) {
            healthy = 1;
            break;
        }
        sleep_ms(50);
    }
    ck_assert_msg(healthy, "3 s after the database returned: status %d body \"%s\"", last_status,
                  last_body);
    fprintf(stderr, "test_dbdown: answering again %.2f s after the database returned\n",
            now_s() - t0);
    /* Every worker reconnects, not just one. */
    for (int i = 0; i < 8; i++) {
        struct http_reply r;
        http_get(daemon_.port, "/healthz", &r);
        ck_assert_msg(r.status == 200, "/healthz %d after the database returned", r.status);
        http_reply_free(&r);
    }
    expect_success("55002");
    ck_assert_int_eq(phones_with_extension("55002"), 1);
}
END_TEST

/* Requests racing the shutdown: whatever they were told, SUCCESS must mean
 * the row exists. */
struct racer {
    volatile int *stop;
    int id, sent, unavailable;
};

static void *race(void *arg)
{
    struct racer *rc = arg;

    for (int i = 0; !*rc->stop && i < 40; i++) {
        char ext[16];
        struct http_reply r;

        snprintf(ext, sizeof ext, "56%d%02d", rc->id, i);
        r = add_phone(ext, "add_phone", NULL);
        rc->unavailable += r.status == 503;
        http_reply_free(&r);
        rc->sent++;
    }
    return NULL;
}

START_TEST(add_phone_racing_the_shutdown_never_claims_a_phone_it_did_not_store)
{
    pthread_t th[4];
    struct racer rc[4];
    volatile int stop = 0;

    database_up();
    for (int i = 0; i < 4; i++) {
        rc[i] = (struct racer){ .stop = &stop, .id = i + 1 };
        pthread_create(&th[i], NULL, race, &rc[i]);
    }
    sleep_ms(150);
    database_down();
    sleep_ms(300);
    stop = 1;
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    {
        int sent = 0, unavailable = 0;
        for (int i = 0; i < 4; i++) {
            sent += rc[i].sent;
            unavailable += rc[i].unavailable;
        }
        fprintf(stderr, "test_dbdown: %d add_phone calls raced the shutdown, %d answered 503,"
                " %d SUCCESS so far\n", sent, unavailable, n_succeeded);
    }
    database_up();
    /* Checked in the last test, with every other SUCCESS. */
}
END_TEST

START_TEST(no_success_was_given_for_a_phone_that_is_not_in_the_table)
{
    database_up();
    ck_assert_msg(n_succeeded >= 2, "only %d SUCCESS answers were seen", n_succeeded);
    for (int i = 0; i < n_succeeded; i++)
        ck_assert_msg(phones_with_extension(succeeded[i]) == 1,
                      "SUCCESS was answered for extension %s, which is not in phones",
                      succeeded[i]);
    for (int i = 0; i < n_succeeded; i++)
        ck_assert_msg(strcmp(succeeded[i], "55001") != 0, "SUCCESS for 55001 during the outage");
    ck_assert_int_eq(phones_with_extension("55001"), 0);
}
END_TEST

/* ---- a frozen database ------------------------------------------------ */

/* The daemon's --db-timeout (its default). */
#define DB_TIMEOUT 3

/* target answers 503 within the database timeout (plus slack for a loaded
 * machine: the bound is the point, not the speed). */
static void expect_unavailable_within_the_timeout(const char *target)
{
    struct http_reply r;
    double t0 = now_s(), took;

    http_get(daemon_.port, target, &r);
    took = now_s() - t0;
    ck_assert_msg(r.status == 503, "%s while the database is frozen: status %d (body \"%s\")",
                  target, r.status, r.body ? r.body : "");
    ck_assert_msg(took < DB_TIMEOUT + 2.0, "%s took %.2f s with the database frozen"
                  " (--db-timeout %d)", target, took, DB_TIMEOUT);
    http_reply_free(&r);
}

START_TEST(every_function_answers_503_within_the_db_timeout_while_the_database_is_frozen)
{
    char target[1024];
    struct http_reply r;
    double t0;
    int status = 0;

    database_up();
    /* Every worker holds a connection to the server before it freezes. */
    for (int i = 0; i < 8; i++) {
        http_get(daemon_.port, API "?function=version", &r);
        http_reply_free(&r);
    }
    ck_assert_int_eq(kill(server_pid, SIGSTOP), 0);
    add_phone_query(target, sizeof target, "55002", "add_phone");
    expect_unavailable_within_the_timeout(API "?function=version");
    expect_unavailable_within_the_timeout("/healthz");
    expect_unavailable_within_the_timeout(target);
    expect_unavailable_within_the_timeout(API "?function=version");
    expect_unavailable_within_the_timeout("/healthz");
    ck_assert_int_eq(kill(server_pid, SIGCONT), 0);
    /* and back to normal once it thaws */
    for (t0 = now_s(); status != 200 && now_s() - t0 < 10; sleep_ms(100)) {
        http_get(daemon_.port, API "?function=version", &r);
        status = r.status;
        http_reply_free(&r);
    }
    ck_assert_msg(status == 200, "version after the database thawed: status %d", status);
}
END_TEST

/* The end of a log, short enough for a failure message. */
static const char *log_tail(const char *log)
{
    size_t len = strlen(log);
    return len > 600 ? log + len - 600 : log;
}

static long count_in(const char *text, const char *needle)
{
    long n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* A client that hangs up while its answer is being made: the line says the
 * answer was not delivered (it used to say 503 as if it had been). */
START_TEST(an_answer_the_client_did_not_receive_is_logged_undelivered)
{
    static const char req[] = "GET " API "?function=version HTTP/1.1\r\n"
                              "Host: x\r\n\r\n";
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)daemon_.port) };
    struct linger reset = { 1, 0 };
    struct http_reply r;
    char *log = daemon_log(&daemon_);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    long sent_before = count_in(log, " version DBDOWN 503 ");

    database_up();
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(kill(server_pid, SIGSTOP), 0);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(send(fd, req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)(sizeof req - 1));
    sleep_ms(300);
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    close(fd);                          /* a reset, while the worker waits */
    sleep_ms((DB_TIMEOUT + 1) * 1000);
    kill(server_pid, SIGCONT);
    for (int i = 0; i < 50; i++) {
        free(log);
        log = daemon_log(&daemon_);
        if (strstr(log, " undelivered\n"))
            break;
        sleep_ms(100);
    }
    ck_assert_msg(strstr(log, " version DBDOWN 499 ") && strstr(log, "us undelivered\n"),
                  "no undelivered line in the log, which ends:\n%s", log_tail(log));
    ck_assert_msg(count_in(log, " version DBDOWN 503 ") == sent_before,
                  "the undelivered answer logged as sent");
    free(log);
    http_get(daemon_.port, API "?function=version", &r);
    http_reply_free(&r);
}
END_TEST

#define WRONG_PASS "Wr0ng-Secret-77"

/* A second daemon with a password the server refuses (root has none).  By
 * hand: daemon_start waits for a healthy /healthz, which never comes. */
static void start_with_wrong_password(struct daemon *d)
{
    const char *bin = getenv("NONAGENTD_BIN");
    char listen[64];

    memset(d, 0, sizeof *d);
    d->port = daemon_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%u", d->port);
    snprintf(d->log_path, sizeof d->log_path, "%.400s/dbdown-wrong-password.log", main_dir);
    d->pid = fork();
    ck_assert_int_ge(d->pid, 0);
    if (d->pid == 0) {
        int out = open(d->log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, STDERR_FILENO);
        execl(bin, bin, "--listen", listen, "--db-socket", db.socket, "--db-user", "root",
              "--db-pass", WRONG_PASS, "--db-name", DB_NAME, (char *)NULL);
        _exit(127);
    }
}

START_TEST(a_wrong_database_password_logs_the_servers_reason_never_the_password)
{
    struct daemon wrong;
    struct http_reply r = { 0 };
    char *log;

    database_up();
    start_with_wrong_password(&wrong);
    for (int i = 0; i < 100; i++) {
        http_reply_free(&r);
        if (http_get(wrong.port, API "?function=version", &r) == 0 && r.status != 0)
            break;
        sleep_ms(100);
    }
    ck_assert_int_eq(r.status, 503);
    http_reply_free(&r);
    ck_assert_int_eq(daemon_stop(&wrong), 0);
    log = daemon_log(&wrong);
    ck_assert_msg(strstr(log, "nonagentd: database connect failed: Access denied for user 'root'@"),
                  "the server's reason is not in the log, which ends:\n%s", log_tail(log));
    ck_assert_msg(!strstr(log, WRONG_PASS), "the password is in the log");
    free(log);
}
END_TEST

static Suite *dbdown_suite(void)
{
    Suite *s = suite_create("dbdown");
    TCase *tc = test_add_case(s, "outage", 120, NULL, NULL);

    tcase_add_test(tc, add_phone_succeeds_while_the_database_is_up);
    tcase_add_test(tc, every_function_answers_503_database_unavailable_quickly_while_it_is_down);
    tcase_add_test(tc, healthz_is_503_while_the_database_is_down);
    tcase_add_test(tc, daemon_answers_normally_again_within_seconds_of_the_database_returning);
    tcase_add_test(tc, add_phone_racing_the_shutdown_never_claims_a_phone_it_did_not_store);
    tcase_add_test(tc, no_success_was_given_for_a_phone_that_is_not_in_the_table);
    tcase_add_test(tc, every_function_answers_503_within_the_db_timeout_while_the_database_is_frozen);
    tcase_add_test(tc, an_answer_the_client_did_not_receive_is_logged_undelivered);
    tcase_add_test(tc, a_wrong_database_password_logs_the_servers_reason_never_the_password);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    start_everything();
    sr = srunner_create(dbdown_suite());
    /* One process: the tests share the server, the daemon and the list
     * of SUCCESS answers, in order. */
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (daemon_stop(&daemon_) != 0) {
        fprintf(stderr, "nonagentd did not stop cleanly\n");
        failed++;
    }
    cleanup();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
