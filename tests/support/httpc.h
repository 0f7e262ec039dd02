/*
 * httpc.h - a tiny HTTP/1.1 client over a plain socket, so that tests can
 * send exactly the bytes they mean (malformed, oversized, doubled
 * slashes) and read exactly the bytes that come back.
 */
#ifndef NONAGENTD_TEST_HTTPC_H
#define NONAGENTD_TEST_HTTPC_H

#include <stddef.h>

struct http_reply {
    int status;          /* 0 when no status line came back */
    char *head;          /* status line and headers, NUL-terminated */
    char *body;          /* NUL-terminated; body_len bytes */
    size_t body_len;
};

/* Send raw bytes to 127.0.0.1:port, read to EOF.  0, or -1 on a socket
 * error (out->status is then 0). */
int http_raw(unsigned port, const char *request, size_t len, struct http_reply *out);

/* GET target (path plus query, sent as is) with Connection: close. */
int http_get(unsigned port, const char *target, struct http_reply *out);

/* POST body to target with the given Content-Type (NULL: none). */
int http_post(unsigned port, const char *target, const char *content_type,
              const char *body, struct http_reply *out);

/* A header's value from the reply (case-insensitive name), malloc'd, or NULL. */
char *http_header(const struct http_reply *r, const char *name);

void http_reply_free(struct http_reply *r);

#endif
