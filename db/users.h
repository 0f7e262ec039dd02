/*
 * users.h - the queries on vicidial_users and the tables authentication
 * reads beside it (user groups, IP lists, two-factor state).
 */
#ifndef NONAGENTD_DB_USERS_H
#define NONAGENTD_DB_USERS_H

#include "db/pool.h"
#include "db/settings.h"

/* The API user's row, as far as the phone functions need it. */
struct api_user {
    char allowed_functions[1001];
    char user_group[21];
    int can_admin_phones;      /* vdc_agent_api_access, ast_admin_access, level >= 8 */
    int can_delete_phones;     /* vdc_agent_api_access, ast_delete_phones, level >= 8 */
    /* What a successful login would write, as the row read said it was:
     * last_login_date is this second and failed_login_count 0 (1 if so),
     * and last_ip (VARCHAR(15), up to 3 bytes a character). */
    int login_stamped_now;
    char last_ip[46];
};

/* The row's columns the login test returns (u. is vicidial_users), and its
 * conditions beyond user and password, for statements that test the login
 * beside other reads (preamble.c); api_user_from_row parses the columns. */
#define API_USER_COLUMNS                                                          \
    "u.api_allowed_functions, u.user_group,"                                      \
    " (u.vdc_agent_api_access='1' AND u.ast_admin_access='1' AND u.user_level >= 8)," \
    " (u.vdc_agent_api_access='1' AND u.ast_delete_phones='1' AND u.user_level >= 8)," \
    " (u.last_login_date = NOW() AND u.failed_login_count = 0), u.last_ip"
#define API_USER_NCOLS 6
#define LOGIN_CONDITIONS                                                           \
    "u.user_level > 6 AND u.active='Y' AND ((u.failed_login_count < 10)"          \
    " OR (UNIX_TIMESTAMP(u.last_login_date) < ?))"
void api_user_from_row(struct api_user *u, const struct db_row *row, int first);

/* VICIdial's 'REPORTS' login test: user and password (plain `pass`, or
 * `pass_hash` when hashing is on) match, level > 6, active, and not locked
 * (under 10 failures, or the last login older than lock_before).  `user`
 * is unique, so VICIdial's count(*) is 0 or 1: *found says which, and the
 * same read returns the row VICIdial reads next (api_allowed_functions,
 * user_group), the two phone-function rights it checks later, and what
 * the row holds of the last login (user_login_noted). */
enum db_status user_auth_row(struct db *db, const char *user, const char *secret,
                             int hashed, long long lock_before, struct api_user *u,
                             int *found);

/* failed_login_count and UNIX_TIMESTAMP(last_login_date) of the user. */
enum db_status user_failure_state(struct db *db, const char *user, int *found,
                                  long long *failed_count, long long *last_login);

/* The counter updates of a failed login (docs/rows.md, "Authentication"). */
enum db_status user_note_bad(struct db *db, const char *user, const char *ip);
enum db_status user_note_bad_after_lock(struct db *db, const char *user, const char *ip);
enum db_status user_note_lock(struct db *db, const char *user);
enum db_status user_note_ipblock(struct db *db, const char *user);

/* A successful login: last_login_date=NOW(), last_ip, counter reset. */
enum db_status user_note_login(struct db *db, const char *user, const char *ip);
/* 1 when u, the row the login test read, already holds what
 * user_note_login would write for a login from ip. */
int user_login_noted(const struct api_user *u, const char *ip);

/* IP-list inputs: the user's group and ignore_ip_list flag. */
enum db_status user_ip_list_info(struct db *db, const char *user, char *group,
                                 size_t cap, int *ignore_ip_list, int *found);
/* The group's api_ip_list (*found=0 when the group has no row). */
enum db_status user_group_api_ip_list(struct db *db, const char *group, char *list,
                                      size_t cap, int *found);
/* Entries of list_id matching the address or its a.b.c.x form. */
enum db_status ip_list_match(struct db *db, const char *list_id, const char *ip,
                             const char *ip_class_c, long long *count);

/* Two-factor state. */
enum db_status user_two_factor_override(struct db *db, const char *user, char *out,
                                        size_t cap);
enum db_status user_two_factor_valid(struct db *db, const char *user, long long *count);
enum db_status user_pending_report_authorize(struct db *db, const char *user,
                                             int *authorized);

/* The group's admin_viewable_groups (update_phone's visibility rule);
 * "" when the group has no row. */
enum db_status user_group_viewable(struct db *db, const char *group, char *out, size_t cap);

#endif
