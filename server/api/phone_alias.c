/*
 * phone_alias.c - function=add_phone_alias and function=update_phone_alias
 * (docs/api.md, "add_phone_alias" and "update_phone_alias"): a named list
 * of phone logins, added, renamed, re-listed or deleted.  Checks in
 * VICIdial's order; every write checked, and a duplicate alias id refused
 * by the primary key answers ALREADY EXISTS, never SUCCESS.
 */
#include "server/api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/api/changes.h"
#include "server/api/phone_rules.h"
#include "db/aliases.h"
#include "db/logs.h"
#include "db/phones.h"
#include "db/users.h"

/* Every comma-separated login (empty ones too) must be some phone's login:
 * "<fn> PHONE DOES NOT EXIST" for the first that is not, else outcome_go(). */
static struct outcome check_logins(struct request *r, const char *not_found_reason,
                                   const char *logins)
{
    const char *p = logins;

    for (;;) {
        size_t len = strcspn(p, ",");
        char *one = strndup(p, len);
        long long n = 0;
        if (!one)
            return (struct outcome){ .answer = ANSWER_NO_MEMORY, .status = 500 };
        if (phone_login_count(r->db, one, &n) != DB_OK) {
            free(one);
            return outcome_db_down();
        }
        if (n < 1) {
            struct outcome o = outcome_error(not_found_reason, one);
            o.owned = one;
            return o;
        }
        free(one);
        if (p[len] == '\0')
            return outcome_go();
        p += len + 1;
    }
}

/* An alias's admin log row: a failure is reported and changes nothing in
 * the answer, since the alias is written. */
static void log_alias(struct request *r, const char *type, const char *code,
                      const char *sql, const char *alias_id, const char *notes)
{
    struct admin_log log = admin_log_row(r, "PHONEALIASES", type, code, sql, alias_id, notes);

    if (admin_log_insert(r->db, &log, 0) != DB_OK)
        fprintf(stderr, "nonagentd: %s admin log not written: %s\n", r->function,
                db_last_error(r->db));
}

struct outcome api_add_phone_alias(struct request *r)
{
    const char *id = request_field(r, FIELD_alias_id);
    const char *name = request_field(r, FIELD_alias_name);
    const char *logins = request_field(r, FIELD_phone_logins);
    long long n = 0;
    int duplicate = 0;
    enum db_status s;

    struct outcome o = phone_function_start(
        r, "add_phone_alias", "add_phone_alias USER DOES NOT HAVE PERMISSION TO ADD PHONE ALIASES");
    if (o.answer != ANSWER_NONE)
        return o;
    if (strlen(id) < 2 || strlen(logins) < 2 || !*name)
        return outcome_error_joined("add_phone_alias YOU MUST USE ALL REQUIRED FIELDS", 3, id,
                                    name, logins);
    if (alias_count(r->db, id, &n) != DB_OK)
        return outcome_db_down();
    if (n > 0)
        return outcome_error("add_phone_alias PHONE ALIAS ALREADY EXISTS", id);
    o = check_logins(r, "add_phone_alias PHONE DOES NOT EXIST", logins);
    if (o.answer != ANSWER_NONE)
        return o;
    s = alias_insert(r->db, id, name, logins, &duplicate);
    if (s == DB_ERROR && duplicate)
        return outcome_error("add_phone_alias PHONE ALIAS ALREADY EXISTS", id);
    if (s != DB_OK)
        return outcome_db_down();

    struct buf sql = { 0 }, notes = { 0 };
    buf_printf(&sql, "INSERT INTO phones_alias (alias_id,alias_name,logins_list) "
                     "values('%s','%s','%s')|", id, name, logins);
    buf_printf(&notes, "phones: %s", logins);
    log_alias(r, "ADD", "ADMIN API ADD PHONE ALIAS", sql.oom ? NULL : sql.data, id,
              notes.data ? notes.data : "");
    buf_free(&sql);
    buf_free(&notes);
    return outcome_success_joined("add_phone_alias PHONE ALIAS HAS BEEN ADDED", 3, id, name,
                                  logins);
}

