/*
 * http.c - libmicrohttpd glue (see http.h).  The only file that knows
 * libmicrohttpd's types.
 *
 * A request's life: the URI callback allocates its struct http_req with the
 * raw request line URI (libmicrohttpd would decode the query string its own
 * way; VICIdial's decoding is PHP's, so nonagentd parses the raw one).  The
 * access handler is called once with the headers, once per body chunk, and
 * once more when the request is complete: then the connection is suspended
 * and the request queued for a worker (workers.c), which answers it into
 * h->resp and resumes the connection; the handler, called once more, sends
 * that answer; the completion callback frees everything.
 *
 * libmicrohttpd's threads therefore never wait on the database, and a
 * graceful stop can tell requests in flight from idle connections.
 *
 * Deadlines: libmicrohttpd's idle timeout restarts on every byte, so a
 * client trickling a byte a second would hold its connection forever.
 * Every open connection therefore carries an absolute deadline, kept by
 * one reaper thread: a whole request within --request-timeout of the
 * connection's opening, or of the first byte of a kept-alive connection's
 * next request; that next request within --connection-timeout of the last
 * answer; none while a request is being answered.  A connection past its
 * deadline is shut down, which libmicrohttpd then sees as a hang-up.
 */
#include "server/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/cors.h"
#include "server/dispatch.h"
#include "server/listener.h"
#include "server/tls.h"
#include "server/metrics.h"
#include "server/reqlog.h"
#include "server/request.h"
#include "server/workers.h"
#include "util/utf8.h"

#define API_PATH "/vicidial/non_agent_api.php"
/* Default workers per core: each spends most of a request waiting on the
 * database, so two per core keep both the daemon and MariaDB busy; more
 * only add database sessions contending for the same cores (bench/). */
#define HTTP_WORKERS_PER_CORE 2

enum route { ROUTE_API, ROUTE_HEALTH, ROUTE_METRICS, ROUTE_NOT_FOUND };
enum body_kind { BODY_NONE, BODY_URLENCODED, BODY_MULTIPART };

struct http_conn;

struct http_req {
    char *uri;                  /* raw, as in the request line */
    const char *raw_uri;        /* libmicrohttpd's, to find a NUL in the line */
    struct http_conn *conn_state;
    enum route route;
    enum body_kind body_kind;
    int started;                /* the header call has been seen */
    int too_large;
    struct buf body;            /* an urlencoded body, as received */
    size_t body_len;            /* body bytes received, kept or not */
    struct MHD_PostProcessor *pp;
    int field_kept;             /* the multipart field being read was added */
    struct request req;
    struct work work;           /* queued for a worker; see run_request */
    struct MHD_Connection *conn;
    const char *method;         /* libmicrohttpd's, valid for the request */
    char *cors_origin;          /* an allowed Origin to answer with CORS headers */
    int queued;                 /* handed to a worker */
    int noted;                  /* counted and logged (note_answer) */
    int sent_status;            /* the answer handed to libmicrohttpd, 0: none */
    const char *sent_result;
    atomic_int answered;        /* the worker filled resp */
    struct response resp;
};

/* Per connection: has it started a request yet?  A connection that has
 * not is "fresh": a graceful stop waits for it (a moment: see
 * STOP_READ_MS), since its request is usually already in the socket
 * buffer.  Open connections are listed for the reaper (see above). */
struct http_conn {
    struct http_conn *prev, *next;    /* under conns_lock */
    MHD_socket fd;
    int seen_request;
    atomic_llong deadline_ms;         /* monotonic; 0: none */
    atomic_llong answered_ms;         /* waiting for the next request since; 0: not */
};

/* After SIGTERM, a connection that has not sent a whole request gets this
 * long more, so neither a half-sent request line nor an idle keep-alive
 * connection holds the stop. */
#define STOP_READ_MS 1000

struct http_server {
    struct MHD_Daemon *daemon;
    unsigned listen_port;
    struct tls_pem tls;         /* held while the daemon runs */
};

