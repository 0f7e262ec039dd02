/*
 * add_phone.c - function=add_phone (api.md section 2), the checks in
 * VICIdial's order:
 *
 *   1 source      2 allowed functions    3 permission     4 required fields
 *   5 server      6 extension free       7 login unused   8 timezone
 *   9 flags      10 template            11 defaults
 *  12 insert     13 admin log, server rebuild flag, answer, api log
 *
 * Where VICIdial is racy or unchecked, nonagentd is exact: steps 6 to 12
 * run under named locks on the extension and the login, the insert is
 * checked (no SUCCESS without the row), and values are cut to their
 * columns' widths before the duplicate checks see them.
 */
#include "server/api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/api/phone_rules.h"
#include "server/respond.h"
#include "db/locks.h"
#include "db/logs.h"
#include "db/phones.h"
#include "db/servers.h"
#include "db/users.h"

#define FN "add_phone"

/* The request's add_phone fields, filtered. */
struct add_phone_input {
    const char *extension, *dialplan_number, *voicemail_id, *phone_login;
    const char *phone_pass, *server_ip, *protocol, *registration_password;
    const char *phone_full_name, *local_gmt, *outbound_cid;
    const char *phone_context, *email, *admin_user_group, *template_id;
    const char *is_webphone, *webphone_auto_answer, *use_external_server_ip;
    const char *on_hook_agent;
};

static void read_input(const struct request *r, struct add_phone_input *in)
{
    in->extension = request_field(r, "extension");
    in->dialplan_number = request_field(r, "dialplan_number");
    in->voicemail_id = request_field(r, "voicemail_id");
    in->phone_login = request_field(r, "phone_login");
    in->phone_pass = request_field(r, "phone_pass");
    in->server_ip = request_field(r, "server_ip");
    in->protocol = request_field(r, "protocol");
    in->registration_password = request_field(r, "registration_password");
    in->phone_full_name = request_field(r, "phone_full_name");
    in->local_gmt = request_field(r, "local_gmt");
    in->outbound_cid = request_field(r, "outbound_cid");
    in->phone_context = request_field(r, "phone_context");
    in->email = request_field(r, "email");
    in->admin_user_group = request_field(r, "admin_user_group");
    in->template_id = request_field(r, "template_id");
    in->is_webphone = request_field(r, "is_webphone");
    in->webphone_auto_answer = request_field(r, "webphone_auto_answer");
    in->use_external_server_ip = request_field(r, "use_external_server_ip");
    in->on_hook_agent = request_field(r, "on_hook_agent");
}

static int required_missing(const struct add_phone_input *in)
{
    return strlen(in->extension) < 2 || strlen(in->dialplan_number) < 2 ||
           !*in->voicemail_id || !*in->phone_login || !*in->phone_pass ||
           !*in->server_ip || !*in->protocol || !*in->registration_password ||
           !*in->phone_full_name || !*in->local_gmt || !*in->outbound_cid ||
           !protocol_is_valid(in->protocol);
}

/* The INSERT text VICIdial would have run, for vicidial_admin_log only:
 * nothing executes it.  Its ';' deleted and '|' appended, as VICIdial
 * stores it. */
