/*
 * test_daemon.c - proves the daemon's own interface (README "The interface
 * the daemon must offer"): --help and --version, configuration errors
 * (exit 2, one line on stderr naming the key), astguiclient.conf with the
 * environment overriding the file and flags overriding both, and a clean
 * stop on SIGTERM and SIGINT that finishes the requests in flight, and the
 * start-up warning about a phones table with no index beginning with login.
 *
 * Runs $NONAGENTD_BIN itself (fork/exec), against one database of the
 * harness server built from schema/vicidial.sql and schema/demo.sql.
 */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/daemon.h"
#include "tests/support/httpc.h"
#include "tests/support/suite.h"
#include "tests/support/testdb.h"

#define DB_NAME "nonagentd_test_daemon"
#define API "/vicidial/non_agent_api.php"

/* bcrypt of "test" with key abcdefghijklmnop at cost 11, checked with
 * libxcrypt crypt_r("$2a$11$WUHhXETkX0fnYkrqZU3ta."): about 0.1 s a hash. */
#define SLOW_HASH "7EFGe1LDXlLYDJdKTtxnmDe8silvhfq"
#define SLOW_REQUESTS 20

static struct testdb harness;   /* socket and port of the harness server */

/* ---- running the daemon ----------------------------------------------- */

struct proc {
    pid_t pid;
    unsigned port;
    char out_path[1024], err_path[1024];
};

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const DB_ENV[] = {
    "NONAGENTD_DB_HOST", "NONAGENTD_DB_PORT", "NONAGENTD_DB_USER",
    "NONAGENTD_DB_PASS", "NONAGENTD_DB_NAME", "NONAGENTD_DB_SOCKET",
};

/*
 * Start nonagentd with args (NULL-terminated, without argv[0]) and env
 * ("NAME=value" strings, NULL-terminated; every other NONAGENTD_DB_* is
 * removed).  Its stdout and stderr go to files named after tag.  It dies
 * with the test process.
 */
