/*
 * pool.c - the per-thread MariaDB connection and its statement cache.
 *
 * Invariants:
 *  - a struct db belongs to exactly one thread (thread-local), so nothing
 *    here takes a lock;
 *  - a cached MYSQL_STMT always belongs to the current db->conn: dropping
 *    the connection drops the whole cache;
 *  - a statement is retried on a new connection only while the request
 *    has not executed a write (db->wrote) and holds no session state
 *    (db->pins), so no write ever runs twice and none runs without the
 *    named locks its checks were made under;
 *  - a connection lost while pinned sets db->lost, which fails every
 *    statement of the rest of the request without reconnecting;
 *  - the connection speaks the character set VICIdial's would (see
 *    db_speak_as_vicidial), on every connection the thread opens.
 */
#include "db/pool.h"

#include <errno.h>
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STMT_CACHE_MAX 96
#define COL_INITIAL_CAP 256

struct cached_stmt {
    const char *sql;     /* the caller's static SQL text: compared by address */
    MYSQL_STMT *stmt;
};

struct db {
    MYSQL *conn;
    struct cached_stmt cache[STMT_CACHE_MAX];
    int ncache;
    int wrote;
    unsigned pins;       /* enum db_pin bits the request holds */
    int lost;            /* the connection died while pinned */
    unsigned long serial;   /* connections opened by this thread */
    unsigned err;
    char errmsg[256];
    int non_latin;           /* the mode the connection is to speak for */
    const char *speaking;    /* its character set now (a static name) */
    char *colbuf[DB_MAX_COLS];
    unsigned long colcap[DB_MAX_COLS];
    unsigned long collen[DB_MAX_COLS];
    my_bool colnull[DB_MAX_COLS];
};

static struct db_params params;
static atomic_ulong stat_open, stat_connects, stat_connect_failures, stat_errors, stat_statements;
static pthread_key_t db_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;
static _Thread_local struct db *thread_db;

static void db_destroy(void *p);

static void make_key(void)
{
    pthread_key_create(&db_key, db_destroy);
}

void db_configure(const struct db_params *p)
{
    params = *p;
    mysql_library_init(0, NULL, NULL);
    pthread_once(&db_key_once, make_key);
}

double db_wait_slice(void)
{
    return (params.rw_timeout ? params.rw_timeout : 30) / 3.0;
}

static void set_error(struct db *db, unsigned err, const char *msg)
{
    db->err = err;
    snprintf(db->errmsg, sizeof db->errmsg, "%s", msg ? msg : "");
}

/* Errors after which the connection is gone and must be reopened. */
static int is_connection_error(unsigned err)
{
    switch (err) {
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case CR_COMMANDS_OUT_OF_SYNC:
    case ER_SERVER_SHUTDOWN:
    case ER_CONNECTION_KILLED:
    case 4031: /* ER_CLIENT_INTERACTION_TIMEOUT */
        return 1;
    default:
        return 0;
    }
}

static void drop_connection(struct db *db)
{
    for (int i = 0; i < db->ncache; i++)
        mysql_stmt_close(db->cache[i].stmt);
    db->ncache = 0;
    if (db->conn) {
        mysql_close(db->conn);
        atomic_fetch_sub(&stat_open, 1);
    }
    db->conn = NULL;
}

/* The connection failed under a statement: drop it, and if the request
 * held session state there, that state is gone and the request must stop. */
static void lose_connection(struct db *db)
{
    drop_connection(db);
    if (db->pins) {
        db->pins = 0;
        db->lost = 1;
    }
}

static int apply_sql_mode(struct db *db)
{
    MYSQL_STMT *st = mysql_stmt_init(db->conn);
    static const char sql[] = "SET SESSION sql_mode = ?";
    MYSQL_BIND b;
    unsigned long len = strlen(params.sql_mode);
    int rc = -1;

    if (!st)
        return -1;
    memset(&b, 0, sizeof b);
    b.buffer_type = MYSQL_TYPE_STRING;
    b.buffer = (void *)params.sql_mode;
    b.length = &len;
    if (mysql_stmt_prepare(st, sql, sizeof sql - 1) == 0 &&
        mysql_stmt_bind_param(st, &b) == 0 && mysql_stmt_execute(st) == 0)
        rc = 0;
    else
        set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
    mysql_stmt_close(st);
    return rc;
}

/* The server's own reason a connect failed ("Access denied for user ...",
 * "Can't connect ..."; it never holds the password), on standard error:
 * once, then again only when it changes or after CONNECT_LOG_REPEAT_S, so
 * a database that stays down does not flood the log. */
