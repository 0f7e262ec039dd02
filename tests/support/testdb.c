/*
 * testdb.c - the test programs' side of the harness MariaDB: finding it
 * (tests/harness/mariadb.sh leaves its socket and port in
 * $NONAGENTD_TESTDB_DIR), building a database from schema/vicidial.sql, and
 * running SQL.  Every failure stops the test program with a message that
 * says which statement failed, so a broken fixture is never mistaken for a
 * passing or failing test.
 */
#include "testdb.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef NONAGENTD_SOURCE_DIR
#error "NONAGENTD_SOURCE_DIR must name the source tree (CMake defines it)"
#endif

/* exit(1) rather than abort(): a fixture failure is not a crash worth a
 * core dump, and Check reports the early exit of a forked test. */
static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("testdb: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

const char *testdb_source_dir(void)
{
    return NONAGENTD_SOURCE_DIR;
}

/* printf into a malloc'd string. */
static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *s;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        die("bad format string \"%s\"", fmt);
    s = malloc((size_t)n + 1);
    if (!s)
        die("out of memory");
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

/* First line of DIR/NAME, without the newline. */
static void read_state_file(const char *dir, const char *name, char *buf, size_t size)
{
    char path[1024];
    FILE *f;
    size_t len;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "r");
    if (!f)
        die("cannot read %s (%s): is the test database running?  Start it with\n"
            "  %s/tests/harness/mariadb.sh start %s",
            path, strerror(errno), testdb_source_dir(), dir);
    if (!fgets(buf, (int)size, f))
        buf[0] = '\0';
    fclose(f);
    len = strlen(buf);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = '\0';
}

/* Database and engine names go into SQL text, so they must be plain
 * identifiers. */
static int is_identifier(const char *s, size_t max)
{
    size_t n = 0;

    for (; s[n]; n++)
        if (!(isalnum((unsigned char)s[n]) || s[n] == '_'))
            return 0;
    return n > 0 && n < max;
}