static atomic_int in_flight;          /* requests begun and not yet completed */
static atomic_ulong requests_started;
static atomic_int fresh_connections;  /* connections with no request yet */
static atomic_ulong connections_closed;
static atomic_int stopping;           /* SIGTERM: every answer closes its connection */
static unsigned server_listen_port;
static const struct config *cfg;    /* the limits; set once in http_start */

static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct http_conn *conns;       /* open connections */
static pthread_t reaper;
static atomic_int reaper_quit;
static atomic_llong stop_cut_ms;      /* after SIGTERM: the read deadline of all */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_deadline(struct http_conn *c, unsigned seconds)
{
    if (c)
        atomic_store(&c->deadline_ms, seconds ? now_ms() + (long long)seconds * 1000 : 0);
}

/* A kept-alive connection waiting for its next request: has a byte of it
 * arrived?  libmicrohttpd reads it away, but the kernel remembers when
 * the last data came (to the jiffy: hence the slack). */
static int request_begun(const struct http_conn *c, long long now, long long answered)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;

    if (getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
        return 0;
    return (long long)ti.tcpi_last_data_recv + 20 < now - answered;
}

/* Shut down every connection past its deadline, a few times a second.
 * Under conns_lock a listed connection's descriptor is still open: its
 * close notification (which unlists it) comes before libmicrohttpd closes
 * the socket. */
static void *reap_connections(void *arg)
{
    struct timespec tick = { 0, 200 * 1000 * 1000 };
    long long last_report = 0;
    unsigned long reaped = 0;
    (void)arg;

    while (!atomic_load(&reaper_quit)) {
        long long now = now_ms(), cut = atomic_load(&stop_cut_ms);
        pthread_mutex_lock(&conns_lock);
        for (struct http_conn *c = conns; c; c = c->next) {
            long long answered = atomic_load(&c->answered_ms);
            /* the next request has begun: it is due whole in time */
            if (answered && request_begun(c, now, answered)) {
                long long due = now + (long long)cfg->request_timeout * 1000;
                if (due < atomic_load(&c->deadline_ms))
                    atomic_store(&c->deadline_ms, due);
                atomic_store(&c->answered_ms, 0);
            }
            long long d = atomic_load(&c->deadline_ms);
            if (d && cut && cut < d)
                d = cut;
            if (d && now >= d) {
                shutdown(c->fd, SHUT_RDWR);
                atomic_store(&c->deadline_ms, 0);
                reaped++;
            }
        }
        pthread_mutex_unlock(&conns_lock);
        /* One line every ten seconds at most, whatever a flood of slow
         * clients does. */
        if (reaped && !cut && now - last_report >= 10000) {
            fprintf(stderr, "nonagentd: closed %lu connection%s that sent no whole request"
                    " in time (--request-timeout %u, --connection-timeout %u)\n", reaped,
                    reaped == 1 ? "" : "s", cfg->request_timeout, cfg->connection_timeout);
            reaped = 0;
            last_report = now;
        }
        nanosleep(&tick, NULL);
    }
    return NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct http_conn *c = *socket_context;
    (void)cls;
    (void)conn;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        c = calloc(1, sizeof *c);
        *socket_context = c;
        atomic_fetch_add(&fresh_connections, 1);
        if (c && ci) {
            c->fd = ci->connect_fd;
            set_deadline(c, cfg->request_timeout);
            pthread_mutex_lock(&conns_lock);
            c->next = conns;
            if (conns)
                conns->prev = c;
            conns = c;
            pthread_mutex_unlock(&conns_lock);
        } else if (c) {
            c->fd = MHD_INVALID_SOCKET;
        }
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        if (!c || !c->seen_request)
            atomic_fetch_sub(&fresh_connections, 1);
        if (c && c->fd != MHD_INVALID_SOCKET) {
            pthread_mutex_lock(&conns_lock);
            if (c->prev)
                c->prev->next = c->next;
            else
                conns = c->next;
            if (c->next)
                c->next->prev = c->prev;
            pthread_mutex_unlock(&conns_lock);
        }
        free(c);
        *socket_context = NULL;
        atomic_fetch_add(&connections_closed, 1);
    }
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct http_req *h = calloc(1, sizeof *h);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct http_conn *c = ci ? ci->socket_context : NULL;
    (void)cls;

    atomic_fetch_add(&in_flight, 1);
    atomic_fetch_add(&requests_started, 1);
    if (c && !c->seen_request) {
        c->seen_request = 1;
        atomic_fetch_sub(&fresh_connections, 1);
    } else if (c && atomic_exchange(&c->answered_ms, 0)) {
        /* a kept-alive connection's next request, not seen begin by the reaper */
        set_deadline(c, cfg->request_timeout);
    }
    if (!h) {
        atomic_fetch_sub(&in_flight, 1);
        return NULL;
    }
    h->uri = strdup(uri ? uri : "");
    if (!h->uri) {
        free(h);
        atomic_fetch_sub(&in_flight, 1);
        return NULL;
    }
    h->raw_uri = uri;
    h->conn_state = c;
    params_init(&h->req.get);
    params_init(&h->req.post);
    request_start_clock(&h->req);
    return h;
}

