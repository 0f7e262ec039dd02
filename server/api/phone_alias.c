/*
 * phone_alias.c - function=add_phone_alias and function=update_phone_alias
 * (api.md 3.2 and 3.3): a named list of phone logins, added, renamed,
 * re-listed or deleted.  Checks in VICIdial's order; every write checked,
 * and a duplicate alias id refused by the primary key answers ALREADY
 * EXISTS, never SUCCESS.
 */
#include "server/api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/api/phone_rules.h"
#include "server/respond.h"
#include "db/aliases.h"
#include "db/logs.h"
#include "db/phones.h"
#include "db/users.h"

/* Every comma-separated login (empty ones too) must be some phone's login.
 * 0 when all are; 1 with *missing (malloc'd) naming the first that is not;
 * -1 when the database failed. */
static int first_missing_login(struct request *r, const char *logins, char **missing)
{
    const char *p = logins;

    for (;;) {
        size_t len = strcspn(p, ",");
        char *one = strndup(p, len);
        long long n = 0;
        if (!one || phone_login_count(r->db, one, &n) != DB_OK) {
            free(one);
            r->db_failed = 1;
            return -1;
        }
        if (n < 1) {
            *missing = one;
            return 1;
        }
        free(one);
        if (p[len] == '\0')
            return 0;
        p += len + 1;
    }
}

static void log_alias(struct request *r, const char *type, const char *code,
                      const char *sql, const char *alias_id, const char *notes)
{
    struct admin_log log = {
        .event_date = r->now_time, .user = r->user, .ip_address = r->client_ip,
        .event_section = "PHONEALIASES", .event_type = type, .record_id = alias_id,
        .event_code = code, .event_sql = sql, .event_notes = notes,
    };
    if (admin_log_insert(r->db, &log) != DB_OK)
        fprintf(stderr, "nonagentd: %s admin log not written: %s\n", r->function,
                db_last_error(r->db));
}

/* Answer "PHONE DOES NOT EXIST" for the first unknown login; 0 when every
 * login exists, -1 after answering (or on a database failure). */
static int check_logins(struct request *r, struct response *resp, const char *fn,
                        const char *logins)
{
    char *missing = NULL, reason[96];
    int rc = first_missing_login(r, logins, &missing);

    if (rc == 1) {
        snprintf(reason, sizeof reason, "%s PHONE DOES NOT EXIST", fn);
        respond_error(r, resp, reason, missing);
        free(missing);
    }
    return rc == 0 ? 0 : -1;
}

void api_add_phone_alias(struct request *r, struct response *resp)
{
    const char *id = request_field(r, "alias_id");
    const char *name = request_field(r, "alias_name");
    const char *logins = request_field(r, "phone_logins");
    long long n = 0;
    int duplicate = 0;
    char *data;
    enum db_status s;

    if (phone_function_start(r, resp, "add_phone_alias",
                       "add_phone_alias USER DOES NOT HAVE PERMISSION TO ADD PHONE ALIASES") != 0)
        return;
    if (strlen(id) < 2 || strlen(logins) < 2 || !*name) {
        data = respond_join(3, id, name, logins);
        respond_error(r, resp, "add_phone_alias YOU MUST USE ALL REQUIRED FIELDS", data);
        free(data);
        return;
    }
    if (alias_count(r->db, id, &n) != DB_OK)
        goto db_failed;
    if (n > 0) {
        respond_error(r, resp, "add_phone_alias PHONE ALIAS ALREADY EXISTS", id);
        return;
    }
    if (check_logins(r, resp, "add_phone_alias", logins) != 0)
        return;
    s = alias_insert(r->db, id, name, logins, &duplicate);
    if (s == DB_ERROR && duplicate) {
        respond_error(r, resp, "add_phone_alias PHONE ALIAS ALREADY EXISTS", id);
        return;
    }
    if (s != DB_OK)
        goto db_failed;

    struct buf sql = { 0 }, notes = { 0 };
    buf_printf(&sql, "INSERT INTO phones_alias (alias_id,alias_name,logins_list) "
                     "values('%s','%s','%s')|", id, name, logins);
    buf_printf(&notes, "phones: %s", logins);
    log_alias(r, "ADD", "ADMIN API ADD PHONE ALIAS", sql.data ? sql.data : "", id,
              notes.data ? notes.data : "");
    buf_free(&sql);
    buf_free(&notes);
    data = respond_join(3, id, name, logins);
    respond_success(r, resp, "add_phone_alias PHONE ALIAS HAS BEEN ADDED", data);
    free(data);
    return;
db_failed:
    r->db_failed = 1;
}

