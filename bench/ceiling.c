/*
 * bench/ceiling.c - the database's ceiling for add_phone: the SQL of one
 * successful add_phone, issued over N connections with no HTTP and no
 * request parsing, for a fixed time.  bench/run.sh builds and runs it
 * beside the daemon, on the same database, in the same run.
 *
 *   ceiling -S SOCKET [-u USER] [-p PASS] [-D DB] -c CONNS (-d SECONDS | -n CALLS)
 *           -m nonagentd|nonagentd-error|nonagentd-17|vicidial|vicidial-connect
 *           -t TAG
 *           [-s SERVER_IP] [-U API_USER] [-W API_PASS] [-P HTTP_PORT]
 *
 * Modes:
 *   nonagentd          the 9 or 10 prepared statements nonagentd runs for
 *                      one successful add_phone, read from db/ and server/ and
 *                      checked against the server's general log
 *                      (bench/suite.sh saves that trace): the first read
 *                      (preamble.c: settings, the login test returning the
 *                      user's row and rights, and whether the server
 *                      exists),
 *                      last-login update (users.c; left out, as the daemon
 *                      does, when the first read finds the row holding
 *                      this second's login from this IP already), GET_LOCK pair
 *                      (locks.c), both duplicate counts in one read
 *                      (phones.c), START TRANSACTION (tx.c), phone insert
 *                      (phones.c), admin log insert (logs.c), servers
 *                      rebuild update (servers.c), api log insert resolving
 *                      the webserver and url ids with scalar subqueries, api
 *                      url insert (logs.c), COMMIT (tx.c), RELEASE_ALL_LOCKS
 *                      (locks.c): the InnoDB sequence; each
 *                      prepared once per connection and executed with
 *                      string parameters, as db/pool.c does;
 *   nonagentd-error    the 3 or 4 prepared statements nonagentd runs for
 *                      add_phone's SERVER DOES NOT EXIST answer (what
 *                      bench/server_error.lua asks): the first read (with a
 *                      server count of 0), last-login update (or not, as
 *                      above), api log insert, api url insert;
 *   nonagentd-17       the 17 statements of the same call before commit
 *                      e67fcf6 ("Fewer round trips": auth count, API user
 *                      row and permission count apart; extension and login
 *                      counts apart; webserver and url lookups and the api
 *                      log insert apart);
 *   vicidial           VICIdial 2.14's own 17 statements for the same call
 *                      (settings read, server gmt, settings re-read in
 *                      auth, auth count, last_login update, API user row,
 *                      permission count, server count, extension count,
 *                      login count, insert, admin log insert, servers
 *                      update, webserver select, url select, api log
 *                      insert, api url insert) as
 *                      text-protocol queries with escaped values, on a
 *                      connection kept open;
 *   vicidial-connect   the same, with a new connection per call, as
 *                      mod_php's non-persistent mysqli does.
 *
 * VICIdial's INSERT leaves template_id (NOT NULL, no default) out, which
 * only a non-strict sql_mode accepts, as VICIdial's servers run: the
 * vicidial modes set the session's sql_mode to NO_ENGINE_SUBSTITUTION when
 * they connect (in vicidial-connect that is one more statement per call).
 *
 * Every call uses a fresh extension and login (TAG + thread + counter), so
 * every call is a successful add_phone.  With -n each connection makes
 * CALLS calls and stops, whatever the time: bench/run.sh runs -c 1 -n 1
 * with the server's general log on, to compare the statements with the
 * daemon's.  Prints one line:
 *   CEILING mode=... conns=N seconds=S calls=C calls_per_s=R errors=E
 *           unexpected=U p50_ms=A p99_ms=B
 * errors counts failed statements, unexpected counts calls whose reads did
 * not give a successful add_phone's answers (a lock not granted, a count
 * not 0, an insert that did not add one row).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 999                      /* 3 digits of thread id */
#define CLIENT_IP "127.0.0.1"              /* the daemon's clients, wrk and curl */
#define MAX_CALLS_PER_THREAD 9999999ULL    /* a bound besides the clock; 7 digits */
#define HIST_BUCKETS 100000                /* 10 us each: up to 1 s */
#define MAX_COLS 24

/* ---- options ---------------------------------------------------------- */

static struct {
    const char *socket, *user, *pass, *db, *mode, *tag;
    const char *server_ip, *api_user, *api_pass;
    unsigned http_port;
    int conns;
    double seconds;
    unsigned long long calls;   /* -n: calls per connection instead of a time */
} opt = {
    .socket = NULL, .user = "root", .pass = "", .db = "asterisk", .mode = "nonagentd",
    .tag = "c", .server_ip = "10.0.9.8", .api_user = "6666", .api_pass = "1234",
    .http_port = 8080, .conns = 1, .seconds = 10, .calls = 0,
};

enum mode { MODE_NONAGENTD, MODE_NONAGENTD_ERROR, MODE_NONAGENTD_17, MODE_VICIDIAL, MODE_VICIDIAL_CONNECT };
static enum mode mode;

static char hostname[256];
static char webserver_name[] = "127.0.0.1";   /* SERVER_NAME from wrk's Host header */
static char api_page[256];                     /* http://127.0.0.1:PORT/vicidial/... */

/* ---- shared results --------------------------------------------------- */

static _Atomic unsigned long long hist[HIST_BUCKETS + 1];
static atomic_ullong total_calls, total_errors, total_unexpected;
static atomic_int first_error_printed;
static pthread_barrier_t ready;
static struct timespec deadline;
static atomic_int start_failed;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int past_deadline(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec > deadline.tv_sec ||
           (t.tv_sec == deadline.tv_sec && t.tv_nsec >= deadline.tv_nsec);
}

/* Print the first failure only; the caller counts failed calls. */
static void note_error(const char *what, const char *msg)
{
    if (atomic_exchange(&first_error_printed, 1) == 0)
        fprintf(stderr, "ceiling: %s: %s\n", what, msg);
}

static MYSQL *connect_db(void)
{
    MYSQL *m = mysql_init(NULL);
    unsigned ct = 5;
    if (!m)
        return NULL;
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8");
    if (mode == MODE_VICIDIAL || mode == MODE_VICIDIAL_CONNECT)
        mysql_options(m, MYSQL_INIT_COMMAND, "SET SESSION sql_mode='NO_ENGINE_SUBSTITUTION'");
    if (!mysql_real_connect(m, NULL, opt.user, opt.pass, opt.db, 0, opt.socket,
                            CLIENT_FOUND_ROWS)) {
        note_error("connect", mysql_error(m));
        mysql_close(m);
        return NULL;
    }
    return m;
}

