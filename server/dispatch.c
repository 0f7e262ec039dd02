/*
 * dispatch.c - the preamble every API request goes through (api.md 1.2),
 * then the function table.
 */
#include "server/dispatch.h"

#include <stdio.h>
#include <string.h>

#include "server/api/api.h"
#include "server/auth.h"
#include "server/respond.h"
#include "db/settings.h"
#include "db/users.h"

struct api_function {
    const char *name;
    void (*run)(struct request *r, struct response *resp);
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

static void answer_no_function(struct request *r, struct response *resp)
{
    buf_puts(&resp->body, "ERROR: NO FUNCTION SPECIFIED\n");
    resp->result = "ERROR";
    if (strcmp(request_field(r, "format"), "debug") == 0)
        buf_printf(&resp->body, "\n<!-- script runtime: %ld seconds -->\n</body>\n</html>\n",
                   (long)request_elapsed(r));
}

static void run_preamble(struct request *r, struct response *resp)
{
    const char *auth_key;

    /* Filter as latin (VICIdial's default) and make the first read: the
     * settings, the plain-password login test and the servers the request
     * names.  In non-latin mode the fields are filtered again, and with
     * hashing on the login is tested again, so every answer is the one
     * VICIdial's separate reads would give. */
    settings_defaults(&r->settings);
    if (request_filter_fields(r) != 0)
        goto out_of_memory;
    /* function's filter is the same in both modes: known already. */
    int before_login = strcmp(r->function, "version") == 0 || is_coffee(r->function);
    if (preamble_read(r->db, !before_login, r->user, request_field(r, "pass"),
                      auth_lock_before(), request_field(r, "server_ip"), &r->pre) != DB_OK) {
        r->db_failed = 1;
        return;
    }
    r->settings = r->pre.settings;
    if (r->settings.use_non_latin && request_filter_fields(r) != 0)
        goto out_of_memory;
    r->login_checked = r->pre.settings_found && !r->settings.use_non_latin &&
                       r->settings.pass_hash_enabled <= 0;
    if (r->login_checked)
        r->api_user = r->pre.api_user;
    if (strcmp(r->function, "version") == 0) {
        api_version(r, resp);
        return;
    }
    if (is_coffee(r->function)) {
        resp->status = 418;
        resp->result = "TEAPOT";
        buf_printf(&resp->body, "Coffee: %s|Error 418 I'm a teapot", r->function);
        return;
    }
    auth_key = auth_user(r);
    if (!auth_key)
        return;
    if (strcmp(auth_key, "GOOD") != 0) {
        respond_auth_failure(r, resp, auth_key);
        return;
    }
    for (size_t i = 0; i < sizeof FUNCTIONS / sizeof FUNCTIONS[0]; i++) {
        if (strcmp(r->function, FUNCTIONS[i].name) == 0) {
            FUNCTIONS[i].run(r, resp);
            return;
        }
    }
    answer_no_function(r, resp);
    respond_log_only(r, "ERROR", "NO FUNCTION SPECIFIED", "");
    return;
out_of_memory:
    resp->status = 500;
    buf_puts(&resp->body, "ERROR: OUT OF MEMORY\n");
}

void dispatch_api(struct request *r, struct response *resp)
{
    resp->status = 200;
    r->db = db_thread();
    if (r->db) {
        db_request_begin(r->db);
        run_preamble(r, resp);
    }
    if (!r->db || r->db_failed) {
        if (!r->nfields)
            request_filter_fields(r);   /* latin: only to name the function */
        respond_db_unavailable(r, resp);
    }
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
