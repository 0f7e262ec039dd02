/*
 * testdb.h - the private MariaDB that the test harness starts, seen from a test.
 *
 * tests/harness/mariadb.sh writes the server's socket path and port into
 * $NONAGENTD_TESTDB_DIR; these helpers read them, create a fresh database
 * for one test program from schema/vicidial.sql, and run statements.
 */
#ifndef NONAGENTD_TESTDB_H
#define NONAGENTD_TESTDB_H

#include <mysql.h>

struct testdb {
    char socket[512];
    unsigned port;
    char user[64];
    char pass[64];
    char name[64];      /* database created for this test program */
    MYSQL *conn;        /* connected to name */
};

/* Connect to the harness server; no database selected yet.  Aborts the
 * test program (with a message) when the harness is not running. */
void testdb_connect(struct testdb *t);

/* DROP and CREATE database `name` (utf8mb3_unicode_ci, as VICIdial), load
 * schema/vicidial.sql into it and select it.  engine "MyISAM" converts every
 * table after loading; NULL or "InnoDB" keeps the schema as written. */
void testdb_create(struct testdb *t, const char *name, const char *engine);

/* testdb_create, then schema/demo.sql loaded on top: the API user
 * 6666/1234 and the two servers that most tests start from. */
void testdb_create_demo(struct testdb *t, const char *name, const char *engine);

/* Run SQL (several statements allowed); aborts on error. */
void testdb_exec(struct testdb *t, const char *fmt, ...);

/* Run SQL from a file (several statements allowed); aborts on error. */
void testdb_exec_file(struct testdb *t, const char *path);

/* First column of the first row as a malloc'd string; NULL for SQL NULL or
 * no row.  Caller frees. */
char *testdb_value(struct testdb *t, const char *fmt, ...);

/* COUNT-style helper: the first column parsed as a long (-1 on NULL). */
long testdb_count(struct testdb *t, const char *fmt, ...);

void testdb_close(struct testdb *t);

/* Absolute path of the source tree (set by CMake as NONAGENTD_SOURCE_DIR). */
const char *testdb_source_dir(void);

#endif
