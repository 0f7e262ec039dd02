/*
 * preamble.h - the one read every API request starts with.
 *
 * VICIdial reads system_settings (twice), tests the login, and later counts
 * the servers with the IP the request names (SERVER DOES NOT EXIST when there
 * are none), one statement each.  These are all reads of rows the request
 * does not write, so nonagentd makes them one statement: the answers are the
 * ones the separate reads give, a few milliseconds earlier.  (VICIdial also
 * reads the first active server's GMT at the start of every request; only
 * `version` uses it, so only the read made before authentication has it.)  The login part is VICIdial's plain-password test; it
 * stands only when the settings say latin mode (user and pass were filtered
 * as latin) and no hashing, and the caller tests again otherwise.
 */
#ifndef NONAGENTD_DB_PREAMBLE_H
#define NONAGENTD_DB_PREAMBLE_H

#include "db/pool.h"
#include "db/settings.h"
#include "db/users.h"

struct preamble {
    int settings_found;         /* 0: no system_settings row; nothing else read */
    struct settings settings;
    int login_found;            /* the plain-password login test passed */
    struct api_user api_user;   /* its row, when it passed */
    int servers_read;           /* server_found below was read */
    int server_found;           /* a servers row has the request's server_ip */
    int gmt_read;               /* the two below were read (with_login 0) */
    int gmt_found;              /* an active servers row exists, */
    char gmt[32];               /* and its local_gmt */
};

/* with_login 0 reads the settings and the first active server's GMT
 * (login_found and servers_read stay 0): for the functions answered
 * before authentication. */
enum db_status preamble_read(struct db *db, int with_login, const char *user,
                             const char *pass, long long lock_before, const char *server_ip,
                             struct preamble *p);

#endif
