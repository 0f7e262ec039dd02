/*
 * proxy.c - trusted reverse proxies and X-Forwarded-For (see proxy.h).
 *
 * A proxy appends the address it received the request from to
 * X-Forwarded-For, so the header reads client, proxy1, proxy2 and only
 * its right end is written by hosts we trust: reading it from the right
 * and stopping at the first untrusted hop takes the nearest address a
 * trusted proxy vouches for, whatever a client put at the left.
 */
#include "server/proxy.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Text to family and 16 bytes; 0 when it is not an address. */
static int parse_addr(const char *s, size_t len, unsigned char out[16])
{
    char buf[64];

    if (len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    memset(out, 0, 16);
    if (inet_pton(AF_INET, buf, out) == 1)
        return AF_INET;
    if (inet_pton(AF_INET6, buf, out) == 1) {
        /* An IPv4-mapped address is that IPv4 address. */
        static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        if (memcmp(out, mapped, 12) == 0) {
            memmove(out, out + 12, 4);
            memset(out + 4, 0, 12);
            return AF_INET;
        }
        return AF_INET6;
    }
    return 0;
}

static int in_net(const struct proxy_net *n, int family, const unsigned char *a)
{
    unsigned full = n->prefix / 8, rest = n->prefix % 8;

    if (family != n->family || memcmp(a, n->addr, full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[full] & mask) == (n->addr[full] & mask);
}

static int trusted_bytes(const struct proxy_list *l, int family, const unsigned char *a)
{
    for (size_t i = 0; i < l->n; i++)
        if (in_net(&l->nets[i], family, a))
            return 1;
    return 0;
}

int proxy_trusted(const struct proxy_list *l, const char *ip)
{
    unsigned char a[16];
    int family = ip ? parse_addr(ip, strlen(ip), a) : 0;

    return family && trusted_bytes(l, family, a);
}

int proxy_parse(const char *list, struct proxy_list *out, char *err, size_t errlen)
{
    const char *p = list;

    memset(out, 0, sizeof *out);
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *slash = memchr(p, '/', len);
        size_t alen = slash ? (size_t)(slash - p) : len;
        struct proxy_net n = { 0 };
        char *end = NULL;

        n.family = parse_addr(p, alen, n.addr);
        unsigned max = n.family == AF_INET ? 32 : 128;
        n.prefix = max;
        if (n.family && slash) {
            unsigned long v = slash + 1 < p + len ? strtoul(slash + 1, &end, 10) : 0;
            if (!end || end != p + len || v > max)
                n.family = 0;
            n.prefix = (unsigned)v;
        }
        if (!n.family) {
            snprintf(err, errlen, "--trusted-proxy: '%.*s' is not an address or CIDR "
                     "(as 127.0.0.1, 10.0.0.0/8 or fd00::/8)", (int)(len > 64 ? 64 : len), p);
            return -1;
        }
        if (out->n == PROXY_MAX_NETS) {
            snprintf(err, errlen, "--trusted-proxy: more than %d networks", PROXY_MAX_NETS);
            return -1;
        }
        out->nets[out->n++] = n;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

void proxy_client_address(const struct proxy_list *l, const char *peer, const char *xff,
                          char *out, size_t cap)
{
    const char *chosen = peer;
    size_t chosen_len = strlen(peer);

    if (xff && proxy_trusted(l, peer)) {
        size_t end = strlen(xff);
        /* From the right: each hop, trimmed of spaces. */
        while (end > 0) {
            size_t start = end;
            while (start > 0 && xff[start - 1] != ',')
                start--;
            size_t a = start, b = end;
            while (a < b && (xff[a] == ' ' || xff[a] == '\t'))
                a++;
            while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t'))
                b--;
            unsigned char bytes[16];
            int family = parse_addr(xff + a, b - a, bytes);
            if (!family)
                break;                  /* not an address: keep the last trusted hop */
            chosen = xff + a;
            chosen_len = b - a;
            if (!trusted_bytes(l, family, bytes))
                break;                  /* the nearest untrusted hop: the client */
            end = start > 0 ? start - 1 : 0;
        }
    }
    snprintf(out, cap, "%.*s", (int)chosen_len, chosen);
}