/* Count and log one answered request (once: h->noted).  delivered: the
 * whole answer went out; an answer that did not is logged as 499 (the
 * client closed the request), marked "undelivered". */
static void note_answer(struct http_req *h, const char *method, int status, const char *result,
                        int delivered)
{
    long usec = (long)(request_elapsed(&h->req) * 1e6);
    size_t path_len = strcspn(h->uri, "?");
    char path[128];

    if (h->noted)
        return;
    h->noted = 1;
    metrics_observe(h->route == ROUTE_API ? (h->req.nfields ? h->req.function : "") : NULL,
                    result, status, usec);
    /* Health and metrics probes every few seconds would drown the log:
     * only their failures are worth a line. */
    if ((h->route == ROUTE_HEALTH || h->route == ROUTE_METRICS) && status == 200)
        return;
    snprintf(path, sizeof path, "%.*s", (int)(path_len < 120 ? path_len : 120), h->uri);
    reqlog_write(h->req.client_ip, method, path, h->req.nfields ? h->req.function : "-",
                 result, status, usec, delivered);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_req *h = *con_cls;
    (void)cls;
    (void)conn;
    (void)toe;
    if (!h)
        return;
    /* The answer sent (or not: the client hung up, or the send failed or
     * timed out).  A client that hung up while a worker answered it: the
     * work was done (rows written), so it is logged too. */
    if (h->sent_status)
        note_answer(h, h->method, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ?
                    h->sent_status : 499, h->sent_result,
                    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
    else if (h->queued && atomic_load(&h->answered))
        note_answer(h, h->method, 499, h->resp.result, 0);
    /* The next request is due within the idle timeout, however it trickles
     * in; once it has begun, within the request timeout (the reaper). */
    set_deadline(h->conn_state, cfg->connection_timeout);
    if (h->conn_state)
        atomic_store(&h->conn_state->answered_ms, now_ms());
    if (h->pp)
        MHD_destroy_post_processor(h->pp);
    buf_free(&h->resp.body);
    request_free(&h->req);
    free(h->cors_origin);
    buf_free(&h->body);
    free(h->uri);
    free(h);
    *con_cls = NULL;
    atomic_fetch_sub(&in_flight, 1);
}

static enum route route_of(const char *uri, size_t path_len, const char *method)
{
    if ((path_len == sizeof API_PATH - 1 && strncmp(uri, API_PATH, path_len) == 0) ||
        (path_len == sizeof API_PATH && uri[0] == '/' &&
         strncmp(uri + 1, API_PATH, path_len - 1) == 0))
        return ROUTE_API;
    if (path_len == 8 && strncmp(uri, "/healthz", 8) == 0 &&
        (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0))
        return ROUTE_HEALTH;
    if (path_len == 8 && strncmp(uri, "/metrics", 8) == 0 &&
        (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0))
        return ROUTE_METRICS;
    return ROUTE_NOT_FOUND;
}

static enum body_kind body_kind_of(struct MHD_Connection *conn, const char *method)
{
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_TYPE);
    /* PHP fills $_POST only for these two, and only for POST. */
    if (strcmp(method, "POST") != 0 || !ct)
        return BODY_NONE;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
        return BODY_URLENCODED;
    if (strncasecmp(ct, "multipart/form-data", 19) == 0)
        return BODY_MULTIPART;
    return BODY_NONE;
}

