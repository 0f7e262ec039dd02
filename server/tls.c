/*
 * tls.c - reading the HTTPS certificate and key (see tls.h).
 *
 * Read here, before the server starts, so that a wrong path or a file
 * that holds no PEM block is one line naming the flag and the file, not
 * a failure deep inside the TLS library.  Whether the key matches the
 * certificate is GnuTLS's to say, when libmicrohttpd loads them.
 */
#include "server/tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PEM files are a few kilobytes; a chain of ten certificates fits. */
#define TLS_MAX_FILE (256 * 1024)

static char *read_pem(const char *flag, const char *path, const char *want,
                      char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (!f) {
        snprintf(err, errlen, "%s %s: %s", flag, path, strerror(errno));
        return NULL;
    }
    buf = malloc(TLS_MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        snprintf(err, errlen, "%s %s: out of memory", flag, path);
        return NULL;
    }
    n = fread(buf, 1, TLS_MAX_FILE + 1, f);
    int failed = ferror(f);
    fclose(f);
    buf[n > TLS_MAX_FILE ? TLS_MAX_FILE : n] = '\0';
    if (failed || n > TLS_MAX_FILE || !strstr(buf, "-----BEGIN ") || !strstr(buf, want)) {
        snprintf(err, errlen, "%s %s: %s", flag, path,
                 failed ? "cannot be read" : n > TLS_MAX_FILE ? "larger than 256 KiB"
                 : "holds no PEM block of the right kind (-----BEGIN ...)");
        free(buf);
        return NULL;
    }
    return buf;
}

int tls_load(const char *cert_path, const char *key_path, struct tls_pem *out,
             char *err, size_t errlen)
{
    out->cert = read_pem("--tls-cert", cert_path, "CERTIFICATE-----", err, errlen);
    if (!out->cert)
        return -1;
    out->key = read_pem("--tls-key", key_path, "PRIVATE KEY-----", err, errlen);
    if (!out->key) {
        tls_free(out);
        return -1;
    }
    return 0;
}

void tls_free(struct tls_pem *p)
{
    if (p->key) {
        /* volatile: the wipe must not be optimised away before free. */
        for (volatile char *k = p->key; *k; k++)
            *k = 0;
    }
    free(p->key);
    free(p->cert);
    p->key = p->cert = NULL;
}