static void now_text(char *out, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm);
}

/* The values of call number n on thread tid: what bench/add_phone.lua sends. */
struct call_values {
    char ext[32];          /* extension = login = dialplan_number */
    char fullname[48];
    char query[768];       /* the request's query string */
    char url[1024];        /* apiURL as api_log stores it */
    char event_sql[1024];  /* the INSERT text VICIdial logs */
    char notes[96];
    char data[128];
    char now[32];
};

static void make_values(struct call_values *v, int tid, unsigned long long n)
{
    /* phones.login is VARCHAR(15): a 5-character tag, 3 digits of thread
     * and up to 7 of counter fit; main() checks the bounds. */
    snprintf(v->ext, sizeof v->ext, "%s%03d%llu", opt.tag, tid, n);
    snprintf(v->fullname, sizeof v->fullname, "Bench %s", v->ext);
    snprintf(v->query, sizeof v->query,
             "source=bench&function=add_phone&user=%s&pass=%s&extension=%s"
             "&dialplan_number=%s&voicemail_id=55000&phone_login=%s&phone_pass=test"
             "&server_ip=%s&protocol=SIP&registration_password=test"
             "&phone_full_name=Bench+%s&local_gmt=-5.00&outbound_cid=7275551212",
             opt.api_user, opt.api_pass, v->ext, v->ext, v->ext, opt.server_ip, v->ext);
    snprintf(v->url, sizeof v->url, "%s?%s", api_page, v->query);
    snprintf(v->event_sql, sizeof v->event_sql,
             "INSERT INTO phones SET  extension='%s', dialplan_number='%s',"
             " voicemail_id='55000', login='%s', pass='test', server_ip='%s',"
             " protocol='SIP', conf_secret='test', fullname='%s', local_gmt='-5.00',"
             " outbound_cid='7275551212', phone_context='default', email='', active='Y',"
             " status='ACTIVE', user_group='---ALL---'     |",
             v->ext, v->ext, v->ext, opt.server_ip, v->fullname);
    snprintf(v->notes, sizeof v->notes, "phone: %s|%s", v->ext, opt.server_ip);
    snprintf(v->data, sizeof v->data, "%s|%s|SIP|%s", v->ext, opt.server_ip, v->ext);
    now_text(v->now, sizeof v->now);
}

/* ---- nonagentd mode: prepared statements, as db/pool.c runs them ------- */

/* The statement texts, copied from db/settings.c, db/users.c, db/servers.c,
 * db/locks.c, db/phones.c and db/logs.c. */
static const char SQL_SETTINGS[] =
    "SELECT use_non_latin, allow_web_debug, webroot_writable, pass_hash_enabled,"
    " pass_key, pass_cost, allow_ip_lists, system_ip_blacklist,"
    " two_factor_auth_hours, two_factor_container, enable_auto_reports"
    " FROM system_settings LIMIT 1";
/* db/preamble.c: the settings, the login test and the server, one read. */
static const char SQL_SETTINGS_LOGIN[] =
    "SELECT s.use_non_latin, s.allow_web_debug, s.webroot_writable, s.pass_hash_enabled,"
    " s.pass_key, s.pass_cost, s.allow_ip_lists, s.system_ip_blacklist,"
    " s.two_factor_auth_hours, s.two_factor_container, s.enable_auto_reports,"
    " u.api_allowed_functions, u.user_group,"
    " (u.vdc_agent_api_access='1' AND u.ast_admin_access='1' AND u.user_level >= 8),"
    " (u.vdc_agent_api_access='1' AND u.ast_delete_phones='1' AND u.user_level >= 8),"
    " (u.last_login_date = NOW() AND u.failed_login_count = 0), u.last_ip,"
    " u.user_id,"
    " (sv.server_ip IS NOT NULL)"
    " FROM system_settings s LEFT JOIN vicidial_users u ON u.user=? AND u.pass=?"
    " AND u.user_level > 6 AND u.active='Y' AND ((u.failed_login_count < 10)"
    " OR (UNIX_TIMESTAMP(u.last_login_date) < ?))"
    " LEFT JOIN servers sv ON sv.server_ip=? LIMIT 1";
/* Before e67fcf6: count, then the API row, then the permission count. */
static const char SQL_AUTH_PLAIN[] =
    "SELECT count(*) FROM vicidial_users WHERE user=? AND pass=? AND user_level > 6"
    " AND active='Y' AND ((failed_login_count < 10)"
    " OR (UNIX_TIMESTAMP(last_login_date) < ?))";
static const char SQL_NOTE_LOGIN[] =
    "UPDATE vicidial_users SET last_login_date=NOW(), last_ip=?, failed_login_count=0"
    " WHERE user=?";
static const char SQL_API_ROW[] =
    "SELECT api_allowed_functions, user_group FROM vicidial_users"
    " WHERE user=? AND active='Y'";
static const char SQL_RIGHT_ADMIN[] =
    "SELECT count(*) FROM vicidial_users WHERE user=? AND vdc_agent_api_access='1'"
    " AND ast_admin_access='1' AND user_level >= 8 AND active='Y'";
static const char SQL_SERVER_COUNT[] =
    "SELECT count(*) FROM servers WHERE server_ip=?";
static const char SQL_LOCK_PHONE[] =
    "SELECT GET_LOCK(CONCAT('nonagentd.ext.', SHA1(CONCAT(WEIGHT_STRING("
    "CONVERT(? USING utf8mb3) COLLATE utf8mb3_unicode_ci), '|', WEIGHT_STRING("
    "CONVERT(? USING utf8mb3) COLLATE utf8mb3_unicode_ci)))), ?),"
    " GET_LOCK(CONCAT('nonagentd.login.', SHA1(WEIGHT_STRING("
    "CONVERT(? USING utf8mb3) COLLATE utf8mb3_unicode_ci))), ?)";
static const char SQL_EXTENSION_COUNT[] =
    "SELECT count(*) FROM phones WHERE extension=? AND server_ip=?";
static const char SQL_LOGIN_COUNT[] =
    "SELECT count(*) FROM phones WHERE login=?";
