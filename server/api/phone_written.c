/*
 * phone_written.c - the rows that follow a written phone (see
 * phone_written.h).
 *
 * On InnoDB the phone's write, these rows and the API log run in one
 * transaction (db/tx.h): any failure here answers 503, dispatch rolls the
 * transaction back, and nothing was written.
 *
 * On MyISAM there is no transaction: the phone row stands whatever follows,
 * and the admin log row and the rebuild flag (without which Asterisk's
 * configuration is not rebuilt for the phone) must be there before SUCCESS
 * is sent.  A lost connection ends the request's named locks, which these
 * two writes do not need: they are written again on a new connection, the
 * admin log row only where the first INSERT did not land, and the flag (an
 * idempotent UPDATE) again.  After REWRITES attempts, or an SQL error, the
 * answer is 503 and one line names the phone, for an operator to finish by
 * hand.
 *
 * The flag is not set when the statement that released the phone's locks,
 * after its write, read it as set already (db/locks.h): the UPDATE would
 * change nothing, and on MyISAM it would take the servers table's write
 * lock, which every request's first read waits behind.
 */
#include "server/api/phone_written.h"

#include <stdio.h>
#include <stdlib.h>

#include "server/api/changes.h"
#include "db/servers.h"

#define REWRITES 3

/* The admin log row (again: unless it is there), then the flag, unless
 * set_flag says it is set already. */
static enum db_status write_rows(struct request *r, const struct admin_log *log,
                                 const char *server_ip, int set_flag, int again)
{
    enum db_status s = admin_log_insert(r->db, log, again);
    return s == DB_OK && set_flag ? server_mark_rebuild(r->db, server_ip) : s;
}

struct outcome phone_written(struct request *r, const char *type, const char *code,
                             const char *event_sql, const char *extension,
                             const char *server_ip, int atomic, int set_flag,
                             struct outcome done)
{
    char notes[512];
    struct admin_log log = phone_admin_log_row(r, type, code, event_sql, extension, server_ip,
                                               notes, sizeof notes);
    enum db_status s = write_rows(r, &log, server_ip, set_flag, 0);

    for (int attempt = 0; !atomic && s == DB_DOWN && attempt < REWRITES; attempt++) {
        db_resume(r->db);
        s = write_rows(r, &log, server_ip, 1, 1);
    }
    if (s == DB_OK)
        return done;
    if (atomic)
        fprintf(stderr, "nonagentd: %s of phone %s|%s rolled back: its admin log row or"
                " rebuild flag was not written: %s\n", r->function, extension,
                server_ip, db_last_error(r->db));
    else
        fprintf(stderr, "nonagentd: %s of phone %s|%s is written, but not its admin log row"
                " or the server's rebuild flag: %s; answered 503\n", r->function,
                extension, server_ip, db_last_error(r->db));
    free(done.owned);
    return outcome_db_down();
}

struct outcome phone_write_lost(struct request *r, const char *extension,
                                const char *server_ip, int atomic)
{
    if (!atomic)
        fprintf(stderr, "nonagentd: %s of phone %s|%s: the connection was lost during the"
                " write, which may have landed without its admin log row and rebuild flag:"
                " %s; answered 503\n", r->function, extension, server_ip,
                db_last_error(r->db));
    return outcome_db_down();
}
