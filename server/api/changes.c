/*
 * changes.c - the admin log row of a change (changes.h).
 */
#include "server/api/changes.h"

#include <stdio.h>

struct admin_log admin_log_row(const struct request *r, const char *section, const char *type,
                               const char *code, const char *event_sql, const char *record_id,
                               const char *notes)
{
    return (struct admin_log){
        .event_date = r->now_time, .user = r->user, .ip_address = r->client_ip,
        .event_section = section, .event_type = type, .record_id = record_id,
        .event_code = code, .event_sql = event_sql ? event_sql : "", .event_notes = notes,
    };
}

struct admin_log phone_admin_log_row(const struct request *r, const char *type,
                                     const char *code, const char *event_sql,
                                     const char *extension, const char *server_ip,
                                     char *notes, size_t cap)
{
    snprintf(notes, cap, "phone: %s|%s", extension, server_ip);
    return admin_log_row(r, "PHONES", type, code, event_sql, extension, notes);
}
