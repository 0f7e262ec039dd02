/*
 * utf8.c - UTF-8 decoding, utf8mb3 storability and width cuts (utf8.h).
 */
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    static const unsigned min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    unsigned c = s[0];
    size_t len;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        c &= 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if (c < min_cp[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

char *utf8_mb3_storable(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    size_t o = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (n == 0 || n == 4) {
            out[o++] = '?';
            i++;
            /* skip the continuation bytes of the character replaced */
            while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
                i++;
            continue;
        }
        if (cp == 0) {
            i++;            /* NUL bytes never reach a column */
            continue;
        }
        memcpy(out + o, s + i, n);
        o += n;
        i += n;
    }
    out[o] = '\0';
    return out;
}

size_t utf8_prefix_chars(const char *s, size_t len, size_t chars)
{
    size_t i = 0, n = 0;

    while (i < len && n < chars) {
        unsigned char c = (unsigned char)s[i];
        size_t step = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (i + step > len)
            step = len - i;
        i += step;
        n++;
    }
    return i;
}

size_t utf8_prefix_bytes(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    len = max;
    while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
        len--;
    return len;
}
