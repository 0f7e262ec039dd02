/*
 * phones.c - every statement that touches `phones` (and the template
 * lookup add_phone makes against vicidial_conf_templates).
 *
 * Values are cut to their column's width here, so that a duplicate check
 * on the cut value (phones_*_count callers pass it cut too) and the row
 * stored agree: a 16-character login cannot pass the check and then be
 * stored as a duplicate of a 15-character one.
 */
#include "db/phones.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysqld_error.h>

static const char SQL_EXTENSION_COUNT[] =
    "SELECT count(*) FROM phones WHERE extension=? AND server_ip=?";
static const char SQL_LOGIN_COUNT[] =
    "SELECT count(*) FROM phones WHERE login=?";
static const char SQL_TAKEN_COUNTS[] =
    "SELECT (SELECT count(*) FROM phones WHERE extension=? AND server_ip=?),"
    " (SELECT count(*) FROM phones WHERE login=?)";
static const char SQL_TEMPLATE_COUNT[] =
    "SELECT count(*) FROM vicidial_conf_templates WHERE template_id=?";
/* DEFAULT(col) keeps the table's default for a flag that was not given,
 * exactly as VICIdial's INSERT does by leaving the column out. */
static const char SQL_INSERT[] =
    "INSERT INTO phones SET extension=?, dialplan_number=?, voicemail_id=?, login=?,"
    " pass=?, server_ip=?, protocol=?, conf_secret=?, fullname=?, local_gmt=?,"
    " outbound_cid=?, phone_context=?, email=?, active='Y', status='ACTIVE',"
    " user_group=?,"
    " is_webphone=COALESCE(?, DEFAULT(is_webphone)),"
    " webphone_auto_answer=COALESCE(?, DEFAULT(webphone_auto_answer)),"
    " use_external_server_ip=COALESCE(?, DEFAULT(use_external_server_ip)),"
    " template_id=?,"
    " on_hook_agent=COALESCE(?, DEFAULT(on_hook_agent))";

static const char SQL_GROUP[] =
    "SELECT user_group FROM phones WHERE extension=? AND server_ip=? LIMIT 1";
static const char SQL_LOGIN_CONFLICT[] =
    "SELECT count(*) FROM phones WHERE login=? AND extension != ? AND server_ip != ?";
static const char SQL_DELETE[] =
    "DELETE FROM phones WHERE extension=? AND server_ip=?";
/* COALESCE(?, col): a NULL parameter leaves the column as it is. */
static const char SQL_UPDATE[] =
    "UPDATE phones SET install_directory='',"
    " dialplan_number=COALESCE(?, dialplan_number), active=COALESCE(?, active),"
    " outbound_cid=COALESCE(?, outbound_cid), voicemail_id=COALESCE(?, voicemail_id),"
    " login=COALESCE(?, login), pass=COALESCE(?, pass), protocol=COALESCE(?, protocol),"
    " conf_secret=COALESCE(?, conf_secret), fullname=COALESCE(?, fullname),"
    " phone_context=COALESCE(?, phone_context), email=COALESCE(?, email),"
    " local_gmt=COALESCE(?, local_gmt), user_group=COALESCE(?, user_group),"
    " outbound_alt_cid=COALESCE(?, outbound_alt_cid),"
    " phone_ring_timeout=COALESCE(?, phone_ring_timeout),"
    " delete_vm_after_email=COALESCE(?, delete_vm_after_email),"
    " is_webphone=COALESCE(?, is_webphone),"
    " webphone_auto_answer=COALESCE(?, webphone_auto_answer),"
    " use_external_server_ip=COALESCE(?, use_external_server_ip),"
    " template_id=COALESCE(?, template_id), on_hook_agent=COALESCE(?, on_hook_agent)"
    " WHERE extension=? AND server_ip=?";

enum db_status phone_extension_count(struct db *db, const char *extension,
                                     const char *server_ip, long long *count)
{
    struct db_arg a[] = { db_cut(extension, W_EXTENSION), DB_STR(server_ip) };
    return db_count(db, SQL_EXTENSION_COUNT, a, 2, count);
}

enum db_status phone_login_count(struct db *db, const char *login, long long *count)
{
    struct db_arg a[] = { db_cut(login, W_LOGIN) };
    return db_count(db, SQL_LOGIN_COUNT, a, 1, count);
}

enum db_status phone_taken_counts(struct db *db, const char *extension, const char *server_ip,
                                  const char *login, long long *extension_count,
                                  long long *login_count)
{
    struct db_arg a[] = { db_cut(extension, W_EXTENSION), DB_STR(server_ip), db_cut(login, W_LOGIN) };
    struct db_row row;
    int found = 0;
    enum db_status s = db_row(db, SQL_TAKEN_COUNTS, a, 3, &row, &found);

    *extension_count = *login_count = 0;
    if (s == DB_OK && found && row.ncols == 2) {
        *extension_count = row.col[0] ? strtoll(row.col[0], NULL, 10) : 0;
        *login_count = row.col[1] ? strtoll(row.col[1], NULL, 10) : 0;
    }
    return s;
}

