/*
 * update_phone.c - function=update_phone (api.md 3.1): change or delete
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
#include <strings.h>

#include "server/api/phone_rules.h"
#include "server/respond.h"
#include "db/locks.h"
#include "db/logs.h"
#include "db/phones.h"
#include "db/servers.h"
#include "db/users.h"

#define FN "update_phone"

/* One field rule's verdict. */
enum verdict { V_SKIP, V_SET, V_ERROR };

static int len_between(const char *v, size_t lo, size_t hi)
{
    size_t n = strlen(v);
    return n >= lo && n <= hi;
}

/* "--BLANK--" clears the field; otherwise the length must fit. */
static enum verdict blankable(const char *v, size_t lo, size_t hi, const char **out)
{
    if (!*v)
        return V_SKIP;
    if (strcmp(v, "--BLANK--") == 0) {
        *out = "";
        return V_SET;
    }
    if (!len_between(v, lo, hi))
        return V_ERROR;
    *out = v;
    return V_SET;
}

static enum verdict ranged(const char *v, size_t lo, size_t hi, const char **out)
{
    if (!*v)
        return V_SKIP;
    if (!len_between(v, lo, hi))
        return V_ERROR;
    *out = v;
    return V_SET;
}

/* Is the phone's group among the API user's viewable groups?  VICIdial
 * adds "user_group IN('---ALL---','<groups>')" to the lookup unless the
 * group's admin_viewable_groups holds --ALL-- or is 3 characters or less;
 * the list is the column with every " -" deleted and split on spaces. */
static int group_visible(const char *viewable, const char *phone_group)
{
    char list[4096];
    size_t o = 0;

    if (strcasestr(viewable, "--ALL--") || strlen(viewable) <= 3)
        return 1;
    if (strcasecmp(phone_group, "---ALL---") == 0)
        return 1;
    for (size_t i = 0; viewable[i] && o + 1 < sizeof list; i++) {
        if (viewable[i] == ' ' && viewable[i + 1] == '-') {
            i++;
            continue;
        }
        list[o++] = viewable[i];
    }
    list[o] = '\0';
    /* Split on every space, keeping empty elements as VICIdial's list does. */
    for (char *g = list;;) {
        char *space = strchr(g, ' ');
        if (space)
            *space = '\0';
        if (strcasecmp(g, phone_group) == 0)
            return 1;
        if (!space)
            return 0;
        g = space + 1;
    }
}

static void log_admin(struct request *r, const char *type, const char *code,
                      const char *sql, const char *extension, const char *server_ip)
{
    char notes[512];
    snprintf(notes, sizeof notes, "phone: %s|%s", extension, server_ip);
    struct admin_log log = {
        .event_date = r->now_time, .user = r->user, .ip_address = r->client_ip,
        .event_section = "PHONES", .event_type = type, .record_id = extension,
        .event_code = code, .event_sql = sql, .event_notes = notes,
    };
    if (admin_log_insert(r->db, &log) != DB_OK)
        fprintf(stderr, "nonagentd: update_phone admin log not written: %s\n",
                db_last_error(r->db));
    if (server_mark_rebuild(r->db, server_ip) != DB_OK)
        fprintf(stderr, "nonagentd: update_phone rebuild flag not set: %s\n",
                db_last_error(r->db));
}

static void answer_gone(struct request *r, struct response *resp, const char *e, const char *s)
{
    char *data = respond_join(2, s, e);
    respond_error(r, resp, FN " PHONE DOES NOT EXIST ON THIS SERVER", data);
    free(data);
}

