/*
 * sdnotify.c - systemd's notify protocol (see sdnotify.h), through
 * libsystemd's sd_notify when the build found it; without it (a build
 * machine without libsystemd-dev) every call is a no-op and the unit
 * must be Type=simple.
 *
 * Invariant: at most one probe is queued at a time (probe_pending), so a
 * wedged pool holds one small static work item, never a growing queue.
 */
#include "server/sdnotify.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "db/pool.h"
#include "server/workers.h"

#ifdef NONAGENTD_SYSTEMD
#include <systemd/sd-daemon.h>
#else
static int sd_notify(int unset, const char *state)
{
    (void)unset;
    (void)state;
    return 0;
}
static int sd_watchdog_enabled(int unset, uint64_t *usec)
{
    (void)unset;
    (void)usec;
    return 0;
}
#endif

static struct work probe;
static atomic_int probe_pending;    /* queued and not yet run */
static atomic_int ready;            /* READY=1 sent */
static int watchdog;                /* systemd asked for WATCHDOG=1 */
static char listening_on[160];

/* In a worker thread. */
static void run_probe(struct work *w)
{
    (void)w;
    if (!atomic_load(&ready)) {
        struct db *db = db_thread();
        if (db) {
            db_request_begin(db);
            if (db_alive(db) == DB_OK) {
                char msg[256];
                snprintf(msg, sizeof msg, "READY=1\nSTATUS=serving on %s", listening_on);
                atomic_store(&ready, 1);
                sd_notify(0, msg);
            }
        }
    }
    if (watchdog)
        sd_notify(0, "WATCHDOG=1");
    atomic_store(&probe_pending, 0);
}

void sdnotify_start(const char *listening)
{
    uint64_t usec = 0;

    snprintf(listening_on, sizeof listening_on, "%s", listening);
    watchdog = sd_watchdog_enabled(0, &usec) > 0;
    sd_notify(0, "STATUS=waiting for the database");
    sdnotify_tick();
}

void sdnotify_tick(void)
{
    if (atomic_exchange(&probe_pending, 1))
        return;                 /* the last probe still waits for a worker */
    probe.run = run_probe;
    workers_submit(&probe);
}

void sdnotify_stopping(void)
{
    sd_notify(0, "STOPPING=1\nSTATUS=finishing requests in flight");
}
