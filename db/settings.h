/*
 * settings.h - the system_settings values a request depends on.
 *
 * VICIdial reads system_settings twice per request (the API's start-up read
 * and again inside user_authorization); one read serves both here.
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

/* Read the single row; no row gives VICIdial's defaults (latin, no hashing). */
enum db_status settings_read(struct db *db, struct settings *s);

#endif