void testdb_connect(struct testdb *t)
{
    const char *dir = getenv("NONAGENTD_TESTDB_DIR");
    char portbuf[32];
    char *end;
    unsigned long port;
    unsigned timeout = 10;

    memset(t, 0, sizeof *t);
    if (!dir || !*dir)
        die("NONAGENTD_TESTDB_DIR is not set; start a server with\n"
            "  %s/tests/harness/mariadb.sh start DIR\n"
            "and run the test with NONAGENTD_TESTDB_DIR=DIR",
            testdb_source_dir());

    read_state_file(dir, "socket", t->socket, sizeof t->socket);
    read_state_file(dir, "port", portbuf, sizeof portbuf);
    errno = 0;
    port = strtoul(portbuf, &end, 10);
    if (errno || end == portbuf || *end || port == 0 || port > 65535)
        die("%s/port holds \"%s\", not a port number", dir, portbuf);
    t->port = (unsigned)port;
    snprintf(t->user, sizeof t->user, "root");
    t->pass[0] = '\0';

    t->conn = mysql_init(NULL);
    if (!t->conn)
        die("mysql_init failed (out of memory)");
    mysql_options(t->conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(t->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");

    /* The socket is quicker; the port is the fallback when there is none. */
    if (!mysql_real_connect(t->conn, t->socket[0] ? "localhost" : "127.0.0.1",
                            t->user, t->pass, NULL, t->port,
                            t->socket[0] ? t->socket : NULL,
                            CLIENT_MULTI_STATEMENTS))
        die("cannot connect to the test database (socket %s, port %u): %s\n"
            "Is \"%s/tests/harness/mariadb.sh start %s\" still running?",
            t->socket, t->port, mysql_error(t->conn), testdb_source_dir(), dir);
}

void testdb_close(struct testdb *t)
{
    if (t->conn)
        mysql_close(t->conn);
    t->conn = NULL;
}

/*
 * Splitting SQL text the way the server does, so that an error in the Nth
 * statement of a multi-statement query can be shown with its line number.
 * Statements end at ';' outside quotes and comments.
 */

/* Skips one comment or quoted string starting at p; returns p unchanged when
 * there is none. */
static const char *skip_quoted_or_comment(const char *p, const char *end)
{
    if (*p == '\'' || *p == '"' || *p == '`') {
        char q = *p++;

        while (p < end && *p != q) {
            if (*p == '\\' && q != '`' && p + 1 < end)
                p++;
            p++;
        }
        return p < end ? p + 1 : end;   /* '' inside a string is two strings */
    }
    if (*p == '#' || (*p == '-' && p + 2 < end && p[1] == '-' && isspace((unsigned char)p[2]))) {
        while (p < end && *p != '\n')
            p++;
        return p;
    }
    if (*p == '/' && p + 1 < end && p[1] == '*') {
        for (p += 2; p + 1 < end && !(p[0] == '*' && p[1] == '/'); p++)
            ;
        return p + 1 < end ? p + 2 : end;
    }
    return p;
}

/* Skips blanks and comments; returns the first character of real SQL (or
 * end). */
static const char *skip_blank(const char *p, const char *end)
{
    while (p < end) {
        const char *q;

        if (isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        if (*p == '\'' || *p == '"' || *p == '`')
            return p;
        /* Version comments (slash-star-bang, as mysqldump writes) hold SQL. */
        if (end - p >= 3 && (strncmp(p, "/*!", 3) == 0 ||
                             (end - p >= 4 && strncmp(p, "/*M!", 4) == 0)))
            return p;
        q = skip_quoted_or_comment(p, end);
        if (q == p)
            return p;
        p = q;
    }
    return end;
}

/* Where statement number idx (from 0) begins, or NULL when there are fewer. */
static const char *find_statement(const char *sql, size_t len, unsigned idx)
{
    const char *p = sql, *end = sql + len;

    for (;;) {
        p = skip_blank(p, end);
        if (p == end)
            return NULL;
        if (idx == 0)
            return p;
        while (p < end && *p != ';') {
            const char *q = skip_quoted_or_comment(p, end);

            p = (q == p) ? p + 1 : q;
        }
        if (p < end)
            p++;
        idx--;
    }
}

/* The end of the last real statement: anything after it is blanks and
 * comments, which the server would answer with "Query was empty". */
static size_t meaningful_length(const char *sql, size_t len)
{
    const char *p = sql, *end = sql + len, *last = sql;

    for (;;) {
        p = skip_blank(p, end);
        if (p == end)
            return (size_t)(last - sql);
        while (p < end && *p != ';') {
            const char *q = skip_quoted_or_comment(p, end);

            p = (q == p) ? p + 1 : q;
        }
        if (p < end)
            p++;
        last = p;
    }
}

static void sql_failed(struct testdb *t, const char *origin, const char *sql,
                       size_t len, unsigned idx) __attribute__((noreturn));
static void sql_failed(struct testdb *t, const char *origin, const char *sql,
                       size_t len, unsigned idx)
{
    const char *stmt = find_statement(sql, len, idx);
    unsigned line = 1;
    char excerpt[161];
    size_t n = 0;

    if (stmt) {
        for (const char *p = sql; p < stmt; p++)
            if (*p == '\n')
                line++;
        /* One line of the statement is enough to recognise it. */
        for (const char *p = stmt; p < sql + len && n < sizeof excerpt - 1 && *p != ';'; p++)
            excerpt[n++] = (*p == '\n' || *p == '\t') ? ' ' : *p;
    }
    excerpt[n] = '\0';
    die("%s: statement %u (line %u) failed: error %u (%s): %s\n  %s%s",
        origin, idx + 1, line, mysql_errno(t->conn), mysql_sqlstate(t->conn),
        mysql_error(t->conn), excerpt,
        n == sizeof excerpt - 1 ? " ..." : "");
}

/* Runs one or more statements and drains every result, so the connection is
 * ready for the next query. */
static void run_sql(struct testdb *t, const char *origin, const char *sql, size_t len)
{
    unsigned idx = 0;
    int rc;

    if (!t->conn)
        die("%s: not connected (call testdb_connect first)", origin);
    len = meaningful_length(sql, len);
    if (len == 0)
        return;
    rc = mysql_real_query(t->conn, sql, len);
    while (rc == 0) {
        MYSQL_RES *res = mysql_store_result(t->conn);

        if (res)
            mysql_free_result(res);
        else if (mysql_field_count(t->conn) != 0)
            sql_failed(t, origin, sql, len, idx);
        /* -1: no more results; 0: the next statement ran; >0: it failed */
        rc = mysql_next_result(t->conn);
        if (rc == -1)
            return;
        idx++;
    }
    sql_failed(t, origin, sql, len, idx);
}

void testdb_exec(struct testdb *t, const char *fmt, ...)
{
    va_list ap;
    char *sql;

    va_start(ap, fmt);
    sql = vformat(fmt, ap);
    va_end(ap);
    run_sql(t, "testdb_exec", sql, strlen(sql));
    free(sql);
}

void testdb_create_demo(struct testdb *t, const char *name, const char *engine)
{
    testdb_create(t, name, engine);
    testdb_exec_file(t, "schema/demo.sql");
}

/* A relative path that does not exist from the current directory is taken
 * relative to the source tree, so tests can name "schema/demo.sql" whatever
 * directory ctest runs them in. */
void testdb_exec_file(struct testdb *t, const char *path)
{
    char alt[1024];
    FILE *f = fopen(path, "rb");
    char *sql = NULL;
    size_t len = 0, cap = 0, n;

    if (!f && path[0] != '/') {
        snprintf(alt, sizeof alt, "%s/%s", testdb_source_dir(), path);
        f = fopen(alt, "rb");
        if (f)
            path = alt;
    }
    if (!f)
        die("cannot open %s: %s", path, strerror(errno));
    do {
        if (cap - len < 65536) {
            cap = cap ? cap * 2 : 65536 * 2;
            sql = realloc(sql, cap);
            if (!sql)
                die("out of memory reading %s", path);
        }
        n = fread(sql + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    if (ferror(f))
        die("cannot read %s", path);
    fclose(f);
    run_sql(t, path, sql, len);
    free(sql);
}

char *testdb_value(struct testdb *t, const char *fmt, ...)
{
    va_list ap;
    char *sql, *out = NULL;
    MYSQL_RES *res;
    MYSQL_ROW row;

    va_start(ap, fmt);
    sql = vformat(fmt, ap);
    va_end(ap);
    if (!t->conn)
        die("testdb_value: not connected (call testdb_connect first)");
    if (mysql_real_query(t->conn, sql, strlen(sql)))
        sql_failed(t, "testdb_value", sql, strlen(sql), 0);
    res = mysql_store_result(t->conn);
    if (!res) {
        if (mysql_field_count(t->conn) != 0)
            sql_failed(t, "testdb_value", sql, strlen(sql), 0);
        die("testdb_value: \"%s\" returns no result set", sql);
    }
    row = mysql_fetch_row(res);
    if (row && mysql_num_fields(res) > 0 && row[0]) {
        unsigned long vlen = mysql_fetch_lengths(res)[0];

        out = malloc(vlen + 1);
        if (!out)
            die("out of memory");
        memcpy(out, row[0], vlen);
        out[vlen] = '\0';
    }
    mysql_free_result(res);

    /* Anything after the first statement still has to be read. */
    for (unsigned idx = 1; mysql_more_results(t->conn); idx++) {
        if (mysql_next_result(t->conn) > 0)
            sql_failed(t, "testdb_value", sql, strlen(sql), idx);
        res = mysql_store_result(t->conn);
        if (res)
            mysql_free_result(res);
    }
    free(sql);
    return out;
}

long testdb_count(struct testdb *t, const char *fmt, ...)
{
    va_list ap;
    char *sql, *v, *end;
    long n;

    va_start(ap, fmt);
    sql = vformat(fmt, ap);
    va_end(ap);
    v = testdb_value(t, "%s", sql);
    if (!v) {
        free(sql);
        return -1;
    }
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || end == v || *end)
        die("testdb_count: \"%s\" gave \"%s\", not an integer", sql, v);
    free(v);
    free(sql);
    return n;
}

void testdb_create(struct testdb *t, const char *name, const char *engine)
{
    char path[1024];
    char **tables = NULL;
    size_t ntables = 0;
    MYSQL_RES *res;
    MYSQL_ROW row;

    if (!is_identifier(name, sizeof t->name))
        die("testdb_create: \"%s\" is not a usable database name", name);
    if (engine && !is_identifier(engine, 64))
        die("testdb_create: \"%s\" is not an engine name", engine);

    testdb_exec(t, "DROP DATABASE IF EXISTS `%s`", name);
    testdb_exec(t, "CREATE DATABASE `%s` CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci", name);
    if (mysql_select_db(t->conn, name))
        die("cannot select database %s: %s", name, mysql_error(t->conn));
    snprintf(t->name, sizeof t->name, "%s", name);

    snprintf(path, sizeof path, "%s/schema/vicidial.sql", testdb_source_dir());
    testdb_exec_file(t, path);

    if (!engine || strcasecmp(engine, "InnoDB") == 0)
        return;

    /* Read the whole list first: a result set must be finished before the
     * connection can run the ALTERs. */
    if (mysql_query(t->conn,
                    "SELECT TABLE_NAME FROM information_schema.TABLES"
                    " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"))
        die("listing the tables of %s: %s", name, mysql_error(t->conn));
    res = mysql_store_result(t->conn);
    if (!res)
        die("listing the tables of %s: %s", name, mysql_error(t->conn));
    tables = calloc(mysql_num_rows(res) + 1, sizeof *tables);
    if (!tables)
        die("out of memory");
    while ((row = mysql_fetch_row(res)))
        if (!(tables[ntables++] = strdup(row[0])))
            die("out of memory");
    mysql_free_result(res);

    for (size_t i = 0; i < ntables; i++) {
        testdb_exec(t, "ALTER TABLE `%s` ENGINE=%s", tables[i], engine);
        free(tables[i]);
    }
    free(tables);

    /* Without NO_ENGINE_SUBSTITUTION an unknown engine silently becomes the
     * default one; make sure the conversion really happened. */
    if (testdb_count(t, "SELECT COUNT(*) FROM information_schema.TABLES"
                        " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"
                        " AND ENGINE <> '%s'", engine) != 0)
        die("testdb_create: not every table of %s became %s", name, engine);
}
