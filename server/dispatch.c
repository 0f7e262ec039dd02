/*
 * dispatch.c - the preamble every API request goes through (docs/api.md,
 * "The path of a request"), then the function table, then respond() once
 * with the function's outcome.
 */
#include "server/dispatch.h"

#include <stdio.h>
#include <string.h>

#include "server/api/api.h"
#include "server/auth.h"
#include "server/respond.h"
#include "db/locks.h"
#include "db/tx.h"
#include "db/settings.h"
#include "db/users.h"

struct api_function {
    const char *name;
    struct outcome (*run)(struct request *r);
};

/* Functions that need an authenticated user, in VICIdial's file order. */
static const struct api_function FUNCTIONS[] = {
    { "add_phone", api_add_phone },
    { "update_phone", api_update_phone },
    { "add_phone_alias", api_add_phone_alias },
    { "update_phone_alias", api_update_phone_alias },
};

static int is_coffee(const char *function)
{
    return strcmp(function, "coffee") == 0 || strcmp(function, "start_coffee") == 0 ||
           strcmp(function, "make_coffee") == 0 || strcmp(function, "brew_coffee") == 0;
}

static struct outcome text(int status, const char *result)
{
    return (struct outcome){ .answer = ANSWER_TEXT, .status = status, .result = result };
}

static struct outcome no_function(const struct request *r)
{
    struct outcome o = text(200, "ERROR");
    int n = snprintf(o.text, sizeof o.text, "ERROR: NO FUNCTION SPECIFIED\n");

    if (strcmp(request_field(r, FIELD_format), "debug") == 0)
        snprintf(o.text + n, sizeof o.text - (size_t)n,
                 "\n<!-- script runtime: %ld seconds -->\n</body>\n</html>\n",
                 (long)request_elapsed(r));
    o.logs = 1;
    o.reason = "NO FUNCTION SPECIFIED";
    o.logged = "";
    return o;
}

static struct outcome coffee(const struct request *r)
{
    struct outcome o = text(418, "ERROR");

    snprintf(o.text, sizeof o.text, "Coffee: %s|Error 418 I'm a teapot", r->function);
    /* Logged like any answered call: no reason, the body as data
     * (docs/api.md, "The answers"). */
    o.logs = 1;
    o.reason = "";
    return o;
}

/* The first read, in the character set VICIdial's connection speaks in
 * the mode it reads: when that is not the set the connection spoke, the
 * connection switches and the read runs again, so that every value read
 * and written afterwards is in that set. */
static enum db_status read_preamble(struct request *r, int with_login, struct preamble *pre)
{
    for (int attempt = 0;; attempt++) {
        int switched = 0;
        enum db_status s = preamble_read(r->db, with_login, r->user,
                                         request_field(r, FIELD_pass), auth_lock_before(),
                                         request_field(r, FIELD_server_ip), pre);
        if (s == DB_OK)
            s = db_speak_as_vicidial(r->db, pre->settings.use_non_latin, &switched);
        if (s != DB_OK || !switched || attempt == 1)
            return s;
    }
}

/* The request's outcome: settings -> filter -> version / coffee ->
 * authenticate -> the function, which decides the rest. */
static struct outcome decide(struct request *r)
{
    struct preamble pre;
    const char *auth_key;

