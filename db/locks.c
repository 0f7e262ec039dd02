/*
 * locks.c - named locks for phone provisioning (see locks.h).
 */
#include "db/locks.h"
#include "db/widths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Both locks in one round trip; the select list is evaluated left to right,
 * which gives the fixed order.  The key is the SHA1 of the collation's
 * weight string, so equal-comparing values share a lock. */
static const char SQL_LOCK_PHONE[] =
    "SELECT GET_LOCK(CONCAT('nonagentd.ext.', SHA1(CONCAT(WEIGHT_STRING("
    "CONVERT(? USING utf8mb3) COLLATE utf8mb3_unicode_ci), '|', WEIGHT_STRING("
    "CONVERT(? USING utf8mb3) COLLATE utf8mb3_unicode_ci)))), ?),"
    " GET_LOCK(CONCAT('nonagentd.login.', SHA1(WEIGHT_STRING("
    "CONVERT(? USING utf8mb3) COLLATE utf8mb3_unicode_ci))), ?)";
static const char SQL_LOCK_LOGIN[] =
    "SELECT GET_LOCK(CONCAT('nonagentd.login.', SHA1(WEIGHT_STRING("
    "CONVERT(? USING utf8mb3) COLLATE utf8mb3_unicode_ci))), ?)";
static const char SQL_RELEASE_ALL[] = "SELECT RELEASE_ALL_LOCKS()";
static const char SQL_RELEASE_ALL_READING_FLAG[] =
    "SELECT RELEASE_ALL_LOCKS(), EXISTS(SELECT 1 FROM servers WHERE generate_vicidial_conf='Y'"
    " AND active_asterisk_server='Y' AND server_ip=? AND NOT rebuild_conf_files <=> 'Y')";

static int granted(const char *v)
{
    return v && strcmp(v, "1") == 0;
}

/* A wait in seconds as GET_LOCK's argument: "010.000" (--lock-wait and
 * --db-timeout are at most 300 s). */
#define WAIT_LEN 7

static double monotonic_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run a GET_LOCK statement (its wait arguments point at `wait`) until it
 * grants every lock it asks for, or `seconds` have passed.  A GET_LOCK
 * waits inside its statement, and a statement that does not answer within
 * the read timeout (--db-timeout) is taken for a frozen database: so the
 * wait is spent in slices of db_wait_slice() per lock, each a statement of
 * its own, with every lock released between two slices.  *got is 1 when
 * every lock is held (and the request pinned to its connection). */
static enum db_status take_locks(struct db *db, const char *sql, const struct db_arg *a,
                                 int nargs, char *wait, size_t wait_size, unsigned seconds,
                                 int *got)
{
    double end = monotonic_seconds() + seconds, slice = db_wait_slice();

    *got = 0;
    for (;;) {
        struct db_row row;
        int found = 0;
        double left = end - monotonic_seconds();
        enum db_status s;

        if (left < 0)
            left = 0;
        /* Always WAIT_LEN characters, the length the arguments were bound with. */
        snprintf(wait, wait_size, "%0*.3f", WAIT_LEN, left < slice ? left : slice);
        s = db_row(db, sql, a, nargs, &row, &found);
        if (s != DB_OK)
            return s;
        *got = found && row.ncols > 0;
        for (int i = 0; *got && i < row.ncols; i++)
            *got = granted(row.col[i]);
        if (*got) {
            db_pin(db, DB_PIN_LOCKS);
            return DB_OK;
        }
        s = lock_release_all(db);
        if (s != DB_OK || left <= slice)
            return s;
    }
}

enum db_status lock_phone(struct db *db, const char *extension, const char *server_ip,
                          const char *login, unsigned seconds, int *got)
{
    char wait[32];
    /* Keyed on the values as they will be stored: cut to column width. */
    struct db_arg a[] = {
        db_cut(extension, W_EXTENSION), db_cut(server_ip, W_SERVER_IP), DB_STRN(wait, WAIT_LEN),
        db_cut(login, W_LOGIN), DB_STRN(wait, WAIT_LEN),
    };

    return take_locks(db, SQL_LOCK_PHONE, a, 5, wait, sizeof wait, seconds, got);
}

enum db_status lock_login(struct db *db, const char *login, unsigned seconds, int *got)
{
    char wait[32];
    struct db_arg a[] = { db_cut(login, W_LOGIN), DB_STRN(wait, WAIT_LEN) };

    return take_locks(db, SQL_LOCK_LOGIN, a, 2, wait, sizeof wait, seconds, got);
}

enum db_status lock_release_all(struct db *db)
{
    struct db_row row;
    int found;
    enum db_status s;

    /* Inside a transaction the locks are kept until it ends (db/tx.h). */
    if (db_pins(db) & DB_PIN_TX)
        return DB_OK;
    s = db_row(db, SQL_RELEASE_ALL, NULL, 0, &row, &found);
    if (s == DB_OK)
        db_unpin(db, DB_PIN_LOCKS);
    return s;
}

enum db_status lock_release_all_reading_flag(struct db *db, const char *server_ip,
                                             int *flag_unset)
{
    struct db_arg a[] = { DB_STR(server_ip) };
    struct db_row row;
    int found = 0;
    enum db_status s;

    *flag_unset = 1;
    if (db_pins(db) & DB_PIN_TX)
        return DB_OK;
    s = db_row(db, SQL_RELEASE_ALL_READING_FLAG, a, 1, &row, &found);
    if (s != DB_OK)
        return s;
    db_unpin(db, DB_PIN_LOCKS);
    *flag_unset = !(found && row.ncols == 2 && row.col[1] && strcmp(row.col[1], "0") == 0);
    return DB_OK;
}
