/*
 * users.c - every statement that touches vicidial_users, and the small
 * tables user authorization reads: vicidial_user_groups (IP lists),
 * vicidial_ip_list_entries, vicidial_two_factor_auth, vicidial_pending_ar.
 *
 * Comparisons on `user` and `pass` go through the columns' collation
 * (utf8_unicode_ci on VICIdial), which is what makes logins
 * case-insensitive: nonagentd relies on that instead of folding case itself.
 */
#include "db/users.h"
#include "db/widths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_AUTH_PLAIN[] =
    "SELECT " API_USER_COLUMNS " FROM vicidial_users u WHERE u.user=? AND u.pass=? AND "
    LOGIN_CONDITIONS " LIMIT 1";
static const char SQL_AUTH_HASH[] =
    "SELECT " API_USER_COLUMNS " FROM vicidial_users u WHERE u.user=? AND u.pass_hash=? AND "
    LOGIN_CONDITIONS " LIMIT 1";
static const char SQL_FAILURE_STATE[] =
    "SELECT failed_login_count, UNIX_TIMESTAMP(last_login_date) FROM vicidial_users"
    " WHERE user=?";
static const char SQL_NOTE_BAD[] =
    "UPDATE vicidial_users SET failed_login_count=failed_login_count+1,"
    " failed_login_attempts_today=failed_login_attempts_today+1,"
    " failed_login_count_today=failed_login_count_today+1,"
    " failed_last_ip_today=?, failed_last_type_today='aBAD' WHERE user=?";
static const char SQL_NOTE_BAD_AFTER_LOCK[] =
    "UPDATE vicidial_users SET last_login_date=NOW(), failed_login_count=1,"
    " failed_last_ip_today=?,"
    " failed_login_attempts_today=failed_login_attempts_today+1,"
    " failed_login_count_today=failed_login_count_today+1,"
    " failed_last_type_today='aBAD' WHERE user=?";
static const char SQL_NOTE_LOCK[] =
    "UPDATE vicidial_users SET failed_login_attempts_today=failed_login_attempts_today+1,"
    " failed_last_type_today='aLOCK' WHERE user=?";
static const char SQL_NOTE_IPBLOCK[] =
    "UPDATE vicidial_users SET failed_login_attempts_today=failed_login_attempts_today+1,"
    " failed_last_type_today='aIPBLOCK' WHERE user=?";
static const char SQL_NOTE_LOGIN[] =
    "UPDATE vicidial_users SET last_login_date=NOW(), last_ip=?, failed_login_count=0"
    " WHERE user=?";
static const char SQL_IP_LIST_INFO[] =
    "SELECT user_group, ignore_ip_list FROM vicidial_users WHERE user=?";
static const char SQL_GROUP_API_IP_LIST[] =
    "SELECT api_ip_list FROM vicidial_user_groups WHERE user_group=? LIMIT 1";
static const char SQL_IP_LIST_MATCH[] =
    "SELECT count(*) FROM vicidial_ip_list_entries WHERE ip_list_id=?"
    " AND ip_address IN(?,?)";
static const char SQL_TWO_FACTOR_OVERRIDE[] =
    "SELECT two_factor_override FROM vicidial_users WHERE user=?";
static const char SQL_TWO_FACTOR_VALID[] =
    "SELECT count(*) FROM vicidial_two_factor_auth WHERE user=? AND auth_stage='1'"
    " AND auth_exp_date > NOW()";
static const char SQL_PENDING_REPORT_AUTHORIZE[] =
    "UPDATE vicidial_pending_ar SET status='AUTHORIZED' WHERE user=?"
    " AND status='TRIGGERED' AND start_datetime > (NOW() + INTERVAL 5 MINUTE) LIMIT 1";
static const char SQL_GROUP_VIEWABLE[] =
    "SELECT admin_viewable_groups FROM vicidial_user_groups WHERE user_group=? LIMIT 1";