static enum MHD_Result on_multipart_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                          const char *filename, const char *content_type,
                                          const char *transfer_encoding, const char *data,
                                          uint64_t off, size_t size)
{
    struct http_req *h = cls;
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    if (!key || filename)
        return MHD_YES;   /* file uploads are $_FILES, not $_POST */
    if (off == 0) {
        int rc = params_add(&h->req.post, key, strlen(key), data ? data : "", size);
        h->field_kept = rc == 1;
        return rc < 0 ? MHD_NO : MHD_YES;
    }
    /* A value delivered in pieces: the rest of the pair just added, or of
     * one PHP does not register (a skipped name), which stays dropped. */
    if (!h->field_kept)
        return MHD_YES;
    return params_extend_last(&h->req.post, data, size) == 0 ? MHD_YES : MHD_NO;
}

/* Every X-Forwarded-For header, in order, joined with commas (a proxy may
 * add a header of its own instead of appending to the one it got). */
struct xff_join {
    char text[1024];
    size_t len;
    int overflow;
};

static enum MHD_Result add_xff(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    struct xff_join *j = cls;
    (void)kind;
    if (!key || strcasecmp(key, "X-Forwarded-For") != 0 || !value)
        return MHD_YES;
    size_t len = strlen(value);
    if (j->len + len + 2 >= sizeof j->text) {
        j->overflow = 1;
        return MHD_NO;
    }
    if (j->len)
        j->text[j->len++] = ',';
    memcpy(j->text + j->len, value, len + 1);
    j->len += len;
    return MHD_YES;
}

/* The peer is the socket's address; behind a trusted proxy the client is
 * named by X-Forwarded-For (proxy.c), and that address is the client's
 * for the IP lists, the failed-login records and every log. */
static void client_behind_proxy(struct MHD_Connection *conn, struct request *r)
{
    struct xff_join j = { .len = 0 };
    char peer[sizeof r->client_ip];

    if (!proxy_trusted(&cfg->trusted_proxies, r->client_ip))
        return;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_xff, &j);
    if (j.len == 0 || j.overflow)
        return;         /* nothing usable: the proxy itself is the client */
    memcpy(peer, r->client_ip, sizeof peer);
    proxy_client_address(&cfg->trusted_proxies, peer, j.text, r->client_ip,
                         sizeof r->client_ip);
}

