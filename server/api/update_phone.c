/*
 * update_phone.c - function=update_phone (docs/api.md, "update_phone"): change or delete
 * one phone, found by extension and server, visible to the API user's
 * group.  The checks, in VICIdial's order:
 *
 *   source, allowed functions, permission, required fields, the user
 *   group's visibility, server, phone, then either the delete path
 *   (delete_phone=Y) or the 18 field rules, then the update, admin log,
 *   server rebuild flag, answer, API log.
 *
 * A changed login is checked and written under the login's named lock, so
 * it cannot race an add_phone or another update_phone to a duplicate.
 */
#include "server/api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/api/phone_rules.h"
#include "server/api/phone_written.h"
#include "db/locks.h"
#include "db/phones.h"
#include "db/tx.h"
#include "db/users.h"

#define FN "update_phone"

static struct outcome phone_gone(const char *e, const char *s)
{
    return outcome_error_joined(FN " PHONE DOES NOT EXIST ON THIS SERVER", 2, s, e);
}

static struct outcome delete_phone(struct request *r, const char *e, const char *s)
{
    unsigned long long deleted = 0;
    int atomic = 0;

    if (!r->api_user.can_delete_phones)
        return outcome_notice(FN " USER DOES NOT HAVE PERMISSION TO DELETE PHONES", "0");
    if (tx_begin(r->db, &atomic) != DB_OK)
        return outcome_db_down();
    if (phone_delete(r->db, e, s, &deleted) != DB_OK)
        return phone_write_lost(r, e, s, atomic);
    if (deleted == 0)               /* deleted by someone else meanwhile */
        return phone_gone(e, s);
    struct buf b = { 0 };
    buf_printf(&b, "DELETE FROM phones WHERE extension='%s' and server_ip='%s'|", e, s);
    struct outcome o = phone_written(r, "DELETE", "ADMIN API DELETE PHONE",
                                     b.oom ? NULL : b.data, e, s, atomic, 1,
                                     outcome_success_joined(FN " PHONE HAS BEEN DELETED", 3, e,
                                                            s, ""));
    buf_free(&b);
    return o;
}

/* The UPDATE text VICIdial would have run, for the admin log only. */
static char *event_sql(const struct phone_change *c, const char *e, const char *s)
{
    const char *names[] = { "dialplan_number", "active", "outbound_cid", "voicemail_id",
                            "login", "pass", "protocol", "conf_secret", "fullname",
                            "phone_context", "email", "local_gmt", "user_group",
                            "outbound_alt_cid", "phone_ring_timeout",
                            "delete_vm_after_email" };
    const char *values[] = { c->dialplan_number, c->active, c->outbound_cid,
                             c->voicemail_id, c->login, c->pass, c->protocol,
                             c->conf_secret, c->fullname, c->phone_context, c->email,
                             c->local_gmt, c->user_group, c->outbound_alt_cid,
                             c->phone_ring_timeout, c->delete_vm_after_email };
    const char *flags[] = { "is_webphone", "webphone_auto_answer", "use_external_server_ip",
                            "template_id", "on_hook_agent" };
    const char *flag_values[] = { c->is_webphone, c->webphone_auto_answer,
                                  c->use_external_server_ip, c->template_id,
                                  c->on_hook_agent };
    struct buf b = { 0 };

    buf_puts(&b, "UPDATE phones SET install_directory='' ");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (values[i])
            buf_printf(&b, " ,%s='%s'", names[i], values[i]);
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        buf_append(&b, " ", 1);
        if (flag_values[i])
            buf_printf(&b, ",%s='%s'", flags[i], flag_values[i]);
    }
    buf_printf(&b, " WHERE extension='%s' and server_ip='%s'|", e, s);
    if (b.oom) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

/* The checks from the login on, then the update, which opens the
 * transaction (*atomic: db/tx.h); run while the login's lock is held (when
 * the request changes the login).  *updated is 1 when the row was written. */