static const char SQL_TAKEN_COUNTS[] =
    "SELECT (SELECT count(*) FROM phones WHERE extension=? AND server_ip=?),"
    " (SELECT count(*) FROM phones WHERE login=?)";
static const char SQL_PHONE_INSERT[] =
    "INSERT INTO phones SET extension=?, dialplan_number=?, voicemail_id=?, login=?,"
    " pass=?, server_ip=?, protocol=?, conf_secret=?, fullname=?, local_gmt=?,"
    " outbound_cid=?, phone_context=?, email=?, active='Y', status='ACTIVE',"
    " user_group=?,"
    " is_webphone=COALESCE(?, DEFAULT(is_webphone)),"
    " webphone_auto_answer=COALESCE(?, DEFAULT(webphone_auto_answer)),"
    " use_external_server_ip=COALESCE(?, DEFAULT(use_external_server_ip)),"
    " template_id=?,"
    " on_hook_agent=COALESCE(?, DEFAULT(on_hook_agent))";
static const char SQL_RELEASE_ALL[] = "SELECT RELEASE_ALL_LOCKS()";
/* tx.c: on tables with transactions (the suite's InnoDB schema), a phone's
 * writes and the api log commit together, the named locks kept until then */
static const char SQL_BEGIN[] = "START TRANSACTION";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ADMIN_LOG[] =
    "INSERT INTO vicidial_admin_log SET event_date=?, user=?, ip_address=?,"
    " event_section=?, event_type=?, record_id=?, event_code=?, event_sql=?,"
    " event_notes=?";
static const char SQL_MARK_REBUILD[] =
    "UPDATE servers SET rebuild_conf_files='Y' WHERE generate_vicidial_conf='Y'"
    " AND active_asterisk_server='Y' AND server_ip=?";
static const char SQL_WEBSERVER_FIND[] =
    "SELECT webserver_id FROM vicidial_webservers WHERE webserver=? AND hostname=? LIMIT 1";
static const char SQL_WEBSERVER_ADD[] =
    "INSERT INTO vicidial_webservers SET webserver=?, hostname=?";
static const char SQL_URL_FIND[] =
    "SELECT url_id FROM vicidial_urls WHERE url=? LIMIT 1";
static const char SQL_URL_ADD[] =
    "INSERT INTO vicidial_urls SET url=?";
/* logs.c: the API log's rows are written non-strict (raw request text is
 * stored as a non-strict server converts it); both rows in one compound
 * statement that looks up the ids the log row points at into variables
 * and takes the url row's api_id from LAST_INSERT_ID(); when a webserver
 * or url row is missing, the block signals ER_SIGNAL_EXCEPTION and adds
 * nothing, and the ids are looked up, or added, for the plain inserts. */
#define AS_NON_STRICT "SET STATEMENT sql_mode='' FOR "
/* The api log row's columns but the two ids it points at. */
#define API_LOG_INSERT                                                                \
    AS_NON_STRICT "INSERT INTO vicidial_api_log SET user=?, agent_user=?, function=?, value=?," \
    " result=?, result_reason=?, source=?, data=?, api_date=?, api_script='non-agent',"      \
    " run_time=?,"
static const char SQL_API_LOG_PAIR_RESOLVING[] =
    "BEGIN NOT ATOMIC"
    " DECLARE log_webserver BIGINT UNSIGNED DEFAULT (SELECT webserver_id FROM vicidial_webservers"
    " WHERE webserver=? AND hostname=? LIMIT 1);"
    " DECLARE log_url BIGINT UNSIGNED DEFAULT (SELECT url_id FROM vicidial_urls WHERE url=?"
    " LIMIT 1);"
    " IF log_webserver IS NULL OR log_url IS NULL THEN"
    " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT='a row the API log points at is missing';"
    " END IF; "
    API_LOG_INSERT " webserver=log_webserver, api_url=log_url; "
    AS_NON_STRICT "INSERT INTO vicidial_api_urls SET api_id=LAST_INSERT_ID(), api_date=NOW(),"
    " remote_ip=?, url=?; "
    "END";
static const char SQL_API_LOG[] = API_LOG_INSERT " webserver=?, api_url=?";
static const char SQL_API_URL[] =
    AS_NON_STRICT "INSERT INTO vicidial_api_urls SET api_id=?, api_date=NOW(), remote_ip=?, url=?";

enum {
    S_SETTINGS, S_AUTH, S_NOTE_LOGIN, S_API_ROW, S_RIGHT, S_SERVER_COUNT, S_LOCK,
    S_EXT_COUNT, S_LOGIN_COUNT, S_INSERT, S_RELEASE, S_ADMIN_LOG, S_REBUILD,
    S_WS_FIND, S_WS_ADD, S_URL_FIND, S_URL_ADD, S_API_LOG, S_API_URL,
    S_TAKEN, S_API_LOG_PAIR_RESOLVING, S_SETTINGS_LOGIN, S_BEGIN, S_COMMIT, S_COUNT
};
static const char *const STMT_SQL[S_COUNT] = {
    SQL_SETTINGS, SQL_AUTH_PLAIN, SQL_NOTE_LOGIN, SQL_API_ROW, SQL_RIGHT_ADMIN,
    SQL_SERVER_COUNT, SQL_LOCK_PHONE, SQL_EXTENSION_COUNT, SQL_LOGIN_COUNT,
    SQL_PHONE_INSERT, SQL_RELEASE_ALL, SQL_ADMIN_LOG, SQL_MARK_REBUILD,
    SQL_WEBSERVER_FIND, SQL_WEBSERVER_ADD, SQL_URL_FIND, SQL_URL_ADD, SQL_API_LOG,
    SQL_API_URL, SQL_TAKEN_COUNTS, SQL_API_LOG_PAIR_RESOLVING, SQL_SETTINGS_LOGIN, SQL_BEGIN,
    SQL_COMMIT,
};

struct row {
    int found;
    int ncols;
    char col[MAX_COLS][256];
    my_bool null[MAX_COLS];
    unsigned long len[MAX_COLS];
};

struct worker {
    int tid;
    pthread_t thread;
    MYSQL *m;
    MYSQL_STMT *st[S_COUNT];
    unsigned long long ws_id, url_id;   /* looked up per call, as the daemon does */
};