static void fill_transport(struct http_req *h, struct MHD_Connection *conn)
{
    struct request *r = &h->req;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);

    r->client_ip[0] = '\0';
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET) {
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                      r->client_ip, sizeof r->client_ip);
        } else if (sa->sa_family == AF_INET6) {
            const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
            inet_ntop(AF_INET6, &s6->sin6_addr, r->client_ip, sizeof r->client_ip);
            if (strncmp(r->client_ip, "::ffff:", 7) == 0 && strchr(r->client_ip, '.'))
                memmove(r->client_ip, r->client_ip + 7, strlen(r->client_ip + 7) + 1);
        }
    }
    if (cfg->trusted_proxies.n > 0)
        client_behind_proxy(conn, r);
    /* SERVER_NAME and SERVER_PORT as Apache derives them from Host. */
    r->server_port = server_listen_port;
    /* The Host header goes into the API log's tables: keep it storable
     * (an invalid UTF-8 byte becomes '?', as a non-strict server stores it). */
    char *host_clean = utf8_mb3_storable(host ? host : "", host ? strlen(host) : 0);
    snprintf(r->server_name, sizeof r->server_name, "%s", host_clean ? host_clean : "");
    free(host_clean);
    char *colon = NULL;
    if (r->server_name[0] == '[') {
        char *close = strchr(r->server_name, ']');
        colon = close && close[1] == ':' ? close + 1 : NULL;
    } else {
        colon = strrchr(r->server_name, ':');
    }
    if (colon) {
        *colon = '\0';
        unsigned long port = strtoul(colon + 1, NULL, 10);
        if (port > 0 && port < 65536)
            r->server_port = (unsigned)port;
    }
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct http_req *h,
                                     const char *method, struct response *resp)
{
    struct MHD_Response *mr;
    enum MHD_Result ret;
    const char *body = resp->body.data ? resp->body.data : "";
    size_t len = resp->body.oom ? 0 : resp->body.len;

    if (resp->body.oom) {
        resp->status = 500;
        body = "";
    }
    mr = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!mr)
        return MHD_NO;
    MHD_add_response_header(mr, "Content-type",
                            resp->content_type ? resp->content_type : "text/html; charset=utf-8");
    if (h->cors_origin) {
        struct cors_header ch[5];
        size_t n = cors_headers(h->cors_origin, ch);
        for (size_t i = 0; i < n; i++)
            MHD_add_response_header(mr, ch[i].name, ch[i].value);
    }
    MHD_add_response_header(mr, "Cache-Control", "no-cache, must-revalidate");
    MHD_add_response_header(mr, "Pragma", "no-cache");
    /* Stopping: the connection closes after this answer. */
    if (atomic_load(&stopping))
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION, "close");
    ret = MHD_queue_response(conn, (unsigned)resp->status, mr);
    MHD_destroy_response(mr);
    /* Logged once it is sent (on_completed), or not. */
    h->sent_status = resp->status;
    h->sent_result = resp->result;
    h->method = method;
    if (ret != MHD_YES)
        note_answer(h, method, 499, resp->result, 0);
    return ret;
}

static enum MHD_Result answer_plain(struct MHD_Connection *conn, struct http_req *h,
                                    const char *method, int status, const char *body,
                                    const char *result)
{
    struct response resp = { .status = status, .result = result };
    enum MHD_Result ret;
    buf_puts(&resp.body, body);
    ret = send_response(conn, h, method, &resp);
    buf_free(&resp.body);
    return ret;
}

/* In a worker thread: answer the request into h->resp, then hand the
 * connection back to libmicrohttpd. */
static void run_request(struct work *w)
{
    struct http_req *h = (struct http_req *)((char *)w - offsetof(struct http_req, work));

    h->resp.status = 200;
    if (h->route == ROUTE_HEALTH)
        dispatch_health(&h->resp);
    else
        dispatch_api(&h->req, &h->resp);
    atomic_store(&h->answered, 1);
    MHD_resume_connection(h->conn);
}

/* The request is complete: answer what needs no database here, queue the
 * rest for a worker. */