static void spawn(struct proc *p, const char *tag, const char *const *args, const char *const *env)
{
    const char *bin = getenv("NONAGENTD_BIN");
    const char *dir = getenv("NONAGENTD_TESTDB_DIR");
    const char *argv[64];
    int argc = 0;

    ck_assert_msg(bin && dir, "NONAGENTD_BIN and NONAGENTD_TESTDB_DIR must be set (run through ctest)");
    snprintf(p->out_path, sizeof p->out_path, "%s/test_daemon-%s.out", dir, tag);
    snprintf(p->err_path, sizeof p->err_path, "%s/test_daemon-%s.err", dir, tag);
    argv[argc++] = bin;
    for (int i = 0; args && args[i] && argc < 62; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;

    p->pid = fork();
    ck_assert_int_ge(p->pid, 0);
    if (p->pid == 0) {
        int out = open(p->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(p->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        for (size_t i = 0; i < sizeof DB_ENV / sizeof DB_ENV[0]; i++)
            unsetenv(DB_ENV[i]);
        for (int i = 0; env && env[i]; i++)
            putenv((char *)env[i]);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
}

/* Wait for the process to end; its exit status, -1 killed by a signal, -2
 * still running after timeout_s. */
static int wait_exit(struct proc *p, double timeout_s)
{
    double t0 = now_s();
    int status;

    while (now_s() - t0 < timeout_s) {
        pid_t w = waitpid(p->pid, &status, WNOHANG);
        if (w == p->pid) {
            p->pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        sleep_ms(20);
    }
    return -2;
}

static void kill_proc(struct proc *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGKILL);
        waitpid(p->pid, NULL, 0);
        p->pid = 0;
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;

    if (!f)
        return strdup("");
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)len + 1);
    len = (long)fread(buf, 1, (size_t)len, f);
    buf[len] = '\0';
    fclose(f);
    return buf;
}

/* Run to completion (config errors, --help); returns the exit status. */
static int run_to_exit(struct proc *p, const char *tag, const char *const *args,
                       const char *const *env)
{
    int rc;

    spawn(p, tag, args, env);
    rc = wait_exit(p, 10);
    if (rc == -2) {
        kill_proc(p);
        ck_abort_msg("nonagentd %s did not exit within 10 s", tag);
    }
    return rc;
}

/* Poll /healthz until the daemon answers at all; returns the last status
 * (0: never answered within timeout_s). */
static int wait_listening(struct proc *p, double timeout_s, int want)
{
    double t0 = now_s();
    int status = 0;

    while (now_s() - t0 < timeout_s) {
        struct http_reply r;
        int rc = http_get(p->port, "/healthz", &r);
        status = rc == 0 ? r.status : 0;
        http_reply_free(&r);
        if (status != 0 && (want == 0 || status == want))
            return status;
        if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
            char *err = slurp(p->err_path);
            p->pid = 0;
            ck_abort_msg("nonagentd exited at start:\n%s", err);
        }
        sleep_ms(50);
    }
    return status;
}

static char listen_arg[64];

static const char *listen_on(struct proc *p)
{
    p->port = daemon_free_port();
    snprintf(listen_arg, sizeof listen_arg, "127.0.0.1:%u", p->port);
    return listen_arg;
}

/* The daemon with the harness database given by flags, plus extra args. */
static void start_with_flags(struct proc *p, const char *tag, const char *threads)
{
    const char *listen = listen_on(p);
    const char *args[] = {
        "--listen", listen, "--threads", threads, "--db-socket", harness.socket,
        "--db-user", "root", "--db-pass", "", "--db-name", DB_NAME,
        /* the stop tests: every request in flight, however loaded the machine */
        "--stop-timeout", "60", NULL,
    };

    spawn(p, tag, args, NULL);
    ck_assert_msg(wait_listening(p, 15, 200) == 200, "nonagentd %s never became healthy", tag);
}

static size_t count_char(const char *s, char c)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

static void expect_version_answer(unsigned port)
{
    struct http_reply r;
    regex_t re;

    ck_assert_int_eq(http_get(port, API "?function=version", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(regcomp(&re,
                             "^VERSION: 2\\.14-202\\|BUILD: 250720-1841\\|DATE: [0-9]{4}-[0-9]{2}-[0-9]{2} "
                             "[0-9]{2}:[0-9]{2}:[0-9]{2}\\|EPOCH: [0-9]+\\|DST: [01]\\|TZ: -5\\.00\\|"
                             "TZNOW: -?[0-9.]+\\|\n$", REG_EXTENDED), 0);
    ck_assert_msg(regexec(&re, r.body, 0, NULL, 0) == 0, "version answered \"%s\"", r.body);
    regfree(&re);
    http_reply_free(&r);
}

/* ---- --help and --version --------------------------------------------- */

START_TEST(help_exits_0_and_lists_every_flag)
{
    static const char *const flags[] = {
        "--config", "--listen", "--threads", "--db-host", "--db-port", "--db-user",
        "--db-pass", "--db-name", "--db-socket", "--sql-mode", "--max-connections",
        "--per-ip-connections", "--connection-timeout", "--max-body", "--max-header",
        "--lock-wait", "--redact-url-pass", "--help", "--version",
    };
    const char *args[] = { "--help", NULL };
    struct proc p;
    char *out, *err;

    ck_assert_int_eq(run_to_exit(&p, "help", args, NULL), 0);
    out = slurp(p.out_path);
    err = slurp(p.err_path);
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        ck_assert_msg(strstr(out, flags[i]) != NULL, "--help does not mention %s:\n%s", flags[i], out);
    /* The environment variables and the file keys are documented too. */
    ck_assert_msg(strstr(out, "NONAGENTD_DB_SOCKET") && strstr(out, "VARDB_server"),
                  "--help does not document the environment and the file:\n%s", out);
    ck_assert_msg(err[0] == '\0', "--help wrote to stderr: %s", err);
    free(out);
    free(err);
}
END_TEST

START_TEST(version_flag_exits_0_with_one_line)
{
    const char *args[] = { "--version", NULL };
    struct proc p;
    char *out;

    ck_assert_int_eq(run_to_exit(&p, "version", args, NULL), 0);
    out = slurp(p.out_path);
    ck_assert_msg(strncmp(out, "nonagentd ", 10) == 0 && count_char(out, '\n') == 1 &&
                  out[strlen(out) - 1] == '\n', "--version printed \"%s\"", out);
    free(out);
}
END_TEST

/* ---- configuration errors --------------------------------------------- */

/* Exit 2, nothing on stdout, exactly one line on stderr naming key. */
static void expect_config_error(const char *tag, const char *const *args, const char *const *env,
                                const char *key)
{
    struct proc p;
    int rc = run_to_exit(&p, tag, args, env);
    char *out = slurp(p.out_path), *err = slurp(p.err_path);

    ck_assert_msg(rc == 2, "%s: exit status %d, expected 2 (stderr: %s)", tag, rc, err);
    ck_assert_msg(count_char(err, '\n') == 1 && err[strlen(err) - 1] == '\n',
                  "%s: stderr is not one line: \"%s\"", tag, err);
    ck_assert_msg(strstr(err, key) != NULL, "%s: stderr \"%s\" does not name %s", tag, err, key);
    ck_assert_msg(out[0] == '\0', "%s: stdout \"%s\"", tag, out);
    free(out);
    free(err);
}

START_TEST(threads_0_is_a_config_error_naming_threads)
{
    const char *args[] = { "--threads", "0", NULL };
    expect_config_error("threads0", args, NULL, "--threads");
}
END_TEST

START_TEST(db_port_abc_is_a_config_error_naming_db_port)
{
    const char *args[] = { "--db-port", "abc", NULL };
    expect_config_error("dbportabc", args, NULL, "--db-port");
}
END_TEST

START_TEST(unknown_flag_is_a_config_error_naming_it)
{
    const char *args[] = { "--listen", "127.0.0.1:1", "--frobnicate", "1", NULL };
    expect_config_error("unknownflag", args, NULL, "--frobnicate");
}
END_TEST

START_TEST(bad_environment_port_is_a_config_error_naming_the_variable)
{
    const char *env[] = { "NONAGENTD_DB_PORT=abc", NULL };
    expect_config_error("envport", NULL, env, "NONAGENTD_DB_PORT");
}
END_TEST

static void write_conf(const char *path, const char *dbname, const char *extra)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "# astguiclient.conf written by test_daemon\n"
            "PATHhome => /usr/share/astguiclient\n"
            "VARserver_ip => 127.0.0.1\n"
            "VARDB_server => localhost\n"
            "VARDB_database => %s\n"
            "VARDB_user => root\n"
            "VARDB_pass => \n"
            "VARDB_port => %u\n"
            "%s",
            dbname, harness.port, extra ? extra : "");
    fclose(f);
}

static void conf_path(char *out, size_t cap, const char *tag)
{
    snprintf(out, cap, "%s/test_daemon-%s.conf", getenv("NONAGENTD_TESTDB_DIR"), tag);
}

START_TEST(bad_port_in_the_config_file_is_a_config_error_naming_the_key)
{
    char path[1024];
    const char *args[] = { "--config", path, NULL };

    conf_path(path, sizeof path, "badport");
    write_conf(path, DB_NAME, "VARDB_port => abc\n");
    expect_config_error("fileport", args, NULL, "VARDB_port");
}
END_TEST

START_TEST(missing_config_file_is_a_config_error)
{
    const char *args[] = { "--config", "/nonexistent/astguiclient.conf", NULL };
    expect_config_error("nofile", args, NULL, "/nonexistent/astguiclient.conf");
}
END_TEST

/* ---- astguiclient.conf and precedence ---------------------------------- */

/* Start with --config (file naming file_db), env and extra flags; returns
 * the /healthz status once it listens: 200 as soon as it is healthy, else
 * the status it still gives a second after its first answer. */
static int start_with_file(struct proc *p, const char *tag, const char *file_db,
                           const char *env_db, const char *flag_db)
{
    static char path[1024], sock_env[700], name_env[128];
    const char *listen = listen_on(p);
    const char *args[16] = { "--config", path, "--listen", listen, "--threads", "2", NULL };
    const char *env[4] = { sock_env, NULL, NULL, NULL };
    int status;
    double t0;

    conf_path(path, sizeof path, tag);
    write_conf(path, file_db, NULL);
    /* VARDB_server=localhost alone would look for the default socket. */
    snprintf(sock_env, sizeof sock_env, "NONAGENTD_DB_SOCKET=%s", harness.socket);
    if (env_db) {
        snprintf(name_env, sizeof name_env, "NONAGENTD_DB_NAME=%s", env_db);
        env[1] = name_env;
    }
    if (flag_db) {
        args[6] = "--db-name";
        args[7] = flag_db;
        args[8] = NULL;
    }
    spawn(p, tag, args, env);
    status = wait_listening(p, 15, 0);
    t0 = now_s();
    while (status != 200 && now_s() - t0 < 1.0) {
        sleep_ms(100);
        status = wait_listening(p, 5, 0);
    }
    return status;
}

START_TEST(config_file_with_socket_from_the_environment_serves_version)
{
    struct proc p;
    int status = start_with_file(&p, "conf", DB_NAME, NULL, NULL);

    ck_assert_msg(status == 200, "/healthz %d with the config file", status);
    expect_version_answer(p.port);
    kill(p.pid, SIGTERM);
    ck_assert_int_eq(wait_exit(&p, 15), 0);
}
END_TEST

START_TEST(config_file_database_is_used_when_nothing_overrides_it)
{
    struct proc p;
    /* The control for the two tests below: a wrong name in the file alone
     * really makes the database unreachable. */
    int status = start_with_file(&p, "filewrong", "nonagentd_no_such_db", NULL, NULL);

    ck_assert_msg(status == 503, "/healthz %d with a wrong database in the file, expected 503", status);
    kill_proc(&p);
}
END_TEST

START_TEST(environment_overrides_the_config_file)
{
    struct proc p;
    int status = start_with_file(&p, "envoverfile", "nonagentd_no_such_db", DB_NAME, NULL);

    ck_assert_msg(status == 200, "/healthz %d: NONAGENTD_DB_NAME did not override VARDB_database",
                  status);
    expect_version_answer(p.port);
    kill_proc(&p);

    status = start_with_file(&p, "envoverfile2", DB_NAME, "nonagentd_no_such_db", NULL);
    ck_assert_msg(status == 503, "/healthz %d: VARDB_database won over NONAGENTD_DB_NAME", status);
    kill_proc(&p);
}
END_TEST

START_TEST(flags_override_the_environment)
{
    struct proc p;
    int status = start_with_file(&p, "flagoverenv", DB_NAME, "nonagentd_no_such_db", DB_NAME);

    ck_assert_msg(status == 200, "/healthz %d: --db-name did not override NONAGENTD_DB_NAME", status);
    expect_version_answer(p.port);
    kill_proc(&p);

    status = start_with_file(&p, "flagoverenv2", DB_NAME, DB_NAME, "nonagentd_no_such_db");
    ck_assert_msg(status == 503, "/healthz %d: NONAGENTD_DB_NAME won over --db-name", status);
    kill_proc(&p);
}
END_TEST

/* ---- stopping --------------------------------------------------------- */

struct slow_request {
    unsigned port;
    atomic_int *sent;
    int status;
    char body[256];
    double done_at;
};

/* One request on its own connection: connect, send, say so, read to EOF. */
static void *slow_request(void *arg)
{
    struct slow_request *s = arg;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)s->port) };
    struct timeval tv = { 90, 0 };     /* a loaded machine hashes slowly */
    static const char req[] =
        "GET " API "?function=nosuch&user=6666&pass=test&source=test HTTP/1.1\r\n"
        "Host: localhost\r\nConnection: close\r\n\r\n";
    char buf[4096];
    size_t got = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    s->status = 0;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        send(fd, req, sizeof req - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof req - 1)) {
        atomic_fetch_add(s->sent, 1);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    atomic_fetch_add(s->sent, 1);
    for (;;) {
        ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got == sizeof buf - 1)
            break;
    }
    close(fd);
    buf[got] = '\0';
    s->done_at = now_s();
    sscanf(buf, "HTTP/%*s %d", &s->status);
    {
        char *body = strstr(buf, "\r\n\r\n");
        snprintf(s->body, sizeof s->body, "%s", body ? body + 4 : "");
    }
    return NULL;
}