/* Execute a prepared statement with string parameters (NULL: SQL NULL);
 * fetch the first row of a result, as db/pool.c does.  0 on success, -1 on
 * an error, 1 on the error expected_errno (when not 0), which is not
 * reported. */
static int exec_stmt(struct worker *w, int which, const char *const *vals, int n,
                     struct row *row, unsigned long long *affected,
                     unsigned long long *insert_id, unsigned expected_errno)
{
    MYSQL_STMT *st = w->st[which];
    MYSQL_BIND b[24];
    unsigned long len[24];
    my_bool null[24];

    memset(b, 0, sizeof b);
    for (int i = 0; i < n; i++) {
        null[i] = vals[i] == NULL;
        len[i] = vals[i] ? (unsigned long)strlen(vals[i]) : 0;
        b[i].buffer_type = MYSQL_TYPE_STRING;
        b[i].buffer = (void *)(vals[i] ? vals[i] : "");
        b[i].buffer_length = len[i];
        b[i].length = &len[i];
        b[i].is_null = &null[i];
    }
    if ((n && mysql_stmt_bind_param(st, b) != 0) || mysql_stmt_execute(st) != 0) {
        unsigned e = mysql_stmt_errno(st);
        if (!(expected_errno && e == expected_errno))
            note_error(STMT_SQL[which], mysql_stmt_error(st));
        mysql_stmt_reset(st);
        return expected_errno && e == expected_errno ? 1 : -1;
    }
    if (affected)
        *affected = (unsigned long long)mysql_stmt_affected_rows(st);
    if (insert_id)
        *insert_id = (unsigned long long)mysql_stmt_insert_id(st);
    if (row) {
        unsigned ncols = mysql_stmt_field_count(st);
        MYSQL_BIND rb[MAX_COLS];
        int rc;

        row->found = 0;
        row->ncols = (int)ncols;
        if (ncols == 0 || ncols > MAX_COLS) {
            note_error(STMT_SQL[which], "unexpected column count");
            mysql_stmt_free_result(st);
            return -1;
        }
        memset(rb, 0, sizeof rb);
        for (unsigned i = 0; i < ncols; i++) {
            rb[i].buffer_type = MYSQL_TYPE_STRING;
            rb[i].buffer = row->col[i];
            rb[i].buffer_length = sizeof row->col[i] - 1;
            rb[i].length = &row->len[i];
            rb[i].is_null = &row->null[i];
        }
        if (mysql_stmt_bind_result(st, rb) != 0 || mysql_stmt_store_result(st) != 0) {
            note_error(STMT_SQL[which], mysql_stmt_error(st));
            mysql_stmt_free_result(st);
            return -1;
        }
        rc = mysql_stmt_fetch(st);
        if (rc == 0 || rc == MYSQL_DATA_TRUNCATED) {
            for (unsigned i = 0; i < ncols; i++) {
                unsigned long l = row->len[i] < sizeof row->col[i] - 1
                                      ? row->len[i] : sizeof row->col[i] - 1;
                row->col[i][row->null[i] ? 0 : l] = '\0';
            }
            row->found = 1;
        } else if (rc != MYSQL_NO_DATA) {
            note_error(STMT_SQL[which], mysql_stmt_error(st));
            mysql_stmt_free_result(st);
            return -1;
        }
        mysql_stmt_free_result(st);
    }
    return 0;
}

static int run_stmt(struct worker *w, int which, const char *const *vals, int n,
                    struct row *row, unsigned long long *affected,
                    unsigned long long *insert_id)
{
    return exec_stmt(w, which, vals, n, row, affected, insert_id, 0);
}

static int prepare_all(struct worker *w)
{
    for (int i = 0; i < S_COUNT; i++) {
        w->st[i] = mysql_stmt_init(w->m);
        if (!w->st[i] || mysql_stmt_prepare(w->st[i], STMT_SQL[i], strlen(STMT_SQL[i])) != 0) {
            note_error(STMT_SQL[i], w->st[i] ? mysql_stmt_error(w->st[i]) : "out of memory");
            return -1;
        }
    }
    return 0;
}

static long long as_count(const struct row *r)
{
    return r->found && !r->null[0] ? strtoll(r->col[0], NULL, 10) : -1;
}

/* find_or_add of db/logs.c: a lookup, an insert only the first time. */
static int find_or_add(struct worker *w, int find, int add, const char *const *vals, int n,
                       unsigned long long *id)
{
    struct row r;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (run_stmt(w, find, vals, n, &r, NULL, NULL) != 0)
            return -1;
        if (r.found) {
            *id = strtoull(r.col[0], NULL, 10);
            return 0;
        }
        /* Two connections adding the same row at once: the loser's insert
         * is refused as a duplicate and it finds the winner's row. */
        if (exec_stmt(w, add, vals, n, NULL, NULL, id, ER_DUP_ENTRY) == 0)
            return 0;
    }
    return -1;
}

/* apilog.c: the api log row and its url row, in one statement that
 * resolves the log row's webserver and url ids itself; when that adds
 * nothing (the ids are not there yet), and always before e67fcf6 (v17), the
 * ids are looked up, or added, first, and the two rows inserted one by one.
 * 0, or -1 after an error. */
static int write_api_log(struct worker *w, int v17, const char *result, const char *reason,
                         const char *data, const char *now, const char *url)
{
    const char *user = opt.api_user, *ip = CLIENT_IP;
    unsigned long long affected = 0, api_id = 0;
    char ws[24], url_id[24], api_id_s[24];

    if (!v17) {
        const char *c[] = { webserver_name, hostname, api_page, user, "", "add_phone", "",
                            result, reason, "bench", data, now, "0.000500", ip, url };
        int r = exec_stmt(w, S_API_LOG_PAIR_RESOLVING, c, 15, NULL, NULL, NULL,
                          ER_SIGNAL_EXCEPTION);
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
    }
    {
        const char *a[] = { webserver_name, hostname };
        const char *b[] = { api_page };
        if (find_or_add(w, S_WS_FIND, S_WS_ADD, a, 2, &w->ws_id) != 0)
            return -1;
        if (find_or_add(w, S_URL_FIND, S_URL_ADD, b, 1, &w->url_id) != 0)
            return -1;
        snprintf(ws, sizeof ws, "%llu", w->ws_id);
        snprintf(url_id, sizeof url_id, "%llu", w->url_id);
        const char *d[] = { user, "", "add_phone", "", result, reason, "bench", data, now,
                            "0.000500", ws, url_id };
        if (run_stmt(w, S_API_LOG, d, 12, NULL, &affected, &api_id) != 0)
            return -1;
    }
    snprintf(api_id_s, sizeof api_id_s, "%llu", api_id);
    {
        const char *a[] = { api_id_s, ip, url };
        if (run_stmt(w, S_API_URL, a, 3, NULL, NULL, NULL) != 0)
            return -1;
    }
    return 0;
}

