/*
 * add_phone.c - function=add_phone (docs/api.md, "add_phone"): the checks
 * in VICIdial's order, the first that fails being the answer:
 *
 *   1-3 the shared start   4 required fields   5 server
 *   under the named locks on the extension and the login:
 *   6 extension free   7 login unused   8 timezone   9 template   10 insert
 *   then the admin log row and rebuild flag (phone_written.h,
 *   docs/rows.md); respond() writes the answer and the API log, once the
 *   locks are released (with a transaction, when dispatch.c ends it).
 *
 * Where VICIdial is racy or unchecked, nonagentd is exact
 * (docs/differences.md): every write is checked (no SUCCESS without the
 * row and its log rows), and values are cut to their columns' widths
 * before the duplicate checks see them.
 */
#include "server/api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/api/phone_rules.h"
#include "server/api/phone_written.h"
#include "server/respond.h"
#include "db/locks.h"
#include "db/phones.h"
#include "db/tx.h"
#include "db/users.h"

#define FN "add_phone"

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
    /* VICIdial's optional pieces, each after a space and empty when not
     * set: three flags, the template, on_hook_agent. */
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

/* Steps 6 to 10, run while the locks are held: the checks, then the
 * insert, which opens the transaction (*atomic: db/tx.h).  *inserted is 1
 * when the row was written. */
static struct outcome check_and_insert(struct request *r, struct phone_new *p,
                                       char *template_piece, size_t template_cap,
                                       int *inserted, int *atomic)
{
    const char *template_id;
    long long n = 0, login_n = 0;
    int duplicate = 0;
    enum db_status s;
    struct outcome o;

    /* Both duplicate checks in one read: under the locks, the answers are
     * the ones VICIdial's two reads would give. */
    if (phone_taken_counts(r->db, p->extension, p->server_ip, p->login, &n,
                           &login_n) != DB_OK)
        return outcome_db_down();
    if (n > 0)
        return outcome_error_joined(FN " PHONE ALREADY EXISTS ON THIS SERVER", 2,
                                    p->server_ip, p->extension);
    if (login_n > 0)
        return outcome_error(FN " PHONE LOGIN ALREADY EXISTS", p->login);
    if (!gmt_is_valid(p->local_gmt))
        return outcome_error(FN " YOU MUST USE A VALID TIMEZONE", p->local_gmt);
    o = phone_template(r, FN " TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL FIELD", p->login,
                       &template_id);
    if (o.answer != ANSWER_NONE)
        return o;
    if (template_id) {
        p->template_id = template_id;
        snprintf(template_piece, template_cap, ",template_id='%s'", template_id);
    }
    if (tx_begin(r->db, atomic) != DB_OK)
        return outcome_db_down();
    s = phone_insert(r->db, p, &duplicate);
    if (s == DB_ERROR && duplicate)
        /* Another writer (VICIdial itself, say) got there between our check
         * and our insert: the unique key answers for it. */
        return outcome_error_joined(FN " PHONE ALREADY EXISTS ON THIS SERVER", 2,
                                    p->server_ip, p->extension);
    if (s == DB_ERROR) {
        fprintf(stderr, "nonagentd: add_phone insert failed: %s\n", db_last_error(r->db));
        return outcome_error_joined(FN " PHONE HAS NOT BEEN ADDED", 2, p->server_ip,
                                    p->extension);
    }
    if (s != DB_OK)
        return phone_write_lost(r, p->extension, p->server_ip, *atomic);
    *inserted = 1;
    return outcome_success_joined(FN " PHONE HAS BEEN ADDED", 4, p->extension, p->server_ip,
                                  p->protocol, p->dialplan_number);
}

/* The rows that follow the written phone: the admin log and the server's
 * rebuild flag.  done (the SUCCESS) is the answer once they are written. */
static struct outcome note_added(struct request *r, const struct phone_new *p,
                                 const char *template_piece, int atomic, int set_flag,
                                 struct outcome done)
{
    char *event_sql = admin_event_sql(p, template_piece);
    struct outcome o = phone_written(r, "ADD", "ADMIN API ADD PHONE", event_sql, p->extension,
                                     p->server_ip, atomic, set_flag, done);
    free(event_sql);
    return o;
}

struct outcome api_add_phone(struct request *r)
{
    struct phone_new p = add_phone_row(r);
    int server_found = 0, locked = 0, inserted = 0, atomic = 0, flag_unset = 1;
    char template_piece[64] = "";

    struct outcome o = phone_function_start(r, FN,
                                            FN " USER DOES NOT HAVE PERMISSION TO ADD PHONES");
    if (o.answer != ANSWER_NONE)
        return o;
    o = add_phone_required(&p);
    if (o.answer != ANSWER_NONE)
        return o;
    if (phone_server_exists(r, p.server_ip, &server_found) != DB_OK)
        return outcome_db_down();
    if (!server_found)
        return outcome_error(FN " SERVER DOES NOT EXIST", p.server_ip);
    /* The extension and login checks and the insert must be one step for
     * every other writer: both named locks are held across them, and
     * released here on every path (inside the transaction, when it ends:
     * db/tx.h). */
    if (lock_phone(r->db, p.extension, p.server_ip, p.login, r->lock_wait,
                   &locked) != DB_OK)
        return outcome_db_down();
    if (!locked)
        return outcome_error_joined(FN " PHONE IS BUSY, TRY AGAIN", 2, p.server_ip,
                                    p.extension);
    o = check_and_insert(r, &p, template_piece, sizeof template_piece, &inserted, &atomic);
    enum db_status released =
        inserted ? lock_release_all_reading_flag(r->db, p.server_ip, &flag_unset)
                 : lock_release_all(r->db);
    /* The locks are released (or kept by the transaction, or went with a
     * lost connection). */

    if (inserted)
        return note_added(r, &p, template_piece, atomic, flag_unset, o);
    return outcome_unlocked(o, released);
}
