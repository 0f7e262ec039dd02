/*
 * buf.h - a growable byte buffer: answers, request bodies, the admin
 * log's statement text.  An append that runs out of memory sets oom and
 * every later append is a no-op, so a caller checks once at the end.
 */
#ifndef NONAGENTD_BUF_H
#define NONAGENTD_BUF_H

#include <stddef.h>

struct buf {
    char *data;         /* NUL-terminated once anything is appended */
    size_t len, cap;
    int oom;            /* an append failed: the contents are incomplete */
};

void buf_append(struct buf *b, const char *s, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

#endif
