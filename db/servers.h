/*
 * servers.h - the queries on `servers`.
 */
#ifndef NONAGENTD_DB_SERVERS_H
#define NONAGENTD_DB_SERVERS_H

#include "db/pool.h"

/* local_gmt of the first active server ("" and *found=0 when none). */
enum db_status server_active_gmt(struct db *db, char *out, size_t cap, int *found);

/* COUNT of servers with this server_ip (active or not, as VICIdial). */
enum db_status server_count(struct db *db, const char *server_ip, long long *count);

/* Flag the server's conf files for rebuilding, when it generates conf and
 * runs Asterisk. */
enum db_status server_mark_rebuild(struct db *db, const char *server_ip);

#endif