static void delete_phone(struct request *r, struct response *resp, const char *e,
                         const char *s)
{
    unsigned long long deleted = 0;
    char *data;

    if (!r->api_user.can_delete_phones) {
        respond_notice(r, resp, FN " USER DOES NOT HAVE PERMISSION TO DELETE PHONES", "0");
        return;
    }
    if (phone_delete(r->db, e, s, &deleted) != DB_OK) {
        r->db_failed = 1;
        return;
    }
    if (deleted == 0) {            /* deleted by someone else meanwhile */
        answer_gone(r, resp, e, s);
        return;
    }
    struct buf b = { 0 };
    buf_printf(&b, "DELETE FROM phones WHERE extension='%s' and server_ip='%s'|", e, s);
    log_admin(r, "DELETE", "ADMIN API DELETE PHONE", b.data ? b.data : "", e, s);
    buf_free(&b);
    data = respond_join(3, e, s, "");
    respond_success(r, resp, FN " PHONE HAS BEEN DELETED", data);
    free(data);
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

struct rule {
    const char *field;
    const char *reason;
};

/* Validate every field in VICIdial's order; 0 and the changes, or -1
 * after answering the first error. */
static int validate(struct request *r, struct response *resp, const char *e, const char *s,
                    struct phone_change *c, int *login_locked)
{
    const char *v, *out = NULL;
    long long n = 0;

#define FAIL(reason, data)                                                  \
    do {                                                                    \
        respond_error(r, resp, FN " " reason, data);                        \
        return -1;                                                          \
    } while (0)

    v = request_field(r, "local_gmt");
    if (*v) {
        if (!gmt_is_valid(v))
            FAIL("YOU MUST USE A VALID TIMEZONE", v);
        c->local_gmt = v;
    }
    v = request_field(r, "email");
    switch (blankable(v, 5, 300, &out)) {
    case V_ERROR: FAIL("YOU MUST USE A VALID EMAIL", v);
    case V_SET: c->email = out; break;
    case V_SKIP: break;
    }
    v = request_field(r, "phone_context");
    switch (blankable(v, 2, 30, &out)) {
    case V_ERROR: FAIL("YOU MUST USE A VALID PHONE CONTEXT", v);
    case V_SET: c->phone_context = out; break;
    case V_SKIP: break;
    }
    v = request_field(r, "phone_full_name");
    switch (blankable(v, 2, 30, &out)) {
    case V_ERROR: FAIL("YOU MUST USE A VALID PHONE NAME", v);
    case V_SET: c->fullname = out; break;
    case V_SKIP: break;
    }
    v = request_field(r, "registration_password");
    switch (blankable(v, 2, 30, &out)) {
    case V_ERROR: FAIL("YOU MUST USE A VALID REGISTRATION PASSWORD", v);
    case V_SET: c->conf_secret = out; break;
    case V_SKIP: break;
    }
    v = request_field(r, "protocol");
    if (*v) {
        if (!protocol_is_valid(v))
            FAIL("YOU MUST USE A VALID PROTOCOL", v);
        c->protocol = v;
    }
    v = request_field(r, "phone_pass");
    if (ranged(v, 2, 30, &out) == V_ERROR)
        FAIL("YOU MUST USE A VALID PHONE PASSWORD", v);
    if (*v)
        c->pass = v;
    v = request_field(r, "phone_login");
    if (*v) {
        int got = 0;
        if (lock_login(r->db, v, r->lock_wait, &got) != DB_OK)
            goto db_failed;
        if (!got)
            FAIL("PHONE IS BUSY, TRY AGAIN", v);
        *login_locked = 1;
        if (phone_login_conflict_count(r->db, v, e, s, &n) != DB_OK)
            goto db_failed;
        if (n > 0)
            FAIL("LOGIN ALREADY EXISTS", v);
        c->login = v;
    }
    v = request_field(r, "voicemail_id");
    if (ranged(v, 2, 30, &out) == V_ERROR)
        FAIL("YOU MUST USE A VALID VOICEMAIL NUMBER", v);
    if (*v)
        c->voicemail_id = v;
    v = request_field(r, "dialplan_number");
    if (ranged(v, 3, 30, &out) == V_ERROR)
        FAIL("YOU MUST USE A VALID DIALPLAN NUMBER", v);
    if (*v)
        c->dialplan_number = v;
    v = request_field(r, "active");
    if (*v) {
        if (strcmp(v, "Y") != 0 && strcmp(v, "N") != 0)
            FAIL("ACTIVE MUST BE Y OR N, THIS IS AN OPTIONAL FIELD", v);
        c->active = v;
    }
    v = request_field(r, "outbound_cid");
    if (ranged(v, 6, 18, &out) == V_ERROR)
        FAIL("OUTBOUND CID MUST BE FROM 6 TO 18 DIGITS, THIS IS AN OPTIONAL FIELD", v);
    if (*v)
        c->outbound_cid = v;
    v = request_field(r, "admin_user_group");
    if (ranged(v, 2, 20, &out) == V_ERROR)
        FAIL("USER GROUP MUST BE FROM 2 TO 20 CHARACTERS, THIS IS AN OPTIONAL FIELD", v);
    if (*v)
        c->user_group = v;
    v = request_field(r, "outbound_alt_cid");
    if (ranged(v, 6, 18, &out) == V_ERROR)
        FAIL("OUTBOUND ALT CID MUST BE FROM 6 TO 18 DIGITS, THIS IS AN OPTIONAL FIELD", v);
    if (*v)
        c->outbound_alt_cid = v;
    v = request_field(r, "phone_ring_timeout");
    if (*v) {
        const char *digits = v + strspn(v, "0");    /* the filter left digits only */
        long t = strlen(digits) > 6 ? 1000000 : strtol(digits, NULL, 10);
        if (t < 2 || t > 180)   /* VICIdial prints outbound_alt_cid here */
            FAIL("PHONE RING TIMEOUT MUST BE FROM 2 TO 180 SECONDS, THIS IS AN OPTIONAL FIELD",
                 request_field(r, "outbound_alt_cid"));
        c->phone_ring_timeout = v;
    }
    v = request_field(r, "delete_vm_after_email");
    if (*v) {
        if (strcmp(v, "Y") != 0 && strcmp(v, "N") != 0)
            FAIL("DELETE VOICEMAIL AFTER EMAIL MUST BE Y OR N, THIS IS AN OPTIONAL FIELD", v);
        c->delete_vm_after_email = v;
    }
    c->is_webphone = flag_webphone(request_field(r, "is_webphone"));
    c->webphone_auto_answer = flag_yes_no(request_field(r, "webphone_auto_answer"));
    c->use_external_server_ip = flag_yes_no(request_field(r, "use_external_server_ip"));
    c->on_hook_agent = flag_yes_no(request_field(r, "on_hook_agent"));
    v = request_field(r, "template_id");
    if (strlen(v) > 1) {
        if (template_is_blank(v)) {
            c->template_id = "";
        } else {
            if (template_count(r->db, v, &n) != DB_OK)
                goto db_failed;
            if (n < 1) {
                char *data = respond_join(2, request_field(r, "phone_login"), v);
                respond_error(r, resp, FN " TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL FIELD",
                              data);
                free(data);
                return -1;
            }
            c->template_id = v;
        }
    }
    return 0;
#undef FAIL
db_failed:
    r->db_failed = 1;
    return -1;
}

static void update_fields(struct request *r, struct response *resp, const char *e,
                          const char *s)
{
    struct phone_change c = { 0 };
    int login_locked = 0;
    unsigned long long matched = 0;
    enum db_status st;
    char *sql, *data;

    if (validate(r, resp, e, s, &c, &login_locked) != 0) {
        if (login_locked && !r->db_failed && lock_release_all(r->db) != DB_OK)
            r->db_failed = 1;
        return;
    }
    st = phone_update(r->db, e, s, &c, &matched);
    if (login_locked && st == DB_OK && lock_release_all(r->db) != DB_OK)
        st = DB_DOWN;
    if (st != DB_OK) {
        if (st == DB_ERROR)
            fprintf(stderr, "nonagentd: update_phone update failed: %s\n",
                    db_last_error(r->db));
        r->db_failed = 1;
        return;
    }
    if (matched == 0) {
        answer_gone(r, resp, e, s);
        return;
    }
    sql = event_sql(&c, e, s);
    log_admin(r, "MODIFY", "ADMIN API UPDATE PHONE", sql ? sql : "", e, s);
    free(sql);
    data = respond_join(3, e, s, "");
    respond_success(r, resp, FN " PHONE HAS BEEN UPDATED", data);
    free(data);
}

void api_update_phone(struct request *r, struct response *resp)
{
    const char *e = request_field(r, "extension");
    const char *s = request_field(r, "server_ip");
    char viewable[4096], group[64], *data;
    int server_found = 0;
    int found = 0;

    if (phone_function_start(r, resp, FN, FN " USER DOES NOT HAVE PERMISSION TO UPDATE PHONES")
        != 0)
        return;
    if (strlen(e) < 2 || !*s) {
        data = respond_join(2, e, s);
        respond_error(r, resp, FN " YOU MUST USE ALL REQUIRED FIELDS", data);
        free(data);
        return;
    }
    if (user_group_viewable(r->db, r->api_user.user_group, viewable, sizeof viewable) != DB_OK)
        goto db_failed;
    if (phone_server_exists(r, s, &server_found) != DB_OK)
        goto db_failed;
    if (!server_found) {
        respond_error(r, resp, FN " SERVER DOES NOT EXIST", s);
        return;
    }
    if (phone_group(r->db, e, s, group, sizeof group, &found) != DB_OK)
        goto db_failed;
    if (!found || !group_visible(viewable, group)) {
        answer_gone(r, resp, e, s);
        return;
    }
    if (strcmp(request_field(r, "delete_phone"), "Y") == 0)
        delete_phone(r, resp, e, s);
    else
        update_fields(r, resp, e, s);
    return;
db_failed:
    r->db_failed = 1;
}