#define CONNECT_LOG_REPEAT_S 60
static void log_connect_failure(unsigned err, const char *msg)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static char last[256];
    static time_t last_at;
    time_t now = time(NULL);
    int say;

    pthread_mutex_lock(&lock);
    say = strcmp(last, msg) != 0 || now - last_at >= CONNECT_LOG_REPEAT_S;
    if (say) {
        snprintf(last, sizeof last, "%s", msg);
        last_at = now;
    }
    pthread_mutex_unlock(&lock);
    if (say)
        fprintf(stderr, "nonagentd: database connect failed: %s (error %u)\n", msg, err);
}

/* The character set VICIdial's PHP connection uses: mysqli takes the one
 * of the server's handshake (its default character set at start-up, not
 * a later SET GLOBAL), and non-latin mode sends SET NAMES 'UTF8', which
 * MariaDB reads as utf8mb3.  NULL when the client library does not know
 * the handshake's number. */
static const char *vicidial_charset(const struct db *db)
{
    const MARIADB_CHARSET_INFO *cs;

    if (db->non_latin)
        return "utf8mb3";
    cs = mariadb_get_charset_by_nr(db->conn->server_language);
    return cs ? cs->csname : NULL;
}

/* Switch the connection to vicidial_charset() when it speaks another.  A set
 * the server refuses for a client (ucs2, utf16, utf32) or that the library
 * does not know leaves it on utf8mb3, said once on stderr. */
static int speak_vicidial_charset(struct db *db)
{
    static atomic_int told;
    const char *want = vicidial_charset(db);

    if (want && strcmp(want, db->speaking) == 0)
        return 0;
    if (want && mysql_set_character_set(db->conn, want) == 0) {
        db->speaking = mysql_character_set_name(db->conn);
        return 0;
    }
    if (want && is_connection_error(mysql_errno(db->conn))) {
        set_error(db, mysql_errno(db->conn), mysql_error(db->conn));
        return -1;
    }
    if (!atomic_exchange(&told, 1))
        fprintf(stderr, "nonagentd: cannot talk to the database in its default character set"
                " (handshake number %u): using utf8mb3\n", db->conn->server_language);
    return 0;
}

static int open_connection(struct db *db)
{
    unsigned ct = params.connect_timeout ? params.connect_timeout : 2;
    unsigned rw = params.rw_timeout ? params.rw_timeout : 30;
    my_bool no = 0;
    const char *socket = params.socket && *params.socket ? params.socket : NULL;

    db->conn = mysql_init(NULL);
    if (!db->conn) {
        set_error(db, CR_OUT_OF_MEMORY, "out of memory");
        return -1;
    }
    mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    mysql_options(db->conn, MYSQL_OPT_READ_TIMEOUT, &rw);
    mysql_options(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &rw);
    mysql_options(db->conn, MYSQL_OPT_RECONNECT, &no);
    /* utf8mb3 until the mode is known: VICIdial's tables are utf8mb3. */
    mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb3");
    /* CLIENT_FOUND_ROWS (below): an UPDATE reports the rows it matched, so
     * "the row is there" can be told from "the row was already so". */
    if (!mysql_real_connect(db->conn, socket ? NULL : params.host, params.user,
                            params.pass, params.name, socket ? 0 : params.port,
                            socket, CLIENT_FOUND_ROWS)) {
        set_error(db, mysql_errno(db->conn), mysql_error(db->conn));
        log_connect_failure(db->err, db->errmsg);
        mysql_close(db->conn);
        db->conn = NULL;
        atomic_fetch_add(&stat_connect_failures, 1);
        return -1;
    }
    atomic_fetch_add(&stat_open, 1);
    atomic_fetch_add(&stat_connects, 1);
    db->serial++;
    db->speaking = mysql_character_set_name(db->conn);
    if ((params.sql_mode_set && apply_sql_mode(db) != 0) || speak_vicidial_charset(db) != 0) {
        drop_connection(db);
        return -1;
    }
    return 0;
}

static void db_destroy(void *p)
{
    struct db *db = p;
    if (!db)
        return;
    drop_connection(db);
    for (int i = 0; i < DB_MAX_COLS; i++)
        free(db->colbuf[i]);
    free(db);
    mysql_thread_end();
}

struct db *db_thread(void)
{
    struct db *db = thread_db;

    if (!db) {
        db = calloc(1, sizeof *db);
        if (!db)
            return NULL;
        mysql_thread_init();
        thread_db = db;
        pthread_setspecific(db_key, db);
    }
    if (!db->conn && open_connection(db) != 0)
        return NULL;
    return db;
}

void db_thread_close(void)
{
    struct db *db = thread_db;
    if (!db)
        return;
    thread_db = NULL;
    pthread_setspecific(db_key, NULL);
    db_destroy(db);
}

enum db_status db_speak_as_vicidial(struct db *db, int non_latin, int *switched)
{
    int reopened = !db->conn;
    const char *before = db->speaking;