/* dispatch.c: the first read (settings, the login test, the servers) of a
 * call naming server_ip; *unexpected is set unless the login passed and
 * the server column (1: it exists) is `servers`.  *noted says whether the
 * user's row already holds this second's login from CLIENT_IP (users.c,
 * user_login_noted).  0, or -1 after an error. */
static int first_read(struct worker *w, const char *server_ip, const char *before,
                      const char *servers, int *unexpected, int *noted)
{
    const char *a[] = { opt.api_user, opt.api_pass, before, server_ip };
    struct row r;

    if (run_stmt(w, S_SETTINGS_LOGIN, a, 4, &r, NULL, NULL) != 0)
        return -1;
    if (!(r.found && !r.null[17] && strcmp(r.col[13], "1") == 0 &&
          strcmp(r.col[18], servers) == 0))
        *unexpected = 1;
    *noted = r.found && strcmp(r.col[15], "1") == 0 && strcmp(r.col[16], CLIENT_IP) == 0;
    return 0;
}

/* auth.c: the last-login update, unless the first read found it made
 * already (noted).  0, or -1 after an error. */
static int note_login(struct worker *w, int noted)
{
    const char *a[] = { CLIENT_IP, opt.api_user };
    return noted ? 0 : run_stmt(w, S_NOTE_LOGIN, a, 2, NULL, NULL, NULL);
}

/* One successful add_phone, nonagentd's way (v17: before e67fcf6).
 * Returns 0, or -1 after an error; *unexpected set when an answer was not
 * a success's. */
static int call_nonagentd(struct worker *w, unsigned long long n, int v17, int *unexpected)
{
    struct call_values v;
    struct row r;
    char before[32];
    unsigned long long affected = 0;
    const char *ip = CLIENT_IP, *user = opt.api_user;
    int rc = -1, noted = 0;   /* v17 made the update whatever the row held */

    make_values(&v, w->tid, n);
    snprintf(before, sizeof before, "%lld", (long long)time(NULL) - 900);
    *unexpected = 0;

    if (v17) {
        /* dispatch.c: the settings; auth.c: the login test */
        const char *a[] = { user, opt.api_pass, before };
        if (run_stmt(w, S_SETTINGS, NULL, 0, &r, NULL, NULL) != 0)
            return -1;
        if (run_stmt(w, S_AUTH, a, 3, &r, NULL, NULL) != 0)
            return -1;
        if (as_count(&r) < 1)
            *unexpected = 1;
    } else if (first_read(w, opt.server_ip, before, "1", unexpected, &noted) != 0) {
        return -1;
    }
    if (note_login(w, noted) != 0)
        return -1;
    if (v17) {
        /* dispatch.c: the API row; add_phone.c: the permission count */
        const char *a[] = { user };
        if (run_stmt(w, S_API_ROW, a, 1, &r, NULL, NULL) != 0)
            return -1;
        if (run_stmt(w, S_RIGHT, a, 1, &r, NULL, NULL) != 0)
            return -1;
        if (as_count(&r) < 1)
            *unexpected = 1;
    }
    /* add_phone.c: the server (read first, in v17), the locks, the duplicate
     * checks, the insert */
    if (v17) {
        const char *a[] = { opt.server_ip };
        if (run_stmt(w, S_SERVER_COUNT, a, 1, &r, NULL, NULL) != 0)
            return -1;
        if (as_count(&r) < 1)
            *unexpected = 1;
    }
    {
        const char *a[] = { v.ext, opt.server_ip, "10", v.ext, "10" };
        if (run_stmt(w, S_LOCK, a, 5, &r, NULL, NULL) != 0)
            return -1;
        if (!r.found || strcmp(r.col[0], "1") != 0 || strcmp(r.col[1], "1") != 0)
            *unexpected = 1;
    }
    if (v17) {
        const char *a[] = { v.ext, opt.server_ip };
        const char *b[] = { v.ext };
        if (run_stmt(w, S_EXT_COUNT, a, 2, &r, NULL, NULL) != 0)
            goto release;
        if (as_count(&r) != 0)
            *unexpected = 1;
        if (run_stmt(w, S_LOGIN_COUNT, b, 1, &r, NULL, NULL) != 0)
            goto release;
        if (as_count(&r) != 0)
            *unexpected = 1;
    } else {
        const char *a[] = { v.ext, opt.server_ip, v.ext };
        if (run_stmt(w, S_TAKEN, a, 3, &r, NULL, NULL) != 0)
            goto release;
        if (!r.found || strcmp(r.col[0], "0") != 0 || strcmp(r.col[1], "0") != 0)
            *unexpected = 1;
    }
    if (!v17 && run_stmt(w, S_BEGIN, NULL, 0, NULL, NULL, NULL) != 0)
        goto release;
    {
        const char *a[] = {
            v.ext, v.ext, "55000", v.ext, "test", opt.server_ip, "SIP", "test",
            v.fullname, "-5.00", "7275551212", "default", "", "---ALL---",
            NULL, NULL, NULL, "", NULL,
        };
        if (run_stmt(w, S_INSERT, a, 19, NULL, &affected, NULL) != 0)
            goto release;
        if (affected != 1)
            *unexpected = 1;
    }
    rc = 0;
release:
    /* before e67fcf6 (v17), and after a failure, the locks go right away */
    if ((v17 || rc != 0) && (run_stmt(w, S_RELEASE, NULL, 0, &r, NULL, NULL) != 0 || rc != 0))
        return -1;
    {
        const char *a[] = { v.now, user, ip, "PHONES", "ADD", v.ext, "ADMIN API ADD PHONE",
                            v.event_sql, v.notes };
        if (run_stmt(w, S_ADMIN_LOG, a, 9, NULL, &affected, NULL) != 0)
            return -1;
    }
    {
        const char *a[] = { opt.server_ip };
        if (run_stmt(w, S_REBUILD, a, 1, NULL, NULL, NULL) != 0)
            return -1;
    }
    if (write_api_log(w, v17, "SUCCESS", "add_phone PHONE HAS BEEN ADDED", v.data, v.now,
                      v.url) != 0)
        return -1;
    if (v17)
        return 0;
    if (run_stmt(w, S_COMMIT, NULL, 0, NULL, NULL, NULL) != 0)
        return -1;
    return run_stmt(w, S_RELEASE, NULL, 0, &r, NULL, NULL) != 0 ? -1 : 0;
}