enum db_status template_count(struct db *db, const char *template_id, long long *count)
{
    struct db_arg a[] = { DB_STR(template_id) };
    return db_count(db, SQL_TEMPLATE_COUNT, a, 1, count);
}

enum db_status phone_insert(struct db *db, const struct phone_new *p, int *duplicate)
{
    struct db_arg a[] = {
        db_cut(p->extension, W_EXTENSION),
        db_cut(p->dialplan_number, W_DIALPLAN),
        db_cut(p->voicemail_id, W_VOICEMAIL),
        db_cut(p->login, W_LOGIN),
        db_cut(p->pass, W_PASS),
        db_cut(p->server_ip, W_SERVER_IP),
        DB_STR(p->protocol),
        db_cut(p->conf_secret, W_CONF_SECRET),
        db_cut(p->fullname, W_FULLNAME),
        db_cut(p->local_gmt, W_LOCAL_GMT),
        db_cut(p->outbound_cid, W_OUTBOUND_CID),
        db_cut(p->phone_context, W_PHONE_CONTEXT),
        db_cut(p->email, W_EMAIL),
        db_cut(p->user_group, W_USER_GROUP),
        db_cut(p->is_webphone, W_IS_WEBPHONE),
        db_cut(p->webphone_auto_answer, W_WEBPHONE_AUTO_ANSWER),
        db_cut(p->use_external_server_ip, W_USE_EXTERNAL_SERVER_IP),
        db_cut(p->template_id, W_TEMPLATE_ID),
        db_cut(p->on_hook_agent, W_ON_HOOK_AGENT),
    };
    unsigned long long affected = 0;
    enum db_status s = db_exec(db, SQL_INSERT, a, (int)(sizeof a / sizeof a[0]), &affected, NULL);

    *duplicate = s == DB_ERROR && db_last_errno(db) == ER_DUP_ENTRY;
    if (s == DB_OK && affected != 1)
        return DB_ERROR;
    return s;
}

enum db_status phone_group(struct db *db, const char *extension, const char *server_ip,
                           char *group, size_t cap, int *found)
{
    struct db_arg a[] = { db_cut(extension, W_EXTENSION), DB_STR(server_ip) };
    struct db_row row;
    enum db_status s = db_row(db, SQL_GROUP, a, 2, &row, found);

    group[0] = '\0';
    if (s == DB_OK && *found && row.col[0])
        snprintf(group, cap, "%s", row.col[0]);
    return s;
}

enum db_status phone_login_conflict_count(struct db *db, const char *login,
                                          const char *extension, const char *server_ip,
                                          long long *count)
{
    struct db_arg a[] = { db_cut(login, W_LOGIN), db_cut(extension, W_EXTENSION), DB_STR(server_ip) };
    return db_count(db, SQL_LOGIN_CONFLICT, a, 3, count);
}

enum db_status phone_delete(struct db *db, const char *extension, const char *server_ip,
                            unsigned long long *deleted)
{
    struct db_arg a[] = { db_cut(extension, W_EXTENSION), DB_STR(server_ip) };
    return db_exec(db, SQL_DELETE, a, 2, deleted, NULL);
}

enum db_status phone_update(struct db *db, const char *extension, const char *server_ip,
                            const struct phone_change *c, unsigned long long *matched)
{
    struct db_arg a[] = {
        db_cut(c->dialplan_number, W_DIALPLAN), DB_STR(c->active),
        db_cut(c->outbound_cid, W_OUTBOUND_CID), db_cut(c->voicemail_id, W_VOICEMAIL),
        db_cut(c->login, W_LOGIN), db_cut(c->pass, W_PASS), DB_STR(c->protocol),
        db_cut(c->conf_secret, W_CONF_SECRET), db_cut(c->fullname, W_FULLNAME),
        db_cut(c->phone_context, W_PHONE_CONTEXT), db_cut(c->email, W_EMAIL),
        db_cut(c->local_gmt, W_LOCAL_GMT), db_cut(c->user_group, W_USER_GROUP),
        db_cut(c->outbound_alt_cid, W_OUTBOUND_ALT_CID), DB_STR(c->phone_ring_timeout),
        DB_STR(c->delete_vm_after_email), db_cut(c->is_webphone, W_IS_WEBPHONE),
        db_cut(c->webphone_auto_answer, W_WEBPHONE_AUTO_ANSWER),
        db_cut(c->use_external_server_ip, W_USE_EXTERNAL_SERVER_IP),
        db_cut(c->template_id, W_TEMPLATE_ID), db_cut(c->on_hook_agent, W_ON_HOOK_AGENT),
        db_cut(extension, W_EXTENSION), DB_STR(server_ip),
    };
    return db_exec(db, SQL_UPDATE, a, (int)(sizeof a / sizeof a[0]), matched, NULL);
}
