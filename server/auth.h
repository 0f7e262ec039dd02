/*
 * auth.h - VICIdial's user_authorization(user, pass, 'REPORTS', 1, 1)
 * (docs/api.md, login refusals; docs/rows.md, "Authentication"): password
 * check (plain or bcrypt hash), the 10-failure / 900-second lockout with
 * its counters, IP allow and block lists, and the two-factor gate.
 */
#ifndef NONAGENTD_AUTH_H
#define NONAGENTD_AUTH_H

#include "server/request.h"

/* The auth key: "GOOD", "BAD", "LOCK", "IPBLOCK" or "2FA"; NULL when the
 * database failed.  On GOOD, r->api_user holds
 * the user's row (allowed functions, group, phone rights). */
const char *auth_user(struct request *r);

/* The lockout window's start: a user with 10 or more failures may log in
 * again once the last login is older than this (unix seconds). */
long long auth_lock_before(void);

/* a.b.c.d -> a.b.c.x (the last ".digits" replaced), as VICIdial's IP lists
 * compare a class-C entry. */
void auth_ip_class_c(const char *ip, char *out, size_t cap);

#endif
