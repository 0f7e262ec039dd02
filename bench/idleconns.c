/*
 * bench/idleconns.c - open N TCP connections to 127.0.0.1:PORT, hold them
 * SECONDS, then report how many the server kept open.  bench/run.sh reads
 * the daemon's peak RSS while they are held.
 *
 *   idleconns PORT N SECONDS            send nothing
 *   idleconns PORT N SECONDS request    each sends one keep-alive version
 *                                       request and reads its answer first,
 *                                       as a client's pooled connection does
 *
 * Prints: IDLE opened=O failed=F answered=A still_open=K held_s=S
 * Loopback only; N at most 10000, SECONDS at most 60.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    static const char request[] =
        "GET /vicidial/non_agent_api.php?source=bench&function=version HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\n\r\n";
    int port, n, secs, opened = 0, failed = 0, still = 0, answered = 0, send_request;
    int *fds;
    struct sockaddr_in sa;
    struct timespec hold;

    if (argc != 4 && !(argc == 5 && strcmp(argv[4], "request") == 0)) {
        fprintf(stderr, "usage: idleconns PORT N SECONDS [request]\n");
        return 2;
    }
    send_request = argc == 5;
    port = atoi(argv[1]);
    n = atoi(argv[2]);
    secs = atoi(argv[3]);
    if (port < 1 || port > 65535 || n < 1 || n > 10000 || secs < 0 || secs > 60) {
        fprintf(stderr, "idleconns: bad arguments\n");
        return 2;
    }
    fds = calloc((size_t)n, sizeof *fds);
    if (!fds)
        return 1;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    for (int i = 0; i < n; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&sa, sizeof sa) != 0) {
            if (failed == 0)
                fprintf(stderr, "idleconns: connection %d: %s\n", i, strerror(errno));
            if (fds[i] >= 0)
                close(fds[i]);
            fds[i] = -1;
            failed++;
            continue;
        }
        opened++;
        if (send_request) {
            char answer[2048];
            ssize_t got;
            if (send(fds[i], request, sizeof request - 1, MSG_NOSIGNAL) ==
                    (ssize_t)(sizeof request - 1) &&
                (got = recv(fds[i], answer, sizeof answer - 1, 0)) > 0) {
                answer[got] = '\0';
                answered += strncmp(answer, "HTTP/1.1 200", 12) == 0;
            }
        }
    }
    printf("IDLE-OPEN opened=%d answered=%d\n", opened, answered);
    fflush(stdout);

    hold.tv_sec = secs;
    hold.tv_nsec = 0;
    while (nanosleep(&hold, &hold) != 0 && errno == EINTR)
        ;

    for (int i = 0; i < n; i++) {
        char c;
        ssize_t r;
        if (fds[i] < 0)
            continue;
        /* 0: the server closed it; -1 with EAGAIN: still open and silent. */
        r = recv(fds[i], &c, 1, MSG_PEEK | MSG_DONTWAIT);
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            still++;
        close(fds[i]);
    }
    free(fds);
    printf("IDLE opened=%d failed=%d answered=%d still_open=%d held_s=%d\n", opened, failed,
           answered, still, secs);
    return failed ? 1 : 0;
}