static void stop_with_requests_in_flight(int sig, const char *tag, int nreq)
{
    struct testdb t;
    struct proc p;
    pthread_t th[SLOW_REQUESTS];
    struct slow_request req[SLOW_REQUESTS];
    atomic_int sent = 0;
    double signalled;
    int after = 0, unanswered = 0, rc;

    /* Each request hashes its password at cost 11: slow on purpose. */
    testdb_connect(&t);
    testdb_exec(&t, "USE " DB_NAME);
    testdb_exec(&t, "UPDATE system_settings SET pass_hash_enabled='1',"
                    " pass_key='abcdefghijklmnop', pass_cost=11");
    testdb_exec(&t, "UPDATE vicidial_users SET pass_hash='" SLOW_HASH "', failed_login_count=0"
                    " WHERE user='6666'");

    start_with_flags(&p, tag, "4");
    for (int i = 0; i < nreq; i++) {
        req[i] = (struct slow_request){ .port = p.port, .sent = &sent };
        pthread_create(&th[i], NULL, slow_request, &req[i]);
    }
    while (atomic_load(&sent) < nreq)
        sleep_ms(5);
    sleep_ms(100);
    signalled = now_s();
    kill(p.pid, sig);
    for (int i = 0; i < nreq; i++)
        pthread_join(th[i], NULL);
    rc = wait_exit(&p, 100);
    if (rc == -2)
        kill_proc(&p);

    testdb_exec(&t, "UPDATE system_settings SET pass_hash_enabled='0', pass_key='', pass_cost=2");
    testdb_close(&t);

    for (int i = 0; i < nreq; i++) {
        if (req[i].status == 200 && strcmp(req[i].body, "ERROR: NO FUNCTION SPECIFIED\n") == 0)
            after += req[i].done_at > signalled;
        else
            unanswered++;
    }
    ck_assert_msg(unanswered == 0, "%d of %d requests in flight at %s got no full answer"
                  " (%d answered after the signal)", unanswered, nreq, tag, after);
    ck_assert_msg(rc == 0, "nonagentd exit status %d after %s, expected 0", rc, tag);
    /* Otherwise nothing was in flight and the test proved nothing. */
    ck_assert_msg(after >= nreq / 2, "only %d of %d answers came after the signal", after, nreq);
}

