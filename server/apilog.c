/*
 * apilog.c - VICIdial's api_log() (docs/rows.md, "The API log").
 *
 * For each logged answer: find or add the vicidial_webservers row for
 * (SERVER_NAME, host name) and the vicidial_urls row for the script URL,
 * insert the vicidial_api_log row, and when that worked, the
 * vicidial_api_urls row holding the full request URL.
 */
#include "server/apilog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/logs.h"

static const char SCRIPT_NAME[] = "/vicidial/non_agent_api.php";

static const char *host_name(void)
{
    static _Thread_local char name[256];
    if (!name[0] && gethostname(name, sizeof name - 1) != 0)
        snprintf(name, sizeof name, "X");
    return name;
}

/* apiPAGE: scheme, SERVER_NAME, the port unless 80 or 443, SCRIPT_NAME. */
static void api_page(const struct request *r, char *out, size_t cap)
{
    char port[16];
    snprintf(port, sizeof port, "%u", r->server_port);
    const char *scheme = strstr(port, "443") ? "https" : "http";
    if (r->server_port == 80 || r->server_port == 443)
        snprintf(out, cap, "%s://%s%s", scheme, r->server_name, SCRIPT_NAME);
    else
        snprintf(out, cap, "%s://%s:%u%s", scheme, r->server_name, r->server_port,
                 SCRIPT_NAME);
}

/* POST_URI: the body's pairs re-joined, minus ' " \ and ;. */
static char *post_uri(const struct request *r)
{
    char *joined = params_php_join(&r->post);
    size_t o = 0;

    if (!joined)
        return NULL;
    for (size_t i = 0; joined[i]; i++)
        if (!strchr("'\"\\;", joined[i]))
            joined[o++] = joined[i];
    joined[o] = '\0';
    return joined;
}

/* The query with every pass=... value replaced by XXXX (--redact-url-pass). */
static void append_redacted(struct buf *b, const char *query)
{
    const char *p = query;

    for (;;) {
        size_t len = strcspn(p, "&");
        const char *eq = memchr(p, '=', len);
        size_t name_len = eq ? (size_t)(eq - p) : len;
        struct param_list one;
        const struct param *name;

        params_init(&one);
        params_parse_urlencoded(&one, p, name_len);
        name = params_find(&one, "pass");
        if (name && eq)
            buf_printf(b, "%.*sXXXX", (int)(eq - p + 1), p);
        else
            buf_append(b, p, len);
        params_free(&one);
        if (p[len] == '\0')
            break;
        buf_append(b, "&", 1);
        p += len + 1;
    }
}

char *apilog_url(const struct request *r)
{
    char page[512];
    char *post = post_uri(r);
    struct buf b = { 0 };
    const char *query = r->query ? r->query : "";

    api_page(r, page, sizeof page);
    buf_printf(&b, "%s?", page);
    if (!post)
        return NULL;
    if (!*query && strlen(post) > 2)
        query = post;           /* a POST-only request: its data, ... */
    if (r->redact_url_pass)
        append_redacted(&b, query);
    else
        buf_puts(&b, query);
    if (*query && strlen(post) > 2) {
        buf_puts(&b, "&GET-AND-POST=Y&");              /* ... then again */
        if (r->redact_url_pass)
            append_redacted(&b, post);
        else
            buf_puts(&b, post);
    }
    free(post);
    if (b.oom) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

enum db_status apilog_write(struct request *r, const char *result, const char *reason,
                            const char *data)
{
    struct db *db = r->db;
    char page[512], run_time[32], api_date[20];
    struct tm tm;
    time_t now = time(NULL);
    unsigned long long ws = 0, url = 0, api_id = 0;
    char *url_full = NULL, *data_clean = NULL;
    const char *server = r->server_name[0] ? r->server_name : "X";
    const char *host = host_name()[0] ? host_name() : "X";
    enum db_status s = DB_ERROR;

    if (!db)
        return DB_DOWN;
    api_page(r, page, sizeof page);
    localtime_r(&now, &tm);
    strftime(api_date, sizeof api_date, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(run_time, sizeof run_time, "%.6f", request_elapsed(r));

    /* data, value and the URL go to the database as they are: db/logs.c
     * has the server store them as it stores VICIdial's. */
    data_clean = strdup(data);
    const char *value = params_php_last_value(&r->post);
    const struct param *pass = params_find(&r->post, "pass");
    /* VICIdial logs the last POST value; when that is the password and
     * --redact-url-pass is on, it is redacted like the URL. */
    if (r->redact_url_pass && pass && value == pass->value)
        value = "XXXX";
    if (!data_clean)
        goto done;
    for (char *p = data_clean; *p; p++)
        if (*p == '"')
            *p = '\'';          /* VICIdial stores double quotes as single */

    struct api_log l = {
        .user = r->user, .agent_user = request_field(r, FIELD_agent_user),
        .function = r->function, .value = value, .result = result,
        .result_reason = reason, .source = r->source, .data = data_clean,
        .api_date = api_date, .run_time = run_time,
    };
    int inserted = 0;
    /* Usually both rows the log points at exist: one statement writes
     * both rows. */
    url_full = apilog_url(r);
    if (url_full)
        s = api_log_pair_insert_resolving(db, &l, server, host, page, r->client_ip, url_full,
                                          &inserted);
    if (s == DB_OK && !inserted) {
        s = log_target_ids(db, server, host, page, &ws, &url);
        l.webserver = ws;
        l.api_url = url;
        if (s == DB_OK)
            s = api_log_insert(db, &l, &api_id);
        if (s == DB_OK)
            s = api_url_insert(db, api_id, r->client_ip, url_full);
    }
    if (s != DB_OK)
        fprintf(stderr, "nonagentd: api log not written for %s: %s\n", r->function,
                db_last_error(db));
done:
    free(url_full);
    free(data_clean);
    return s;
}
