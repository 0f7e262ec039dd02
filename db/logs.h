/*
 * logs.h - the audit and API log tables: vicidial_admin_log,
 * vicidial_api_log, vicidial_api_urls, vicidial_webservers, vicidial_urls.
 */
#ifndef NONAGENTD_DB_LOGS_H
#define NONAGENTD_DB_LOGS_H

#include "db/pool.h"

struct admin_log {
    const char *event_date;    /* "YYYY-MM-DD HH:MM:SS", request start */
    const char *user, *ip_address, *event_section, *event_type;
    const char *record_id, *event_code, *event_sql, *event_notes;
};
/* Insert the row; with unless_there, only if an identical row (same
 * record, time, user, type and code) is not there yet: for writing it
 * again after a lost connection. */
enum db_status admin_log_insert(struct db *db, const struct admin_log *l, int unless_there);

/* Both ids the API log row points at, in one read when both rows exist
 * (the usual case), each inserted when missing. */
enum db_status log_target_ids(struct db *db, const char *webserver, const char *hostname,
                              const char *url, unsigned long long *webserver_id,
                              unsigned long long *url_id);

/* id of the (webserver, hostname) row, inserted when missing. */
enum db_status webserver_id(struct db *db, const char *webserver, const char *hostname,
                            unsigned long long *id);
/* id of the url row, inserted when missing. */
enum db_status url_id(struct db *db, const char *url, unsigned long long *id);

struct api_log {
    const char *user, *agent_user, *function, *value, *result, *result_reason;
    const char *source, *data, *api_date, *run_time;
    unsigned long long webserver, api_url;
};
enum db_status api_log_insert(struct db *db, const struct api_log *l,
                              unsigned long long *api_id);

/* The log row and its vicidial_api_urls row (remote_ip, url) in one
 * round trip, with l->webserver and l->api_url looked up inside the insert
 * from (webserver, hostname) and page: where VICIdial makes four.
 * *inserted is 0 when either row the log points at is missing (nothing was
 * written: look them up with log_target_ids, then api_log_insert and
 * api_url_insert). */
enum db_status api_log_pair_insert_resolving(struct db *db, const struct api_log *l,
                                             const char *webserver, const char *hostname,
                                             const char *page, const char *remote_ip,
                                             const char *url, int *inserted);
enum db_status api_url_insert(struct db *db, unsigned long long api_id,
                              const char *remote_ip, const char *url);

#endif