/* add_phone's SERVER DOES NOT EXIST, nonagentd's way: what
 * bench/server_error.lua makes the daemon run.  0, or -1 after an error. */
static int call_nonagentd_error(struct worker *w, int *unexpected)
{
    static const char query[] =
        "source=bench&function=add_phone&user=%s&pass=%s&extension=77001"
        "&dialplan_number=77001&voicemail_id=77001&phone_login=77001&phone_pass=test"
        "&server_ip=10.9.9.9&protocol=SIP&registration_password=test"
        "&phone_full_name=Bench+error&local_gmt=-5.00&outbound_cid=7275551212";
    char before[32], now[32], url[1024];
    int noted = 0;

    snprintf(before, sizeof before, "%lld", (long long)time(NULL) - 900);
    now_text(now, sizeof now);
    snprintf(url, sizeof url, "%s?", api_page);
    snprintf(url + strlen(url), sizeof url - strlen(url), query, opt.api_user, opt.api_pass);
    *unexpected = 0;
    if (first_read(w, "10.9.9.9", before, "0", unexpected, &noted) != 0 ||
        note_login(w, noted) != 0)
        return -1;
    return write_api_log(w, 0, "ERROR", "add_phone SERVER DOES NOT EXIST", "10.9.9.9", now,
                         url);
}

/* ---- VICIdial mode: text protocol, escaped values ---------------------- */

struct sqlbuf {
    char s[8192];
    size_t n;
};

/* Append printf text; %s arguments are raw SQL, escape values with esc(). */
static void sb_printf(struct sqlbuf *b, const char *fmt, ...)
{
    va_list ap;
    int k;
    va_start(ap, fmt);
    k = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        b->n = b->n + (size_t)k < sizeof b->s ? b->n + (size_t)k : sizeof b->s - 1;
}

/* mysqli_real_escape_string into a small per-call pool. */
struct escpool {
    char s[16384];
    size_t n;
};

static const char *esc(MYSQL *m, struct escpool *p, const char *v)
{
    size_t len = strlen(v);
    char *out = p->s + p->n;
    if (p->n + 2 * len + 1 > sizeof p->s)
        return "";
    p->n += mysql_real_escape_string(m, out, v, (unsigned long)len) + 1;
    return out;
}

/* mysqli_query + mysqli_fetch_row of the first row (PHP stores results). */
static int text_query(MYSQL *m, struct sqlbuf *b, char *first, size_t cap,
                      unsigned long long *affected)
{
    MYSQL_RES *res;
    if (mysql_real_query(m, b->s, (unsigned long)b->n) != 0) {
        note_error(b->s, mysql_error(m));
        return -1;
    }
    res = mysql_store_result(m);
    if (res) {
        MYSQL_ROW row = mysql_fetch_row(res);
        if (first)
            snprintf(first, cap, "%s", row && row[0] ? row[0] : "");
        mysql_free_result(res);
    } else if (mysql_field_count(m) != 0) {
        note_error(b->s, mysql_error(m));
        return -1;
    } else if (first) {
        first[0] = '\0';
    }
    if (affected)
        *affected = (unsigned long long)mysql_affected_rows(m);
    return 0;
}