static void copy(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

void api_user_from_row(struct api_user *u, const struct db_row *row, int first)
{
    const char *const *c = row->col + first;

    copy(u->allowed_functions, sizeof u->allowed_functions, c[0]);
    copy(u->user_group, sizeof u->user_group, c[1]);
    u->can_admin_phones = c[2] && atoi(c[2]) == 1;
    u->can_delete_phones = c[3] && atoi(c[3]) == 1;
    u->login_stamped_now = c[4] && atoi(c[4]) == 1;
    copy(u->last_ip, sizeof u->last_ip, c[5]);
}

enum db_status user_auth_row(struct db *db, const char *user, const char *secret,
                             int hashed, long long lock_before, struct api_user *u,
                             int *found)
{
    char before[32];
    struct db_row row;
    enum db_status s;

    snprintf(before, sizeof before, "%lld", lock_before);
    struct db_arg a[] = { DB_STR(user), DB_STR(secret), DB_STR(before) };
    memset(u, 0, sizeof *u);
    s = db_row(db, hashed ? SQL_AUTH_HASH : SQL_AUTH_PLAIN, a, 3, &row, found);
    if (s == DB_OK && *found)
        api_user_from_row(u, &row, 0);
    return s;
}

enum db_status user_failure_state(struct db *db, const char *user, int *found,
                                  long long *failed_count, long long *last_login)
{
    struct db_arg a[] = { DB_STR(user) };
    struct db_row row;
    enum db_status s = db_row(db, SQL_FAILURE_STATE, a, 1, &row, found);

    if (s == DB_OK && *found) {
        *failed_count = row.col[0] ? strtoll(row.col[0], NULL, 10) : 0;
        *last_login = row.col[1] ? strtoll(row.col[1], NULL, 10) : 0;
    }
    return s;
}

static enum db_status note(struct db *db, const char *sql, const char *ip, const char *user)
{
    struct db_arg a[] = { DB_STR(ip), DB_STR(user) };
    return ip ? db_exec(db, sql, a, 2, NULL, NULL) : db_exec(db, sql, a + 1, 1, NULL, NULL);
}

enum db_status user_note_bad(struct db *db, const char *user, const char *ip)
{
    return note(db, SQL_NOTE_BAD, ip, user);
}

enum db_status user_note_bad_after_lock(struct db *db, const char *user, const char *ip)
{
    return note(db, SQL_NOTE_BAD_AFTER_LOCK, ip, user);
}

enum db_status user_note_lock(struct db *db, const char *user)
{
    return note(db, SQL_NOTE_LOCK, NULL, user);
}

enum db_status user_note_ipblock(struct db *db, const char *user)
{
    return note(db, SQL_NOTE_IPBLOCK, NULL, user);
}

/* last_ip is VARCHAR(15): an IPv6 address is cut, as VICIdial's
 * non-strict servers store it. */
enum db_status user_note_login(struct db *db, const char *user, const char *ip)
{
    struct db_arg a[] = { db_cut(ip, W_USER_LAST_IP), DB_STR(user) };
    return db_exec(db, SQL_NOTE_LOGIN, a, 2, NULL, NULL);
}

/* The read's NOW() is the request's second: skipping the update then is
 * running it at the read, where it would change nothing (not even
 * modify_stamp, which moves only when a value does).  A later change to
 * the row by another request is ordered after this one either way.  The
 * IP is compared byte for byte, not through the column's collation, so a
 * difference in case is still written. */
int user_login_noted(const struct api_user *u, const char *ip)
{
    struct db_arg cut = db_cut(ip, W_USER_LAST_IP);

    return u->login_stamped_now && strlen(u->last_ip) == cut.len &&
           memcmp(u->last_ip, ip, cut.len) == 0;
}

enum db_status user_ip_list_info(struct db *db, const char *user, char *group,
                                 size_t cap, int *ignore_ip_list, int *found)
{
    struct db_arg a[] = { DB_STR(user) };
    struct db_row row;
    enum db_status s = db_row(db, SQL_IP_LIST_INFO, a, 1, &row, found);

    group[0] = '\0';
    *ignore_ip_list = 0;
    if (s == DB_OK && *found) {
        copy(group, cap, row.col[0]);
        *ignore_ip_list = row.col[1] ? atoi(row.col[1]) : 0;
    }
    return s;
}

enum db_status user_group_api_ip_list(struct db *db, const char *group, char *list,
                                      size_t cap, int *found)
{
    struct db_arg a[] = { DB_STR(group) };
    struct db_row row;
    enum db_status s = db_row(db, SQL_GROUP_API_IP_LIST, a, 1, &row, found);

    list[0] = '\0';
    if (s == DB_OK && *found)
        copy(list, cap, row.col[0]);
    return s;
}

enum db_status ip_list_match(struct db *db, const char *list_id, const char *ip,
                             const char *ip_class_c, long long *count)
{
    struct db_arg a[] = { DB_STR(list_id), DB_STR(ip), DB_STR(ip_class_c) };
    return db_count(db, SQL_IP_LIST_MATCH, a, 3, count);
}

enum db_status user_two_factor_override(struct db *db, const char *user, char *out,
                                        size_t cap)
{
    struct db_arg a[] = { DB_STR(user) };
    struct db_row row;
    int found;
    enum db_status s = db_row(db, SQL_TWO_FACTOR_OVERRIDE, a, 1, &row, &found);

    out[0] = '\0';
    if (s == DB_OK && found)
        copy(out, cap, row.col[0]);
    return s;
}

enum db_status user_two_factor_valid(struct db *db, const char *user, long long *count)
{
    struct db_arg a[] = { DB_STR(user) };
    return db_count(db, SQL_TWO_FACTOR_VALID, a, 1, count);
}

enum db_status user_pending_report_authorize(struct db *db, const char *user,
                                             int *authorized)
{
    struct db_arg a[] = { DB_STR(user) };
    unsigned long long affected = 0;
    enum db_status s = db_exec(db, SQL_PENDING_REPORT_AUTHORIZE, a, 1, &affected, NULL);

    *authorized = s == DB_OK && affected > 0;
    return s;
}

enum db_status user_group_viewable(struct db *db, const char *group, char *out, size_t cap)
{
    struct db_arg a[] = { DB_STR(group) };
    struct db_row row;
    int found;
    enum db_status s = db_row(db, SQL_GROUP_VIEWABLE, a, 1, &row, &found);

    out[0] = '\0';
    if (s == DB_OK && found)
        copy(out, cap, row.col[0]);
    return s;
}
