/*
 * locks.h - MariaDB named locks (GET_LOCK) that serialize the
 * check-then-insert of a phone across threads, processes and hosts that
 * share one database, on any storage engine.
 *
 * Keys are the values as the column's collation compares them (case- and
 * accent-folded by utf8_unicode_ci, hashed to fit the 64-character name
 * limit), so "CC101" and "cc101" take the same lock.  Locks are always
 * taken in one order (extension, then login) and released together; a
 * dropped connection releases them in the server.  While they are held the
 * request is pinned to its connection (db_pin): if that connection is
 * lost, the request stops with DB_DOWN instead of going on without them.
 */
#ifndef NONAGENTD_DB_LOCKS_H
#define NONAGENTD_DB_LOCKS_H

#include "db/pool.h"

/* Take the extension-on-server lock and the login lock, waiting at most
 * `seconds` for each.  *got is 1 when both are held; when 0 every lock
 * taken has been released again. */
enum db_status lock_phone(struct db *db, const char *extension, const char *server_ip,
                          const char *login, unsigned seconds, int *got);

/* Take only the login lock (update_phone changing a login). */
enum db_status lock_login(struct db *db, const char *login, unsigned seconds, int *got);

/* Release every named lock this connection holds; inside a transaction
 * (db/tx.h) they are kept until it ends. */
enum db_status lock_release_all(struct db *db);

/* The same, after a phone was written under the locks, reading in the
 * same round trip whether server_ip's rebuild flag is yet to be set
 * (*flag_unset 1: a servers row with that IP that generates conf and runs
 * Asterisk has not rebuild_conf_files='Y').  Read after the write, a set
 * flag means a rebuild that has not yet begun, which will see the phone;
 * so the caller need not set it again (db/servers.h). */
enum db_status lock_release_all_reading_flag(struct db *db, const char *server_ip,
                                             int *flag_unset);

#endif
