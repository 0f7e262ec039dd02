/*
 * listener.h - the daemon's listening TCP socket, bound exclusively: a
 * second daemon on the same address fails to start instead of sharing it.
 */
#ifndef NONAGENTD_LISTENER_H
#define NONAGENTD_LISTENER_H

#include <stddef.h>

/* Bind and listen on addr (IPv4 or IPv6 literal, or "localhost") : port.
 * Returns the socket (non-blocking, close-on-exec) and its address family
 * in *family, or -1 with one line naming the address and reason in err. */
int listener_open(const char *addr, unsigned port, int *family, char *err, size_t errlen);

#endif