static int call_vicidial(MYSQL *m, int tid, unsigned long long n, int *unexpected)
{
    struct call_values v;
    struct sqlbuf b;
    struct escpool p = { .n = 0 };
    char first[256];
    unsigned long long affected = 0, api_id;
    long long before = (long long)time(NULL) - 900;
    const char *user, *pass, *ip = CLIENT_IP, *sip, *ext, *ws_name, *host, *page;
    unsigned long long ws_id = 0, url_id = 0;

    make_values(&v, tid, n);
    *unexpected = 0;
    user = esc(m, &p, opt.api_user);
    pass = esc(m, &p, opt.api_pass);
    sip = esc(m, &p, opt.server_ip);
    ext = esc(m, &p, v.ext);
    ws_name = esc(m, &p, webserver_name);
    host = esc(m, &p, hostname);
    page = esc(m, &p, api_page);

#define Q(...) do { b.n = 0; sb_printf(&b, __VA_ARGS__); } while (0)
    /* 1.2 step 4: system settings */
    Q("SELECT use_non_latin,custom_fields_enabled,pass_hash_enabled,agent_whisper_enabled,"
      "active_modules,allow_web_debug,enhanced_agent_monitoring FROM system_settings;");
    if (text_query(m, &b, first, sizeof first, NULL) != 0)
        return -1;
    /* 1.2 step 7: server GMT */
    Q("SELECT local_gmt FROM servers where active='Y' limit 1;");
    if (text_query(m, &b, first, sizeof first, NULL) != 0)
        return -1;
    /* 1.7 step 1: user_authorization re-reads the settings */
    Q("SELECT use_non_latin,webroot_writable,pass_hash_enabled,pass_key,pass_cost,"
      "allow_ip_lists,system_ip_blacklist,two_factor_auth_hours,two_factor_container,"
      "enable_auto_reports FROM system_settings;");
    if (text_query(m, &b, first, sizeof first, NULL) != 0)
        return -1;
    /* 1.7 step 3: the auth count */
    Q("SELECT count(*) from vicidial_users where user='%s' and pass='%s' and user_level > 6"
      " and active='Y' and ( (failed_login_count < 10) or (UNIX_TIMESTAMP(last_login_date)"
      " < %lld) );", user, pass, before);
    if (text_query(m, &b, first, sizeof first, NULL) != 0)
        return -1;
    if (atoll(first) < 1)
        *unexpected = 1;
    /* 1.7 step 5: the login stamp */
    Q("UPDATE vicidial_users set last_login_date=NOW(), last_ip='%s', failed_login_count=0"
      " where user='%s';", ip, user);
    if (text_query(m, &b, NULL, 0, NULL) != 0)
        return -1;
    /* 1.2 step 11: the API user's row */
    Q("SELECT api_list_restrict,api_allowed_functions,user_group,selected_language,"
      "delete_inbound_dids,download_invalid_files,user_level from vicidial_users"
      " where user='%s' and active='Y';", user);
    if (text_query(m, &b, first, sizeof first, NULL) != 0)
        return -1;
    /* 2.2 step 3: permission */
    Q("SELECT count(*) from vicidial_users where user='%s' and vdc_agent_api_access='1'"
      " and ast_admin_access='1' and user_level >= 8 and active='Y';", user);
    if (text_query(m, &b, first, sizeof first, NULL) != 0)
        return -1;
    if (atoll(first) < 1)
        *unexpected = 1;
    /* 2.2 step 5: server exists */
    Q("SELECT count(*) from servers where server_ip='%s';", sip);
    if (text_query(m, &b, first, sizeof first, NULL) != 0)
        return -1;
    if (atoll(first) < 1)
        *unexpected = 1;
    /* 2.2 steps 6 and 7: extension free, login unused */
    Q("SELECT count(*) from phones where extension='%s' and server_ip='%s';", ext, sip);
    if (text_query(m, &b, first, sizeof first, NULL) != 0)
        return -1;
    if (atoll(first) != 0)
        *unexpected = 1;
    Q("SELECT count(*) from phones where login='%s';", ext);
    if (text_query(m, &b, first, sizeof first, NULL) != 0)
        return -1;
    if (atoll(first) != 0)
        *unexpected = 1;
    /* 2.3: the INSERT (its text is also what the admin log stores) */
    Q("INSERT INTO phones SET  extension='%s', dialplan_number='%s', voicemail_id='55000',"
      " login='%s', pass='test', server_ip='%s', protocol='SIP', conf_secret='test',"
      " fullname='%s', local_gmt='-5.00', outbound_cid='7275551212',"
      " phone_context='default', email='', active='Y', status='ACTIVE',"
      " user_group='---ALL---'     ;", ext, ext, ext, sip, esc(m, &p, v.fullname));
    if (text_query(m, &b, NULL, 0, &affected) != 0)
        return -1;
    if (affected != 1)
        *unexpected = 1;
    /* 2.4 step 1: admin log */
    Q("INSERT INTO vicidial_admin_log set event_date='%s', user='%s', ip_address='%s',"
      " event_section='PHONES', event_type='ADD', record_id='%s',"
      " event_code='ADMIN API ADD PHONE', event_sql=\"%s\", event_notes='%s';",
      v.now, user, ip, ext, esc(m, &p, v.event_sql), esc(m, &p, v.notes));
    if (text_query(m, &b, NULL, 0, NULL) != 0)
        return -1;
    /* 2.4 step 2: the rebuild flag */
    Q("UPDATE servers SET rebuild_conf_files='Y' where generate_vicidial_conf='Y'"
      " and active_asterisk_server='Y' and server_ip='%s';", sip);
    if (text_query(m, &b, NULL, 0, NULL) != 0)
        return -1;
    /* 1.10: api_log */
    Q("SELECT webserver_id FROM vicidial_webservers where webserver='%s' and hostname='%s'"
      " LIMIT 1;", ws_name, host);
    if (text_query(m, &b, first, sizeof first, NULL) != 0)
        return -1;
    if (!first[0]) {
        Q("INSERT INTO vicidial_webservers (webserver,hostname) values('%s','%s');",
          ws_name, host);
        if (text_query(m, &b, NULL, 0, NULL) != 0)
            return -1;
        ws_id = (unsigned long long)mysql_insert_id(m);
    } else {
        ws_id = strtoull(first, NULL, 10);
    }
    Q("SELECT url_id FROM vicidial_urls where url='%s' LIMIT 1;", page);
    if (text_query(m, &b, first, sizeof first, NULL) != 0)
        return -1;
    if (!first[0]) {
        Q("INSERT INTO vicidial_urls (url) values('%s');", page);
        if (text_query(m, &b, NULL, 0, NULL) != 0)
            return -1;
        url_id = (unsigned long long)mysql_insert_id(m);
    } else {
        url_id = strtoull(first, NULL, 10);
    }
    Q("INSERT INTO vicidial_api_log set user='%s',agent_user='',function='add_phone',"
      "value='',result='SUCCESS',result_reason='add_phone PHONE HAS BEEN ADDED',"
      "source='bench',data='%s',api_date='%s',api_script='non-agent',run_time='0.013075',"
      "webserver='%llu',api_url='%llu';", user, esc(m, &p, v.data), v.now, ws_id, url_id);
    if (text_query(m, &b, NULL, 0, &affected) != 0)
        return -1;
    api_id = (unsigned long long)mysql_insert_id(m);
    if (affected > 0) {
        Q("INSERT INTO vicidial_api_urls set api_id='%llu',api_date=NOW(),remote_ip='%s',"
          "url='%s';", api_id, ip, esc(m, &p, v.url));
        if (text_query(m, &b, NULL, 0, NULL) != 0)
            return -1;
    }
#undef Q
    return 0;
}

/* ---- the threads ------------------------------------------------------- */

