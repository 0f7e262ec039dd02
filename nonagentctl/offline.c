/*
 * offline.c - the dry run (offline.h).  Each row becomes a request of the
 * daemon's own kind (struct request), its parameters filtered by the
 * daemon's request_filter_fields(), and goes through the daemon's phone
 * rules (server/api/phone_rules.h): add_phone_row, add_phone_required,
 * gmt_is_valid, update_phone_required and update_phone_rules.  Nothing of
 * them is repeated here; what is here is the order of the checks that need
 * no database, and the duplicates inside the file, which only the file
 * knows.  The reasons of the answers built here (the timezone and the two
 * duplicates) are the API's fixed texts.
 *
 * add_phone's offline checks, in its order: required fields, extension
 * already used on the server (earlier in the file), login already used
 * (earlier in the file), timezone.  update_phone's: required fields, then
 * its field rules but the login's (which reads the phones).  delete:
 * required fields.
 */
#include "nonagentctl/offline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db/phones.h"
#include "db/widths.h"
#include "server/api/phone_rules.h"
#include "server/fields.h"
#include "server/request.h"
#include "server/respond.h"
#include "util/utf8.h"

/* The widths add_phone's columns cut values to, by field. */
static const struct {
    enum field_id field;
    size_t width;
} WIDTHS[] = {
    { FIELD_extension, W_EXTENSION },        { FIELD_dialplan_number, W_DIALPLAN },
    { FIELD_voicemail_id, W_VOICEMAIL },     { FIELD_phone_login, W_LOGIN },
    { FIELD_phone_pass, W_PASS },            { FIELD_server_ip, W_SERVER_IP },
    { FIELD_registration_password, W_CONF_SECRET }, { FIELD_phone_full_name, W_FULLNAME },
    { FIELD_local_gmt, W_LOCAL_GMT },        { FIELD_outbound_cid, W_OUTBOUND_CID },
    { FIELD_phone_context, W_PHONE_CONTEXT }, { FIELD_email, W_EMAIL },
    { FIELD_admin_user_group, W_USER_GROUP }, { FIELD_template_id, W_TEMPLATE_ID },
};

/* An add that passed, for the duplicates of later rows. */
struct added {
    char *extension, *server_ip, *login;
};

