/*
 * aliases.h - the queries on phones_alias.
 */
#ifndef NONAGENTD_DB_ALIASES_H
#define NONAGENTD_DB_ALIASES_H

#include "db/pool.h"


enum db_status alias_count(struct db *db, const char *alias_id, long long *count);

/* *duplicate is set when the primary key refused the row. */
enum db_status alias_insert(struct db *db, const char *alias_id, const char *alias_name,
                            const char *logins_list, int *duplicate);

enum db_status alias_delete(struct db *db, const char *alias_id, unsigned long long *deleted);

/* NULL leaves a column as it is; *matched is the number of rows found. */
enum db_status alias_update(struct db *db, const char *alias_id, const char *logins_list,
                            const char *alias_name, unsigned long long *matched);

#endif
