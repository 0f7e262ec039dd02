/*
 * logs.c - every statement that writes the audit trail: the admin log,
 * the API log and its URL row, and the webserver / url lookup tables the
 * API log points at.  Values are cut to their columns' widths so that a
 * strict sql_mode server stores what a non-strict VICIdial server would.
 *
 * The API log's two rows also hold raw request text (the last POST value,
 * the URL with its POST data) and the answer.  They are sent as they are,
 * in the connection's character set (db_speak_as_vicidial), and written in
 * non-strict mode whatever the session's sql_mode: the server converts them
 * to the columns' utf8mb3 (a byte or character it cannot convert becomes
 * '?') and cuts them to the columns' widths, byte for byte as it does for
 * VICIdial's connection on a non-strict server.
 */
#include "db/logs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysqld_error.h>

#include "db/widths.h"
#include "util/utf8.h"

static const char SQL_ADMIN_LOG[] =
    "INSERT INTO vicidial_admin_log SET event_date=?, user=?, ip_address=?,"
    " event_section=?, event_type=?, record_id=?, event_code=?, event_sql=?,"
    " event_notes=?";
/* The same row, unless it is there already: for writing it again after a
 * lost connection, when the first INSERT may or may not have landed.  The
 * row is recognized by its record, time, user, type and code (record_id
 * is indexed). */
static const char SQL_ADMIN_LOG_MISSING[] =
    "INSERT INTO vicidial_admin_log (event_date, user, ip_address, event_section,"
    " event_type, record_id, event_code, event_sql, event_notes)"
    " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM"
    " vicidial_admin_log WHERE record_id=? AND event_date=? AND user=? AND event_type=?"
    " AND event_code=?)";
static const char SQL_WEBSERVER_FIND[] =
    "SELECT webserver_id FROM vicidial_webservers WHERE webserver=? AND hostname=? LIMIT 1";
static const char SQL_WEBSERVER_ADD[] =
    "INSERT INTO vicidial_webservers SET webserver=?, hostname=?";
static const char SQL_URL_FIND[] =
    "SELECT url_id FROM vicidial_urls WHERE url=? LIMIT 1";
static const char SQL_URL_ADD[] =
    "INSERT INTO vicidial_urls SET url=?";
static const char SQL_BOTH_IDS[] =
    "SELECT (SELECT webserver_id FROM vicidial_webservers WHERE webserver=? AND hostname=?"
    " LIMIT 1), (SELECT url_id FROM vicidial_urls WHERE url=? LIMIT 1)";
#define AS_NON_STRICT "SET STATEMENT sql_mode='' FOR "
/* The api log row's columns but the two ids it points at. */
#define API_LOG_INSERT                                                                \
    AS_NON_STRICT "INSERT INTO vicidial_api_log SET user=?, agent_user=?, function=?, value=?," \
    " result=?, result_reason=?, source=?, data=?, api_date=?, api_script='non-agent',"      \
    " run_time=?,"
static const char SQL_API_LOG[] = API_LOG_INSERT " webserver=?, api_url=?";
static const char SQL_API_URL[] =
    AS_NON_STRICT "INSERT INTO vicidial_api_urls SET api_id=?, api_date=NOW(), remote_ip=?, url=?";
/* Both rows in one round trip, a compound statement (it prepares, with
 * its placeholders, in every sql_mode): the ids the log row points at are
 * looked up first, into variables (cheaper to run than subqueries in the
 * INSERT); when either row is missing the block signals an error
 * (ER_SIGNAL_EXCEPTION) before writing anything, and the caller looks the
 * ids up, or adds them, and writes the rows itself.  The url row takes the
 * log row's id from LAST_INSERT_ID(); a failing statement ends the block.
 * Each row is an INSERT ... VALUES, not an INSERT ... SELECT: MariaDB ends
 * every INSERT ... SELECT into a MyISAM table, VICIdial's engine, by
 * syncing the table's two files to disk (two fdatasync calls, under the
 * table's write lock). */
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

/* Log columns are written even when a value is missing: NULL becomes ''. */
static struct db_arg cut(const char *s, size_t width)
{
    return db_cut(s ? s : "", width);
}

/* Raw text, cut and converted by the server (see the top of this file). */
static struct db_arg raw(const char *s)
{
    return DB_STR(s ? s : "");
}

/* TEXT columns are limited in bytes, not characters. */
static struct db_arg cut_bytes(const char *s, size_t max)
{
    size_t len;
    if (!s)
        s = "";
    len = strlen(s);
    return (struct db_arg){ s, utf8_prefix_bytes(s, len, max) };
}

enum db_status admin_log_insert(struct db *db, const struct admin_log *l, int unless_there)
{
    struct db_arg a[] = {
        DB_STR(l->event_date), cut(l->user, W_ADMIN_USER), cut(l->ip_address, W_ADMIN_IP),
        cut(l->event_section, W_ADMIN_SECTION), DB_STR(l->event_type),
        cut(l->record_id, W_ADMIN_RECORD_ID),
        cut(l->event_code, W_ADMIN_CODE), cut_bytes(l->event_sql, W_ADMIN_SQL),
        cut_bytes(l->event_notes, W_ADMIN_NOTES),
        /* the row's key, for SQL_ADMIN_LOG_MISSING */
        cut(l->record_id, W_ADMIN_RECORD_ID), DB_STR(l->event_date), cut(l->user, W_ADMIN_USER),
        DB_STR(l->event_type), cut(l->event_code, W_ADMIN_CODE),
    };
    unsigned long long affected = 0;
    enum db_status s;

