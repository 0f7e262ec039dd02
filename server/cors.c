/*
 * cors.c - CORS for the API (see cors.h).
 *
 * The origin setting is a regular expression (POSIX extended), matched
 * against the whole Origin header, case-insensitively as host names are;
 * alternatives are separated by '|', as VICIdial's list is, and "*" alone
 * allows every origin.  An allowed origin is echoed back (never "*", which
 * browsers refuse together with credentials), with Vary: Origin so caches
 * keep answers for different origins apart.
 */
#include "server/cors.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int enabled;
static int any_origin;
static regex_t origin_re;
static const struct config *cfg;

int cors_start(const struct config *c, char *err, size_t errlen)
{
    char *anchored;
    int rc;

    cfg = c;
    enabled = c->cors_allowed_origin[0] != '\0';
    if (!enabled)
        return 0;
    any_origin = strcmp(c->cors_allowed_origin, "*") == 0;
    if (any_origin)
        return 0;
    anchored = malloc(strlen(c->cors_allowed_origin) + 5);
    if (!anchored) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sprintf(anchored, "^(%s)$", c->cors_allowed_origin);
    rc = regcomp(&origin_re, anchored, REG_EXTENDED | REG_ICASE | REG_NOSUB);
    free(anchored);
    if (rc != 0) {
        char why[128];
        regerror(rc, &origin_re, why, sizeof why);
        snprintf(err, errlen, "--cors-allowed-origin: not a regular expression: %s", why);
        enabled = 0;
        return -1;
    }
    return 0;
}

int cors_origin_allowed(const char *origin)
{
    if (!enabled || !origin || !*origin)
        return 0;
    return any_origin || regexec(&origin_re, origin, 0, NULL, 0) == 0;
}

size_t cors_headers(const char *origin, struct cors_header out[5])
{
    size_t n = 0;

    out[n++] = (struct cors_header){ "Access-Control-Allow-Origin", origin };
    out[n++] = (struct cors_header){ "Vary", "Origin" };
    out[n++] = (struct cors_header){ "Access-Control-Allow-Methods", cfg->cors_allowed_methods };
    if (cfg->cors_allowed_headers[0])
        out[n++] = (struct cors_header){ "Access-Control-Allow-Headers",
                                         cfg->cors_allowed_headers };
    if (cfg->cors_allowed_credentials)
        out[n++] = (struct cors_header){ "Access-Control-Allow-Credentials", "true" };
    return n;
}

void cors_stop(void)
{
    if (enabled && !any_origin)
        regfree(&origin_re);
    enabled = 0;
}
