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
};

/* VICIdial's 'REPORTS' login test: user and password (plain `pass`, or
 * `pass_hash` when hashing is on) match, level > 6, active, and not locked
 * (under 10 failures, or the last login older than lock_before).  `user`
 * is unique, so VICIdial's count(*) is 0 or 1: *found says which, and the
 * same read returns the row VICIdial reads next (api_allowed_functions,
 * user_group) and the two phone-function rights it checks later. */
enum db_status user_auth_row(struct db *db, const char *user, const char *secret,
                             int hashed, long long lock_before, struct api_user *u,
                             int *found);

/* The settings row and, in the same read, the plain-password login test
 * (as user_auth_row with hashed=0): one round trip where VICIdial makes two.
 * The login answer is VICIdial's only when the settings say latin mode
 * (user and pass were filtered as latin) and no password hashing: the
 * caller checks that and otherwise runs user_auth_row itself.
 * *settings_found is 0 when system_settings has no row (s keeps defaults). */
enum db_status settings_with_plain_login(struct db *db, const char *user, const char *pass,
                                         long long lock_before, struct settings *s,
                                         int *settings_found, struct api_user *u,
                                         int *login_found);

/* failed_login_count and UNIX_TIMESTAMP(last_login_date) of the user. */
enum db_status user_failure_state(struct db *db, const char *user, int *found,
                                  long long *failed_count, long long *last_login);

/* The counter updates of a failed login (api.md 1.7 step 4). */
enum db_status user_note_bad(struct db *db, const char *user, const char *ip);
enum db_status user_note_bad_after_lock(struct db *db, const char *user, const char *ip);
enum db_status user_note_lock(struct db *db, const char *user);
enum db_status user_note_ipblock(struct db *db, const char *user);

/* A successful login: last_login_date=NOW(), last_ip, counter reset. */
enum db_status user_note_login(struct db *db, const char *user, const char *ip);

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
