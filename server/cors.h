/*
 * cors.h - Cross-Origin Resource Sharing for the API, off by default, with
 * VICIdial's four settings (options.php's $CORS_allowed_origin,
 * $CORS_allowed_methods, $CORS_allowed_headers, $CORS_allowed_credentials)
 * as flags: --cors-allowed-origin, --cors-allowed-methods,
 * --cors-allowed-headers, --cors-allowed-credentials.
 */
#ifndef NONAGENTD_CORS_H
#define NONAGENTD_CORS_H

#include <stddef.h>

#include "server/config.h"

/* Compile the configured origin pattern; 0, or -1 with one line in err.
 * With no --cors-allowed-origin CORS stays off. */
int cors_start(const struct config *c, char *err, size_t errlen);

/* Is this Origin header value allowed (CORS on and the pattern matches)? */
int cors_origin_allowed(const char *origin);

/* The answer headers for an allowed origin, in order; *n set to their
 * count.  names[i]/values[i] stay valid until cors_stop. */
struct cors_header {
    const char *name;
    const char *value;
};
size_t cors_headers(const char *origin, struct cors_header out[5]);

void cors_stop(void);

#endif
