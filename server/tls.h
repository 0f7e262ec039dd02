/*
 * tls.h - the certificate and key for HTTPS (--tls-cert, --tls-key), read
 * once at start into memory, where libmicrohttpd's GnuTLS takes them.
 */
#ifndef NONAGENTD_TLS_H
#define NONAGENTD_TLS_H

#include <stddef.h>

struct tls_pem {
    char *cert;                 /* NUL-terminated PEM text; NULL: plain HTTP */
    char *key;
};

/* Read both files.  0, or -1 with one line naming the file and the
 * reason in err (missing, unreadable, empty, not PEM). */
int tls_load(const char *cert_path, const char *key_path, struct tls_pem *out,
             char *err, size_t errlen);

/* Free (and wipe the key from memory). */
void tls_free(struct tls_pem *p);

#endif
