/*
 * test_hostile.c - hostile input (issue 6): SQL injection in every
 * parameter and header, the CVE-2024-8503 Basic-Auth shape, and secrets.
 *
 * Injection: every parameter add_phone reads (and the Host, User-Agent,
 * X-Forwarded-For and Authorization headers) is sent, one at a time, each
 * payload of a list (quotes, backslash, comments, SLEEP(3), BENCHMARK,
 * UNION, stacked DROP TABLE, hex, %00, overlong and multibyte quotes, a
 * very long value), by GET and by POST, every other parameter valid.  With
 * the server's general log on (log_output=TABLE), the test then proves:
 *
 *  1. no statement TEXT holds input: no mysql.general_log row of type
 *     'Query' or 'Prepare' from another connection than the test's own
 *     holds the marker that every payload carries (two markers: letters
 *     and digits for most filters, digits only for local_gmt and
 *     outbound_cid, whose filters keep nothing else), nor SLEEP(,
 *     BENCHMARK(, UNION SELECT or DROP TABLE.  'Execute' rows show the
 *     bound values expanded: they must hold the marker, which proves the
 *     payloads reached the server as data;
 *  2. timing does not depend on the payload: every request, SLEEP(3) ones
 *     included, is answered within 1 s;
 *  3. the database changes only as VICIdial would: phones and
 *     vicidial_admin_log grow by one row per SUCCESS answer (each for the
 *     extension it names), servers and vicidial_users keep their rows, the
 *     schema keeps its tables, and vicidial_api_log grows by exactly the
 *     answers that VICIdial logs (all but the login-failure line);
 *  4. every answer is HTTP 200 with one line starting "ERROR: " or
 *     "SUCCESS: " and ending in a newline: never a 500, never empty.
 *
 * Secrets: the password never reaches the daemon's own log, and
 * --redact-url-pass stores pass=XXXX in vicidial_api_urls.url while the
 * default stores the URL as sent (drop-in fidelity).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server/buf.h"
#include "tests/support/fixture.h"

#define API "/vicidial/non_agent_api.php"
#define MARK "zqxMARK7319"          /* survives every letters-and-digits filter */
#define DMARK "7319046285"          /* survives the digits-only filters */
#define LONG_LEN 3000
#define MAX_ELAPSED 1.0

/* ---- small helpers ---------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What b holds, failing the test if an append ran out of memory (buf.h
 * then leaves the text incomplete). */
static char *built(struct buf *b)
{
    ck_assert_msg(!b->oom, "out of memory building a request");
    return b->data;
}

/* Percent-encode everything but RFC 3986's unreserved characters. */
static void append_urlencoded(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            buf_append(b, (const char *)p, 1);
        } else {
            char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
            buf_append(b, e, 3);
        }
    }
}

