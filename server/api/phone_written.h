/*
 * phone_written.h - the rows that follow a written phone (its
 * vicidial_admin_log row and its server's rebuild flag), and the answer
 * when they, or the phone's own write, cannot be made.
 */
#ifndef NONAGENTD_PHONE_WRITTEN_H
#define NONAGENTD_PHONE_WRITTEN_H

#include "server/request.h"
#include "server/respond.h"

/* The phone (extension, server_ip) is written (inserted, updated or
 * deleted): write its vicidial_admin_log row (section PHONES, event type
 * and code, event_sql the statement text VICIdial would have run or NULL:
 * changes.h) and set server_ip's rebuild flag.  Returns done, the
 * function's SUCCESS, once both are written; else frees done's data and
 * returns a 503.  atomic is tx_begin's answer: inside the transaction a
 * failure rolls the phone back with them; without one a lost connection is
 * overcome by writing both again on a new connection (see phone_written.c).
 * set_flag 0: the flag was read as set after the phone's write
 * (lock_release_all_reading_flag) and is not set again, unless the rows
 * are written again. */
struct outcome phone_written(struct request *r, const char *type, const char *code,
                             const char *event_sql, const char *extension,
                             const char *server_ip, int atomic, int set_flag,
                             struct outcome done);

/* The phone's own write failed with the connection (DB_DOWN): a 503.
 * Without a transaction the write may have landed without its rows, and a
 * line names the phone. */
struct outcome phone_write_lost(struct request *r, const char *extension,
                                const char *server_ip, int atomic);

#endif