static struct outcome check_and_update(struct request *r, const char *e, const char *s,
                                       struct phone_change *c, int *updated, int *atomic)
{
    const char *login = request_field(r, FIELD_phone_login);
    unsigned long long matched = 0;
    long long n = 0;
    enum db_status st;

    if (*login) {
        if (phone_login_conflict_count(r->db, login, e, s, &n) != DB_OK)
            return outcome_db_down();
        if (n > 0)
            return outcome_error(FN " LOGIN ALREADY EXISTS", login);
        c->login = login;
    }
    struct outcome o = update_phone_rules(r, UPDATE_RULES_AFTER_LOGIN, c);
    if (o.answer != ANSWER_NONE)
        return o;
    o = phone_template(r, FN " TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL FIELD", login,
                       &c->template_id);
    if (o.answer != ANSWER_NONE)
        return o;
    if (tx_begin(r->db, atomic) != DB_OK)
        return outcome_db_down();
    st = phone_update(r->db, e, s, c, &matched);
    if (st == DB_ERROR)
        fprintf(stderr, "nonagentd: update_phone update failed: %s\n", db_last_error(r->db));
    if (st == DB_DOWN)
        return phone_write_lost(r, e, s, *atomic);
    if (st != DB_OK)
        return outcome_db_down();
    if (matched == 0)
        return phone_gone(e, s);
    *updated = 1;
    return outcome_success_joined(FN " PHONE HAS BEEN UPDATED", 3, e, s, "");
}

static struct outcome update_fields(struct request *r, const char *e, const char *s)
{
    const char *login = request_field(r, FIELD_phone_login);
    struct phone_change c = { 0 };
    int locked = 0, updated = 0, atomic = 0, flag_unset = 1;
    enum db_status released = DB_OK;

    struct outcome o = update_phone_rules(r, UPDATE_RULES_BEFORE_LOGIN, &c);
    if (o.answer != ANSWER_NONE)
        return o;
    /* A changed login is checked and written under the login's lock,
     * released here on every path. */
    if (*login) {
        if (lock_login(r->db, login, r->lock_wait, &locked) != DB_OK)
            return outcome_db_down();
        if (!locked)
            return outcome_error(FN " PHONE IS BUSY, TRY AGAIN", login);
    }
    o = check_and_update(r, e, s, &c, &updated, &atomic);
    if (locked)
        released = updated ? lock_release_all_reading_flag(r->db, s, &flag_unset)
                           : lock_release_all(r->db);
    /* The lock is released (or kept by the transaction, or went with a
     * lost connection). */

    if (updated) {
        char *sql = event_sql(&c, e, s);
        o = phone_written(r, "MODIFY", "ADMIN API UPDATE PHONE", sql, e, s, atomic, flag_unset,
                          o);
        free(sql);
        return o;
    }
    return outcome_unlocked(o, released);
}

struct outcome api_update_phone(struct request *r)
{
    const char *e = request_field(r, FIELD_extension);
    const char *s = request_field(r, FIELD_server_ip);
    char viewable[4096], group[64];
    int server_found = 0;
    int found = 0;

    struct outcome o = phone_function_start(r, FN,
                                            FN " USER DOES NOT HAVE PERMISSION TO UPDATE PHONES");
    if (o.answer != ANSWER_NONE)
        return o;
    o = update_phone_required(r);
    if (o.answer != ANSWER_NONE)
        return o;
    if (user_group_viewable(r->db, r->api_user.user_group, viewable, sizeof viewable) != DB_OK)
        return outcome_db_down();
    if (phone_server_exists(r, s, &server_found) != DB_OK)
        return outcome_db_down();
    if (!server_found)
        return outcome_error(FN " SERVER DOES NOT EXIST", s);
    if (phone_group(r->db, e, s, group, sizeof group, &found) != DB_OK)
        return outcome_db_down();
    if (!found || !phone_group_visible(viewable, group))
        return phone_gone(e, s);
    if (strcmp(request_field(r, FIELD_delete_phone), "Y") == 0)
        return delete_phone(r, e, s);
    return update_fields(r, e, s);
}
