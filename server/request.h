/*
 * request.h - one API request, from intake to answer.
 *
 * http.c fills the transport part (who asked, what they sent); the
 * preamble in dispatch.c adds the settings, the filtered fields and the
 * authenticated user; an API function reads all of that and decides the
 * answer (server/respond.h), which respond() writes into the response.
 * Nothing here knows about libmicrohttpd.
 */
#ifndef NONAGENTD_REQUEST_H
#define NONAGENTD_REQUEST_H

#include <stddef.h>
#include <time.h>

#include "server/buf.h"
#include "server/fields.h"
#include "server/params.h"
#include "db/pool.h"
#include "db/preamble.h"
#include "db/settings.h"
#include "db/users.h"

struct response {
    int status;                 /* HTTP status, 200 unless said otherwise */
    struct buf body;
    const char *result;         /* for the request log: SUCCESS, ERROR, ... */
    const char *content_type;   /* NULL: VICIdial's text/html; charset=utf-8 */
};

/* A field VICIdial filters (fields.h), as filtered. */
struct field {
    char *value;                /* NUL-terminated, never NULL once filtered */
    size_t len;
};

struct request {
    /* transport, filled by http.c */
    char client_ip[64];         /* REMOTE_ADDR */
    char server_name[256];      /* SERVER_NAME: the Host header's host part */
    unsigned server_port;       /* SERVER_PORT */
    const char *query;          /* raw QUERY_STRING, "" when none */
    struct param_list get;      /* $_GET */
    struct param_list post;     /* $_POST (urlencoded or multipart bodies) */
    struct timespec started;    /* CLOCK_MONOTONIC at arrival */
    time_t started_wall;
    char now_time[20];          /* date("Y-m-d H:i:s") at arrival */
    unsigned lock_wait;         /* --lock-wait */
    int redact_url_pass;        /* --redact-url-pass */

    /* the preamble's findings */
    struct db *db;
    struct settings settings;
    struct field fields[FIELD_COUNT];   /* by enum field_id */
    int nfields;                /* FIELD_COUNT once filtered, else 0 */
    char *field_block;          /* holds every fields[].value */
    const char *function;       /* filtered; "" when missing */
    const char *user;           /* filtered, as the client spelled it */
    const char *source;
    struct api_user api_user;
    /* what the first read (db/preamble.h) already answered */
    int login_checked;          /* the plain-password login test was made, */
    int login_found;            /* and passed (api_user is its row) */
    int server_checked;         /* whether a servers row has server_ip, */
    int server_found;           /* and the answer */
    int gmt_checked;            /* the first active server was looked for, */
    int gmt_found;              /* found, */
    char gmt[32];               /* and its local_gmt (version shows it) */
};

/* Set the arrival clock (http.c calls it as the request arrives). */
void request_start_clock(struct request *r);

/* Raw value of a parameter with VICIdial's precedence: the query string
 * wins per name, then the body.  NULL when absent; *is_array set when PHP
 * would have made it an array. */
const char *request_raw(const struct request *r, const char *name, size_t *len,
                        int *is_array);

/* Filter every known field with r->settings' mode (again, if they were
 * filtered before), and point function, user and source at theirs.  0, or
 * -1 when out of memory. */
int request_filter_fields(struct request *r);

/* Filtered value of a field ("" when missing or not filtered yet). */
static inline const char *request_field(const struct request *r, enum field_id id)
{
    return r->nfields ? r->fields[id].value : "";
}

/* A request made of a query string alone, its fields filtered in latin or
 * non-latin mode, with no transport and no database: what a dry run needs
 * to put one request's fields through the filters and the phone rules
 * (server/api/phone_rules.h) without a server.  0, or -1 when out of
 * memory; request_free() it either way. */
int request_from_query(struct request *r, const char *query, int non_latin);

void request_free(struct request *r);

/* Seconds since arrival. */
double request_elapsed(const struct request *r);

#endif
