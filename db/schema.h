/*
 * schema.h - what nonagentd checks of the schema it is pointed at, once, at
 * start-up.  It reads only; nonagentd never changes a table's definition.
 */
#ifndef NONAGENTD_DB_SCHEMA_H
#define NONAGENTD_DB_SCHEMA_H

#include <stddef.h>

#include "db/pool.h"

/* Does `phones` (in the connection's database) have an index whose first
 * column is `login`?  add_phone counts the phones with the requested login,
 * and VICIdial's own schema has no such index: without one every add_phone
 * reads the whole table.  On DB_OK, *missing is 1 when the table exists and
 * no index begins with login (0 otherwise), and when it is 1, alter holds
 * the statement that adds one, for the operator to run. */
enum db_status schema_phones_login_index(struct db *db, int *missing, char *alter,
                                         size_t alter_cap);

#endif
