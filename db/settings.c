/*
 * settings.c - reading system_settings (one statement per request).
 */
#include "db/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_SETTINGS[] =
    "SELECT use_non_latin, allow_web_debug, webroot_writable, pass_hash_enabled,"
    " pass_key, pass_cost, allow_ip_lists, system_ip_blacklist,"
    " two_factor_auth_hours, two_factor_container, enable_auto_reports"
    " FROM system_settings LIMIT 1";

static int as_int(const char *s)
{
    return s ? atoi(s) : 0;
}

static void copy(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

enum db_status settings_read(struct db *db, struct settings *s)
{
    struct db_row row;
    int found;
    enum db_status st;

    memset(s, 0, sizeof *s);
    s->pass_cost = 2;
    copy(s->two_factor_container, sizeof s->two_factor_container, "---DISABLED---");
    st = db_row(db, SQL_SETTINGS, NULL, 0, &row, &found);
    if (st != DB_OK || !found)
        return st;
    s->use_non_latin = as_int(row.col[0]);
    s->allow_web_debug = as_int(row.col[1]);
    s->webroot_writable = as_int(row.col[2]);
    s->pass_hash_enabled = as_int(row.col[3]);
    copy(s->pass_key, sizeof s->pass_key, row.col[4]);
    s->pass_cost = (unsigned)as_int(row.col[5]);
    s->allow_ip_lists = as_int(row.col[6]);
    copy(s->system_ip_blacklist, sizeof s->system_ip_blacklist, row.col[7]);
    s->two_factor_auth_hours = as_int(row.col[8]);
    copy(s->two_factor_container, sizeof s->two_factor_container, row.col[9]);
    s->enable_auto_reports = as_int(row.col[10]);
    return DB_OK;
}