    if (unless_there)
        return db_exec(db, SQL_ADMIN_LOG_MISSING, a, 14, NULL, NULL);
    s = db_exec(db, SQL_ADMIN_LOG, a, 9, &affected, NULL);
    return (s == DB_OK && affected != 1) ? DB_ERROR : s;
}

/* Look a row up by its key; insert it when missing.  Two requests may race
 * to insert the same key: the loser's duplicate-key error sends it back to
 * the lookup, which then finds the winner's row. */
static enum db_status find_or_add(struct db *db, const char *find_sql, const char *add_sql,
                                  const struct db_arg *a, int n, unsigned long long *id)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        struct db_row row;
        int found;
        enum db_status s = db_row(db, find_sql, a, n, &row, &found);

        if (s != DB_OK)
            return s;
        if (found) {
            *id = row.col[0] ? strtoull(row.col[0], NULL, 10) : 0;
            return DB_OK;
        }
        s = db_exec(db, add_sql, a, n, NULL, id);
        if (s == DB_OK)
            return DB_OK;
        if (!(s == DB_ERROR && db_last_errno(db) == ER_DUP_ENTRY))
            return s;
    }
    return DB_ERROR;
}

enum db_status webserver_id(struct db *db, const char *webserver, const char *hostname,
                            unsigned long long *id)
{
    struct db_arg a[] = { cut(webserver, W_WEBSERVER), cut(hostname, W_HOSTNAME) };
    return find_or_add(db, SQL_WEBSERVER_FIND, SQL_WEBSERVER_ADD, a, 2, id);
}

enum db_status url_id(struct db *db, const char *url, unsigned long long *id)
{
    struct db_arg a[] = { cut(url, W_URL) };
    return find_or_add(db, SQL_URL_FIND, SQL_URL_ADD, a, 1, id);
}

enum db_status log_target_ids(struct db *db, const char *webserver, const char *hostname,
                              const char *url, unsigned long long *ws_id,
                              unsigned long long *u_id)
{
    struct db_arg a[] = { cut(webserver, W_WEBSERVER), cut(hostname, W_HOSTNAME), cut(url, W_URL) };
    struct db_row row;
    int found = 0;
    int have_ws = 0, have_url = 0;
    enum db_status s = db_row(db, SQL_BOTH_IDS, a, 3, &row, &found);

    if (s != DB_OK)
        return s;
    if (found && row.ncols == 2) {
        if (row.col[0]) {
            *ws_id = strtoull(row.col[0], NULL, 10);
            have_ws = 1;
        }
        if (row.col[1]) {
            *u_id = strtoull(row.col[1], NULL, 10);
            have_url = 1;
        }
    }
    if (!have_ws && (s = webserver_id(db, webserver, hostname, ws_id)) != DB_OK)
        return s;
    if (!have_url && (s = url_id(db, url, u_id)) != DB_OK)
        return s;
    return DB_OK;
}

enum db_status api_log_insert(struct db *db, const struct api_log *l,
                              unsigned long long *api_id)
{
    char webserver[24], api_url[24];
    snprintf(webserver, sizeof webserver, "%llu", l->webserver);
    snprintf(api_url, sizeof api_url, "%llu", l->api_url);
    struct db_arg a[] = {
        cut(l->user, W_API_USER), cut(l->agent_user, W_API_AGENT_USER),
        cut(l->function, W_API_FUNCTION), raw(l->value),
        cut(l->result, W_API_RESULT), cut(l->result_reason, W_API_REASON),
        cut(l->source, W_API_SOURCE), raw(l->data), DB_STR(l->api_date),
        cut(l->run_time, W_API_RUN_TIME), DB_STR(webserver), DB_STR(api_url),
    };
    unsigned long long affected = 0;
    enum db_status s = db_exec(db, SQL_API_LOG, a, 12, &affected, api_id);
    return (s == DB_OK && affected != 1) ? DB_ERROR : s;
}

enum db_status api_log_pair_insert_resolving(struct db *db, const struct api_log *l,
                                             const char *webserver, const char *hostname,
                                             const char *page, const char *remote_ip,
                                             const char *url, int *inserted)
{
    struct db_arg a[] = {
        cut(webserver, W_WEBSERVER), cut(hostname, W_HOSTNAME), cut(page, W_URL),
        cut(l->user, W_API_USER), cut(l->agent_user, W_API_AGENT_USER),
        cut(l->function, W_API_FUNCTION), raw(l->value),
        cut(l->result, W_API_RESULT), cut(l->result_reason, W_API_REASON),
        cut(l->source, W_API_SOURCE), raw(l->data), DB_STR(l->api_date),
        cut(l->run_time, W_API_RUN_TIME), cut(remote_ip, W_API_URLS_IP), raw(url),
    };
    enum db_status s = db_exec(db, SQL_API_LOG_PAIR_RESOLVING, a, 15, NULL, NULL);

    *inserted = s == DB_OK;
    if (s == DB_ERROR && db_last_errno(db) == ER_SIGNAL_EXCEPTION)
        return DB_OK;           /* a row it points at is missing: nothing written */
    return s;
}

enum db_status api_url_insert(struct db *db, unsigned long long api_id,
                              const char *remote_ip, const char *url)
{
    char id[24];
    snprintf(id, sizeof id, "%llu", api_id);
    struct db_arg a[] = { DB_STR(id), cut(remote_ip, W_API_URLS_IP),
                          raw(url) };
    return db_exec(db, SQL_API_URL, a, 3, NULL, NULL);
}
