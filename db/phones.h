/*
 * phones.h - the queries on `phones` and `vicidial_conf_templates`.
 */
#ifndef NONAGENTD_DB_PHONES_H
#define NONAGENTD_DB_PHONES_H

#include "db/pool.h"
#include "db/widths.h"

enum db_status phone_extension_count(struct db *db, const char *extension,
                                     const char *server_ip, long long *count);
enum db_status phone_login_count(struct db *db, const char *login, long long *count);

/* add_phone's two duplicate checks in one read: phones with this extension
 * on this server, and phones with this login on any server. */
enum db_status phone_taken_counts(struct db *db, const char *extension, const char *server_ip,
                                  const char *login, long long *extension_count,
                                  long long *login_count);
enum db_status template_count(struct db *db, const char *template_id, long long *count);

/* A new phone, values as filtered (the insert cuts them to width).  The
 * four flags are NULL to leave the column default. */
struct phone_new {
    const char *extension, *dialplan_number, *voicemail_id, *login, *pass;
    const char *server_ip, *protocol, *conf_secret, *fullname, *local_gmt;
    const char *outbound_cid, *phone_context, *email, *user_group;
    const char *is_webphone, *webphone_auto_answer, *use_external_server_ip;
    const char *on_hook_agent;
    const char *template_id;   /* never NULL: '' when not given */
};

/* Insert; *duplicate is set when the unique (extension, server_ip) key
 * refused it (then the status is DB_ERROR). */
enum db_status phone_insert(struct db *db, const struct phone_new *p, int *duplicate);

/* The user_group of the phone (extension, server_ip); *found=0 if none. */
enum db_status phone_group(struct db *db, const char *extension, const char *server_ip,
                           char *group, size_t cap, int *found);

/* Phones with this login that differ from (extension, server_ip) in BOTH
 * extension and server: update_phone's conflict test, AND as VICIdial has it. */
enum db_status phone_login_conflict_count(struct db *db, const char *login,
                                          const char *extension, const char *server_ip,
                                          long long *count);

/* Delete the phone; *deleted is the number of rows removed. */
enum db_status phone_delete(struct db *db, const char *extension, const char *server_ip,
                            unsigned long long *deleted);

/* update_phone's changes: NULL leaves a column as it is. */
struct phone_change {
    const char *dialplan_number, *active, *outbound_cid, *voicemail_id, *login, *pass;
    const char *protocol, *conf_secret, *fullname, *phone_context, *email, *local_gmt;
    const char *user_group, *outbound_alt_cid, *phone_ring_timeout, *delete_vm_after_email;
    const char *is_webphone, *webphone_auto_answer, *use_external_server_ip, *template_id;
    const char *on_hook_agent;
};

/* Apply the changes (and install_directory=''); *matched is the number of
 * rows the WHERE found. */
enum db_status phone_update(struct db *db, const char *extension, const char *server_ip,
                            const struct phone_change *c, unsigned long long *matched);

#endif