static void delete_alias(struct request *r, struct response *resp, const char *id)
{
    unsigned long long deleted = 0;
    struct buf sql = { 0 };

    if (!r->api_user.can_delete_phones) {
        respond_notice(r, resp,
                       "update_phone_alias USER DOES NOT HAVE PERMISSION TO DELETE PHONE ALIASES",
                       "0");
        return;
    }
    if (alias_delete(r->db, id, &deleted) != DB_OK)
        goto db_failed;
    if (deleted == 0) {
        respond_error(r, resp, "update_phone_alias PHONE ALIAS DOES NOT EXIST", id);
        return;
    }
    buf_printf(&sql, "DELETE FROM phones_alias where alias_id='%s'|", id);
    log_alias(r, "DELETE", "ADMIN API DELETE PHONE ALIAS", sql.data ? sql.data : "", id, "");
    buf_free(&sql);
    respond_success(r, resp, "update_phone_alias PHONE ALIAS HAS BEEN DELETED", id);
    return;
db_failed:
    r->db_failed = 1;
}

void api_update_phone_alias(struct request *r, struct response *resp)
{
    const char *id = request_field(r, "alias_id");
    const char *name = request_field(r, "alias_name");
    const char *logins = request_field(r, "phone_logins");
    const char *del = request_field(r, "delete_alias");
    unsigned long long matched = 0;
    long long n = 0;
    char *data;

    if (phone_function_start(r, resp, "update_phone_alias",
                       "update_phone_alias USER DOES NOT HAVE PERMISSION TO UPDATE PHONE ALIASES")
        != 0)
        return;
    if (strlen(id) < 2 || (strlen(logins) < 2 && !*name && !*del)) {
        data = respond_join(3, id, name, logins);
        respond_error(r, resp, "update_phone_alias YOU MUST USE ALL REQUIRED FIELDS", data);
        free(data);
        return;
    }
    if (alias_count(r->db, id, &n) != DB_OK)
        goto db_failed;
    if (n < 1) {
        respond_error(r, resp, "update_phone_alias PHONE ALIAS DOES NOT EXIST", id);
        return;
    }
    if (strcmp(del, "Y") == 0) {
        delete_alias(r, resp, id);
        return;
    }
    if (*name && (strlen(name) < 2 || strlen(name) > 50)) {
        respond_error(r, resp, "update_phone_alias YOU MUST USE A VALID ALIAS NAME", name);
        return;
    }
    int set_logins = strlen(logins) > 1;
    if (set_logins && check_logins(r, resp, "update_phone_alias", logins) != 0)
        return;
    if (!set_logins && !*name) {
        respond_notice(r, resp, "update_phone_alias NO UPDATES DEFINED", "");
        return;
    }
    if (alias_update(r->db, id, set_logins ? logins : NULL, *name ? name : NULL, &matched)
        != DB_OK)
        goto db_failed;
    if (matched == 0) {
        respond_error(r, resp, "update_phone_alias PHONE ALIAS DOES NOT EXIST", id);
        return;
    }

    struct buf sql = { 0 }, notes = { 0 };
    buf_puts(&sql, "UPDATE phones_alias SET ");
    if (set_logins)
        buf_printf(&sql, "logins_list='%s'%s", logins, *name ? "," : "");
    if (*name)
        buf_printf(&sql, "alias_name='%s'", name);
    buf_printf(&sql, " WHERE alias_id='%s'|", id);
    buf_printf(&notes, "phones: %s", logins);
    /* VICIdial logs this change with the phone's event code (sic). */
    log_alias(r, "MODIFY", "ADMIN API UPDATE PHONE", sql.data ? sql.data : "", id,
              notes.data ? notes.data : "");
    buf_free(&sql);
    buf_free(&notes);
    data = respond_join(2, id, "");
    respond_success(r, resp, "update_phone_alias PHONE ALIAS HAS BEEN UPDATED", data);
    free(data);
    return;
db_failed:
    r->db_failed = 1;
}
