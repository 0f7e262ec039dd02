/*
 * tx.c - the phone writes' transaction (see tx.h).
 *
 * Whether the tables have transactions is read from information_schema
 * once per database connection (a reconnect reads it again, so an ALTER
 * TABLE ... ENGINE is seen after the next reconnect), not per request:
 * it costs each connection one statement.
 */
#include "db/tx.h"

#include "db/locks.h"

static const char SQL_TRANSACTIONAL[] =
    "SELECT COUNT(*) = 7 FROM information_schema.TABLES t JOIN information_schema.ENGINES e"
    " ON e.ENGINE = t.ENGINE WHERE t.TABLE_SCHEMA = DATABASE() AND e.TRANSACTIONS = 'YES'"
    " AND t.TABLE_NAME IN ('phones', 'servers', 'vicidial_admin_log', 'vicidial_api_log',"
    " 'vicidial_api_urls', 'vicidial_urls', 'vicidial_webservers')";
static const char SQL_BEGIN[] = "START TRANSACTION";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

/* The calling thread's answer, and the connection it was read on. */
static _Thread_local unsigned long known_connection;
static _Thread_local int known_transactional;
/* The thread's request began a transaction that has not ended: stays set
 * when the connection is lost under it, until tx_commit or tx_rollback. */
static _Thread_local int began;

static enum db_status transactional(struct db *db, int *yes)
{
    long long n = 0;
    enum db_status s;

    if (known_connection && known_connection == db_connection_serial(db)) {
        *yes = known_transactional;
        return DB_OK;
    }
    s = db_count(db, SQL_TRANSACTIONAL, NULL, 0, &n);
    if (s != DB_OK)
        return s;
    known_connection = db_connection_serial(db);
    known_transactional = *yes = n == 1;
    return DB_OK;
}

enum db_status tx_begin(struct db *db, int *atomic)
{
    enum db_status s = transactional(db, atomic);

    if (s != DB_OK || !*atomic)
        return s;
    s = db_exec(db, SQL_BEGIN, NULL, 0, NULL, NULL);
    if (s == DB_OK) {
        db_pin(db, DB_PIN_TX);
        began = 1;
    }
    return s;
}

int tx_open(const struct db *db)
{
    (void)db;
    return began;
}

/* The transaction is over: the locks it kept go now. */
static void end(struct db *db)
{
    began = 0;
    db_unpin(db, DB_PIN_TX);
    if (db_pins(db) & DB_PIN_LOCKS)
        lock_release_all(db);
}

enum db_status tx_commit(struct db *db)
{
    enum db_status s;

    if (!began)
        return DB_OK;
    if (db_lost(db)) {          /* the server rolled it back */
        end(db);
        return DB_DOWN;
    }
    s = db_exec(db, SQL_COMMIT, NULL, 0, NULL, NULL);
    if (s != DB_OK) {
        tx_rollback(db);
        return DB_DOWN;
    }
    end(db);
    return DB_OK;
}

void tx_rollback(struct db *db)
{
    if (!began)
        return;
    if (!db_lost(db))
        db_exec(db, SQL_ROLLBACK, NULL, 0, NULL, NULL);
    end(db);
}