static char *base64(const char *s)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t len = strlen(s), o = 0;
    char *out = malloc(4 * ((len + 2) / 3) + 1);
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        out[o++] = tbl[(v >> 18) & 63];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? tbl[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

/* ---- payloads --------------------------------------------------------- */

struct payload {
    const char *text;
    int encoded;        /* 1: already URL-encoded, sent as is */
};

static const struct payload PAYLOADS[] = {
    { MARK "'" DMARK, 0 },
    { MARK "\"" DMARK, 0 },
    { MARK "\\" DMARK, 0 },
    { MARK "\\'" DMARK, 0 },
    { MARK "' OR '1'='1" DMARK, 0 },
    { MARK "\" OR \"1\"=\"1\" -- " DMARK, 0 },
    { MARK "'-- " DMARK, 0 },
    { MARK "'/*" DMARK "*/", 0 },
    { MARK "'#" DMARK, 0 },
    { MARK "' AND SLEEP(3)-- -" DMARK, 0 },
    { MARK "' OR SLEEP(3)=0 OR '" DMARK, 0 },
    { "1' AND (SELECT 1 FROM (SELECT SLEEP(3))x)-- " MARK DMARK, 0 },
    { MARK "\" AND SLEEP(3) AND \"1\"=\"1" DMARK, 0 },
    { MARK "' AND BENCHMARK(50000000,MD5(1))-- " DMARK, 0 },
    { MARK "' UNION SELECT user,pass,1,2,3 FROM vicidial_users-- " DMARK, 0 },
    { MARK "') UNION ALL SELECT NULL,CONCAT(0x71,pass) FROM vicidial_users#" DMARK, 0 },
    { MARK "'; DROP TABLE phones; -- " DMARK, 0 },
    { MARK "\\'; DROP TABLE phones; #" DMARK, 0 },
    { "0x" MARK "27 OR 0x31=0x31 " DMARK, 0 },
    { MARK "\xbf' OR 1=1-- " DMARK, 0 },                        /* GBK-style quote */
    { MARK "%00%27%20OR%201%3D1--%20" DMARK, 1 },               /* NUL then quote */
    { MARK "%2527%20OR%201%3D1%20" DMARK, 1 },                  /* double-encoded */
    { MARK "%C0%A7%20OR%201%3D1" DMARK, 1 },                    /* overlong quote */
    { MARK "%E2%80%99%20OR%201%3D1" DMARK, 1 },                 /* U+2019 */
    { NULL, 0 },                                                /* the long one */
};
#define NPAYLOADS (sizeof PAYLOADS / sizeof PAYLOADS[0])

static const char *long_payload(void)
{
    static char buf[LONG_LEN + 64];
    if (!buf[0]) {
        size_t o = (size_t)snprintf(buf, sizeof buf, "%s", MARK);
        memset(buf + o, 'A', LONG_LEN);
        o += LONG_LEN;
        snprintf(buf + o, sizeof buf - o, "' OR SLEEP(3)-- %s", DMARK);
    }
    return buf;
}

static struct payload payload_at(size_t i)
{
    struct payload p = PAYLOADS[i];
    if (!p.text)
        p.text = long_payload();
    return p;
}

/* ---- the request ------------------------------------------------------ */

/* Every parameter add_phone reads, with a valid value. */
struct field {
    const char *name;
    const char *value;  /* NULL: per request (extension, dialplan, voicemail, login) */
};

static const struct field FIELDS[] = {
    { "source", "test" }, { "function", "add_phone" }, { "user", "6666" }, { "pass", "1234" },
    { "extension", NULL }, { "dialplan_number", NULL }, { "voicemail_id", NULL },
    { "phone_login", NULL }, { "phone_pass", "test" }, { "server_ip", "10.0.9.8" },
    { "protocol", "SIP" }, { "registration_password", "test" },
    { "phone_full_name", "Hostile Test" }, { "local_gmt", "-5.00" },
    { "outbound_cid", "7275551212" }, { "phone_context", "default" },
    { "email", "hostile@example.com" }, { "admin_user_group", "---ALL---" },
    { "is_webphone", "N" }, { "webphone_auto_answer", "Y" },
    { "use_external_server_ip", "N" }, { "template_id", "SIPdefault" },
    { "on_hook_agent", "N" },
};
#define NFIELDS (sizeof FIELDS / sizeof FIELDS[0])

static int serial;      /* unique extension per request within a test */

/* The query (or form body) of a valid add_phone for a new extension, with
 * field `target` (-1: none) replaced by payload p. */
static char *build_query(int target, const struct payload *p)
{
    struct buf b = { 0 };
    int n = serial++;

    for (int i = 0; i < (int)NFIELDS; i++) {
        char own[32];
        const char *v = FIELDS[i].value;
        if (!v) {
            snprintf(own, sizeof own, "%s%d", strcmp(FIELDS[i].name, "phone_login") == 0 ?
                                                  "hl" : "hx", n);
            v = own;
        }
        if (i)
            buf_puts(&b, "&");
        buf_puts(&b, FIELDS[i].name);
        buf_puts(&b, "=");
        if (i == target) {
            if (p->encoded)
                buf_puts(&b, p->text);
            else
                append_urlencoded(&b, p->text);
        } else {
            append_urlencoded(&b, v);
        }
    }
    return built(&b);
}

/* ---- soft checks: the general log must be turned off before failing --- */

struct tally {
    int requests, successes, logged, login_failures;
    int no_input_expected;  /* the payloads reach no parameter: no Execute row holds them */
    long api_rows;          /* vicidial_api_log rows after the last request */
    double max_elapsed;
    char slowest[160];
    int nproblems;
    struct buf problems;
};

static void problem(struct tally *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct tally *t, const char *fmt, ...)
{
    va_list ap;
    char line[600];

    if (++t->nproblems > 12)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    buf_puts(&t->problems, line);
    buf_puts(&t->problems, "\n");
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* One vicidial_api_log row for an answer VICIdial logs, none otherwise. */
static void expect_logged(struct tally *t, const char *what, const char *body, int logged)
{
    long rows = testdb_count(&scene->db, "SELECT COUNT(*) FROM vicidial_api_log");
    if (rows - t->api_rows != logged)
        problem(t, "%s: answered '%.60s', %ld vicidial_api_log rows written (expected %d)",
                what, body, rows - t->api_rows, logged);
    t->api_rows = rows;
}

/* Check one answer (4, 2) and count what it should have written (3). */
static void check_answer(struct tally *t, const char *what, int rc, const struct http_reply *r,
                         double elapsed, int must_succeed)
{
    t->requests++;
    if (elapsed > t->max_elapsed) {
        t->max_elapsed = elapsed;
        snprintf(t->slowest, sizeof t->slowest, "%s", what);
    }
    if (elapsed > MAX_ELAPSED)
        problem(t, "%s: answered in %.2f s (limit %.1f s)", what, elapsed, MAX_ELAPSED);
    if (rc != 0 || r->status != 200) {
        problem(t, "%s: HTTP status %d (rc %d)", what, r->status, rc);
        return;
    }
    if (r->body_len == 0 || r->body[r->body_len - 1] != '\n' ||
        !(starts(r->body, "SUCCESS: ") || starts(r->body, "ERROR: "))) {
        problem(t, "%s: not an API answer line: '%.120s'", what, r->body);
        return;
    }
    if (starts(r->body, "SUCCESS: ")) {
        char ext[LONG_LEN + 64] = "";
        t->successes++;
        t->logged++;
        /* SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|<ext>|... */
        const char *bar = strchr(r->body, '|');
        if (bar)
            snprintf(ext, sizeof ext, "%.*s", (int)strcspn(bar + 1, "|\n"), bar + 1);
        if (!starts(r->body, "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|"))
            problem(t, "%s: unexpected SUCCESS '%.120s'", what, r->body);
        /* the answer echoes the extension as filtered; the row holds it
         * cut to the column's width */
        else if (testdb_count(&scene->db, "SELECT COUNT(*) FROM phones WHERE extension <> ''"
                              " AND extension = LEFT('%s', (SELECT CHARACTER_MAXIMUM_LENGTH FROM"
                              " information_schema.COLUMNS WHERE TABLE_SCHEMA=DATABASE() AND"
                              " TABLE_NAME='phones' AND COLUMN_NAME='extension'))"
                              " AND server_ip='10.0.9.8'", ext) != 1)
            problem(t, "%s: SUCCESS for %s without its phones row", what, ext);
    } else if (starts(r->body, "ERROR: Login incorrect, please try again: |") ||
               starts(r->body, "ERROR: Too many login attempts")) {
        /* VICIdial answers a failed login without an API log row.  Reset
         * the failure count so that the next request is judged alone. */
        t->login_failures++;
        testdb_exec(&scene->db, "UPDATE vicidial_users SET failed_login_count=0 WHERE user='6666'");
        if (must_succeed)
            problem(t, "%s: '%.120s'", what, r->body);
    } else {
        t->logged++;
        if (must_succeed)
            problem(t, "%s: expected SUCCESS, got '%.120s'", what, r->body);
    }
    expect_logged(t, what, r->body, !(starts(r->body, "ERROR: Login incorrect, please try again: |") ||
                                      starts(r->body, "ERROR: Too many login attempts")));
}

/* ---- database state --------------------------------------------------- */

struct counts {
    long phones, servers, users, admin_log, api_log, api_urls, tables;
};

static void count_rows(struct counts *c)
{
    c->phones = testdb_count(&scene->db, "SELECT COUNT(*) FROM phones");
    c->servers = testdb_count(&scene->db, "SELECT COUNT(*) FROM servers");
    c->users = testdb_count(&scene->db, "SELECT COUNT(*) FROM vicidial_users");
    c->admin_log = testdb_count(&scene->db, "SELECT COUNT(*) FROM vicidial_admin_log");
    c->api_log = testdb_count(&scene->db, "SELECT COUNT(*) FROM vicidial_api_log");
    c->api_urls = testdb_count(&scene->db, "SELECT COUNT(*) FROM vicidial_api_urls");
    c->tables = testdb_count(&scene->db, "SELECT COUNT(*) FROM information_schema.TABLES"
                             " WHERE TABLE_SCHEMA=DATABASE()");
}

static void general_log_on(void)
{
    testdb_exec(&scene->db, "SET GLOBAL general_log=0");
    testdb_exec(&scene->db, "SET GLOBAL log_output='TABLE'");
    testdb_exec(&scene->db, "TRUNCATE TABLE mysql.general_log");
    testdb_exec(&scene->db, "SET GLOBAL general_log=1");
}

static void general_log_off(void)
{
    testdb_exec(&scene->db, "SET GLOBAL general_log=0");
}

/* Statement texts (not bound values) holding s, from the daemon's
 * connections: those whose executed statements carry the marker.  Other
 * test programs share the server (and may load SQL files that mention
 * DROP TABLE); only the daemon under test is judged. */
static const char LEAK_WHERE[] =
    "FROM mysql.general_log WHERE command_type IN ('Query','Prepare')"
    " AND thread_id <> CONNECTION_ID() AND INSTR(argument, '%s') > 0"
    " AND thread_id IN (SELECT thread_id FROM mysql.general_log"
    " WHERE command_type='Execute' AND INSTR(argument, '" MARK "') > 0)";

/* After a test's requests: the general log and the row counts. */
static void verify(struct tally *t, const struct counts *before)
{
    static const char *const NEEDLES[] = { MARK, DMARK, "SLEEP(", "BENCHMARK(", "UNION SELECT",
                                           "UNION ALL", "DROP TABLE", "0x31" };
    struct counts after;
    long executes;

    for (size_t i = 0; i < sizeof NEEDLES / sizeof NEEDLES[0]; i++) {
        char where[512];
        snprintf(where, sizeof where, LEAK_WHERE, NEEDLES[i]);
        long n = testdb_count(&scene->db, "SELECT COUNT(*) %s", where);
        if (n != 0) {
            char *ex = testdb_value(&scene->db, "SELECT CONCAT(command_type, ': ',"
                                    " LEFT(CONVERT(argument USING utf8mb3), 200)) %s LIMIT 1",
                                    where);
            problem(t, "statement text holds input (%s) in %ld general_log rows, e.g. %s",
                    NEEDLES[i], n, ex ? ex : "?");
            free(ex);
        }
    }
    executes = testdb_count(&scene->db, "SELECT COUNT(*) FROM mysql.general_log WHERE"
                            " command_type='Execute' AND thread_id <> CONNECTION_ID()"
                            " AND INSTR(argument, '%s') > 0", MARK);
    general_log_off();

    count_rows(&after);
    if (executes < 1 && !t->no_input_expected)
        problem(t, "no Execute row in the general log holds the marker: was the log on?");
    if (after.phones - before->phones != t->successes)
        problem(t, "phones grew by %ld rows for %d SUCCESS answers",
                after.phones - before->phones, t->successes);
    if (after.admin_log - before->admin_log != t->successes)
        problem(t, "vicidial_admin_log grew by %ld rows for %d SUCCESS answers",
                after.admin_log - before->admin_log, t->successes);
    if (after.servers != before->servers || after.users != before->users ||
        after.tables != before->tables)
        problem(t, "servers %ld->%ld, vicidial_users %ld->%ld, tables %ld->%ld",
                before->servers, after.servers, before->users, after.users, before->tables,
                after.tables);
    if (after.api_log - before->api_log != t->logged)
        problem(t, "vicidial_api_log grew by %ld rows for %d answers that log",
                after.api_log - before->api_log, t->logged);
    if (after.api_urls - before->api_urls != t->logged)
        problem(t, "vicidial_api_urls grew by %ld rows for %d answers that log",
                after.api_urls - before->api_urls, t->logged);
    fprintf(stderr, "%s: %d requests, %d SUCCESS, %d login failures, slowest %.3f s (%s)\n",
            scene->label, t->requests, t->successes, t->login_failures, t->max_elapsed,
            t->slowest);
    ck_assert_msg(t->nproblems == 0, "%d problem(s) in %d requests (%d SUCCESS):\n%s",
                  t->nproblems, t->requests, t->successes, built(&t->problems));
    buf_free(&t->problems);
}

/* ---- sending ---------------------------------------------------------- */

static int send_get(const char *query, struct http_reply *r, double *elapsed)
{
    struct buf target = { 0 };
    double t0 = now_s();
    int rc;

    buf_printf(&target, "%s?%s", API, query);
    rc = http_get(scene->daemon.port, built(&target), r);
    *elapsed = now_s() - t0;
    buf_free(&target);
    return rc;
}

static int send_post(const char *body, struct http_reply *r, double *elapsed)
{
    double t0 = now_s();
    int rc = http_post(scene->daemon.port, API, "application/x-www-form-urlencoded", body, r);
    *elapsed = now_s() - t0;
    return rc;
}

static void inject_parameters(int post)
{
    struct tally t = { 0 };
    struct counts before;

    count_rows(&before);
    t.api_rows = before.api_log;
    general_log_on();
    for (int f = 0; f < (int)NFIELDS; f++) {
        for (size_t i = 0; i < NPAYLOADS; i++) {
            struct payload p = payload_at(i);
            struct http_reply r;
            double elapsed;
            char what[128];
            char *q = build_query(f, &p);
            int rc = post ? send_post(q, &r, &elapsed) : send_get(q, &r, &elapsed);

            snprintf(what, sizeof what, "%s %s=payload#%zu", post ? "POST" : "GET",
                     FIELDS[f].name, i);
            check_answer(&t, what, rc, &r, elapsed, 0);
            http_reply_free(&r);
            free(q);
        }
    }
    verify(&t, &before);
}

START_TEST(injection_in_every_parameter_by_get)
{
    inject_parameters(0);
}
END_TEST

START_TEST(injection_in_every_parameter_by_post)
{
    inject_parameters(1);
}
END_TEST

/* A valid add_phone with the given headers (each "Name: value\r\n"). */
static int send_with_headers(int post, const char *headers, struct http_reply *r,
                             double *elapsed)
{
    struct buf req = { 0 };
    struct payload none = { "", 0 };
    char *q = build_query(-1, &none);
    double t0;
    int rc;

    if (post)
        buf_printf(&req, "POST %s HTTP/1.1\r\n%sContent-Type: application/x-www-form-urlencoded\r\n"
                  "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", API, headers, strlen(q), q);
    else
        buf_printf(&req, "GET %s?%s HTTP/1.1\r\n%sConnection: close\r\n\r\n", API, q, headers);
    t0 = now_s();
    rc = http_raw(scene->daemon.port, built(&req), req.len, r);
    *elapsed = now_s() - t0;
    buf_free(&req);
    free(q);
    return rc;
}

START_TEST(injection_in_headers)
{
    static const char *const NAMES[] = { "Host", "User-Agent", "X-Forwarded-For",
                                         "Authorization" };
    struct tally t = { 0 };
    struct counts before;

    count_rows(&before);
    t.api_rows = before.api_log;
    general_log_on();
    for (int post = 0; post < 2; post++) {
        for (size_t h = 0; h < sizeof NAMES / sizeof NAMES[0]; h++) {
            for (size_t i = 0; i < NPAYLOADS; i++) {
                struct payload p = payload_at(i);
                struct buf headers = { 0 };
                struct http_reply r;
                double elapsed;
                char what[128];
                int rc;

                if (h != 0)
                    buf_puts(&headers, "Host: localhost\r\n");
                if (h == 3) {
                    /* Basic credentials whose user name is the payload. */
                    struct buf cred = { 0 };
                    buf_printf(&cred, "%s:x", p.text);
                    char *b64 = base64(built(&cred));
                    buf_printf(&headers, "Authorization: Basic %s\r\n", b64);
                    free(b64);
                    buf_free(&cred);
                } else {
                    buf_printf(&headers, "%s: %s\r\n", NAMES[h], p.text);
                }
                rc = send_with_headers(post, built(&headers), &r, &elapsed);
                snprintf(what, sizeof what, "%s header %s=payload#%zu", post ? "POST" : "GET",
                         NAMES[h], i);
                /* Headers are not parameters: the valid request succeeds. */
                check_answer(&t, what, rc, &r, elapsed, 1);
                http_reply_free(&r);
                buf_free(&headers);
            }
        }
    }
    verify(&t, &before);
}
END_TEST

/* CVE-2024-8503: VICIdial's time-based SQL injection through the user name
 * of HTTP Basic credentials.  nonagentd takes credentials from the
 * parameters only; the header must change nothing and cost no time. */
START_TEST(cve_2024_8503_basic_auth_shape)
{
    static const char *const CREDS[] = {
        "6666' AND SLEEP(3)-- -:x",
        MARK "' AND SLEEP(3)-- -:" DMARK,
        "6666' AND (SELECT 1 FROM (SELECT SLEEP(3))a)-- -:1234",
        MARK "' UNION SELECT 1,2,3-- -:x",
    };
    /* Without credentials in the parameters, then with valid ones. */
    static const char *const QUERIES[] = {
        "source=test&function=add_phone",
        "source=test&function=version",
        NULL,   /* a valid add_phone */
    };
    struct tally t = { 0 };
    struct counts before;

    t.no_input_expected = 1;
    count_rows(&before);
    t.api_rows = before.api_log;
    general_log_on();
    for (size_t c = 0; c < sizeof CREDS / sizeof CREDS[0]; c++) {
        char *b64 = base64(CREDS[c]);
        for (size_t q = 0; q < sizeof QUERIES / sizeof QUERIES[0]; q++) {
            struct payload none = { "", 0 };
            char *query = QUERIES[q] ? strdup(QUERIES[q]) : build_query(-1, &none);
            struct buf req = { 0 };
            struct http_reply r;
            char what[128];
            double t0, elapsed;
            int rc;

            buf_printf(&req, "GET %s?%s HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic %s\r\n"
                      "Connection: close\r\n\r\n", API, query, b64);
            t0 = now_s();
            rc = http_raw(scene->daemon.port, built(&req), req.len, &r);
            elapsed = now_s() - t0;
            snprintf(what, sizeof what, "Basic '%s' with query #%zu", CREDS[c], q);
            if (q == 1) {
                /* version needs no login: its own line, logged */
                t.requests++;
                t.logged++;
                if (elapsed > MAX_ELAPSED)
                    problem(&t, "%s: %.2f s", what, elapsed);
                if (rc != 0 || r.status != 200 || !starts(r.body, "VERSION: 2.14-202|"))
                    problem(&t, "%s: %d '%.80s'", what, r.status, r.body ? r.body : "");
                expect_logged(&t, what, r.body ? r.body : "", 1);
            } else {
                check_answer(&t, what, rc, &r, elapsed, q == 2);
                if (q == 0 && rc == 0 &&
                    strcmp(r.body, "ERROR: Login incorrect, please try again: |||BAD|\n") != 0)
                    problem(&t, "%s: the Basic credentials were used: '%.120s'", what, r.body);
            }
            http_reply_free(&r);
            buf_free(&req);
            free(query);
        }
        free(b64);
    }
    verify(&t, &before);
}
END_TEST

/* A quote is data: the email filter keeps it, and it is stored as sent. */
START_TEST(email_with_quotes_is_stored_as_data)
{
    static const char *const EMAILS[] = {
        "o'brien." MARK "@example.com",
        MARK "' OR 1=1 -- @example.com",
        MARK "';DROP TABLE phones;--@x.com",
    };
    static const char *const STORED[] = {
        "o'brien." MARK "@example.com",
        MARK "' OR 11 -- @example.com",     /* '=' is not in email's set */
        MARK "'DROP TABLE phones--@x.com",  /* nor ';' */
    };
    struct tally t = { 0 };
    struct counts before;

    count_rows(&before);
    t.api_rows = before.api_log;
    general_log_on();
    for (int post = 0; post < 2; post++) {
        for (size_t i = 0; i < sizeof EMAILS / sizeof EMAILS[0]; i++) {
            struct payload p = { EMAILS[i], 0 };
            int n = serial;
            char *q = build_query(16, &p);
            struct http_reply r;
            double elapsed;
            char what[128];
            int rc;

            ck_assert_str_eq(FIELDS[16].name, "email");
            rc = post ? send_post(q, &r, &elapsed) : send_get(q, &r, &elapsed);
            snprintf(what, sizeof what, "%s email=%s", post ? "POST" : "GET", EMAILS[i]);
            check_answer(&t, what, rc, &r, elapsed, 1);
            http_reply_free(&r);
            free(q);
            char *email = testdb_value(&scene->db, "SELECT email FROM phones WHERE extension='hx%d'",
                                       n);
            if (!email || strcmp(email, STORED[i]) != 0)
                problem(&t, "%s: stored email '%s', expected '%s'", what, email ? email : "(none)",
                        STORED[i]);
            free(email);
        }
    }
    verify(&t, &before);
}
END_TEST

/* ---- secrets ---------------------------------------------------------- */

#define PMARK "pwMARK4471secret"

static void expect_no_pass_in_log(const struct daemon *d, const char *pass, long log_before)
{
    char *log = daemon_log(d);
    ck_assert_ptr_nonnull(log);
    ck_assert_msg((long)strlen(log) > log_before, "the daemon logged nothing for the requests");
    ck_assert_msg(strstr(log, pass) == NULL, "the password is in the daemon's log:\n%s",
                  strstr(log, pass));
    free(log);
}

static long log_size(const struct daemon *d)
{
    char *log = daemon_log(d);
    long n = log ? (long)strlen(log) : 0;
    free(log);
    return n;
}

START_TEST(pass_never_in_the_daemon_log)
{
    struct payload none = { "", 0 };
    long before = log_size(&scene->daemon);
    unsigned port = scene->daemon.port;

    for (int round = 0; round < 2; round++) {
        /* Round 0: a wrong password (login fails, the answer echoes it as
         * VICIdial does); round 1: the user's real password (SUCCESS). */
        if (round == 1)
            testdb_exec(&scene->db, "UPDATE vicidial_users SET pass='" PMARK "',"
                        " failed_login_count=0 WHERE user='6666'");
        for (int method = 0; method < 4; method++) {
            char *q = build_query(-1, &none);
            struct buf body = { 0 }, target = { 0 };
            struct http_reply r;
            char *at = strstr(q, "pass=1234");

            ck_assert_ptr_nonnull(at);
            /* pass=1234 -> pass=PMARK */
            buf_append(&body, q, (size_t)(at - q));
            buf_puts(&body, "pass=" PMARK);
            buf_puts(&body, at + strlen("pass=1234"));
            switch (method) {
            case 0:
                buf_printf(&target, "%s?%s", API, built(&body));
                ck_assert_int_eq(http_get(port, built(&target), &r), 0);
                break;
            case 1:
                ck_assert_int_eq(http_post(port, API, "application/x-www-form-urlencoded",
                                           built(&body), &r), 0);
                break;
            case 2: {
                /* multipart: the password in its own part */
                struct buf mp = { 0 };
                buf_puts(&mp, "--XyZb\r\nContent-Disposition: form-data; name=\"pass\"\r\n\r\n"
                        PMARK "\r\n--XyZb--\r\n");
                buf_printf(&target, "%s?%s", API, q);
                /* the query's pass=1234 would win: drop it from the query */
                char *qp = strstr(built(&target), "&pass=1234");
                memmove(qp, qp + strlen("&pass=1234"), strlen(qp + strlen("&pass=1234")) + 1);
                target.len -= strlen("&pass=1234");
                ck_assert_int_eq(http_post(port, built(&target), "multipart/form-data; boundary=XyZb",
                                           built(&mp), &r), 0);
                buf_free(&mp);
                break;
            }
            default:
                /* in a header that is too large: libmicrohttpd's own error
                 * message must not carry the request line either */
                buf_printf(&target, "GET %s?%s HTTP/1.1\r\nHost: localhost\r\nX-Pad: ", API, built(&body));
                for (int i = 0; i < 200 * 1024 / 64; i++)
                    buf_puts(&target, "0123456789012345678901234567890123456789012345678901234567890123");
                buf_puts(&target, "\r\nConnection: close\r\n\r\n");
                http_raw(port, built(&target), target.len, &r);
                ck_assert_msg(r.status == 0 || (r.status >= 400 && r.status < 500),
                              "oversized header: HTTP %d", r.status);
                break;
            }
            if (method < 3) {
                ck_assert_int_eq(r.status, 200);
                if (round == 1)
                    ck_assert_msg(starts(r.body, "SUCCESS: add_phone PHONE HAS BEEN ADDED"),
                                  "method %d: %s", method, r.body);
                else
                    ck_assert_msg(starts(r.body, "ERROR: Login incorrect"), "method %d: %s",
                                  method, r.body);
            }
            http_reply_free(&r);
            buf_free(&body);
            buf_free(&target);
            free(q);
        }
    }
    expect_no_pass_in_log(&scene->daemon, PMARK, before);
}
END_TEST

/* Daemons this test process started: killed if a check fails mid-test. */
static struct daemon *own_daemon;

static void kill_own_daemon(void)
{
    if (own_daemon && own_daemon->pid > 0) {
        kill(own_daemon->pid, SIGKILL);
        waitpid(own_daemon->pid, NULL, 0);
        own_daemon->pid = 0;
    }
}

static void hostile_setup(void)
{
    static int registered;
    fixture_setup();
    if (!registered) {
        atexit(kill_own_daemon);
        registered = 1;
    }
}

#define URL_PASS "S3cretPw77"

/* Requests whose password authenticates: each must get SUCCESS. */
static void send_password_requests(unsigned port)
{
    struct payload none = { "", 0 };
    /* How the password is given: name variants PHP decodes to "pass". */
    static const char *const SPELLINGS[] = {
        "pass=" URL_PASS,
        "pa%73s=" URL_PASS,
        "pass=wrong&pass=" URL_PASS,
        "pass=" URL_PASS "&",
    };

    for (int method = 0; method < 3; method++) {
        for (size_t s = 0; s < sizeof SPELLINGS / sizeof SPELLINGS[0]; s++) {
            char *q = build_query(-1, &none);
            struct buf with = { 0 }, target = { 0 };
            struct http_reply r;
            char *at = strstr(q, "pass=1234");

            buf_append(&with, q, (size_t)(at - q));
            buf_puts(&with, SPELLINGS[s]);
            buf_puts(&with, at + strlen("pass=1234"));
            if (method == 0) {
                buf_printf(&target, "%s?%s", API, built(&with));
                ck_assert_int_eq(http_get(port, built(&target), &r), 0);
            } else if (method == 1) {
                ck_assert_int_eq(http_post(port, API, "application/x-www-form-urlencoded",
                                           built(&with), &r), 0);
            } else {
                /* the same in the query and in the body: GET-AND-POST url */
                buf_printf(&target, "%s?%s", API, built(&with));
                ck_assert_int_eq(http_post(port, built(&target), "application/x-www-form-urlencoded",
                                           built(&with), &r), 0);
            }
            ck_assert_int_eq(r.status, 200);
            ck_assert_msg(starts(r.body, "SUCCESS: add_phone PHONE HAS BEEN ADDED"),
                          "method %d, %s: %s", method, SPELLINGS[s], r.body);
            http_reply_free(&r);
            buf_free(&with);
            buf_free(&target);
            free(q);
        }
    }
}

START_TEST(redact_url_pass_stores_xxxx)
{
    static struct daemon d;
    static const char *const ARGS[] = { "--redact-url-pass", NULL };
    long rows;

    testdb_exec(&scene->db, "UPDATE vicidial_users SET pass='" URL_PASS "' WHERE user='6666'");
    testdb_exec(&scene->db, "DELETE FROM vicidial_api_urls");
    own_daemon = &d;
    daemon_start(&d, &scene->db, scene->sql_mode, ARGS);
    send_password_requests(d.port);
    rows = testdb_count(&scene->db, "SELECT COUNT(*) FROM vicidial_api_urls");
    ck_assert_int_eq(rows, 12);
    ck_assert_int_eq(testdb_count(&scene->db, "SELECT COUNT(*) FROM vicidial_api_urls"
                                  " WHERE INSTR(url, '" URL_PASS "') > 0"), 0);
    ck_assert_int_eq(testdb_count(&scene->db, "SELECT COUNT(*) FROM vicidial_api_urls"
                                  " WHERE INSTR(url, '=XXXX') > 0"), rows);
    /* pass=wrong&pass=...: every pass value is redacted, not only PHP's */
    ck_assert_int_eq(testdb_count(&scene->db, "SELECT COUNT(*) FROM vicidial_api_urls"
                                  " WHERE INSTR(url, 'wrong') > 0"), 0);
    /* GET-AND-POST rows, the password redacted on both sides: the GET+POST
     * requests, and the POST-only ones (VICIdial stores their data twice) */
    ck_assert_int_eq(testdb_count(&scene->db, "SELECT COUNT(*) FROM vicidial_api_urls"
                                  " WHERE INSTR(url, '&GET-AND-POST=Y&') > 0"), 8);
    ck_assert_int_eq(daemon_stop(&d), 0);
    expect_no_pass_in_log(&d, URL_PASS, 0);
}
END_TEST

START_TEST(url_pass_kept_as_sent_by_default)
{
    testdb_exec(&scene->db, "UPDATE vicidial_users SET pass='" URL_PASS "' WHERE user='6666'");
    testdb_exec(&scene->db, "DELETE FROM vicidial_api_urls");
    send_password_requests(scene->daemon.port);
    ck_assert_int_eq(testdb_count(&scene->db, "SELECT COUNT(*) FROM vicidial_api_urls"), 12);
    ck_assert_int_eq(testdb_count(&scene->db, "SELECT COUNT(*) FROM vicidial_api_urls"
                                  " WHERE INSTR(url, '" URL_PASS "') > 0"), 12);
    ck_assert_int_eq(testdb_count(&scene->db, "SELECT COUNT(*) FROM vicidial_api_urls"
                                  " WHERE INSTR(url, 'XXXX') > 0"), 0);
    /* exactly as sent: the first GET's query, byte for byte */
    char *url = testdb_value(&scene->db, "SELECT url FROM vicidial_api_urls ORDER BY api_id LIMIT 1");
    ck_assert_ptr_nonnull(url);
    ck_assert_msg(strstr(url, "&user=6666&pass=" URL_PASS "&extension=hx0&") != NULL, "%s", url);
    free(url);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *inj = tcase_create("injection");
    TCase *sec = tcase_create("secrets");

    tcase_add_checked_fixture(inj, hostile_setup, fixture_teardown);
    tcase_set_timeout(inj, 240);
    tcase_add_test(inj, injection_in_every_parameter_by_get);
    tcase_add_test(inj, injection_in_every_parameter_by_post);
    tcase_add_test(inj, injection_in_headers);
    tcase_add_test(inj, cve_2024_8503_basic_auth_shape);
    tcase_add_test(inj, email_with_quotes_is_stored_as_data);
    suite_add_tcase(s, inj);

    tcase_add_checked_fixture(sec, hostile_setup, fixture_teardown);
    tcase_set_timeout(sec, 120);
    tcase_add_test(sec, pass_never_in_the_daemon_log);
    tcase_add_test(sec, redact_url_pass_stores_xxxx);
    tcase_add_test(sec, url_pass_kept_as_sent_by_default);
    suite_add_tcase(s, sec);
    return s;
}

int main(void)
{
    int failed = fixture_run_all("t_hostile", make_suite);
    struct testdb t;

    /* A test that failed half-way may have left the general log on. */
    testdb_connect(&t);
    testdb_exec(&t, "SET GLOBAL general_log=0");
    testdb_close(&t);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
