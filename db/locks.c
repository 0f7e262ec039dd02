/*
 * locks.c - named locks for phone provisioning (see locks.h).
 */
#include "db/locks.h"
#include "db/widths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int granted(const char *v)
{
    return v && strcmp(v, "1") == 0;
}

enum db_status lock_phone(struct db *db, const char *extension, const char *server_ip,
                          const char *login, unsigned seconds, int *got)
{
    char wait[16];
    struct db_row row;
    int found = 0;
    enum db_status s;

    snprintf(wait, sizeof wait, "%u", seconds);
    /* Keyed on the values as they will be stored: cut to column width. */
    struct db_arg a[] = {
        db_cut(extension, W_EXTENSION), db_cut(server_ip, W_SERVER_IP), DB_STR(wait),
        db_cut(login, W_LOGIN), DB_STR(wait),
    };
    *got = 0;
    s = db_row(db, SQL_LOCK_PHONE, a, 5, &row, &found);
    if (s != DB_OK)
        return s;
    *got = found && row.ncols == 2 && granted(row.col[0]) && granted(row.col[1]);
    if (!*got)
        return lock_release_all(db);
    db_pin(db, DB_PIN_LOCKS);
    return DB_OK;
}

enum db_status lock_login(struct db *db, const char *login, unsigned seconds, int *got)
{
    char wait[16];
    struct db_row row;
    int found = 0;
    enum db_status s;

    snprintf(wait, sizeof wait, "%u", seconds);
    struct db_arg a[] = { db_cut(login, W_LOGIN), DB_STR(wait) };
    *got = 0;
    s = db_row(db, SQL_LOCK_LOGIN, a, 2, &row, &found);
    if (s != DB_OK)
        return s;
    *got = found && granted(row.col[0]);
    if (!*got)
        return lock_release_all(db);
    db_pin(db, DB_PIN_LOCKS);
    return DB_OK;
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