    /* Filter as latin (VICIdial's default) and make the first read: the
     * settings, the plain-password login test and the servers the request
     * names.  In non-latin mode the fields are filtered again, and with
     * hashing on the login is tested again, so every answer is the one
     * VICIdial's separate reads would give. */
    settings_defaults(&r->settings);
    if (request_filter_fields(r) != 0)
        return (struct outcome){ .answer = ANSWER_NO_MEMORY, .status = 500 };
    /* function's filter is the same in both modes: known already. */
    int before_login = strcmp(r->function, "version") == 0 || is_coffee(r->function);
    if (read_preamble(r, !before_login, &pre) != DB_OK)
        return outcome_db_down();
    r->settings = pre.settings;
    if (r->settings.use_non_latin && request_filter_fields(r) != 0)
        return (struct outcome){ .answer = ANSWER_NO_MEMORY, .status = 500 };
    r->login_checked = pre.settings_found && !r->settings.use_non_latin &&
                       r->settings.pass_hash_enabled <= 0;
    r->login_found = r->login_checked && pre.login_found;
    if (r->login_found)
        r->api_user = pre.api_user;
    r->server_checked = pre.servers_read;
    r->server_found = pre.server_found;
    r->gmt_checked = pre.gmt_read;
    r->gmt_found = pre.gmt_found;
    memcpy(r->gmt, pre.gmt, sizeof r->gmt);
    if (strcmp(r->function, "version") == 0)
        return api_version(r);
    if (is_coffee(r->function))
        return coffee(r);
    auth_key = auth_user(r);
    if (!auth_key)
        return outcome_db_down();
    if (strcmp(auth_key, "GOOD") != 0)
        return (struct outcome){ .answer = ANSWER_LOGIN_REFUSED, .status = 200,
                                 .result = "ERROR", .reason = auth_key };
    for (size_t i = 0; i < sizeof FUNCTIONS / sizeof FUNCTIONS[0]; i++)
        if (strcmp(r->function, FUNCTIONS[i].name) == 0)
            return FUNCTIONS[i].run(r);
    return no_function(r);
}

/* Whatever path the function took (an error answer, a failed statement),
 * no named lock it took outlives the request: released here, before the
 * answer goes out, so a client that retries at once finds it free (inside
 * a phone's transaction this only marks them: they are released when
 * end_transaction() commits or rolls back, db/tx.h).  A release that fails
 * changes no answer: it fails only with the connection, which takes the
 * locks with it. */
static void release_named_locks(struct request *r)
{
    if (db_pins(r->db) & DB_PIN_LOCKS)
        lock_release_all(r->db);
}

/* A phone's transaction (db/tx.h) holds its write, the admin log row, the
 * rebuild flag and now the API log row: committed when the answer is a
 * line (not a 503 or 500) and its API log row was written, else rolled
 * back, and then (or when the COMMIT fails) the answer is a 503: nothing
 * was written. */
static void end_transaction(struct request *r, enum answer answer, enum db_status logged,
                            struct response *resp)
{
    int failed = answer == ANSWER_DB_DOWN || answer == ANSWER_NO_MEMORY;

    if (!failed && logged == DB_OK && tx_commit(r->db) == DB_OK)
        return;
    tx_rollback(r->db);
    if (answer != ANSWER_DB_DOWN) {
        struct outcome down = outcome_db_down();
        fprintf(stderr, "nonagentd: %s rolled back: %s\n", r->function,
                db_last_error(r->db));
        respond(r, &down, resp);
    }
}

void dispatch_api(struct request *r, struct response *resp)
{
    struct outcome o;

    r->db = db_thread();
    if (r->db) {
        db_request_begin(r->db);
        o = decide(r);
        release_named_locks(r);
    } else {
        o = outcome_db_down();
    }
    /* The 503 line names the function: when the database failed before the
     * fields were filtered, filter them now (latin) for that alone. */
    if (o.answer == ANSWER_DB_DOWN && !r->nfields)
        request_filter_fields(r);
    enum db_status logged = respond(r, &o, resp);
    if (r->db && tx_open(r->db))
        end_transaction(r, o.answer, logged, resp);
}

void dispatch_health(struct response *resp)
{
    struct db *db = db_thread();

    resp->result = "HEALTH";
    if (db) {
        db_request_begin(db);
        if (db_alive(db) == DB_OK) {
            resp->status = 200;
            buf_puts(&resp->body, "OK\n");
            return;
        }
    }
    resp->status = 503;
    buf_puts(&resp->body, "ERROR: DATABASE UNAVAILABLE: |healthz|\n");
}
