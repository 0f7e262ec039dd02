/*
 * changes.h - the vicidial_admin_log row of a change the request made,
 * built in one place: when, who and from where come from the request
 * (docs/rows.md).  A phone's row is written with its rebuild flag by
 * phone_written.h; an alias's by phone_alias.c.
 */
#ifndef NONAGENTD_API_CHANGES_H
#define NONAGENTD_API_CHANGES_H

#include <stddef.h>

#include "server/request.h"
#include "db/logs.h"

/* The row.  event_sql is the statement text VICIdial would have run
 * (nothing executes it), NULL when it could not be built ('' is logged);
 * the strings must outlive the row. */
struct admin_log admin_log_row(const struct request *r, const char *section, const char *type,
                               const char *code, const char *event_sql, const char *record_id,
                               const char *notes);

/* A phone's row: section PHONES, record_id the extension, notes
 * "phone: <extension>|<server_ip>" written into notes[cap]. */
struct admin_log phone_admin_log_row(const struct request *r, const char *type,
                                     const char *code, const char *event_sql,
                                     const char *extension, const char *server_ip,
                                     char *notes, size_t cap);

#endif