static struct outcome delete_alias(struct request *r, const char *id)
{
    unsigned long long deleted = 0;
    struct buf sql = { 0 };

    if (!r->api_user.can_delete_phones)
        return outcome_notice(
            "update_phone_alias USER DOES NOT HAVE PERMISSION TO DELETE PHONE ALIASES", "0");
    if (alias_delete(r->db, id, &deleted) != DB_OK)
        return outcome_db_down();
    if (deleted == 0)
        return outcome_error("update_phone_alias PHONE ALIAS DOES NOT EXIST", id);
    buf_printf(&sql, "DELETE FROM phones_alias where alias_id='%s'|", id);
    log_alias(r, "DELETE", "ADMIN API DELETE PHONE ALIAS", sql.oom ? NULL : sql.data, id, "");
    buf_free(&sql);
    return outcome_success("update_phone_alias PHONE ALIAS HAS BEEN DELETED", id);
}

struct outcome api_update_phone_alias(struct request *r)
{
    const char *id = request_field(r, FIELD_alias_id);
    const char *name = request_field(r, FIELD_alias_name);
    const char *logins = request_field(r, FIELD_phone_logins);
    const char *del = request_field(r, FIELD_delete_alias);
    unsigned long long matched = 0;
    long long n = 0;

    struct outcome o = phone_function_start(
        r, "update_phone_alias",
        "update_phone_alias USER DOES NOT HAVE PERMISSION TO UPDATE PHONE ALIASES");
    if (o.answer != ANSWER_NONE)
        return o;
    if (strlen(id) < 2 || (strlen(logins) < 2 && !*name && !*del))
        return outcome_error_joined("update_phone_alias YOU MUST USE ALL REQUIRED FIELDS", 3,
                                    id, name, logins);
    if (alias_count(r->db, id, &n) != DB_OK)
        return outcome_db_down();
    if (n < 1)
        return outcome_error("update_phone_alias PHONE ALIAS DOES NOT EXIST", id);
    if (strcmp(del, "Y") == 0)
        return delete_alias(r, id);
    if (*name && (strlen(name) < 2 || strlen(name) > 50))
        return outcome_error("update_phone_alias YOU MUST USE A VALID ALIAS NAME", name);
    int set_logins = strlen(logins) > 1;
    if (set_logins) {
        o = check_logins(r, "update_phone_alias PHONE DOES NOT EXIST", logins);
        if (o.answer != ANSWER_NONE)
            return o;
    }
    if (!set_logins && !*name)
        return outcome_notice("update_phone_alias NO UPDATES DEFINED", "");
    if (alias_update(r->db, id, set_logins ? logins : NULL, *name ? name : NULL, &matched)
        != DB_OK)
        return outcome_db_down();
    if (matched == 0)
        return outcome_error("update_phone_alias PHONE ALIAS DOES NOT EXIST", id);

    struct buf sql = { 0 }, notes = { 0 };
    buf_puts(&sql, "UPDATE phones_alias SET ");
    if (set_logins)
        buf_printf(&sql, "logins_list='%s'%s", logins, *name ? "," : "");
    if (*name)
        buf_printf(&sql, "alias_name='%s'", name);
    buf_printf(&sql, " WHERE alias_id='%s'|", id);
    buf_printf(&notes, "phones: %s", logins);
    /* VICIdial logs this change with the phone's event code (sic). */
    log_alias(r, "MODIFY", "ADMIN API UPDATE PHONE", sql.oom ? NULL : sql.data, id,
              notes.data ? notes.data : "");
    buf_free(&sql);
    buf_free(&notes);
    return outcome_success_joined("update_phone_alias PHONE ALIAS HAS BEEN UPDATED", 2, id, "");
}
