/*
 * sdnotify.h - what systemd is told (Type=notify): READY=1 once the
 * listener is up and a worker has reached the database, WATCHDOG=1 fed by
 * the worker threads themselves, STOPPING=1 on the way out.  Silent when
 * the daemon was not started by systemd (no NOTIFY_SOCKET).
 */
#ifndef NONAGENTD_SDNOTIFY_H
#define NONAGENTD_SDNOTIFY_H

/* After the listener is up: queue the first probe (the workers must be
 * running).  listening names the address for systemd's status line. */
void sdnotify_start(const char *listening);

/* Once a second from the main loop: queue the next probe unless the last
 * one is still waiting for a worker.  A probe is an ordinary work item;
 * the worker that runs it sends WATCHDOG=1 (and READY=1 the first time
 * the database answers), so a pool whose workers are all stuck stops
 * feeding the watchdog and systemd restarts the daemon. */
void sdnotify_tick(void);

/* The daemon is stopping (after SIGTERM). */
void sdnotify_stopping(void);

#endif
