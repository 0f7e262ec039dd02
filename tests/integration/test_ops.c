/*
 * test_ops.c - what an operator's tools expect of the daemon: one
 * exclusive listener, prefixed log lines, a warning for a config file
 * that is not one, /metrics for Prometheus (checked by promtool), TLS,
 * X-Forwarded-For from trusted proxies, CORS, and systemd's notify
 * protocol (spoken by the test itself).
 *
 * Runs $NONAGENTD_BIN against one database of the harness server built
 * from schema/vicidial.sql and schema/demo.sql.
 */
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/daemon.h"
#include "tests/support/httpc.h"
#include "tests/support/suite.h"
#include "tests/support/testdb.h"

#define DB_NAME "nonagentd_test_ops"
#define API "/vicidial/non_agent_api.php"

static struct testdb harness;

/* Lines of text that do not start with prefix: the first, malloc'd, or NULL. */
static char *first_line_without(const char *text, const char *prefix)
{
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > 0 && strncmp(p, prefix, strlen(prefix)) != 0)
            return strndup(p, len);
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* ---- the listener -------------------------------------------------------- */

START_TEST(second_daemon_on_a_busy_address_exits_1_with_one_line)
{
    struct daemon first, second;
    char listen[64], *log, want[128];

    daemon_start(&first, &harness, NULL, NULL);
    snprintf(listen, sizeof listen, "127.0.0.1:%u", first.port);
    const char *args[] = { "--listen", listen, NULL };
    daemon_spawn(&second, &harness, NULL, args);
    int status = daemon_wait_exit(&second, 30);
    log = daemon_log(&second);
    ck_assert_msg(status == 1, "second daemon: exit %d, expected 1; log:\n%s", status, log);
    snprintf(want, sizeof want, "nonagentd: cannot listen on %s: Address already in use", listen);
    ck_assert_msg(strncmp(log, want, strlen(want)) == 0 && count_lines(log) == 1,
                  "second daemon's log is not one line starting \"%s\":\n%s", want, log);
    free(log);
    /* The first one still serves. */
    struct http_reply r;
    ck_assert_int_eq(http_get(first.port, API "?function=version", &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
    ck_assert_int_eq(daemon_stop(&first), 0);
}
END_TEST

START_TEST(every_line_the_daemon_logs_at_start_and_stop_is_prefixed)
{
    struct daemon d;
    char *log, *bad;

    daemon_start(&d, &harness, NULL, NULL);
    ck_assert_int_eq(daemon_stop(&d), 0);
    log = daemon_log(&d);
    ck_assert_msg(strstr(log, "thread pool size") == NULL, "libmicrohttpd warned:\n%s", log);
    bad = first_line_without(log, "nonagentd: ");
    ck_assert_msg(bad == NULL, "unprefixed line \"%s\" in:\n%s", bad, log);
    ck_assert_msg(strstr(log, "nonagentd: listening on ") != NULL, "no start line:\n%s", log);
    free(log);
}
END_TEST

START_TEST(config_file_without_a_database_line_gets_a_warning_naming_it)
{
    struct daemon d;
    char path[600], want[700], *log;
    FILE *f;

    snprintf(path, sizeof path, "%s/ops-not-a-config.conf", getenv("NONAGENTD_TESTDB_DIR"));
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("root:x:0:0:root:/root:/bin/bash\n", f);
    fclose(f);
    const char *args[] = { "--config", path, NULL };
    daemon_start(&d, &harness, NULL, args);
    ck_assert_int_eq(daemon_stop(&d), 0);
    log = daemon_log(&d);
    snprintf(want, sizeof want, "nonagentd: warning: %s has no VARDB_ line", path);
    ck_assert_msg(strstr(log, want) != NULL, "no \"%s\" in:\n%s", want, log);
    free(log);

    /* A real one gets no warning. */
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("VARDB_database => " DB_NAME "\n", f);
    fclose(f);
    daemon_start(&d, &harness, NULL, args);
    ck_assert_int_eq(daemon_stop(&d), 0);
    log = daemon_log(&d);
    ck_assert_msg(strstr(log, "warning") == NULL, "unexpected warning:\n%s", log);
    free(log);
}
END_TEST

/* ---- /metrics ------------------------------------------------------------ */

/* Run cmd (argv, NULL-terminated) with stdin from in_path; its stdout and
 * stderr land in *out (malloc'd).  Its exit status, or -1. */
static int run_with_input(const char *const *cmd, const char *in_path, char **out)
{
    char out_path[1024];
    int status = 0;
    pid_t pid;

    snprintf(out_path, sizeof out_path, "%s.out", in_path);
    pid = fork();
    if (pid == 0) {
        int in = open(in_path, O_RDONLY), o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || o < 0)
            _exit(126);
        dup2(in, 0);
        dup2(o, 1);
        dup2(o, 2);
        execvp(cmd[0], (char *const *)cmd);
        _exit(127);
    }
    waitpid(pid, &status, 0);
    *out = read_whole_file(out_path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void expect_contains(const char *text, const char *want)
{
    ck_assert_msg(strstr(text, want) != NULL, "no \"%s\" in:\n%s", want, text);
}

static double metric_value(const char *text, const char *name)
{
    char key[256];
    const char *p;

    snprintf(key, sizeof key, "\n%s ", name);
    p = strstr(text, key);
    ck_assert_msg(p != NULL, "no sample %s", name);
    return strtod(p + strlen(key), NULL);
}

START_TEST(metrics_are_prometheus_text_that_promtool_accepts)
{
    struct daemon d;
    struct http_reply r;
    char path[600], *ct, *lint;

    daemon_start(&d, &harness, NULL, NULL);
    ck_assert_int_eq(http_get(d.port, API "?function=version", &r), 0);
    /* The API keeps VICIdial's header. */
    ct = http_header(&r, "Content-type");
    ck_assert_str_eq(ct, "text/html; charset=utf-8");
    free(ct);
    http_reply_free(&r);
    ck_assert_int_eq(http_get(d.port, API "?function=coffee", &r), 0);
    http_reply_free(&r);

    ck_assert_int_eq(http_get(d.port, "/metrics", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ct = http_header(&r, "Content-type");
    ck_assert_str_eq(ct, "text/plain; version=0.0.4; charset=utf-8");
    free(ct);

    /* A real parser: Prometheus's own promtool, which also lints names,
     * types and help texts (tests/harness/deps.sh installs it). */
    snprintf(path, sizeof path, "%s/ops-metrics-%u.txt", getenv("NONAGENTD_TESTDB_DIR"), d.port);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fwrite(r.body, 1, r.body_len, f);
    fclose(f);
    const char *cmd[] = { "promtool", "check", "metrics", NULL };
    int rc = run_with_input(cmd, path, &lint);
    ck_assert_msg(rc != 127, "promtool is not installed (tests/harness/deps.sh installs the "
                  "prometheus package)");
    ck_assert_msg(rc == 0 && lint && lint[0] == '\0', "promtool check metrics: exit %d:\n%s",
                  rc, lint ? lint : "");
    free(lint);

    expect_contains(r.body, "\nnonagentd_build_info{version=\"" NONAGENTD_VERSION "\",");
    /* This scrape itself is in flight; nothing waits for a worker. */
    ck_assert_int_eq((int)metric_value(r.body, "nonagentd_http_requests_in_flight"), 1);
    ck_assert_int_eq((int)metric_value(r.body, "nonagentd_worker_queue_depth"), 0);
    ck_assert_int_eq((int)metric_value(r.body, "nonagentd_api_request_duration_seconds_count"
                                               "{function=\"version\"}"), 1);
    ck_assert_int_eq((int)metric_value(r.body, "nonagentd_api_request_duration_seconds_count"
                                               "{function=\"coffee\"}"), 1);
    ck_assert_int_eq((int)metric_value(r.body, "nonagentd_api_request_duration_seconds_bucket"
                                               "{function=\"coffee\",le=\"+Inf\"}"), 1);
    ck_assert_int_eq((int)metric_value(r.body, "nonagentd_api_request_duration_seconds_count"
                                               "{function=\"add_phone\"}"), 0);
    ck_assert(metric_value(r.body, "process_cpu_seconds_total") > 0);
    ck_assert(metric_value(r.body, "process_resident_memory_bytes") > 1e6);
    ck_assert(metric_value(r.body, "process_open_fds") >= 4);
    ck_assert(metric_value(r.body, "process_max_fds") >= 64);
    double started = metric_value(r.body, "process_start_time_seconds");
    double now = (double)time(NULL);
    ck_assert_msg(started > now - 600 && started <= now + 2,
                  "process_start_time_seconds %.0f, now %.0f", started, now);
    http_reply_free(&r);
    ck_assert_int_eq(daemon_stop(&d), 0);
}
END_TEST

/* ---- a real client: libcurl ------------------------------------------------- */

struct curl_reply {
    long status;            /* 0: no HTTP answer (connection or TLS failure) */
    char *head;             /* every header line, "\r\n"-separated */
    char *body;
    size_t head_len, body_len;
};

static size_t collect(char *data, size_t size, size_t n, void *arg, int head)
{
    struct curl_reply *r = arg;
    char **buf = head ? &r->head : &r->body;
    size_t *len = head ? &r->head_len : &r->body_len;
    *buf = realloc(*buf, *len + size * n + 1);
    memcpy(*buf + *len, data, size * n);
    *len += size * n;
    (*buf)[*len] = '\0';
    return size * n;
}

static size_t collect_body(char *d, size_t s, size_t n, void *a) { return collect(d, s, n, a, 0); }
static size_t collect_head(char *d, size_t s, size_t n, void *a) { return collect(d, s, n, a, 1); }

/* One request with libcurl: method "GET", "POST" (form body) or "OPTIONS";
 * headers NULL-terminated (may be NULL); source_ip binds the client end
 * (NULL: any); cafile verifies an https URL's certificate (NULL: plain). */
static struct curl_reply curl_request(const char *method, const char *url, const char *body,
                                      const char *const *headers, const char *source_ip,
                                      const char *cafile)
{
    struct curl_reply r = { 0 };
    struct curl_slist *hl = NULL;
    CURL *c = curl_easy_init();

    ck_assert_ptr_nonnull(c);
    r.head = strdup("");
    r.body = strdup("");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_head);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    if (strcmp(method, "POST") == 0)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
    else if (strcmp(method, "GET") != 0)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    for (size_t i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    if (hl)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    if (source_ip)
        curl_easy_setopt(c, CURLOPT_INTERFACE, source_ip);
    if (cafile) {
        curl_easy_setopt(c, CURLOPT_CAINFO, cafile);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    return r;
}

static void curl_reply_free(struct curl_reply *r)
{
    free(r->head);
    free(r->body);
}

/* ---- TLS ------------------------------------------------------------------ */

static char tls_cert[600], tls_key[600];

/* A fresh self-signed certificate for 127.0.0.1 and localhost (openssl). */
static void make_certificate(void)
{
    const char *dir = getenv("NONAGENTD_TESTDB_DIR");
    char cmd[2048];

    snprintf(tls_cert, sizeof tls_cert, "%s/ops-cert-%d.pem", dir, (int)getpid());
    snprintf(tls_key, sizeof tls_key, "%s/ops-key-%d.pem", dir, (int)getpid());
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
             " -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost"
             " -keyout '%s' -out '%s' >/dev/null 2>&1", tls_key, tls_cert);
    ck_assert_msg(system(cmd) == 0, "openssl could not make a certificate: %s", cmd);
}

/* Start with extra flags and wait for https /healthz (the plain-HTTP wait
 * of daemon_start cannot speak TLS). */
static void start_tls_daemon(struct daemon *d, const char *const *extra)
{
    char url[128];

    daemon_spawn(d, &harness, NULL, extra);
    snprintf(url, sizeof url, "https://127.0.0.1:%u/healthz", d->port);
    for (int i = 0; i < 1200; i++) {
        struct curl_reply r = curl_request("GET", url, NULL, NULL, NULL, tls_cert);
        long status = r.status;
        curl_reply_free(&r);
        if (status == 200)
            return;
        int rc = daemon_wait_exit(d, 0);
        if (rc != -2) {
            char *log = daemon_log(d);
            ck_abort_msg("nonagentd exited (%d) at start:\n%s", rc, log);
        }
        usleep(50 * 1000);
    }
    ck_abort_msg("nonagentd did not answer https /healthz in 60 s");
}

#define SEED_FORM "source=test&function=add_phone&user=6666&pass=1234&extension=55443" \
    "&dialplan_number=55443&voicemail_id=55443&phone_login=55443&phone_pass=test" \
    "&server_ip=192.168.198.5&protocol=SIP&registration_password=test" \
    "&phone_full_name=Extension+55443&local_gmt=-5.00&outbound_cid=7275551212"

START_TEST(https_answers_get_and_post_with_a_generated_certificate)
{
    struct daemon d;
    char url[256];
    struct curl_reply r;
    struct http_reply plain;

    make_certificate();
    const char *args[] = { "--tls-cert", tls_cert, "--tls-key", tls_key, NULL };
    start_tls_daemon(&d, args);

    snprintf(url, sizeof url, "https://127.0.0.1:%u" API "?function=version", d.port);
    r = curl_request("GET", url, NULL, NULL, NULL, tls_cert);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strncmp(r.body, "VERSION: ", 9) == 0, "GET over https: %s", r.body);
    curl_reply_free(&r);

    snprintf(url, sizeof url, "https://127.0.0.1:%u" API, d.port);
    r = curl_request("POST", url, SEED_FORM, NULL, NULL, tls_cert);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "SUCCESS: add_phone PHONE HAS BEEN ADDED - "
                             "6666|55443|192.168.198.5|SIP|55443\n");
    curl_reply_free(&r);
    ck_assert_int_eq(testdb_count(&harness, "SELECT COUNT(*) FROM phones WHERE extension='55443'"
                                            " AND server_ip='192.168.198.5'"), 1);

    /* Plain HTTP on the TLS port gets no HTTP answer. */
    http_get(d.port, API "?function=version", &plain);
    ck_assert_int_ne(plain.status, 200);
    http_reply_free(&plain);
    ck_assert_int_eq(daemon_stop(&d), 0);
    unlink(tls_cert);
    unlink(tls_key);
}
END_TEST

/* The daemon's whole log must be this one line (prefix match). */
static void expect_start_failure(const char *const *args, int want_status, const char *want)
{
    struct daemon d;
    char *log;
    int rc;

    daemon_spawn(&d, &harness, NULL, args);
    rc = daemon_wait_exit(&d, 60);
    log = daemon_log(&d);
    ck_assert_msg(rc == want_status, "exit %d, expected %d; log:\n%s", rc, want_status, log);
    ck_assert_msg(strncmp(log, want, strlen(want)) == 0 && count_lines(log) == 1,
                  "log is not one line starting \"%s\":\n%s", want, log);
    free(log);
}

START_TEST(bad_tls_files_stop_the_start_with_one_line_naming_them)
{
    char want[1024];

    make_certificate();
    const char *missing[] = { "--tls-cert", "/nonexistent/cert.pem", "--tls-key", tls_key, NULL };
    expect_start_failure(missing, 1,
                         "nonagentd: --tls-cert /nonexistent/cert.pem: No such file or directory");
    /* The certificate given as the key. */
    const char *swapped[] = { "--tls-cert", tls_cert, "--tls-key", tls_cert, NULL };
    snprintf(want, sizeof want, "nonagentd: --tls-key %s: holds no PEM block", tls_cert);
    expect_start_failure(swapped, 1, want);
    const char *alone[] = { "--tls-cert", tls_cert, NULL };
    expect_start_failure(alone, 2, "nonagentd: --tls-cert without --tls-key");
    unlink(tls_cert);
    unlink(tls_key);
}
END_TEST

/* ---- X-Forwarded-For from trusted proxies ---------------------------------- */

/* version from source_ip with an X-Forwarded-For header (NULL: none);
 * returns the remote_ip its vicidial_api_urls row holds. */
static char *version_seen_as(unsigned port, const char *source_ip, const char *xff)
{
    char url[128], header[256];
    const char *headers[] = { header, NULL };
    struct curl_reply r;

    snprintf(url, sizeof url, "http://127.0.0.1:%u" API "?function=version&source=%s", port,
             source_ip);
    snprintf(header, sizeof header, "X-Forwarded-For: %s", xff ? xff : "");
    testdb_exec(&harness, "DELETE FROM vicidial_api_urls");
    r = curl_request("GET", url, NULL, xff ? headers : NULL, source_ip, NULL);
    ck_assert_int_eq(r.status, 200);
    curl_reply_free(&r);
    return testdb_value(&harness, "SELECT remote_ip FROM vicidial_api_urls");
}

#define EXPECT_SEEN_AS(want, port, source, xff)                                    \
    do {                                                                           \
        char *seen_ = version_seen_as(port, source, xff);                          \
        ck_assert_msg(seen_ && strcmp(seen_, want) == 0,                           \
                      "from %s with X-Forwarded-For \"%s\": seen as %s, expected %s", \
                      source, xff ? xff : "(none)", seen_ ? seen_ : "(no row)", want); \
        free(seen_);                                                               \
    } while (0)

START_TEST(x_forwarded_for_names_the_client_only_from_trusted_proxies)
{
    struct daemon d;
    const char *args[] = { "--trusted-proxy", "127.0.0.2,10.0.0.0/8", NULL };

    daemon_start(&d, &harness, NULL, args);
    /* Trusted peer: the rightmost hop that is not a trusted proxy. */
    EXPECT_SEEN_AS("203.0.113.9", d.port, "127.0.0.2", "203.0.113.9");
    EXPECT_SEEN_AS("203.0.113.9", d.port, "127.0.0.2", "203.0.113.9, 10.1.2.3");
    /* What a client wrote at the left is not believed. */
    EXPECT_SEEN_AS("198.51.100.7", d.port, "127.0.0.2", "1.1.1.1, 198.51.100.7");
    /* Nothing usable: the proxy itself. */
    EXPECT_SEEN_AS("127.0.0.2", d.port, "127.0.0.2", "unknown");
    EXPECT_SEEN_AS("127.0.0.2", d.port, "127.0.0.2", NULL);
    /* Untrusted peers: the header is ignored. */
    EXPECT_SEEN_AS("127.0.0.3", d.port, "127.0.0.3", "203.0.113.9");
    EXPECT_SEEN_AS("127.0.0.1", d.port, "127.0.0.1", "203.0.113.9");

    /* The failed-login record and the request log hold the client too. */
    char url[256];
    const char *xff[] = { "X-Forwarded-For: 203.0.113.50", NULL };
    snprintf(url, sizeof url, "http://127.0.0.1:%u" API "?function=add_phone&user=6666&pass=bad",
             d.port);
    struct curl_reply r = curl_request("GET", url, NULL, xff, "127.0.0.2", NULL);
    ck_assert_int_eq(r.status, 200);
    curl_reply_free(&r);
    char *ip = testdb_value(&harness, "SELECT failed_last_ip_today FROM vicidial_users"
                                      " WHERE user='6666'");
    ck_assert_str_eq(ip ? ip : "(null)", "203.0.113.50");
    free(ip);
    testdb_exec(&harness, "UPDATE vicidial_users SET failed_login_count=0,"
                          " failed_last_ip_today='' WHERE user='6666'");
    ck_assert_int_eq(daemon_stop(&d), 0);
    char *log = daemon_log(&d);
    expect_contains(log, " 203.0.113.50 GET " API " add_phone ");
    free(log);
}
END_TEST

START_TEST(x_forwarded_for_is_ignored_without_trusted_proxies)
{
    struct daemon d;

    daemon_start(&d, &harness, NULL, NULL);
    EXPECT_SEEN_AS("127.0.0.2", d.port, "127.0.0.2", "203.0.113.9");
    ck_assert_int_eq(daemon_stop(&d), 0);
}
END_TEST

/* ---- CORS ------------------------------------------------------------------ */

/* A raw request with an Origin header (NULL: none). */
static struct http_reply with_origin(unsigned port, const char *method, const char *origin)
{
    char req[1024];
    struct http_reply r;
    int n = snprintf(req, sizeof req,
                     "%s " API "?function=version HTTP/1.1\r\nHost: localhost\r\n%s%s%s"
                     "%sConnection: close\r\n\r\n", method,
                     origin ? "Origin: " : "", origin ? origin : "", origin ? "\r\n" : "",
                     strcmp(method, "OPTIONS") == 0
                         ? "Access-Control-Request-Method: POST\r\n" : "");
    ck_assert_int_eq(http_raw(port, req, (size_t)n, &r), 0);
    return r;
}

static void expect_header(const struct http_reply *r, const char *name, const char *want)
{
    char *v = http_header(r, name);
    if (!want)
        ck_assert_msg(v == NULL, "unexpected %s: %s", name, v);
    else
        ck_assert_msg(v && strcmp(v, want) == 0, "%s: \"%s\", expected \"%s\"\n%s", name,
                      v ? v : "(none)", want, r->head);
    free(v);
}

START_TEST(cors_is_off_by_default)
{
    struct daemon d;
    struct http_reply r;

    daemon_start(&d, &harness, NULL, NULL);
    r = with_origin(d.port, "GET", "https://crm.example.com");
    ck_assert_int_eq(r.status, 200);
    expect_header(&r, "Access-Control-Allow-Origin", NULL);
    http_reply_free(&r);
    r = with_origin(d.port, "OPTIONS", "https://crm.example.com");
    ck_assert_int_ne(r.status, 204);
    expect_header(&r, "Access-Control-Allow-Origin", NULL);
    http_reply_free(&r);
    ck_assert_int_eq(daemon_stop(&d), 0);
}
END_TEST

START_TEST(cors_answers_allowed_origins_and_their_preflights)
{
    struct daemon d;
    struct http_reply r;
    const char *args[] = {
        "--cors-allowed-origin", "https://crm\\.example\\.com|https://[a-z]+\\.example\\.org",
        "--cors-allowed-headers", "Content-Type, X-Requested-With",
        "--cors-allowed-credentials", "Y", NULL,
    };

    daemon_start(&d, &harness, NULL, args);
    long logged = testdb_count(&harness, "SELECT COUNT(*) FROM vicidial_api_log");
    r = with_origin(d.port, "GET", "https://crm.example.com");
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strncmp(r.body, "VERSION: ", 9) == 0, "%s", r.body);
    expect_header(&r, "Access-Control-Allow-Origin", "https://crm.example.com");
    expect_header(&r, "Vary", "Origin");
    expect_header(&r, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    expect_header(&r, "Access-Control-Allow-Headers", "Content-Type, X-Requested-With");
    expect_header(&r, "Access-Control-Allow-Credentials", "true");
    expect_header(&r, "Content-type", "text/html; charset=utf-8");
    http_reply_free(&r);
    r = with_origin(d.port, "GET", "https://app.example.org");
    expect_header(&r, "Access-Control-Allow-Origin", "https://app.example.org");
    http_reply_free(&r);

    /* Not allowed, or no Origin at all: the answer, without CORS headers. */
    static const char *const refused[] = {
        "https://evil.example.net", "https://crm.example.com.evil.net",
        "http://crm.example.com", NULL,
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        r = with_origin(d.port, "GET", refused[i]);
        ck_assert_int_eq(r.status, 200);
        ck_assert_msg(strncmp(r.body, "VERSION: ", 9) == 0, "%s", r.body);
        expect_header(&r, "Access-Control-Allow-Origin", NULL);
        expect_header(&r, "Access-Control-Allow-Methods", NULL);
        http_reply_free(&r);
    }
    ck_assert_int_eq(testdb_count(&harness, "SELECT COUNT(*) FROM vicidial_api_log"),
                     logged + 2 + (long)(sizeof refused / sizeof refused[0]));

    /* The preflight: 204, the headers, no body, no function run. */
    r = with_origin(d.port, "OPTIONS", "https://crm.example.com");
    ck_assert_int_eq(r.status, 204);
    ck_assert_uint_eq(r.body_len, 0);
    expect_header(&r, "Access-Control-Allow-Origin", "https://crm.example.com");
    expect_header(&r, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    expect_header(&r, "Access-Control-Allow-Credentials", "true");
    http_reply_free(&r);
    r = with_origin(d.port, "OPTIONS", "https://evil.example.net");
    ck_assert_int_ne(r.status, 204);
    expect_header(&r, "Access-Control-Allow-Origin", NULL);
    http_reply_free(&r);
    ck_assert_int_eq(testdb_count(&harness, "SELECT COUNT(*) FROM vicidial_api_log"),
                     logged + 2 + (long)(sizeof refused / sizeof refused[0]) + 1);
    ck_assert_int_eq(daemon_stop(&d), 0);
}
END_TEST

START_TEST(a_bad_cors_pattern_is_one_line)
{
    const char *args[] = { "--cors-allowed-origin", "https://(unclosed", NULL };
    expect_start_failure(args, 1, "nonagentd: --cors-allowed-origin: not a regular expression");
}
END_TEST

/* ---- systemd's notify protocol ------------------------------------------------ */

/* systemd's side of sd_notify: a unix datagram socket given to the daemon
 * as NOTIFY_SOCKET (this machine's PID 1 need not be systemd). */
static int notify_fd = -1;
static char notify_path[108];

static void notify_listen(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    snprintf(notify_path, sizeof notify_path, "/tmp/nonagentd-notify-%d.sock", (int)getpid());
    unlink(notify_path);
    notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(notify_fd, 0);
    memcpy(sa.sun_path, notify_path, strlen(notify_path) + 1);
    ck_assert_int_eq(bind(notify_fd, (struct sockaddr *)&sa, sizeof sa), 0);
    setenv("NOTIFY_SOCKET", notify_path, 1);
}

/* The next datagram within timeout_ms, malloc'd; NULL on timeout. */
static char *notify_next(int timeout_ms)
{
    struct pollfd p = { .fd = notify_fd, .events = POLLIN };
    char buf[4096];

    if (poll(&p, 1, timeout_ms) != 1)
        return NULL;
    ssize_t n = recv(notify_fd, buf, sizeof buf - 1, 0);
    ck_assert_int_gt(n, 0);
    buf[n] = '\0';
    return strdup(buf);
}

/* Wait (at most timeout_ms) for a datagram holding want as a line. */
static int notify_wait_for(const char *want, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 100) {
        char *m = notify_next(100);
        int found = 0;
        for (char *line = m ? strtok(m, "\n") : NULL; line; line = strtok(NULL, "\n"))
            found |= strcmp(line, want) == 0;
        free(m);
        if (found)
            return 1;
    }
    return 0;
}

/* Sessions of the daemon's database blocked on a table lock. */
static long blocked_sessions(struct testdb *observer)
{
    return testdb_count(observer, "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                                  " WHERE DB='" DB_NAME "' AND STATE LIKE '%%lock%%'");
}

/* A request sent on a socket of its own, its answer read later. */
static int send_version_request(unsigned port)
{
    static const char req[] = "GET " API "?function=version HTTP/1.1\r\n"
                              "Host: localhost\r\nConnection: close\r\n\r\n";
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(write(fd, req, sizeof req - 1), (ssize_t)(sizeof req - 1));
    return fd;
}

static void expect_version_answer(int fd)
{
    char answer[2048];
    size_t have = 0;
    ssize_t got;

    while (have < sizeof answer - 1 && (got = read(fd, answer + have, sizeof answer - 1 - have)) > 0)
        have += (size_t)got;
    answer[have] = '\0';
    ck_assert_msg(strstr(answer, "VERSION: ") != NULL, "%s", answer);
    close(fd);
}

START_TEST(systemd_hears_ready_a_watchdog_fed_by_the_workers_and_stopping)
{
    struct daemon d;
    struct http_reply r;
    struct testdb observer, locker;
    /* --db-timeout: the wedged statement must outlast the check below. */
    const char *args[] = { "--threads", "1", "--db-timeout", "120", NULL };

    notify_listen();
    setenv("WATCHDOG_USEC", "3000000", 1);
    unsetenv("WATCHDOG_PID");
    daemon_spawn(&d, &harness, NULL, args);

    /* READY=1 comes once the listener is up and a worker reached the
     * database: /healthz answers 200 from then on. */
    ck_assert_msg(notify_wait_for("READY=1", 60000), "no READY=1 in 60 s");
    ck_assert_int_eq(http_get(d.port, "/healthz", &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
    ck_assert_msg(notify_wait_for("WATCHDOG=1", 30000), "no WATCHDOG=1");
    ck_assert_msg(notify_wait_for("WATCHDOG=1", 30000), "no second WATCHDOG=1");

    /* Wedge the only worker: a request blocked on a table lock, taken on a
     * connection of this test's own, so a failure here releases it. */
    testdb_connect(&observer);
    testdb_connect(&locker);
    testdb_exec(&locker, "LOCK TABLES " DB_NAME ".system_settings WRITE");
    int fd = send_version_request(d.port);
    for (int i = 0; i < 600 && blocked_sessions(&observer) == 0; i++)
        usleep(100 * 1000);
    ck_assert_msg(blocked_sessions(&observer) == 1, "the worker never blocked");
    /* A probe that ran before the wedge may still be in the socket. */
    for (int i = 0; i < 15; i++)
        free(notify_next(100));
    /* Four watchdog periods' worth of ticks: the probe waits behind the
     * stuck request, so nothing feeds the watchdog. */
    ck_assert_msg(!notify_wait_for("WATCHDOG=1", 4000), "WATCHDOG=1 from a wedged pool");
    testdb_exec(&locker, "UNLOCK TABLES");
    testdb_close(&locker);
    expect_version_answer(fd);
    ck_assert_msg(notify_wait_for("WATCHDOG=1", 30000), "no WATCHDOG=1 after the pool recovered");
    testdb_close(&observer);

    kill(d.pid, SIGTERM);
    ck_assert_msg(notify_wait_for("STOPPING=1", 30000), "no STOPPING=1 after SIGTERM");
    ck_assert_int_eq(daemon_wait_exit(&d, 60), 0);
    close(notify_fd);
    unlink(notify_path);
}
END_TEST

static double scraped(unsigned port, const char *name)
{
    struct http_reply r;
    double v;

    ck_assert_int_eq(http_get(port, "/metrics", &r), 0);
    ck_assert_int_eq(r.status, 200);
    v = metric_value(r.body, name);
    http_reply_free(&r);
    return v;
}

START_TEST(metrics_sum_the_time_requests_waited_for_a_worker)
{
    struct daemon d;
    struct testdb observer, locker;
    const char *args[] = { "--threads", "1", "--db-timeout", "120", NULL };

    daemon_start(&d, &harness, NULL, args);
    double count0 = scraped(d.port, "nonagentd_worker_queue_wait_seconds_count");
    double sum0 = scraped(d.port, "nonagentd_worker_queue_wait_seconds_sum");

    /* The only worker held by a request blocked on a table lock; a second
     * request waits behind it for as long as the lock is held. */
    testdb_connect(&observer);
    testdb_connect(&locker);
    testdb_exec(&locker, "LOCK TABLES " DB_NAME ".system_settings WRITE");
    int first = send_version_request(d.port);
    for (int i = 0; i < 600 && blocked_sessions(&observer) == 0; i++)
        usleep(100 * 1000);
    ck_assert_msg(blocked_sessions(&observer) == 1, "the worker never blocked");
    int second = send_version_request(d.port);
    for (int i = 0; i < 100 && scraped(d.port, "nonagentd_worker_queue_depth") < 1; i++)
        usleep(20 * 1000);
    ck_assert_int_eq((int)scraped(d.port, "nonagentd_worker_queue_depth"), 1);
    sleep(2);
    testdb_exec(&locker, "UNLOCK TABLES");
    testdb_close(&locker);
    expect_version_answer(first);
    expect_version_answer(second);
    testdb_close(&observer);

    /* Both were taken by the worker (and maybe the daemon's own health
     * probe, which queues as well); the second had waited the 2 s. */
    ck_assert_int_ge((int)(scraped(d.port, "nonagentd_worker_queue_wait_seconds_count") - count0), 2);
    double waited = scraped(d.port, "nonagentd_worker_queue_wait_seconds_sum") - sum0;
    ck_assert_msg(waited >= 1.9 && waited < 60, "waited %.3f s", waited);
    ck_assert_int_eq((int)scraped(d.port, "nonagentd_worker_queue_depth"), 0);
    ck_assert_int_eq(daemon_stop(&d), 0);
}
END_TEST

/* One test case: its name, its timeout and its tests (NULL-terminated). */
static void add_case(Suite *s, const char *name, double timeout, const TTest *const tests[])
{
    TCase *tc = test_add_case(s, name, timeout, NULL, NULL);
    for (size_t i = 0; tests[i]; i++)
        tcase_add_test(tc, tests[i]);
}

static Suite *ops_suite(void)
{
    Suite *s = suite_create("ops");
    add_case(s, "process", 120, (const TTest *const[]){
        second_daemon_on_a_busy_address_exits_1_with_one_line,
        every_line_the_daemon_logs_at_start_and_stop_is_prefixed,
        config_file_without_a_database_line_gets_a_warning_naming_it, NULL });
    add_case(s, "metrics", 120, (const TTest *const[]){
        metrics_are_prometheus_text_that_promtool_accepts,
        metrics_sum_the_time_requests_waited_for_a_worker, NULL });
    add_case(s, "tls", 180, (const TTest *const[]){
        https_answers_get_and_post_with_a_generated_certificate,
        bad_tls_files_stop_the_start_with_one_line_naming_them, NULL });
    add_case(s, "proxy", 120, (const TTest *const[]){
        x_forwarded_for_names_the_client_only_from_trusted_proxies,
        x_forwarded_for_is_ignored_without_trusted_proxies, NULL });
    add_case(s, "systemd", 240, (const TTest *const[]){
        systemd_hears_ready_a_watchdog_fed_by_the_workers_and_stopping, NULL });
    add_case(s, "cors", 120, (const TTest *const[]){
        cors_is_off_by_default, cors_answers_allowed_origins_and_their_preflights,
        a_bad_cors_pattern_is_one_line, NULL });
    return s;
}

int main(void)
{
    int failed;

    testdb_connect(&harness);
    testdb_create_demo(&harness, DB_NAME, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    failed = test_run_suite(ops_suite());
    testdb_close(&harness);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
