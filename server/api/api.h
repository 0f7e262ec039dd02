/*
 * api.h - the API functions.  Each answers into resp, writes its API log
 * through respond.c, and sets r->db_failed when the database failed it.
 */
#ifndef NONAGENTD_API_H
#define NONAGENTD_API_H

#include "server/request.h"

/* Before authentication. */
void api_version(struct request *r, struct response *resp);

/* After authentication. */
void api_add_phone(struct request *r, struct response *resp);
void api_update_phone(struct request *r, struct response *resp);
void api_add_phone_alias(struct request *r, struct response *resp);
void api_update_phone_alias(struct request *r, struct response *resp);

#endif
