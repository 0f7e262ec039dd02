/*
 * dispatch.h - the request preamble and the function table.
 *
 * parse (http.c) -> settings -> filter -> version / coffee -> authenticate
 * -> API user row -> the function -> respond.  http.c hands over a filled
 * struct request and sends back whatever struct response says.
 */
#ifndef NONAGENTD_DISPATCH_H
#define NONAGENTD_DISPATCH_H

#include "server/request.h"

/* Answer a request for /vicidial/non_agent_api.php. */
void dispatch_api(struct request *r, struct response *resp);

/* Answer GET /healthz: 200 when the database answers, else 503. */
void dispatch_health(struct response *resp);

#endif