START_TEST(sigterm_finishes_20_slow_requests_in_flight_and_exits_0)
{
    stop_with_requests_in_flight(SIGTERM, "sigterm", SLOW_REQUESTS);
}
END_TEST

START_TEST(sigint_finishes_requests_in_flight_and_exits_0)
{
    stop_with_requests_in_flight(SIGINT, "sigint", 8);
}
END_TEST

START_TEST(sigint_on_an_idle_daemon_exits_0)
{
    struct proc p;

    start_with_flags(&p, "sigint-idle", "2");
    expect_version_answer(p.port);
    kill(p.pid, SIGINT);
    ck_assert_int_eq(wait_exit(&p, 15), 0);
}
END_TEST

/* ---- the start-up check of phones.login ---------------------------------- */

#define DB_NOINDEX "nonagentd_test_daemon_noindex"
#define INDEX_WARNING "warning: table phones has no index beginning with login"

/* How many times needle occurs in text. */
static int occurrences(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static long login_indexes(struct testdb *t)
{
    return testdb_count(t, "SELECT COUNT(*) FROM information_schema.STATISTICS"
                           " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'phones'"
                           " AND SEQ_IN_INDEX = 1 AND COLUMN_NAME = 'login'");
}

/* VICIdial's schema has no index on phones.login (MyISAM, as VICIdial):
 * the daemon says so in one line naming the exact ALTER TABLE, serves
 * requests all the same, and leaves the table as it is.  Running that very
 * statement adds the index, and the next start says nothing. */
START_TEST(missing_login_index_is_one_warning_with_the_alter_table)
{
    struct testdb t;
    struct daemon d;
    char *log, *alter, *end;

    testdb_connect(&t);
    testdb_create_demo(&t, DB_NOINDEX, "MyISAM");
    testdb_exec(&t, "ALTER TABLE phones DROP INDEX login");
    ck_assert_int_eq(login_indexes(&t), 0);

    daemon_start(&d, &t, NULL, NULL);
    expect_version_answer(d.port);
    log = daemon_log(&d);
    ck_assert_int_eq(daemon_stop(&d), 0);
    ck_assert_msg(occurrences(log, INDEX_WARNING) == 1, "expected one warning, log: %s", log);
    alter = strstr(log, "ALTER TABLE `" DB_NOINDEX "`.`phones` ADD INDEX login (login)\n");
    ck_assert_msg(alter != NULL, "no exact ALTER TABLE in the warning: %s", log);
    ck_assert_int_eq(login_indexes(&t), 0);   /* nonagentd changes no schema */

    end = strchr(alter, '\n');
    *end = '\0';
    testdb_exec(&t, "%s", alter);
    ck_assert_int_eq(login_indexes(&t), 1);
    free(log);

    daemon_start(&d, &t, NULL, NULL);
    expect_version_answer(d.port);
    log = daemon_log(&d);
    ck_assert_int_eq(daemon_stop(&d), 0);
    ck_assert_msg(occurrences(log, INDEX_WARNING) == 0, "a warning with the index: %s", log);
    free(log);
    testdb_close(&t);
}
END_TEST

/* An index that begins with login and goes on (login, server_ip) serves the
 * check just as well: no warning; one on server_ip alone does not. */
START_TEST(an_index_beginning_with_login_is_enough)
{
    struct testdb t;
    struct daemon d;
    char *log;

    testdb_connect(&t);
    testdb_create_demo(&t, DB_NOINDEX, NULL);
    testdb_exec(&t, "ALTER TABLE phones DROP INDEX login, ADD INDEX login_server (login, server_ip),"
                    " ADD INDEX server_login (server_ip, login)");
    daemon_start(&d, &t, NULL, NULL);
    expect_version_answer(d.port);
    log = daemon_log(&d);
    ck_assert_int_eq(daemon_stop(&d), 0);
    ck_assert_msg(occurrences(log, INDEX_WARNING) == 0, "a warning with (login, server_ip): %s", log);
    free(log);

    testdb_exec(&t, "ALTER TABLE phones DROP INDEX login_server");
    daemon_start(&d, &t, NULL, NULL);
    expect_version_answer(d.port);
    log = daemon_log(&d);
    ck_assert_int_eq(daemon_stop(&d), 0);
    ck_assert_msg(occurrences(log, INDEX_WARNING) == 1, "no warning with (server_ip, login): %s", log);
    free(log);
    testdb_close(&t);
}
END_TEST

static Suite *daemon_suite(void)
{
    Suite *s = suite_create("daemon");
    TCase *tc;

    tc = test_add_case(s, "flags", 0, NULL, NULL);
    tcase_add_test(tc, help_exits_0_and_lists_every_flag);
    tcase_add_test(tc, version_flag_exits_0_with_one_line);

    tc = test_add_case(s, "config_errors", 0, NULL, NULL);
    tcase_add_test(tc, threads_0_is_a_config_error_naming_threads);
    tcase_add_test(tc, db_port_abc_is_a_config_error_naming_db_port);
    tcase_add_test(tc, unknown_flag_is_a_config_error_naming_it);
    tcase_add_test(tc, bad_environment_port_is_a_config_error_naming_the_variable);
    tcase_add_test(tc, bad_port_in_the_config_file_is_a_config_error_naming_the_key);
    tcase_add_test(tc, missing_config_file_is_a_config_error);

    tc = test_add_case(s, "config_file", 60, NULL, NULL);
    tcase_add_test(tc, config_file_with_socket_from_the_environment_serves_version);
    tcase_add_test(tc, config_file_database_is_used_when_nothing_overrides_it);
    tcase_add_test(tc, environment_overrides_the_config_file);
    tcase_add_test(tc, flags_override_the_environment);

    tc = test_add_case(s, "stopping", 200, NULL, NULL);
    tcase_add_test(tc, sigterm_finishes_20_slow_requests_in_flight_and_exits_0);
    tcase_add_test(tc, sigint_finishes_requests_in_flight_and_exits_0);
    tcase_add_test(tc, sigint_on_an_idle_daemon_exits_0);

    tc = test_add_case(s, "schema_check", 90, NULL, NULL);
    tcase_add_test(tc, missing_login_index_is_one_warning_with_the_alter_table);
    tcase_add_test(tc, an_index_beginning_with_login_is_enough);
    return s;
}

int main(void)
{
    testdb_connect(&harness);
    testdb_create_demo(&harness, DB_NAME, NULL);
    testdb_close(&harness);
    return test_run_suite(daemon_suite()) ? EXIT_FAILURE : EXIT_SUCCESS;
}
