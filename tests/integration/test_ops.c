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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/daemon.h"
#include "tests/support/httpc.h"
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

static Suite *ops_suite(void)
{
    Suite *s = suite_create("ops");
    TCase *tc = tcase_create("process");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, second_daemon_on_a_busy_address_exits_1_with_one_line);
    tcase_add_test(tc, every_line_the_daemon_logs_at_start_and_stop_is_prefixed);
    tcase_add_test(tc, config_file_without_a_database_line_gets_a_warning_naming_it);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    char path[1024];
    SRunner *sr;
    int failed;

    testdb_connect(&harness);
    testdb_create(&harness, DB_NAME, NULL);
    snprintf(path, sizeof path, "%s/schema/demo.sql", testdb_source_dir());
    testdb_exec_file(&harness, path);

    sr = srunner_create(ops_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    testdb_close(&harness);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
