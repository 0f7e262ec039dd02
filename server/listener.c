/*
 * listener.c - the listening socket (see listener.h).
 *
 * Opened here rather than by libmicrohttpd so that a failure is reported
 * with its reason (errno), and so that the socket allows no second
 * listener on the same address: SO_REUSEADDR only (a restart may bind
 * while old connections sit in TIME_WAIT), never SO_REUSEPORT, under which
 * a second daemon would start and the kernel would split the traffic.
 */
#include "server/listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int listener_open(const char *addr, unsigned port, int *family, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    const char *ip = strcmp(addr, "localhost") == 0 ? "127.0.0.1" : addr;
    socklen_t len;
    int fd, one = 1;

    memset(&ss, 0, sizeof ss);
    if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        len = sizeof *s4;
    } else if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        len = sizeof *s6;
    } else {
        snprintf(err, errlen, "--listen: '%s' is not an IP address", addr);
        return -1;
    }
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "cannot listen on %s:%u: %s", addr, port, strerror(errno));
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    /* [::] listens on IPv6 only, as an explicit address should. */
    if (ss.ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, SOMAXCONN) != 0) {
        int e = errno;
        snprintf(err, errlen, "cannot listen on %s:%u: %s%s", addr, port, strerror(e),
                 e == EADDRINUSE ? " (is another nonagentd or server running there?)" : "");
        close(fd);
        return -1;
    }
    *family = ss.ss_family;
    return fd;
}