/* Append printf output to a malloc'd string (*s may be NULL), "; " between. */
static void appendf(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void appendf(char **s, const char *fmt, ...)
{
    va_list ap;
    char *add = NULL, *joined = NULL;

    va_start(ap, fmt);
    int n = vasprintf(&add, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (!*s) {
        *s = add;
        return;
    }
    if (asprintf(&joined, "%s; %s", *s, add) >= 0) {
        free(*s);
        *s = joined;
    }
    free(add);
}

/* The line the API answers for o (respond.h's format). */
static char *answer_line(const struct outcome *o, const char *user)
{
    char *line = NULL;
    if (asprintf(&line, "%s: %s: |%s|%s", o->result ? o->result : "ERROR", o->reason, user,
                 o->shown ? o->shown : "") < 0)
        line = NULL;
    free(o->owned);
    return line;
}

static char *error_line(const char *reason, const char *user, const char *data)
{
    struct outcome o = outcome_error(reason, data);
    return answer_line(&o, user);
}

/* The row as the daemon would hold it: its parameters as a query string's,
 * filtered in the server's mode.  0, or -1 out of memory. */
static int row_request(struct request *r, const struct table *t, const struct row *row,
                       int non_latin)
{
    memset(r, 0, sizeof *r);
    params_init(&r->get);
    params_init(&r->post);
    r->settings.use_non_latin = non_latin;
    for (int c = 0; c < t->ncols; c++)
        if (*row->cells[c] && params_add(&r->get, t->names[c], strlen(t->names[c]),
                                         row->cells[c], strlen(row->cells[c])) < 0)
            return -1;
    return request_filter_fields(r);
}

static int is_secret(enum field_id id)
{
    return id == FIELD_phone_pass || id == FIELD_registration_password;
}

/* Notes on what the daemon would do to the row's values without refusing
 * them: characters its filters drop, values cut to a column, flags it
 * ignores.  Passwords are never repeated (notes reach the terminal). */
static char *notes_for(const struct table *t, const struct row *row, const struct request *r)
{
    char *notes = NULL;

    for (int c = 0; c < t->ncols; c++) {
        const char *raw = row->cells[c];
        for (int id = 0; id < FIELD_COUNT; id++) {
            if (strcmp(FIELD_NAME[id], t->names[c]) != 0)
                continue;
            const char *v = request_field(r, (enum field_id)id);
            if (strcmp(raw, v) != 0 && is_secret((enum field_id)id))
                appendf(&notes, "%s has characters the API drops", t->names[c]);
            else if (strcmp(raw, v) != 0)
                appendf(&notes, "%s \"%s\" is sent as \"%s\" (characters the API drops)",
                        t->names[c], raw, v);
            for (size_t w = 0; row->action == ACTION_ADD && w < sizeof WIDTHS / sizeof WIDTHS[0];
                 w++)
                if (WIDTHS[w].field == (enum field_id)id &&
                    utf8_prefix_chars(v, strlen(v), WIDTHS[w].width) < strlen(v))
                    appendf(&notes, "%s is longer than its column: stored as its first %zu "
                                    "characters",
                            t->names[c], WIDTHS[w].width);
        }
    }
    if (row->action == ACTION_ADD) {
        /* add_phone_row leaves a flag NULL when its value is not one the API takes. */
        struct phone_new p = add_phone_row(r);
        const struct {
            enum field_id id;
            const char *kept;
        } flags[] = {
            { FIELD_is_webphone, p.is_webphone },
            { FIELD_webphone_auto_answer, p.webphone_auto_answer },
            { FIELD_use_external_server_ip, p.use_external_server_ip },
            { FIELD_on_hook_agent, p.on_hook_agent },
        };
        for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
            if (*request_field(r, flags[i].id) && !flags[i].kept)
                appendf(&notes, "%s \"%s\" is not a value the API takes: the phone keeps the "
                                "default",
                        FIELD_NAME[flags[i].id], request_field(r, flags[i].id));
    }
    return notes;
}

/* add_phone's offline checks; the answer line, or NULL when none fails. */
static char *check_add(const struct request *r, const char *user, const struct added *earlier,
                       int nearlier)
{
    struct phone_new p = add_phone_row(r);
    struct outcome o = add_phone_required(&p);

    if (o.answer != ANSWER_NONE)
        return answer_line(&o, user);
    /* The table's collation (utf8_unicode_ci) folds case: CC101 is cc101. */
    for (int i = 0; i < nearlier; i++)
        if (strcasecmp(earlier[i].extension, p.extension) == 0 &&
            strcmp(earlier[i].server_ip, p.server_ip) == 0) {
            o = outcome_error_joined("add_phone PHONE ALREADY EXISTS ON THIS SERVER", 2,
                                     p.server_ip, p.extension);
            return answer_line(&o, user);
        }
    for (int i = 0; i < nearlier; i++)
        if (strcasecmp(earlier[i].login, p.login) == 0)
            return error_line("add_phone PHONE LOGIN ALREADY EXISTS", user, p.login);
    if (!gmt_is_valid(p.local_gmt))
        return error_line("add_phone YOU MUST USE A VALID TIMEZONE", user, p.local_gmt);
    return NULL;
}

static char *check_update(const struct request *r, const struct row *row, const char *user)
{
    struct outcome o = update_phone_required(r);
    struct phone_change c;

    memset(&c, 0, sizeof c);
    if (o.answer == ANSWER_NONE && row->action == ACTION_UPDATE)
        o = update_phone_rules(r, UPDATE_RULES_BEFORE_LOGIN, &c);
    if (o.answer == ANSWER_NONE && row->action == ACTION_UPDATE)
        o = update_phone_rules(r, UPDATE_RULES_AFTER_LOGIN, &c);
    return o.answer == ANSWER_NONE ? NULL : answer_line(&o, user);
}

void offline_check(struct table *t, const char *user, int non_latin)
{
    struct added *adds = calloc(t->nrows ? t->nrows : 1, sizeof *adds);
    int nadds = 0;

    for (int i = 0; i < t->nrows; i++) {
        struct row *row = &t->rows[i];
        struct request r;
        free(row->answer);
        row->answer = NULL;
        if (!adds || row_request(&r, t, row, non_latin) != 0) {
            row->outcome = OUTCOME_INVALID;
            row->answer = strdup("not checked: out of memory");
            if (adds)
                request_free(&r);
            continue;
        }
        char *error = row->action == ACTION_ADD ? check_add(&r, user, adds, nadds)
                                                : check_update(&r, row, user);
        if (error) {
            row->outcome = OUTCOME_INVALID;
            row->answer = error;
            request_free(&r);
            continue;
        }
        if (row->action == ACTION_ADD) {
            struct added *a = &adds[nadds++];
            a->extension = strdup(request_field(&r, FIELD_extension));
            a->server_ip = strdup(request_field(&r, FIELD_server_ip));
            a->login = strdup(request_field(&r, FIELD_phone_login));
            if (!a->extension || !a->server_ip || !a->login) {
                free(a->extension);
                free(a->server_ip);
                free(a->login);
                nadds--;
            }
        }
        row->outcome = OUTCOME_VALID;
        appendf(&row->answer, "%s",
                row->action == ACTION_ADD
                    ? "passes the offline checks; the server, phones already there and the "
                      "template are checked when sent"
                    : "passes the offline checks; the phone and its login are checked when "
                      "sent");
        char *notes = notes_for(t, row, &r);
        if (notes)
            appendf(&row->answer, "%s", notes);
        free(notes);
        request_free(&r);
    }
    for (int i = 0; i < nadds; i++) {
        free(adds[i].extension);
        free(adds[i].server_ip);
        free(adds[i].login);
    }
    free(adds);
}
