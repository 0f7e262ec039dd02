/*
 * filters.c - VICIdial's per-field input filters (docs/api.md, "Field filters").
 *
 * Owns how the characters of each API parameter survive, in latin and
 * non-latin mode (the rows are fields.h's REQUEST_FIELDS), and the two
 * post-processing quirks (outbound_cid to digits, '+' to space in email).
 * Filters only ever delete; nothing here rejects a request.
 */
#include "server/filters.h"

#include <stdlib.h>
#include <string.h>

#include "server/fields.h"
#include "server/unicode_letters.h"
#include "util/utf8.h"

struct rule {
    const char *marks; /* allowed punctuation besides the classes */
    unsigned classes;
    enum filter_post post;
};

const char *const FIELD_NAME[FIELD_COUNT] = {
#define NAME_ROW(name, marks, classes, post) [FIELD_##name] = #name,
    REQUEST_FIELDS(NAME_ROW)
#undef NAME_ROW
};

/* The filter of each field, by id (the rows are in fields.h). */
static const struct rule RULES[FIELD_COUNT] = {
#define RULE_ROW(name, marks, classes, post) [FIELD_##name] = { marks, classes, post },
    REQUEST_FIELDS(RULE_ROW)
#undef RULE_ROW
};

static const char ALL_CIDS[] = "---ALL---";

static const struct rule *find_rule(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < FIELD_COUNT; i++)
        if (strcmp(FIELD_NAME[i], name) == 0)
            return &RULES[i];
    return NULL;
}

int filter_known(const char *name)
{
    return find_rule(name) != NULL;
}

static int is_digit(unsigned c) { return c >= '0' && c <= '9'; }
static int is_upper(unsigned c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(unsigned c) { return c >= 'a' && c <= 'z'; }

/* Is the ASCII character c in the row's set?  NUL, controls, DEL and
 * non-ASCII never are (checked first, so strchr never matches the NUL). */
static int keeps_ascii(const struct rule *r, unsigned c)
{
    if (c < 0x20 || c >= 0x7F)
        return 0;
    if ((r->classes & DIGITS) && is_digit(c))
        return 1;
    if ((r->classes & (UPPER | LETTERS)) && is_upper(c))
        return 1;
    if ((r->classes & (LOWER | LETTERS)) && is_lower(c))
        return 1;
    if ((r->classes & SPACE) && c == ' ')
        return 1;
    return strchr(r->marks, (int)c) != NULL;
}

/* Byte filter: latin mode, and every row without LETTERS in both modes.
 * Non-ASCII bytes are simply deleted. */
static size_t keep_ascii(const struct rule *r, const unsigned char *in,
                         size_t len, char *out)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++)
        if (keeps_ascii(r, in[i]))
            out[n++] = (char)in[i];
    return n;
}

/* UTF-8 filter for non-latin LETTERS rows.  Invalid UTF-8 anywhere empties
 * the whole value, as PHP's preg_replace(/u) returns null then. */
static size_t keep_unicode(const struct rule *r, const unsigned char *in,
                           size_t len, char *out)
{
    size_t n = 0;

    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t step = utf8_decode(in + i, len - i, &cp);

        if (step == 0)
            return 0;
        if (cp < 0x80 ? keeps_ascii(r, cp) : unicode_is_letter(cp)) {
            memcpy(out + n, in + i, step);
            n += step;
        }
        i += step;
    }
    return n;
}

/* Keep only the digits of s[0..n); returns the new length. */
static size_t keep_digits(char *s, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        if (is_digit((unsigned char)s[i]))
            s[k++] = s[i];
    return k;
}

static size_t post_process(enum filter_post post, char *s, size_t n)
{
    switch (post) {
    case POST_CID_DIGITS:
        if (n == sizeof ALL_CIDS - 1 && memcmp(s, ALL_CIDS, n) == 0)
            return n;
        return keep_digits(s, n);
    case POST_PLUS_TO_SPACE:
        for (size_t i = 0; i < n; i++)
            if (s[i] == '+')
                s[i] = ' ';
        return n;
    case POST_NONE:
        break;
    }
    return n;
}

/* r NULL: a name without a rule, filtered to "". */
static size_t filter_into(const struct rule *r, const char *in, size_t len, int non_latin,
                          char *out)
{
    const unsigned char *bytes = (const unsigned char *)in;
    size_t n = 0;

    if (r && len > 0) {
        if (non_latin && (r->classes & LETTERS))
            n = keep_unicode(r, bytes, len, out);
        else
            n = keep_ascii(r, bytes, len, out);
        n = post_process(r->post, out, n);
    }
    out[n] = '\0';
    return n;
}

size_t filter_field_into(enum field_id id, const char *in, size_t len, int non_latin,
                         char *out)
{
    return filter_into(&RULES[id], in, len, non_latin, out);
}

size_t filter_param_into(const char *name, const char *in, size_t len, int non_latin,
                         char *out)
{
    return filter_into(find_rule(name), in, len, non_latin, out);
}

char *filter_param(const char *name, const char *in, size_t len, int non_latin,
                   size_t *out_len)
{
    /* Filters only delete or swap one byte for another: len + 1 suffices. */
    char *out = malloc(len + 1);
    size_t n;

    if (!out)
        return NULL;
    n = filter_param_into(name, in, len, non_latin, out);
    if (out_len)
        *out_len = n;
    return out;
}
