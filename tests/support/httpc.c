/*
 * httpc.c - the tests' HTTP client (see httpc.h).
 */
#include "tests/support/httpc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int connect_local(unsigned port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    struct timeval tv = { 30, 0 };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void parse_reply(char *data, size_t len, struct http_reply *out)
{
    char *split = NULL;

    for (size_t i = 0; i + 3 < len; i++)
        if (memcmp(data + i, "\r\n\r\n", 4) == 0) {
            split = data + i;
            break;
        }
    if (!split) {
        out->head = data;
        out->body = strdup("");
        return;
    }
    size_t head_len = (size_t)(split - data);
    out->body_len = len - head_len - 4;
    out->body = malloc(out->body_len + 1);
    memcpy(out->body, split + 4, out->body_len);
    out->body[out->body_len] = '\0';
    data[head_len] = '\0';
    out->head = data;
    sscanf(data, "HTTP/%*s %d", &out->status);
}

int http_raw(unsigned port, const char *request, size_t len, struct http_reply *out)
{
    int fd = connect_local(port);
    size_t cap = 8192, got = 0;
    char *data;

    memset(out, 0, sizeof *out);
    if (fd < 0)
        return -1;
    for (size_t sent = 0; sent < len;) {
        ssize_t n = send(fd, request + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;      /* the server may answer before reading it all */
        sent += (size_t)n;
    }
    data = malloc(cap);
    for (;;) {
        if (got + 4096 + 1 > cap) {
            cap *= 2;
            data = realloc(data, cap);
        }
        ssize_t n = recv(fd, data + got, cap - got - 1, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    data[got] = '\0';
    parse_reply(data, got, out);
    return out->status ? 0 : -1;
}

int http_get(unsigned port, const char *target, struct http_reply *out)
{
    size_t len = strlen(target) + 128;
    char *req = malloc(len);
    int n = snprintf(req, len, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                     target);
    int rc = http_raw(port, req, (size_t)n, out);
    free(req);
    return rc;
}

int http_post(unsigned port, const char *target, const char *content_type,
              const char *body, struct http_reply *out)
{
    size_t blen = strlen(body);
    size_t len = strlen(target) + (content_type ? strlen(content_type) : 0) + blen + 256;
    char *req = malloc(len);
    int n = snprintf(req, len,
                     "POST %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                     "%s%s%sContent-Length: %zu\r\n\r\n%s",
                     target, content_type ? "Content-Type: " : "",
                     content_type ? content_type : "", content_type ? "\r\n" : "", blen, body);
    int rc = http_raw(port, req, (size_t)n, out);
    free(req);
    return rc;
}

char *http_header(const struct http_reply *r, const char *name)
{
    size_t nlen = strlen(name);
    const char *line = r->head ? strstr(r->head, "\r\n") : NULL;

    while (line) {
        line += 2;
        if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
            const char *v = line + nlen + 1;
            while (*v == ' ')
                v++;
            size_t vlen = strcspn(v, "\r\n");
            return strndup(v, vlen);
        }
        line = strstr(line, "\r\n");
    }
    return NULL;
}

void http_reply_free(struct http_reply *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}
