/*
 * servers.c - every statement that touches `servers`.
 */
#include "db/servers.h"

#include <stdio.h>
#include <string.h>

static const char SQL_ACTIVE_GMT[] =
    "SELECT local_gmt FROM servers WHERE active='Y' LIMIT 1";
static const char SQL_COUNT[] =
    "SELECT count(*) FROM servers WHERE server_ip=?";
static const char SQL_MARK_REBUILD[] =
    "UPDATE servers SET rebuild_conf_files='Y' WHERE generate_vicidial_conf='Y'"
    " AND active_asterisk_server='Y' AND server_ip=?";

enum db_status server_active_gmt(struct db *db, char *out, size_t cap, int *found)
{
    struct db_row row;
    enum db_status s = db_row(db, SQL_ACTIVE_GMT, NULL, 0, &row, found);

    out[0] = '\0';
    if (s == DB_OK && *found)
        snprintf(out, cap, "%s", row.col[0] ? row.col[0] : "");
    return s;
}

enum db_status server_count(struct db *db, const char *server_ip, long long *count)
{
    struct db_arg a[] = { DB_STR(server_ip) };
    return db_count(db, SQL_COUNT, a, 1, count);
}

enum db_status server_mark_rebuild(struct db *db, const char *server_ip)
{
    struct db_arg a[] = { DB_STR(server_ip) };
    return db_exec(db, SQL_MARK_REBUILD, a, 1, NULL, NULL);
}
