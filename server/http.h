/*
 * http.h - the HTTP front: libmicrohttpd with its own worker pool.
 *
 * Routes /vicidial/non_agent_api.php (also with a doubled leading slash)
 * to dispatch_api, GET /healthz to dispatch_health, everything else to a
 * 404.  Collects and bounds the body, builds the struct request, sends the
 * struct response back with VICIdial's headers, and logs one line.
 */
#ifndef NONAGENTD_HTTP_H
#define NONAGENTD_HTTP_H

#include <stddef.h>

#include "server/config.h"

struct http_server;

/* Start listening; NULL with a one-line reason in err on failure. */
struct http_server *http_start(const struct config *c, char *err, size_t errlen);

/* libmicrohttpd's version ("0.9.75"), for nonagentd_build_info. */
const char *http_library_version(void);

/* Requests begun, and connections closed, since start (to tell an idle
 * second from a busy one). */
unsigned long http_requests_started(void);
unsigned long http_connections_closed(void);

/* SIGTERM: stop accepting; answer what was received, each answer closing
 * its connection; close the connections with no whole request after a
 * moment; then stop the workers and the listener.  0 when that is done
 * within timeout_seconds; else the number of requests still in flight,
 * left running (the caller exits without them). */
int http_stop(struct http_server *s, unsigned timeout_seconds);

#endif
