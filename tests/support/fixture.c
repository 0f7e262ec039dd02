/*
 * fixture.c - per-scene databases, snapshots and daemons (see fixture.h).
 */
#include "tests/support/fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Every table the schema creates: restored from the snapshot per test. */
static const char *const TABLES[] = {
    "phones", "servers", "vicidial_users", "vicidial_user_groups", "system_settings",
    "vicidial_conf_templates", "phones_alias", "vicidial_admin_log", "vicidial_api_log",
    "vicidial_webservers", "vicidial_urls", "vicidial_api_urls", "vicidial_ip_lists",
    "vicidial_ip_list_entries", "vicidial_two_factor_auth", "vicidial_pending_ar",
};
#define NTABLES (sizeof TABLES / sizeof TABLES[0])

static struct scene scenes[] = {
    { .label = "innodb-strict", .engine = "InnoDB",
      .sql_mode = "STRICT_TRANS_TABLES,STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
                  "NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION" },
    { .label = "myisam-nonstrict", .engine = "MyISAM", .sql_mode = "" },
};

struct scene *scene;

static void build_scene(struct scene *s, const char *prefix)
{
    struct testdb t;

    snprintf(s->dbname, sizeof s->dbname, "%s_%s", prefix, s->engine);
    testdb_connect(&t);
    testdb_create_demo(&t, s->dbname, s->engine);
    testdb_exec(&t, "DROP DATABASE IF EXISTS %s_snap", s->dbname);
    testdb_exec(&t, "CREATE DATABASE %s_snap", s->dbname);
    for (size_t i = 0; i < NTABLES; i++)
        testdb_exec(&t, "CREATE TABLE %s_snap.%s LIKE %s.%s; INSERT INTO %s_snap.%s SELECT * FROM %s.%s",
                    s->dbname, TABLES[i], s->dbname, TABLES[i], s->dbname, TABLES[i],
                    s->dbname, TABLES[i]);
    snprintf(t.name, sizeof t.name, "%s", s->dbname);
    daemon_start(&s->daemon, &t, s->sql_mode, NULL);
    testdb_close(&t);
}

int fixture_run_all(const char *prefix, Suite *(*suite_fn)(void))
{
    int failed = 0;

    for (size_t i = 0; i < sizeof scenes / sizeof scenes[0]; i++) {
        scene = &scenes[i];
        build_scene(scene, prefix);
        fprintf(stderr, "---- scene %s ----\n", scene->label);
        failed += test_run_suite(suite_fn());
        if (daemon_stop(&scene->daemon) != 0) {
            fprintf(stderr, "nonagentd did not stop cleanly in scene %s\n", scene->label);
            failed++;
        }
    }
    return failed;
}

TCase *fixture_add_case(Suite *s, const char *name, double timeout)
{
    return test_add_case(s, name, timeout, fixture_setup, fixture_teardown);
}

void fixture_setup(void)
{
    struct testdb *t = &scene->db;
    struct buf_sql { char s[8192]; size_t n; } sql = { .n = 0 };

    testdb_connect(t);
    testdb_exec(t, "USE %s", scene->dbname);
    snprintf(t->name, sizeof t->name, "%s", scene->dbname);
    sql.s[0] = '\0';
    for (size_t i = 0; i < NTABLES; i++)
        sql.n += (size_t)snprintf(sql.s + sql.n, sizeof sql.s - sql.n,
                                  "TRUNCATE TABLE %s; INSERT INTO %s SELECT * FROM %s_snap.%s;",
                                  TABLES[i], TABLES[i], scene->dbname, TABLES[i]);
    testdb_exec(t, "%s", sql.s);
}

void fixture_teardown(void)
{
    testdb_close(&scene->db);
}

struct http_reply api_get(const char *query)
{
    struct http_reply r;
    size_t len = strlen(query) + 64;
    char *target = malloc(len);

    snprintf(target, len, "/vicidial/non_agent_api.php?%s", query);
    ck_assert_msg(http_get(scene->daemon.port, target, &r) == 0, "no reply for %s", query);
    free(target);
    return r;
}

char *api_body(const char *query)
{
    struct http_reply r = api_get(query);
    char *body;

    ck_assert_int_eq(r.status, 200);
    body = strdup(r.body);
    http_reply_free(&r);
    return body;
}

char *api_add_phone(const char *extra)
{
    static const char seed[] =
        "source=test&function=add_phone&user=6666&pass=1234&extension=55000"
        "&dialplan_number=55000&voicemail_id=55000&phone_login=55000&phone_pass=test"
        "&server_ip=10.0.9.8&protocol=SIP&registration_password=test"
        "&phone_full_name=Extension+55000&local_gmt=-5.00&outbound_cid=7275551212";
    size_t len = sizeof seed + strlen(extra);
    char *q = malloc(len);
    char *body;

    snprintf(q, len, "%s%s", seed, extra);
    body = api_body(q);
    free(q);
    return body;
}

void test_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

double test_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *test_vprintf(const char *f, va_list ap)
{
    va_list ap2;
    int n;
    char *s;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, f, ap2);
    va_end(ap2);
    ck_assert(n >= 0);
    s = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(s);
    vsnprintf(s, (size_t)n + 1, f, ap);
    return s;
}

char *test_printf(const char *f, ...)
{
    va_list ap;
    char *s;

    va_start(ap, f);
    s = test_vprintf(f, ap);
    va_end(ap);
    return s;
}

char *test_visible(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n * 4 + 1), *o = out;

    ck_assert_ptr_nonnull(out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n') {
            *o++ = '\\';
            *o++ = 'n';
        } else if (c == '\r') {
            *o++ = '\\';
            *o++ = 'r';
        } else if (c < 0x20 || c >= 0x7f) {
            o += sprintf(o, "\\x%02x", c);
        } else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    return out;
}

char *test_db_value(const char *f, ...)
{
    va_list ap;
    char *sql, *v;

    va_start(ap, f);
    sql = test_vprintf(f, ap);
    va_end(ap);
    v = testdb_value(&scene->db, "%s", sql);
    free(sql);
    return v;
}

long test_db_count(const char *f, ...)
{
    va_list ap;
    char *sql;
    long n;

    va_start(ap, f);
    sql = test_vprintf(f, ap);
    va_end(ap);
    n = testdb_count(&scene->db, "%s", sql);
    free(sql);
    return n;
}

void test_expect_db(const char *expected, const char *f, ...)
{
    va_list ap;
    char *sql, *v;

    va_start(ap, f);
    sql = test_vprintf(f, ap);
    va_end(ap);
    v = testdb_value(&scene->db, "%s", sql);
    if (expected == NULL)
        ck_assert_msg(v == NULL, "[%s] %s\n  expected NULL\n  actual   \"%s\"", scene->label,
                      sql, test_visible(v));
    else
        ck_assert_msg(v != NULL && strcmp(v, expected) == 0,
                      "[%s] %s\n  expected \"%s\"\n  actual   %s%s%s", scene->label, sql,
                      test_visible(expected), v ? "\"" : "", v ? test_visible(v) : "NULL",
                      v ? "\"" : "");
    free(v);
    free(sql);
}
