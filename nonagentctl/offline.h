/*
 * offline.h - the dry run: every row checked without a server, with the
 * daemon's own field filters and phone rules (linked from nonagentd_core,
 * not copied), in VICIdial's order, as far as a check needs no database.
 */
#ifndef NONAGENTCTL_OFFLINE_H
#define NONAGENTCTL_OFFLINE_H

#include "nonagentctl/table.h"

/* Check every row: its outcome becomes OUTCOME_VALID or OUTCOME_INVALID and
 * its answer the line the API would give (INVALID) or what is known
 * offline (VALID), with notes on values the filters change, values cut to
 * a column's width and flags the API ignores.  user is shown in the
 * predicted lines; non_latin is the server's use_non_latin setting. */
void offline_check(struct table *t, const char *user, int non_latin);

#endif