static enum MHD_Result answer_or_queue(struct MHD_Connection *conn, struct http_req *h,
                                       const char *method)
{
    struct response resp = { .status = 200 };
    enum MHD_Result ret;

    if (h->too_large)
        return answer_plain(conn, h, method, 413, "ERROR: REQUEST BODY TOO LARGE\n", "TOOLARGE");
    /* A browser's CORS preflight from an allowed origin: the headers say
     * it all, no function runs. */
    if (h->route == ROUTE_API && h->cors_origin && strcmp(method, "OPTIONS") == 0)
        return answer_plain(conn, h, method, 204, "", "PREFLIGHT");
    if (h->route == ROUTE_METRICS) {
        resp.result = "METRICS";
        /* The Prometheus text format's own type: Prometheus 3 refuses a
         * scrape served as text/html. */
        resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
        struct workers_stats ws;
        workers_stats(&ws);
        metrics_render(&resp.body, (unsigned long)atomic_load(&in_flight), &ws);
        ret = send_response(conn, h, method, &resp);
        buf_free(&resp.body);
        return ret;
    }
    if (h->route == ROUTE_API) {
        const char *q = strchr(h->uri, '?');
        h->req.query = q ? q + 1 : "";
        if (params_parse_urlencoded(&h->req.get, h->req.query, strlen(h->req.query)) != 0 ||
            (h->body_kind == BODY_URLENCODED && h->body.data &&
             params_parse_urlencoded(&h->req.post, h->body.data, h->body.len) != 0))
            return answer_plain(conn, h, method, 500, "ERROR: OUT OF MEMORY\n", "OOM");
        h->req.lock_wait = cfg->lock_wait;
        h->req.redact_url_pass = cfg->redact_url_pass;
    }
    h->conn = conn;
    h->method = method;
    h->queued = 1;
    h->work.run = run_request;
    /* Suspend first: the worker may resume before submit even returns. */
    MHD_suspend_connection(conn);
    workers_submit(&h->work);
    return MHD_YES;
}

/* Only spaces in [from, to): what libmicrohttpd leaves between the parts of
 * a request line it split (the separating space itself became its NUL). */
static int only_spaces(const char *from, const char *to)
{
    if (to < from || to - from > 65536)
        return 0;
    for (; from < to; from++)
        if (*from != ' ')
            return 0;
    return 1;
}

/* libmicrohttpd 0.9 splits the request line "METHOD URI VERSION" in its
 * buffer and hands each part on as a C string, so a NUL byte inside a part
 * cuts it short without a word: the part then ends before the next one
 * begins (Apache answers 400 to such a line). */