static void record(double seconds)
{
    unsigned long long us10 = (unsigned long long)(seconds * 1e5);
    if (us10 > HIST_BUCKETS)
        us10 = HIST_BUCKETS;
    atomic_fetch_add_explicit(&hist[us10], 1, memory_order_relaxed);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    unsigned long long calls = 0, errors = 0, unexpected = 0;
    /* -n: a number of calls, whatever the time; else until the deadline. */
    const unsigned long long last = opt.calls ? opt.calls : MAX_CALLS_PER_THREAD;

    mysql_thread_init();
    if (mode != MODE_VICIDIAL_CONNECT) {
        w->m = connect_db();
        if (!w->m ||
            ((mode == MODE_NONAGENTD || mode == MODE_NONAGENTD_ERROR ||
              mode == MODE_NONAGENTD_17) && prepare_all(w) != 0))
            atomic_store(&start_failed, 1);
    }
    pthread_barrier_wait(&ready);     /* every connection open before the clock */
    pthread_barrier_wait(&ready);     /* main has set the deadline */
    if (atomic_load(&start_failed))
        goto out;

    for (unsigned long long n = 1; n <= last && (opt.calls || !past_deadline()); n++) {
        double t0 = now_s();
        int unexp = 0, rc;

        if (mode == MODE_NONAGENTD || mode == MODE_NONAGENTD_17) {
            rc = call_nonagentd(w, n, mode == MODE_NONAGENTD_17, &unexp);
        } else if (mode == MODE_NONAGENTD_ERROR) {
            rc = call_nonagentd_error(w, &unexp);
        } else if (mode == MODE_VICIDIAL) {
            rc = call_vicidial(w->m, w->tid, n, &unexp);
        } else {
            MYSQL *m = connect_db();
            rc = m ? call_vicidial(m, w->tid, n, &unexp) : -1;
            if (m)
                mysql_close(m);
        }
        if (rc != 0) {
            errors++;
            /* A lost connection does not come back by itself: stop this thread. */
            if (w->m && mysql_ping(w->m) != 0)
                break;
            if (errors > 1000)
                break;
            continue;
        }
        unexpected += (unsigned long long)unexp;
        calls++;
        record(now_s() - t0);
    }
out:
    atomic_fetch_add(&total_calls, calls);
    atomic_fetch_add(&total_errors, errors);
    atomic_fetch_add(&total_unexpected, unexpected);
    if (w->m) {
        for (int i = 0; i < S_COUNT; i++)
            if (w->st[i])
                mysql_stmt_close(w->st[i]);
        mysql_close(w->m);
    }
    mysql_thread_end();
    return NULL;
}

static double percentile_ms(double q)
{
    unsigned long long total = 0, seen = 0, want;
    for (int i = 0; i <= HIST_BUCKETS; i++)
        total += hist[i];
    if (!total)
        return 0;
    want = (unsigned long long)(q * (double)total + 0.999999);
    if (want < 1)
        want = 1;
    for (int i = 0; i <= HIST_BUCKETS; i++) {
        seen += hist[i];
        if (seen >= want)
            return (i + 1) * 0.01;   /* the bucket's upper edge, in ms */
    }
    return HIST_BUCKETS * 0.01;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: ceiling -S SOCKET [-u USER] [-p PASS] [-D DB] -c CONNS (-d SECONDS | -n CALLS)\n"
            "               -m nonagentd|nonagentd-error|nonagentd-17|vicidial|vicidial-connect\n"
            "               -t TAG\n"
            "               [-s SERVER_IP] [-U API_USER] [-W API_PASS] [-P HTTP_PORT]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int c;
    struct worker *workers;
    double t0, elapsed;

    while ((c = getopt(argc, argv, "S:u:p:D:c:d:n:m:t:s:U:W:P:h")) != -1) {
        switch (c) {
        case 'S': opt.socket = optarg; break;
        case 'u': opt.user = optarg; break;
        case 'p': opt.pass = optarg; break;
        case 'D': opt.db = optarg; break;
        case 'c': opt.conns = atoi(optarg); break;
        case 'd': opt.seconds = atof(optarg); break;
        case 'n': opt.calls = strtoull(optarg, NULL, 10); break;
        case 'm': opt.mode = optarg; break;
        case 't': opt.tag = optarg; break;
        case 's': opt.server_ip = optarg; break;
        case 'U': opt.api_user = optarg; break;
        case 'W': opt.api_pass = optarg; break;
        case 'P': opt.http_port = (unsigned)atoi(optarg); break;
        default: usage();
        }
    }
    if (!opt.socket || opt.conns < 1 || opt.conns > MAX_CONNS || opt.seconds <= 0 ||
        opt.seconds > 3600 || opt.calls > MAX_CALLS_PER_THREAD || strlen(opt.tag) > 5)
        usage();
    if (strcmp(opt.mode, "nonagentd") == 0)
        mode = MODE_NONAGENTD;
    else if (strcmp(opt.mode, "nonagentd-error") == 0)
        mode = MODE_NONAGENTD_ERROR;
    else if (strcmp(opt.mode, "nonagentd-17") == 0)
        mode = MODE_NONAGENTD_17;
    else if (strcmp(opt.mode, "vicidial") == 0)
        mode = MODE_VICIDIAL;
    else if (strcmp(opt.mode, "vicidial-connect") == 0)
        mode = MODE_VICIDIAL_CONNECT;
    else
        usage();

    if (gethostname(hostname, sizeof hostname - 1) != 0 || !hostname[0])
        snprintf(hostname, sizeof hostname, "X");
    snprintf(api_page, sizeof api_page, "http://%s:%u/vicidial/non_agent_api.php",
             webserver_name, opt.http_port);

    if (mysql_library_init(0, NULL, NULL) != 0) {
        fprintf(stderr, "ceiling: mysql_library_init failed\n");
        return 1;
    }
    workers = calloc((size_t)opt.conns, sizeof *workers);
    if (!workers)
        return 1;
    pthread_barrier_init(&ready, NULL, (unsigned)opt.conns + 1);
    for (int i = 0; i < opt.conns; i++) {
        workers[i].tid = i;
        if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0) {
            fprintf(stderr, "ceiling: pthread_create: %s\n", strerror(errno));
            return 1;   /* the barrier can never open: nothing to clean up */
        }
    }
    pthread_barrier_wait(&ready);
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += (time_t)opt.seconds;
    deadline.tv_nsec += (long)((opt.seconds - (double)(time_t)opt.seconds) * 1e9);
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    t0 = now_s();
    pthread_barrier_wait(&ready);
    for (int i = 0; i < opt.conns; i++)
        pthread_join(workers[i].thread, NULL);
    elapsed = now_s() - t0;
    free(workers);
    mysql_library_end();

    if (atomic_load(&start_failed)) {
        fprintf(stderr, "ceiling: could not open or prepare every connection\n");
        return 1;
    }
    printf("CEILING mode=%s conns=%d seconds=%.2f calls=%llu calls_per_s=%.1f errors=%llu"
           " unexpected=%llu p50_ms=%.2f p99_ms=%.2f\n",
           opt.mode, opt.conns, elapsed, (unsigned long long)total_calls,
           elapsed > 0 ? (double)total_calls / elapsed : 0.0,
           (unsigned long long)total_errors, (unsigned long long)total_unexpected,
           percentile_ms(0.50), percentile_ms(0.99));
    return 0;
}
