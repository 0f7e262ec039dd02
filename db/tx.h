/*
 * tx.h - the transaction a phone's writes run in, where the tables have
 * transactions.
 *
 * On InnoDB a phone's row, its vicidial_admin_log row, the server's rebuild
 * flag and the request's API log rows commit together or not at all: a
 * connection lost before the COMMIT rolls all of them back in the server,
 * and the request answers 503.  The named locks taken before the
 * transaction stay held until it ends (lock_release_all inside it only
 * marks them), so no other request checks for duplicates against a row
 * that is not yet committed.
 *
 * On MyISAM (or when any of those tables has no transactions) there is
 * nothing to open: tx_begin says so, each write lands as it runs, and the
 * caller makes sure of the rows that follow a written phone itself
 * (server/api/phone_written.c).
 */
#ifndef NONAGENTD_DB_TX_H
#define NONAGENTD_DB_TX_H

#include "db/pool.h"

/* Open the transaction when every table a phone's writes touch is
 * transactional; *atomic says whether it was.  Asked of the server once
 * per connection. */
enum db_status tx_begin(struct db *db, int *atomic);

/* COMMIT, then release the named locks the transaction kept.  DB_DOWN
 * when the connection was lost first (the server rolled back) or during
 * the COMMIT (the outcome is not known: the caller answers 503). */
enum db_status tx_commit(struct db *db);

/* ROLLBACK (when the connection is still there), then release the locks. */
void tx_rollback(struct db *db);

/* 1 from tx_begin until tx_commit or tx_rollback, even when the
 * connection was lost in between. */
int tx_open(const struct db *db);

#endif