static int nul_in_request_line(const struct http_req *h, const char *method, const char *version)
{
    const char *uri_end = h->raw_uri + strlen(h->uri);
    return !only_spaces(method + strlen(method) + 1, h->raw_uri) ||
           (version && *version && !only_spaces(uri_end + 1, version));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct http_req *h = *con_cls;
    (void)cls;
    (void)url;

    if (!h)
        return MHD_NO;          /* out of memory in on_uri: drop the connection */
    if (h->queued) {
        /* Resumed by the worker: send its answer. */
        if (!atomic_load(&h->answered))
            return MHD_YES;
        h->queued = 0;
        return send_response(conn, h, h->method, &h->resp);
    }
    if (!h->started) {
        size_t path_len = strcspn(h->uri, "?");
        h->started = 1;
        fill_transport(h, conn);
        if (nul_in_request_line(h, method, version)) {
            set_deadline(h->conn_state, 0);
            return answer_plain(conn, h, method, 400, "Bad Request\n", "BADREQUEST");
        }
        h->route = route_of(h->uri, path_len, method);
        if (h->route == ROUTE_NOT_FOUND)
            return MHD_YES;     /* answered after the body is drained */
        if (h->route == ROUTE_API) {
            const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
            if (cors_origin_allowed(origin))
                h->cors_origin = strdup(origin);
            const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
            /* Refuse an announced oversized body before reading any of it. */
            if (cl && strtoull(cl, NULL, 10) > cfg->max_body) {
                h->too_large = 1;
                return answer_or_queue(conn, h, method);
            }
            h->body_kind = body_kind_of(conn, method);
            if (h->body_kind == BODY_MULTIPART) {
                h->pp = MHD_create_post_processor(conn, 16 * 1024, on_multipart_field, h);
                if (!h->pp)
                    h->body_kind = BODY_NONE;
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t size = *upload_data_size;
        *upload_data_size = 0;
        if (h->too_large)
            return MHD_YES;
        /* Every body counts against the limit, even one nobody reads. */
        if (h->body_len + size > cfg->max_body) {
            h->too_large = 1;
            return MHD_YES;
        }
        h->body_len += size;
        if (h->route != ROUTE_API || h->body_kind == BODY_NONE)
            return MHD_YES;     /* read and ignored, as PHP ignores it */
        if (h->body_kind == BODY_MULTIPART)
            return MHD_post_process(h->pp, upload_data, size) == MHD_YES ? MHD_YES : MHD_NO;
        buf_append(&h->body, upload_data, size);
        return h->body.oom ? MHD_NO : MHD_YES;
    }
    set_deadline(h->conn_state, 0);     /* received whole: now it is ours to answer */
    if (h->route == ROUTE_NOT_FOUND)
        return answer_plain(conn, h, method, 404, "Not Found\n", "NOTFOUND");
    return answer_or_queue(conn, h, method);
}

/* A message libmicrohttpd repeats (a connection limit met thousands of
 * times a second) is written once per MHD_LOG_WINDOW_MS, the next time
 * with the count of those left out. */
#define MHD_LOG_WINDOW_MS 10000
#define MHD_LOG_KEPT 8
static struct mhd_log_entry {
    char text[160];
    long long since_ms;
    unsigned long left_out;
} mhd_log_recent[MHD_LOG_KEPT];
static pthread_mutex_t mhd_log_lock = PTHREAD_MUTEX_INITIALIZER;

/* libmicrohttpd's own messages, in the daemon's voice: one prefixed line. */
static void log_mhd_message(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    size_t len;
    long long now = now_ms();
    unsigned long left_out = 0;

    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    len = strlen(msg);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
        msg[--len] = '\0';
    pthread_mutex_lock(&mhd_log_lock);
    struct mhd_log_entry *e = NULL, *oldest = &mhd_log_recent[0];
    for (int i = 0; i < MHD_LOG_KEPT && !e; i++) {
        if (strncmp(mhd_log_recent[i].text, msg, sizeof e->text - 1) == 0)
            e = &mhd_log_recent[i];
        else if (mhd_log_recent[i].since_ms < oldest->since_ms)
            oldest = &mhd_log_recent[i];
    }
    if (e && now - e->since_ms < MHD_LOG_WINDOW_MS) {
        e->left_out++;
        pthread_mutex_unlock(&mhd_log_lock);
        return;
    }
    if (!e) {
        e = oldest;
        snprintf(e->text, sizeof e->text, "%s", msg);
        e->left_out = 0;
    }
    left_out = e->left_out;
    e->left_out = 0;
    e->since_ms = now;
    pthread_mutex_unlock(&mhd_log_lock);
    if (left_out)
        fprintf(stderr, "nonagentd: libmicrohttpd: %s (and %lu times more in the %d s before)\n",
                msg, left_out, MHD_LOG_WINDOW_MS / 1000);
    else
        fprintf(stderr, "nonagentd: libmicrohttpd: %s\n", msg);
}

struct http_server *http_start(const struct config *c, char *err, size_t errlen)
{
    int family = 0;
    int listen_fd;
    unsigned workers = c->threads;
    unsigned io_threads;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct http_server *s;

    if (cores < 1)
        cores = 1;
    if (workers == 0)
        workers = (unsigned)cores * HTTP_WORKERS_PER_CORE;
    /* Socket work is a small part of a request (the workers' database round
     * trips are the rest): one I/O thread per four cores, at most four.  On
     * two cores one thread ran both add_phone and its error path faster than
     * two, with lower p99s (bench/README.md): a busy thread takes several
     * connections' events per wake-up. */
    io_threads = (unsigned)(cores + 3) / 4;
    if (io_threads > 4)
        io_threads = 4;
    s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (c->tls_cert[0]) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            snprintf(err, errlen, "--tls-cert: this libmicrohttpd was built without TLS");
            free(s);
            return NULL;
        }
        if (tls_load(c->tls_cert, c->tls_key, &s->tls, err, errlen) != 0) {
            free(s);
            return NULL;
        }
        flags |= MHD_USE_TLS;
    }
    if (cors_start(c, err, errlen) != 0) {
        tls_free(&s->tls);
        free(s);
        return NULL;
    }
    listen_fd = listener_open(c->listen_addr, c->listen_port, &family, err, errlen);
    if (listen_fd < 0) {
        cors_stop();
        tls_free(&s->tls);
        free(s);
        return NULL;
    }
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
        flags |= MHD_USE_EPOLL;
    if (family == AF_INET6)
        flags |= MHD_USE_IPv6;
    server_listen_port = c->listen_port;
    cfg = c;
    s->listen_port = c->listen_port;
    if (workers_start(workers) != 0) {
        snprintf(err, errlen, "cannot start %u worker threads", workers);
        close(listen_fd);
        cors_stop();
        tls_free(&s->tls);
        free(s);
        return NULL;
    }
    /* Options given only when they apply: libmicrohttpd warns about a
     * thread pool of one (or zero) thread, the polling thread itself. */
    struct MHD_OptionItem optional[4];
    size_t nopt = 0;
    if (io_threads > 1)
        optional[nopt++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE, io_threads, NULL };
    if (s->tls.cert) {
        optional[nopt++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, s->tls.cert };
        optional[nopt++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls.key };
    }
    optional[nopt] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
    atomic_store(&reaper_quit, 0);
    if (pthread_create(&reaper, NULL, reap_connections, NULL) != 0) {
        snprintf(err, errlen, "cannot start the connection reaper thread");
        close(listen_fd);
        workers_stop();
        cors_stop();
        tls_free(&s->tls);
        free(s);
        return NULL;
    }
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)c->listen_port, NULL, NULL, on_request, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, log_mhd_message, NULL,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
        MHD_OPTION_ARRAY, optional,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)c->max_header,
        MHD_OPTION_CONNECTION_TIMEOUT, c->connection_timeout,
        MHD_OPTION_CONNECTION_LIMIT, c->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, c->per_ip_connections,
        MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "cannot start the HTTP server on %s:%u%s", c->listen_addr,
                 c->listen_port, s->tls.cert ? " (is --tls-key the key of --tls-cert?)" : "");
        atomic_store(&reaper_quit, 1);
        pthread_join(reaper, NULL);
        workers_stop();
        cors_stop();
        tls_free(&s->tls);
        free(s);
        return NULL;
    }
    return s;
}