    *switched = 0;
    db->non_latin = non_latin != 0;
    if (reopened && open_connection(db) != 0)
        return DB_DOWN;
    if (speak_vicidial_charset(db) != 0) {
        drop_connection(db);
        return DB_DOWN;
    }
    *switched = reopened || strcmp(before, db->speaking) != 0;
    return DB_OK;
}

void db_request_begin(struct db *db)
{
    db->wrote = 0;
    db->pins = 0;
    db->lost = 0;
    db->err = 0;
    db->errmsg[0] = '\0';
}

void db_pin(struct db *db, enum db_pin what)
{
    db->pins |= (unsigned)what;
}

void db_unpin(struct db *db, enum db_pin what)
{
    db->pins &= ~(unsigned)what;
}

unsigned db_pins(const struct db *db)
{
    return db->pins;
}

unsigned long db_connection_serial(const struct db *db)
{
    return db->serial;
}

int db_lost(const struct db *db)
{
    return db->lost;
}

void db_resume(struct db *db)
{
    db->lost = 0;
}

static MYSQL_STMT *prepared(struct db *db, const char *sql)
{
    MYSQL_STMT *st;

    for (int i = 0; i < db->ncache; i++)
        if (db->cache[i].sql == sql)
            return db->cache[i].stmt;
    st = mysql_stmt_init(db->conn);
    if (!st) {
        set_error(db, mysql_errno(db->conn), mysql_error(db->conn));
        return NULL;
    }
    if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
        set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
        mysql_stmt_close(st);
        return NULL;
    }
    if (db->ncache == STMT_CACHE_MAX) {   /* never in practice: a bug guard */
        mysql_stmt_close(db->cache[0].stmt);
        memmove(db->cache, db->cache + 1, sizeof db->cache[0] * (STMT_CACHE_MAX - 1));
        db->ncache--;
    }
    db->cache[db->ncache].sql = sql;
    db->cache[db->ncache].stmt = st;
    db->ncache++;
    return st;
}

static int bind_and_execute(struct db *db, MYSQL_STMT *st, const struct db_arg *args, int nargs)
{
    MYSQL_BIND b[DB_MAX_ARGS];
    unsigned long len[DB_MAX_ARGS];
    my_bool null[DB_MAX_ARGS];

    if (nargs > DB_MAX_ARGS || (unsigned long)nargs != mysql_stmt_param_count(st)) {
        set_error(db, CR_INVALID_PARAMETER_NO, "parameter count mismatch");
        return -1;
    }
    memset(b, 0, sizeof(MYSQL_BIND) * (size_t)(nargs ? nargs : 1));
    for (int i = 0; i < nargs; i++) {
        null[i] = args[i].s == NULL;
        len[i] = (unsigned long)args[i].len;
        b[i].buffer_type = MYSQL_TYPE_STRING;
        b[i].buffer = (void *)(args[i].s ? args[i].s : "");
        b[i].buffer_length = len[i];
        b[i].length = &len[i];
        b[i].is_null = &null[i];
    }
    if ((nargs && mysql_stmt_bind_param(st, b) != 0) || mysql_stmt_execute(st) != 0) {
        set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
        return -1;
    }
    return 0;
}

static long long monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Prepare (cached) and execute, with one retry on a new connection when the
 * old one turned out dead and nothing has been written yet. */
static enum db_status run(struct db *db, const char *sql, const struct db_arg *args,
                          int nargs, int is_write, MYSQL_STMT **out)
{
    if (db->lost) {
        set_error(db, CR_SERVER_LOST, "connection lost while the request held named locks"
                  " or a transaction");
        return DB_DOWN;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        MYSQL_STMT *st;
        long long began = monotonic_ms();

        if (!db->conn && open_connection(db) != 0)
            return DB_DOWN;
        st = prepared(db, sql);
        atomic_fetch_add(&stat_statements, 1);
        if (st && bind_and_execute(db, st, args, nargs) == 0) {
            if (is_write)
                db->wrote = 1;
            *out = st;
            return DB_OK;
        }
        atomic_fetch_add(&stat_errors, 1);
        if (!is_connection_error(db->err)) {
            if (st)
                mysql_stmt_reset(st);
            return DB_ERROR;
        }
        if (db->wrote || is_write || db->pins) {
            lose_connection(db);
            return DB_DOWN;
        }
        drop_connection(db);
        /* A server that went away fails at once; one that stopped answering
         * fails after the read timeout, and asking again would only double
         * the wait past --db-timeout. */
        if (monotonic_ms() - began >= (long long)(params.rw_timeout ? params.rw_timeout : 30) * 500)
            return DB_DOWN;
    }
    return DB_DOWN;
}

