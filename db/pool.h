/*
 * pool.h - one MariaDB connection per worker thread, and prepared statements.
 *
 * Each libmicrohttpd worker owns one connection, opened on its first
 * request and kept for the life of the thread; statements are prepared
 * once per connection and reused.  No SQL text is ever built from input:
 * every value travels as a bound parameter.
 *
 * Errors are values: DB_OK, DB_ERROR (the statement failed, the connection
 * is fine) or DB_DOWN (no connection could be had).  A statement that loses
 * the connection before the request has written anything, and while the
 * request holds nothing in the connection's session, is retried once on a
 * fresh connection, so a restarted database costs no request.  A request
 * that holds session state (named locks, an open transaction: see db_pin)
 * is pinned to its connection: once that connection is lost, the state is
 * gone with it, and every later statement of the request answers DB_DOWN
 * without reconnecting, so nothing runs as if the locks were still held.
 */
#ifndef NONAGENTD_DB_POOL_H
#define NONAGENTD_DB_POOL_H

#include <stddef.h>
#include <string.h>

#include "util/utf8.h"

enum db_status { DB_OK = 0, DB_ERROR = -1, DB_DOWN = -2 };

struct db_params {
    const char *host, *user, *pass, *name, *socket, *sql_mode;
    unsigned port;
    int sql_mode_set;
    unsigned connect_timeout;   /* seconds */
    unsigned rw_timeout;        /* seconds, per network read or write */
};

/* Set once at start-up, before any worker runs. */
void db_configure(const struct db_params *p);

struct db;

/* The calling thread's connection, connected if need be; NULL when the
 * database cannot be reached (the request then answers 503). */
struct db *db_thread(void);

/* Close the calling thread's connection (thread exit, tests). */
void db_thread_close(void);

/* Talk to the database in the character set VICIdial's connection uses in
 * this mode, so that raw request text is stored as VICIdial stores it: in
 * latin mode the server's default character set (mysqli takes it from the
 * handshake), in non-latin mode utf8mb3 (VICIdial's SET NAMES 'UTF8').
 * Connections the thread opens later speak it too.  *switched is 1 when the
 * connection changed its set (or was reopened): values read before were
 * read in the other set.  Costs a round trip only when the set changes.
 *
 * Comparisons keep their indexes in any of these sets: every value the
 * daemon compares with a column is filtered (ASCII in latin mode), and a
 * bound parameter (coercible) is converted to the column's utf8mb3, never
 * the column to the parameter's set; MariaDB does so for utf8mb4 too
 * (tests/integration/test_charset.c compares every statement's plan with
 * the one it has on a utf8mb3 connection). */
enum db_status db_speak_as_vicidial(struct db *db, int non_latin, int *switched);

/* Mark the start of a request: statements may be retried on a new
 * connection until the first write. */
void db_request_begin(struct db *db);

/* Session state a request can hold on its connection. */
enum db_pin { DB_PIN_LOCKS = 1, DB_PIN_TX = 2 };

/* The request now holds (db_pin) or no longer holds (db_unpin) that state.
 * While any is held, a lost connection is never replaced within the
 * request: the failing statement and every later one answer DB_DOWN, until
 * the next db_request_begin or an explicit db_resume. */
void db_pin(struct db *db, enum db_pin what);
void db_unpin(struct db *db, enum db_pin what);

/* The state the request still holds (DB_PIN_* bits): at the end of a
 * request, anything left here is a path that forgot to release it. */
unsigned db_pins(const struct db *db);

/* A number that changes whenever the thread's connection is replaced, for
 * what is read once per connection. */
unsigned long db_connection_serial(const struct db *db);

/* 1 when the connection was lost while the request held session state. */
int db_lost(const struct db *db);

/* After such a loss, allow statements again (on a new connection): for a
 * caller whose next writes need none of the lost state and are safe to
 * repeat. */
void db_resume(struct db *db);

#define DB_MAX_ARGS 32
#define DB_MAX_COLS 24

/* A bound value: a byte string (NULL s = SQL NULL). */
struct db_arg {
    const char *s;
    size_t len;
};

#define DB_STR(x) db_str(x)
static inline struct db_arg db_str(const char *s)
{
    return (struct db_arg){ s, s ? strlen(s) : 0 };
}

#define DB_STRN(x, n) ((struct db_arg){ (x), (n) })

/* One fetched row: column values as NUL-terminated strings (NULL for SQL
 * NULL), valid until the next statement on this connection. */
struct db_row {
    int ncols;
    const char *col[DB_MAX_COLS];
    size_t len[DB_MAX_COLS];
};

/* Run a statement that returns no rows.  affected / insert_id may be NULL. */
enum db_status db_exec(struct db *db, const char *sql, const struct db_arg *args,
                       int nargs, unsigned long long *affected,
                       unsigned long long *insert_id);

/* Run a query and fetch its first row; *found is 0 when there was none. */
enum db_status db_row(struct db *db, const char *sql, const struct db_arg *args,
                      int nargs, struct db_row *row, int *found);

/* Run a query whose first column of the first row is a number (COUNT(*)). */
enum db_status db_count(struct db *db, const char *sql, const struct db_arg *args,
                        int nargs, long long *out);

/* Process-wide pool counters, for /metrics. */
struct db_stats {
    unsigned long open;              /* connections held now */
    unsigned long connects;          /* successful connects, ever */
    unsigned long connect_failures;
    unsigned long errors;            /* statements that failed */
    unsigned long statements;        /* statements executed */
};
void db_stats(struct db_stats *out);

/* Does the database answer (SELECT 1)? */
enum db_status db_alive(struct db *db);

/* The longest a statement may make the server wait before answering (a
 * GET_LOCK's timeout), in seconds: a third of the read timeout
 * (--db-timeout), so that a wait is never taken for a frozen database. */
double db_wait_slice(void);

/* MariaDB error number of the last failed statement (0 if none). */
unsigned db_last_errno(struct db *db);
const char *db_last_error(struct db *db);

/* s bound as a VARCHAR(width) column stores it: cut to width characters
 * (NULL stays SQL NULL). */
static inline struct db_arg db_cut(const char *s, size_t width)
{
    if (!s)
        return (struct db_arg){ NULL, 0 };
    return (struct db_arg){ s, utf8_prefix_chars(s, strlen(s), width) };
}

#endif
