/*
 * aliases.c - every statement that touches phones_alias.
 */
#include "db/aliases.h"
#include "db/widths.h"

#include <mysqld_error.h>

static const char SQL_COUNT[] = "SELECT count(*) FROM phones_alias WHERE alias_id=?";
static const char SQL_INSERT[] =
    "INSERT INTO phones_alias (alias_id, alias_name, logins_list) VALUES (?, ?, ?)";
static const char SQL_DELETE[] = "DELETE FROM phones_alias WHERE alias_id=?";
static const char SQL_UPDATE[] =
    "UPDATE phones_alias SET logins_list=COALESCE(?, logins_list),"
    " alias_name=COALESCE(?, alias_name) WHERE alias_id=?";

enum db_status alias_count(struct db *db, const char *alias_id, long long *count)
{
    struct db_arg a[] = { db_cut(alias_id, W_ALIAS_ID) };
    return db_count(db, SQL_COUNT, a, 1, count);
}

enum db_status alias_insert(struct db *db, const char *alias_id, const char *alias_name,
                            const char *logins_list, int *duplicate)
{
    struct db_arg a[] = { db_cut(alias_id, W_ALIAS_ID), db_cut(alias_name, W_ALIAS_NAME),
                          db_cut(logins_list, W_LOGINS_LIST) };
    unsigned long long affected = 0;
    enum db_status s = db_exec(db, SQL_INSERT, a, 3, &affected, NULL);

    *duplicate = s == DB_ERROR && db_last_errno(db) == ER_DUP_ENTRY;
    return (s == DB_OK && affected != 1) ? DB_ERROR : s;
}

enum db_status alias_delete(struct db *db, const char *alias_id, unsigned long long *deleted)
{
    struct db_arg a[] = { db_cut(alias_id, W_ALIAS_ID) };
    return db_exec(db, SQL_DELETE, a, 1, deleted, NULL);
}

enum db_status alias_update(struct db *db, const char *alias_id, const char *logins_list,
                            const char *alias_name, unsigned long long *matched)
{
    struct db_arg a[] = { db_cut(logins_list, W_LOGINS_LIST), db_cut(alias_name, W_ALIAS_NAME),
                          db_cut(alias_id, W_ALIAS_ID) };
    return db_exec(db, SQL_UPDATE, a, 3, matched, NULL);
}
