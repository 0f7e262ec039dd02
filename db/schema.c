/*
 * schema.c - the start-up check of the schema (see schema.h): whether
 * phones has an index beginning with login, from information_schema.
 */
#include "db/schema.h"

#include <stdio.h>
#include <string.h>

enum db_status schema_phones_login_index(struct db *db, int *missing, char *alter,
                                         size_t alter_cap)
{
    static const char sql[] =
        "SELECT DATABASE(),"
        " (SELECT COUNT(*) FROM information_schema.TABLES"
        "  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'phones'),"
        " (SELECT COUNT(*) FROM information_schema.STATISTICS"
        "  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'phones'"
        "  AND SEQ_IN_INDEX = 1 AND COLUMN_NAME = 'login')";
    struct db_row row;
    int found = 0;
    enum db_status st = db_row(db, sql, NULL, 0, &row, &found);

    *missing = 0;
    if (alter_cap)
        alter[0] = '\0';
    if (st != DB_OK)
        return st;
    if (!found || row.ncols < 3 || !row.col[0] || !row.col[1] || !row.col[2])
        return DB_OK;
    if (strcmp(row.col[1], "0") != 0 && strcmp(row.col[2], "0") == 0) {
        *missing = 1;
        /* a database name is an identifier: a backquote in it is doubled */
        size_t n = (size_t)snprintf(alter, alter_cap, "ALTER TABLE `");
        for (const char *p = row.col[0]; *p && n + 2 < alter_cap; p++) {
            if (*p == '`')
                alter[n++] = '`';
            alter[n++] = *p;
        }
        if (n < alter_cap)
            snprintf(alter + n, alter_cap - n, "`.`phones` ADD INDEX login (login)");
    }
    return DB_OK;
}