const char *http_library_version(void)
{
    return MHD_get_version();
}

unsigned long http_requests_started(void)
{
    return atomic_load(&requests_started);
}

unsigned long http_connections_closed(void)
{
    return atomic_load(&connections_closed);
}

static int nothing_in_flight(void)
{
    return atomic_load(&in_flight) == 0 && atomic_load(&fresh_connections) == 0;
}

int http_stop(struct http_server *s, unsigned timeout_seconds)
{
    struct timespec tick = { 0, 20 * 1000 * 1000 };
    long long deadline = now_ms() + (long long)timeout_seconds * 1000;
    MHD_socket fd;
    int left;

    if (!s)
        return 0;
    /* No new connections.  Every answer from now on closes its connection;
     * a connection with no whole request gets a moment to send it, then
     * the reaper closes it (an idle keep-alive one too). */
    fd = MHD_quiesce_daemon(s->daemon);
    atomic_store(&stopping, 1);
    atomic_store(&stop_cut_ms, now_ms() + STOP_READ_MS);
    while (!nothing_in_flight() && now_ms() < deadline)
        nanosleep(&tick, NULL);
    left = atomic_load(&in_flight);
    if (left > 0)
        return left;            /* past the bound: the caller exits without them */
    atomic_store(&reaper_quit, 1);
    pthread_join(reaper, NULL);
    workers_stop();
    MHD_stop_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    cors_stop();
    tls_free(&s->tls);
    free(s);
    return 0;
}
