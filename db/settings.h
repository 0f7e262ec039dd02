/*
 * settings.h - the system_settings values a request depends on.
 *
 * VICIdial reads system_settings twice per request (the API's start-up read
 * and again inside user_authorization); one read serves both here, and it
 * is the same statement as the login test.
 */
#ifndef NONAGENTD_DB_SETTINGS_H
#define NONAGENTD_DB_SETTINGS_H

#include "db/pool.h"

struct settings {
    int use_non_latin;
    int allow_web_debug;
    int webroot_writable;
    int pass_hash_enabled;
    char pass_key[101];
    unsigned pass_cost;
    int allow_ip_lists;
    char system_ip_blacklist[64];
    int two_factor_auth_hours;
    char two_factor_container[64];
    int enable_auto_reports;
};

/* The columns of system_settings a request needs, for the statements that
 * read them (preamble.c); settings_from_row parses them from
 * row->col[first] on, and settings_defaults gives VICIdial's defaults
 * (latin, no hashing) for a database without the row. */
#define SETTINGS_COLUMNS                                                        \
    "s.use_non_latin, s.allow_web_debug, s.webroot_writable, s.pass_hash_enabled," \
    " s.pass_key, s.pass_cost, s.allow_ip_lists, s.system_ip_blacklist,"        \
    " s.two_factor_auth_hours, s.two_factor_container, s.enable_auto_reports"
#define SETTINGS_NCOLS 11
void settings_defaults(struct settings *s);
void settings_from_row(struct settings *s, const struct db_row *row, int first);

#endif
