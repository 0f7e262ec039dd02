/*
 * api.h - the API functions.  Each decides its request's answer and
 * returns it as an outcome (server/respond.h); it writes no answer and no
 * API log row itself, and releases every lock it took before returning
 * (a phone's transaction keeps them until dispatch.c ends it: db/tx.h).
 */
#ifndef NONAGENTD_API_H
#define NONAGENTD_API_H

#include "server/request.h"
#include "server/respond.h"

/* Before authentication. */
struct outcome api_version(struct request *r);

/* After authentication. */
struct outcome api_add_phone(struct request *r);
struct outcome api_update_phone(struct request *r);
struct outcome api_add_phone_alias(struct request *r);
struct outcome api_update_phone_alias(struct request *r);

#endif