static char *admin_event_sql(const struct phone_new *p, const char *template_piece)
{
    struct buf b = { 0 };
    const char *flag_names[] = { "is_webphone", "webphone_auto_answer",
                                 "use_external_server_ip", NULL, "on_hook_agent" };
    const char *flag_values[] = { p->is_webphone, p->webphone_auto_answer,
                                  p->use_external_server_ip, NULL, p->on_hook_agent };

    buf_printf(&b,
               "INSERT INTO phones SET  extension='%s', dialplan_number='%s', voicemail_id='%s',"
               " login='%s', pass='%s', server_ip='%s', protocol='%s', conf_secret='%s',"
               " fullname='%s', local_gmt='%s', outbound_cid='%s', phone_context='%s',"
               " email='%s', active='Y', status='ACTIVE', user_group='%s'",
               p->extension, p->dialplan_number, p->voicemail_id, p->login, p->pass,
               p->server_ip, p->protocol, p->conf_secret, p->fullname, p->local_gmt,
               p->outbound_cid, p->phone_context, p->email, p->user_group);
    for (int i = 0; i < 5; i++) {
        buf_append(&b, " ", 1);
        if (i == 3)
            buf_puts(&b, template_piece);
        else if (flag_values[i])
            buf_printf(&b, ",%s='%s'", flag_names[i], flag_values[i]);
    }
    /* The statement ends in ';', which VICIdial deletes before logging;
     * no filtered value can hold one. */
    buf_append(&b, "|", 1);
    if (b.oom) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

/* The phone row as the request asks for it (step 11's defaults). */
static struct phone_new phone_from_input(const struct add_phone_input *in)
{
    return (struct phone_new){
        .extension = in->extension, .dialplan_number = in->dialplan_number,
        .voicemail_id = in->voicemail_id, .login = in->phone_login,
        .pass = in->phone_pass, .server_ip = in->server_ip, .protocol = in->protocol,
        .conf_secret = in->registration_password, .fullname = in->phone_full_name,
        .local_gmt = in->local_gmt, .outbound_cid = in->outbound_cid,
        .phone_context = *in->phone_context ? in->phone_context : "default",
        .email = in->email,
        .user_group = *in->admin_user_group ? in->admin_user_group : "---ALL---",
        .is_webphone = flag_webphone(in->is_webphone),
        .webphone_auto_answer = flag_yes_no(in->webphone_auto_answer),
        .use_external_server_ip = flag_yes_no(in->use_external_server_ip),
        .on_hook_agent = flag_yes_no(in->on_hook_agent),
        .template_id = "",
    };
}

/* Steps 6 to 12, run while the locks are held: the checks, then the
 * insert.  *inserted is 1 when the row was written. */
static struct outcome check_and_insert(struct request *r, const struct add_phone_input *in,
                                       struct phone_new *p, char *template_piece,
                                       size_t template_cap, int *inserted)
{
    long long n = 0, login_n = 0;
    int duplicate = 0;
    enum db_status s;

    /* Both duplicate checks in one read: under the locks, the answers are
     * the ones VICIdial's two reads would give. */
    if (phone_taken_counts(r->db, in->extension, in->server_ip, in->phone_login, &n,
                           &login_n) != DB_OK)
        return outcome_db_down();
    if (n > 0)
        return outcome_error_joined(FN " PHONE ALREADY EXISTS ON THIS SERVER", 2,
                                    in->server_ip, in->extension);
    if (login_n > 0)
        return outcome_error(FN " PHONE LOGIN ALREADY EXISTS", in->phone_login);
    if (!gmt_is_valid(in->local_gmt))
        return outcome_error(FN " YOU MUST USE A VALID TIMEZONE", in->local_gmt);
    if (strlen(in->template_id) > 1) {
        if (template_is_blank(in->template_id)) {
            snprintf(template_piece, template_cap, ",template_id=''");
        } else {
            if (template_count(r->db, in->template_id, &n) != DB_OK)
                return outcome_db_down();
            if (n < 1)
                return outcome_error_joined(
                    FN " TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL FIELD", 2,
                    in->phone_login, in->template_id);
            p->template_id = in->template_id;
            snprintf(template_piece, template_cap, ",template_id='%s'", in->template_id);
        }
    }
    s = phone_insert(r->db, p, &duplicate);
    if (s == DB_ERROR && duplicate)
        /* Another writer (VICIdial itself, say) got there between our check
         * and our insert: the unique key answers for it. */
        return outcome_error_joined(FN " PHONE ALREADY EXISTS ON THIS SERVER", 2,
                                    in->server_ip, in->extension);
    if (s == DB_ERROR) {
        fprintf(stderr, "nonagentd: add_phone insert failed: %s\n", db_last_error(r->db));
        return outcome_error_joined(FN " PHONE HAS NOT BEEN ADDED", 2, in->server_ip,
                                    in->extension);
    }
    if (s != DB_OK)
        return outcome_db_down();
    *inserted = 1;
    return outcome_success_joined(FN " PHONE HAS BEEN ADDED", 4, in->extension, in->server_ip,
                                  in->protocol, in->dialplan_number);
}

/* Step 13's rows once the phone is written: the admin log and the server's
 * rebuild flag.  Their failures are reported and change nothing in the
 * answer: the phone exists. */
static void note_added(struct request *r, const struct add_phone_input *in,
                       const struct phone_new *p, const char *template_piece)
{
    char *event_sql = admin_event_sql(p, template_piece);
    char notes[512];
    snprintf(notes, sizeof notes, "phone: %s|%s", in->extension, in->server_ip);
    struct admin_log log = {
        .event_date = r->now_time, .user = r->user, .ip_address = r->client_ip,
        .event_section = "PHONES", .event_type = "ADD", .record_id = in->extension,
        .event_code = "ADMIN API ADD PHONE", .event_sql = event_sql ? event_sql : "",
        .event_notes = notes,
    };
    if (admin_log_insert(r->db, &log) != DB_OK)
        fprintf(stderr, "nonagentd: add_phone admin log not written: %s\n",
                db_last_error(r->db));
    if (server_mark_rebuild(r->db, in->server_ip) != DB_OK)
        fprintf(stderr, "nonagentd: add_phone rebuild flag not set: %s\n",
                db_last_error(r->db));
    free(event_sql);
}

struct outcome api_add_phone(struct request *r)
{
    struct add_phone_input in;
    int server_found = 0, locked = 0, inserted = 0;
    char template_piece[64] = "";

    struct outcome o = phone_function_start(r, FN, FN " USER DOES NOT HAVE PERMISSION TO ADD PHONES");
    if (o.answer != ANSWER_NONE)
        return o;
    read_input(r, &in);
    if (required_missing(&in))
        return outcome_error_joined(FN " YOU MUST USE ALL REQUIRED FIELDS", 11, in.extension,
                                    in.dialplan_number, in.voicemail_id, in.phone_login,
                                    in.phone_pass, in.server_ip, in.protocol,
                                    in.registration_password, in.phone_full_name,
                                    in.local_gmt, in.outbound_cid);
    if (phone_server_exists(r, in.server_ip, &server_found) != DB_OK)
        return outcome_db_down();
    if (!server_found)
        return outcome_error(FN " SERVER DOES NOT EXIST", in.server_ip);

    struct phone_new p = phone_from_input(&in);
    /* The extension and login checks and the insert must be one step for
     * every other writer: both named locks are held across them, and
     * released here on every path. */
    if (lock_phone(r->db, in.extension, in.server_ip, in.phone_login, r->lock_wait,
                   &locked) != DB_OK)
        return outcome_db_down();
    if (!locked)
        return outcome_error_joined(FN " PHONE IS BUSY, TRY AGAIN", 2, in.server_ip,
                                    in.extension);
    o = check_and_insert(r, &in, &p, template_piece, sizeof template_piece, &inserted);
    enum db_status released = lock_release_all(r->db);
    /* The locks are released (or went with a lost connection). */

    if (inserted) {
        /* The row is written: that is the answer, whatever follows. */
        note_added(r, &in, &p, template_piece);
        return o;
    }
    if (released != DB_OK && o.answer != ANSWER_DB_DOWN) {
        free(o.owned);
        return outcome_db_down();
    }
    return o;
}
