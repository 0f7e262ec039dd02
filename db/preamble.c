/*
 * preamble.c - the request's first read (see preamble.h): system_settings,
 * the plain-password login test on vicidial_users, and whether a server has
 * the request's server_ip, in one statement; or, before authentication,
 * system_settings and the first active server's GMT.
 */
#include "db/preamble.h"

#include <stdio.h>
#include <string.h>

/* The server is a join, not a count(*) subquery: MariaDB plans a subquery
 * again on every execution of a prepared statement, and the callers only
 * ask whether the count is 0.  Several servers rows with one IP give
 * several rows here, alike but for the server's: LIMIT 1 keeps one. */
static const char SQL_PREAMBLE[] =
    "SELECT " SETTINGS_COLUMNS ", " API_USER_COLUMNS ", u.user_id,"
    " (sv.server_ip IS NOT NULL)"
    " FROM system_settings s LEFT JOIN vicidial_users u ON u.user=? AND u.pass=?"
    " AND " LOGIN_CONDITIONS
    " LEFT JOIN servers sv ON sv.server_ip=? LIMIT 1";
/* The settings and the first active server's GMT, for the functions
 * answered before authentication (version shows that GMT).  A join, not
 * a subquery, for the reason above; LEFT JOIN keeps system_settings the
 * outer table, so the server is the first active one in the table's own
 * order, as VICIdial's "SELECT local_gmt FROM servers WHERE active='Y'
 * LIMIT 1" finds it. */
static const char SQL_SETTINGS_ONLY[] =
    "SELECT " SETTINGS_COLUMNS ", sv.local_gmt, (sv.active IS NOT NULL)"
    " FROM system_settings s LEFT JOIN servers sv ON sv.active='Y' LIMIT 1";

enum db_status preamble_read(struct db *db, int with_login, const char *user,
                             const char *pass, long long lock_before, const char *server_ip,
                             struct preamble *p)
{
    char before[32];
    struct db_row row;
    enum db_status s;
    const int base = SETTINGS_NCOLS + API_USER_NCOLS;

    snprintf(before, sizeof before, "%lld", lock_before);
    struct db_arg a[] = { DB_STR(user), DB_STR(pass), DB_STR(before), DB_STR(server_ip) };
    memset(p, 0, sizeof *p);
    settings_defaults(&p->settings);
    if (!with_login) {
        s = db_row(db, SQL_SETTINGS_ONLY, NULL, 0, &row, &p->settings_found);
        if (s != DB_OK || !p->settings_found)
            return s;
        settings_from_row(&p->settings, &row, 0);
        p->gmt_read = 1;
        p->gmt_found = row.col[SETTINGS_NCOLS + 1] && strcmp(row.col[SETTINGS_NCOLS + 1], "1") == 0;
        if (p->gmt_found)
            snprintf(p->gmt, sizeof p->gmt, "%s", row.col[SETTINGS_NCOLS] ? row.col[SETTINGS_NCOLS] : "");
        return DB_OK;
    }
    s = db_row(db, SQL_PREAMBLE, a, 4, &row, &p->settings_found);
    if (s != DB_OK || !p->settings_found)
        return s;
    settings_from_row(&p->settings, &row, 0);
    p->servers_read = 1;
    p->login_found = row.col[base] != NULL;
    if (p->login_found)
        api_user_from_row(&p->api_user, &row, SETTINGS_NCOLS);
    p->server_found = row.col[base + 1] && strcmp(row.col[base + 1], "1") == 0;
    return DB_OK;
}
