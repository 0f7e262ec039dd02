/*
 * fixture.h - the scene an API integration test runs in.
 *
 * A test program runs its whole suite once per storage scene: InnoDB
 * tables in strict sql_mode (this project's schema on a stock MariaDB),
 * then MyISAM tables with sql_mode='' (how VICIdial servers run).  For
 * each scene it creates a database from schema/vicidial.sql plus
 * schema/demo.sql, snapshots it, and starts one daemon; every test starts
 * from the snapshot again, on a connection of its own.
 */
#ifndef NONAGENTD_TEST_FIXTURE_H
#define NONAGENTD_TEST_FIXTURE_H

#include <check.h>
#include <stdarg.h>

#include "tests/support/daemon.h"
#include "tests/support/httpc.h"
#include "tests/support/suite.h"
#include "tests/support/testdb.h"

struct scene {
    const char *label;          /* "innodb-strict", "myisam-nonstrict" */
    const char *engine;         /* "InnoDB" or "MyISAM" */
    const char *sql_mode;
    struct testdb db;           /* this test's connection (set per test) */
    struct daemon daemon;
    char dbname[64];
};

extern struct scene *scene;     /* the running scene */

/* Run suite_fn's suite in every scene; returns the number of failures.
 * prefix names the databases (one per scene). */
int fixture_run_all(const char *prefix, Suite *(*suite_fn)(void));

/* Checked fixture: restore the snapshot and connect (add to every tcase). */
void fixture_setup(void);
void fixture_teardown(void);

/* A test case of s whose tests run between fixture_setup and
 * fixture_teardown (test_add_case in suite.h; timeout 0: Check's default). */
TCase *fixture_add_case(Suite *s, const char *name, double timeout);

/* Sleep ms milliseconds; seconds on the monotonic clock (for bounded
 * waits, never for timed assertions). */
void test_sleep_ms(long ms);
double test_now(void);

/* printf into a malloc'd string (tests may leak these: each test runs in
 * a short-lived forked process). */
char *test_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *test_vprintf(const char *fmt, va_list ap);

/* s with \n, \r and other control or non-ASCII bytes made visible, for
 * failure messages.  malloc'd. */
char *test_visible(const char *s);

/* Queries on the scene's database (scene->db), printf-style:
 * test_db_value: the first column of the first row, malloc'd (NULL for SQL
 * NULL or no row); test_db_count: the same as a number;
 * test_expect_db: assert the value is expected (NULL: SQL NULL or no row). */
char *test_db_value(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
long test_db_count(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test_expect_db(const char *expected, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* GET /vicidial/non_agent_api.php?<query>, asserting a reply came back. */
struct http_reply api_get(const char *query);

/* Body of api_get(query), malloc'd (status asserted 200). */
char *api_body(const char *query);

/* The seed request of VICIdial's own documentation, with overrides
 * appended ("&k=v..." or ""). */
char *api_add_phone(const char *extra);

#endif
