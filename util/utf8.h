/*
 * utf8.h - the UTF-8 rules nonagentd needs, in one place: decoding as
 * PCRE's /u does (filters.c), what a utf8mb3 column can store (apilog.c),
 * and cutting a value to a column's width in characters or bytes without
 * splitting a character (db/).
 *
 * Hand-written rather than libunistring: each function must match one
 * outside behaviour exactly (PCRE's validity rules, MariaDB's utf8mb3
 * and its width counting), and together they are a few dozen lines.
 * Used by server/ and db/; depends on nothing.
 */
#ifndef NONAGENTD_UTF8_H
#define NONAGENTD_UTF8_H

#include <stddef.h>

/* Decode one UTF-8 sequence from s[0..n), n >= 1.  Returns its length (1
 * to 4) and sets *cp, or returns 0 for anything PCRE calls invalid: a
 * stray continuation byte, a truncated sequence, an overlong form, a
 * surrogate, or a code point above U+10FFFF. */
size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

/* s[0..len) made storable in a utf8mb3 column whatever the sql_mode:
 * invalid UTF-8 and 4-byte characters become '?' (as a non-strict server
 * stores them) and NUL bytes are dropped.  malloc'd; NULL when out of
 * memory. */
char *utf8_mb3_storable(const char *s, size_t len);

/* The byte length of s[0..len)'s first `chars` characters, as a
 * VARCHAR(chars) column keeps them (a lead byte counts one character;
 * a sequence cut short by len ends the count). */
size_t utf8_prefix_chars(const char *s, size_t len, size_t chars);

/* The byte length of s[0..len) cut to at most max bytes without
 * splitting a character (a TEXT column's limit is in bytes). */
size_t utf8_prefix_bytes(const char *s, size_t len, size_t max);

#endif
