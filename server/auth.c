/*
 * auth.c - who may call the API (docs/api.md), step by step as VICIdial's
 * user_authorization does it, with one deliberate difference: when
 * password hashing is on and pass_key is not 16 characters, VICIdial
 * hashes every password to '' and lets in any user whose pass_hash is
 * empty; nonagentd refuses the login instead.
 */
#include "server/auth.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server/bcrypt.h"
#include "db/users.h"

#define LOCK_ATTEMPTS 10
#define LOCK_SECONDS 900

long long auth_lock_before(void)
{
    return (long long)time(NULL) - LOCK_SECONDS;
}

void auth_ip_class_c(const char *ip, char *out, size_t cap)
{
    /* Find the last '.' followed by one or more digits, and replace that
     * run with ".x" (PCRE ~\.\d+(?!.*\.\d+)~). */
    size_t len = strlen(ip);
    ptrdiff_t at = -1;
    size_t end = 0;

    for (size_t i = 0; i < len; i++) {
        if (ip[i] == '.' && i + 1 < len && ip[i + 1] >= '0' && ip[i + 1] <= '9') {
            size_t j = i + 1;
            while (j < len && ip[j] >= '0' && ip[j] <= '9')
                j++;
            at = (ptrdiff_t)i;
            end = j;
        }
    }
    if (at < 0)
        snprintf(out, cap, "%s", ip);
    else
        snprintf(out, cap, "%.*s.x%s", (int)at, ip, ip + end);
}

/* The failed-login path: count the failure, or report the lock. */
static const char *fail_login(struct request *r, long long lock_before)
{
    int found = 0;
    long long failed = 0, last_login = 0;
    const char *key = "BAD";
    enum db_status s = user_failure_state(r->db, r->user, &found, &failed, &last_login);

    if (s != DB_OK)
        return NULL;
    if (!found)
        return key;
    if (failed < LOCK_ATTEMPTS)
        s = user_note_bad(r->db, r->user, r->client_ip);
    else if (last_login < lock_before)
        s = user_note_bad_after_lock(r->db, r->user, r->client_ip);
    else {
        key = "LOCK";
        s = user_note_lock(r->db, r->user);
    }
    return s == DB_OK ? key : NULL;
}

/* IP lists (allow_ip_lists > 0): 1 when the address is refused. */
static int ip_blocked(struct request *r, int *failed)
{
    char group[64], list[64], class_c[80];
    int ignore = 0, found = 0;
    long long n = 0;
    int whitelisted = 1, blacklisted = 0;

    *failed = 0;
    if (user_ip_list_info(r->db, r->user, group, sizeof group, &ignore, &found) != DB_OK)
        goto db_error;
    if (ignore >= 1)
        return 0;
    auth_ip_class_c(r->client_ip, class_c, sizeof class_c);
    if (strlen(r->settings.system_ip_blacklist) > 1) {
        if (ip_list_match(r->db, r->settings.system_ip_blacklist, r->client_ip, class_c,
                          &n) != DB_OK)
            goto db_error;
        blacklisted = n > 0;
    }
    if (user_group_api_ip_list(r->db, group, list, sizeof list, &found) != DB_OK)
        goto db_error;
    if (found && strlen(list) > 1) {
        if (ip_list_match(r->db, list, r->client_ip, class_c, &n) != DB_OK)
            goto db_error;
        whitelisted = n > 0;
    }
    return !whitelisted || blacklisted;
db_error:
    *failed = 1;
    return 0;
}

/* Two-factor gate: 1 when the login needs a 2FA code first. */
static int needs_two_factor(struct request *r, int *failed)
{
    const struct settings *st = &r->settings;
    char override[32];
    long long valid = 0;
    int authorized = 0;

    *failed = 0;
    if (st->two_factor_auth_hours <= 0 || !st->two_factor_container[0] ||
        strcmp(st->two_factor_container, "---DISABLED---") == 0)
        return 0;
    if (user_two_factor_override(r->db, r->user, override, sizeof override) != DB_OK)
        goto db_error;
    if (strcmp(override, "DISABLED") == 0)
        return 0;
    if (user_two_factor_valid(r->db, r->user, &valid) != DB_OK)
        goto db_error;
    if (valid >= 1)
        return 0;
    if (st->enable_auto_reports > 0) {
        if (user_pending_report_authorize(r->db, r->user, &authorized) != DB_OK)
            goto db_error;
        if (authorized)
            return 0;
    }
    return 1;
db_error:
    *failed = 1;
    return 0;
}

const char *auth_user(struct request *r)
{
    const struct settings *st = &r->settings;
    const char *pass = request_field(r, FIELD_pass);
    long long lock_before = auth_lock_before();
    int found = 0, failed = 0;

    if (st->pass_hash_enabled > 0) {
        char hash[VICIDIAL_HASH_LEN + 1];
        /* An empty password never matches a hash; a pass_key that is not
         * 16 characters gives no hash at all: both are failed logins. */
        if (*pass && vicidial_pass_hash(pass, st->pass_key, st->pass_cost, hash) == 0) {
            if (user_auth_row(r->db, r->user, hash, 1, lock_before, &r->api_user, &found)
                != DB_OK)
                return NULL;
        }
    } else if (r->login_checked) {
        found = r->login_found;         /* read with the settings */
    } else if (user_auth_row(r->db, r->user, pass, 0, lock_before, &r->api_user, &found)
               != DB_OK) {
        return NULL;
    }

    if (!found)
        return fail_login(r, lock_before);

    if (st->allow_ip_lists > 0) {
        int blocked = ip_blocked(r, &failed);
        if (failed)
            return NULL;
        if (blocked)
            return user_note_ipblock(r->db, r->user) == DB_OK ? "IPBLOCK" : NULL;
    }
    if (!user_login_noted(&r->api_user, r->client_ip) &&
        user_note_login(r->db, r->user, r->client_ip) != DB_OK)
        return NULL;
    if (needs_two_factor(r, &failed))
        return "2FA";
    return failed ? NULL : "GOOD";
}