enum db_status db_exec(struct db *db, const char *sql, const struct db_arg *args,
                       int nargs, unsigned long long *affected,
                       unsigned long long *insert_id)
{
    MYSQL_STMT *st;
    enum db_status s = run(db, sql, args, nargs, 1, &st);

    if (s != DB_OK)
        return s;
    if (affected)
        *affected = (unsigned long long)mysql_stmt_affected_rows(st);
    if (insert_id)
        *insert_id = (unsigned long long)mysql_stmt_insert_id(st);
    return DB_OK;
}

static int grow_column(struct db *db, int i, unsigned long need)
{
    char *p;
    if (db->colcap[i] >= need + 1)
        return 0;
    p = realloc(db->colbuf[i], need + 1);
    if (!p)
        return -1;
    db->colbuf[i] = p;
    db->colcap[i] = need + 1;
    return 0;
}

static enum db_status fetch_first_row(struct db *db, MYSQL_STMT *st, struct db_row *row, int *found)
{
    MYSQL_BIND b[DB_MAX_COLS];
    unsigned ncols = mysql_stmt_field_count(st);
    int rc;

    *found = 0;
    row->ncols = 0;
    if (ncols == 0 || ncols > DB_MAX_COLS) {
        set_error(db, CR_UNKNOWN_ERROR, "unexpected column count");
        mysql_stmt_free_result(st);
        return DB_ERROR;
    }
    memset(b, 0, sizeof(MYSQL_BIND) * ncols);
    for (unsigned i = 0; i < ncols; i++) {
        if (grow_column(db, (int)i, COL_INITIAL_CAP) != 0)
            return DB_ERROR;
        b[i].buffer_type = MYSQL_TYPE_STRING;
        b[i].buffer = db->colbuf[i];
        b[i].buffer_length = db->colcap[i] - 1;
        b[i].length = &db->collen[i];
        b[i].is_null = &db->colnull[i];
    }
    if (mysql_stmt_bind_result(st, b) != 0 || mysql_stmt_store_result(st) != 0) {
        set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
        mysql_stmt_free_result(st);
        return is_connection_error(db->err) ? (lose_connection(db), DB_DOWN) : DB_ERROR;
    }
    rc = mysql_stmt_fetch(st);
    if (rc == 0 || rc == MYSQL_DATA_TRUNCATED) {
        for (unsigned i = 0; i < ncols; i++) {
            if (!db->colnull[i] && db->collen[i] > b[i].buffer_length) {
                /* A value longer than the buffer: fetch it whole. */
                if (grow_column(db, (int)i, db->collen[i]) != 0) {
                    mysql_stmt_free_result(st);
                    return DB_ERROR;
                }
                b[i].buffer = db->colbuf[i];
                b[i].buffer_length = db->colcap[i] - 1;
                mysql_stmt_fetch_column(st, &b[i], i, 0);
            }
            db->colbuf[i][db->colnull[i] ? 0 : db->collen[i]] = '\0';
            row->col[i] = db->colnull[i] ? NULL : db->colbuf[i];
            row->len[i] = db->colnull[i] ? 0 : db->collen[i];
        }
        row->ncols = (int)ncols;
        *found = 1;
    } else if (rc != MYSQL_NO_DATA) {
        set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
        mysql_stmt_free_result(st);
        return DB_ERROR;
    }
    mysql_stmt_free_result(st);
    return DB_OK;
}

enum db_status db_row(struct db *db, const char *sql, const struct db_arg *args,
                      int nargs, struct db_row *row, int *found)
{
    MYSQL_STMT *st;
    enum db_status s = run(db, sql, args, nargs, 0, &st);

    if (s != DB_OK)
        return s;
    return fetch_first_row(db, st, row, found);
}

enum db_status db_count(struct db *db, const char *sql, const struct db_arg *args,
                        int nargs, long long *out)
{
    struct db_row row;
    int found;
    enum db_status s = db_row(db, sql, args, nargs, &row, &found);

    if (s != DB_OK)
        return s;
    *out = (found && row.col[0]) ? strtoll(row.col[0], NULL, 10) : 0;
    return DB_OK;
}

void db_stats(struct db_stats *out)
{
    out->open = atomic_load(&stat_open);
    out->connects = atomic_load(&stat_connects);
    out->connect_failures = atomic_load(&stat_connect_failures);
    out->errors = atomic_load(&stat_errors);
    out->statements = atomic_load(&stat_statements);
}

enum db_status db_alive(struct db *db)
{
    static const char sql[] = "SELECT 1";
    long long one = 0;
    return db_count(db, sql, NULL, 0, &one);
}

unsigned db_last_errno(struct db *db)
{
    return db ? db->err : 0;
}

const char *db_last_error(struct db *db)
{
    return db ? db->errmsg : "no connection";
}
