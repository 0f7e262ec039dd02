/*
 * credentials.h - the API user and password: from NONAGENTD_API_USER and
 * NONAGENTD_API_PASS, or from a file given with --credentials (lines
 * "user=..." and "pass=...", '#' comments), which must be a regular file
 * that neither group nor others may read or write.  Never from the
 * command line, where every user of the machine could read them.
 */
#ifndef NONAGENTCTL_CREDENTIALS_H
#define NONAGENTCTL_CREDENTIALS_H

#include <stddef.h>

struct credentials {
    char user[128];
    char pass[128];
};

/* From path when not NULL, else the environment.  0, or -1 with err filled
 * (file unreadable or too open, a bad line, user or password missing).
 * required = 0 (the dry run) lets both be missing. */
int credentials_load(struct credentials *c, const char *path, int required, char *err,
                     size_t errlen);

#endif
