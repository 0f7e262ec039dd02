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

#include <string.h>

#include <mysqld_error.h>

static const char SQL_EXTENSION_COUNT[] =
    "SELECT count(*) FROM phones WHERE extension=? AND server_ip=?";
static const char SQL_LOGIN_COUNT[] =
    "SELECT count(*) FROM phones WHERE login=?";
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

static struct db_arg cut(const char *s, size_t width)
{
    if (!s)
        return (struct db_arg){ NULL, 0 };
    return (struct db_arg){ s, db_width(s, strlen(s), width) };
}

enum db_status phone_extension_count(struct db *db, const char *extension,
                                     const char *server_ip, long long *count)
{
    struct db_arg a[] = { cut(extension, W_EXTENSION), DB_STR(server_ip) };
    return db_count(db, SQL_EXTENSION_COUNT, a, 2, count);
}

enum db_status phone_login_count(struct db *db, const char *login, long long *count)
{
    struct db_arg a[] = { cut(login, W_LOGIN) };
    return db_count(db, SQL_LOGIN_COUNT, a, 1, count);
}

enum db_status template_count(struct db *db, const char *template_id, long long *count)
{
    struct db_arg a[] = { DB_STR(template_id) };
    return db_count(db, SQL_TEMPLATE_COUNT, a, 1, count);
}

enum db_status phone_insert(struct db *db, const struct phone_new *p, int *duplicate)
{
    struct db_arg a[] = {
        cut(p->extension, W_EXTENSION),
        cut(p->dialplan_number, W_DIALPLAN),
        cut(p->voicemail_id, W_VOICEMAIL),
        cut(p->login, W_LOGIN),
        cut(p->pass, W_PASS),
        cut(p->server_ip, W_SERVER_IP),
        DB_STR(p->protocol),
        cut(p->conf_secret, W_CONF_SECRET),
        cut(p->fullname, W_FULLNAME),
        cut(p->local_gmt, W_LOCAL_GMT),
        cut(p->outbound_cid, W_OUTBOUND_CID),
        cut(p->phone_context, W_PHONE_CONTEXT),
        cut(p->email, W_EMAIL),
        cut(p->user_group, W_USER_GROUP),
        cut(p->is_webphone, 20),
        cut(p->webphone_auto_answer, 20),
        cut(p->use_external_server_ip, 20),
        cut(p->template_id, W_TEMPLATE_ID),
        cut(p->on_hook_agent, 20),
    };
    unsigned long long affected = 0;
    enum db_status s = db_exec(db, SQL_INSERT, a, (int)(sizeof a / sizeof a[0]), &affected, NULL);

    *duplicate = s == DB_ERROR && db_last_errno(db) == ER_DUP_ENTRY;
    if (s == DB_OK && affected != 1)
        return DB_ERROR;
    return s;
}
