/*
 * proxy.h - which peers are trusted reverse proxies (--trusted-proxy
 * CIDR[,CIDR]), and the client address behind them, from the
 * X-Forwarded-For header those proxies append to.
 */
#ifndef NONAGENTD_PROXY_H
#define NONAGENTD_PROXY_H

#include <stddef.h>

#define PROXY_MAX_NETS 32

struct proxy_net {
    int family;                 /* AF_INET or AF_INET6 */
    unsigned char addr[16];     /* network address (4 bytes used for AF_INET) */
    unsigned prefix;            /* prefix length in bits */
};

struct proxy_list {
    struct proxy_net nets[PROXY_MAX_NETS];
    size_t n;                   /* 0: no proxy is trusted */
};

/* Parse "CIDR[,CIDR]..." (an address alone is /32 or /128).  0, or -1
 * with one line naming the bad entry in err. */
int proxy_parse(const char *list, struct proxy_list *out, char *err, size_t errlen);

/* Is the address ip (text) in one of the list's networks? */
int proxy_trusted(const struct proxy_list *l, const char *ip);

/* The client behind peer: when peer is trusted, the rightmost address of
 * xff (the X-Forwarded-For values, comma-separated, in order) that is not
 * a trusted proxy, else the leftmost valid address when every hop is
 * trusted; stops at the first hop that is not an address, keeping the
 * last trusted one.  When peer is not trusted, or xff is NULL or holds
 * nothing usable, peer itself.  Written to out (cap bytes). */
void proxy_client_address(const struct proxy_list *l, const char *peer, const char *xff,
                          char *out, size_t cap);

#endif
