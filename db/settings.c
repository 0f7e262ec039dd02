/*
 * settings.c - the system_settings row: its defaults when there is none,
 * and its parsing.  The row is read by the preamble's first statement,
 * together with the login test and the server reads (preamble.c).
 */
#include "db/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int as_int(const char *s)
{
    return s ? atoi(s) : 0;
}

static void copy(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

void settings_defaults(struct settings *s)
{
    memset(s, 0, sizeof *s);
    s->pass_cost = 2;
    copy(s->two_factor_container, sizeof s->two_factor_container, "---DISABLED---");
}

void settings_from_row(struct settings *s, const struct db_row *row, int first)
{
    const char *const *c = row->col + first;

    s->use_non_latin = as_int(c[0]);
    s->allow_web_debug = as_int(c[1]);
    s->webroot_writable = as_int(c[2]);
    s->pass_hash_enabled = as_int(c[3]);
    copy(s->pass_key, sizeof s->pass_key, c[4]);
    s->pass_cost = (unsigned)as_int(c[5]);
    s->allow_ip_lists = as_int(c[6]);
    copy(s->system_ip_blacklist, sizeof s->system_ip_blacklist, c[7]);
    s->two_factor_auth_hours = as_int(c[8]);
    copy(s->two_factor_container, sizeof s->two_factor_container, c[9]);
    s->enable_auto_reports = as_int(c[10]);
}
