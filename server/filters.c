/*
 * filters.c - VICIdial's per-field input filters (api.md section 1.3).
 *
 * Owns the table of which characters survive in each API parameter, in
 * latin and non-latin mode, and the two post-processing quirks (outbound_cid
 * to digits, '+' to space in email).  Filters only ever delete; nothing here
 * rejects a request.
 */
#include "server/filters.h"

#include <stdlib.h>
#include <string.h>

#include "server/unicode_letters.h"

/* Character classes a row's allowed set is built from. */
enum {
    DIGITS  = 1 << 0, /* 0-9, ASCII in both modes */
    UPPER   = 1 << 1, /* A-Z in both modes (a byte filter, never Unicode) */
    LOWER   = 1 << 2, /* a-z in both modes (a byte filter, never Unicode) */
    SPACE   = 1 << 3, /* ' ' (0x20 only) */
    LETTERS = 1 << 4, /* latin: a-z A-Z; non-latin: any \p{L}, as UTF-8 */
};

/* What happens after the characters are filtered. */
enum post {
    POST_NONE,
    POST_CID_DIGITS,    /* digits only, unless exactly "---ALL---" */
    POST_PLUS_TO_SPACE, /* every '+' becomes ' ' */
};

struct rule {
    const char *name;
    const char *marks; /* allowed punctuation besides the classes */
    unsigned classes;
    enum post post;
};

/*
 * The spec table, one row per parameter.  A row with LETTERS switches to a
 * UTF-8 filter in non-latin mode (PHP's /u regex); every other row is the
 * same byte filter in both modes.
 */
static const struct rule RULES[] = {
    /* name                     marks        classes                   post */
    { "function",               "-_",        DIGITS | UPPER | LOWER,   POST_NONE },
    { "format",                 "",          DIGITS | UPPER | LOWER,   POST_NONE },
    { "server_ip",              "-.:_",      DIGITS | UPPER | LOWER,   POST_NONE },
    { "protocol",               "",          DIGITS | UPPER | LOWER,   POST_NONE },
    { "local_gmt",              "-.",        DIGITS,                   POST_NONE },
    { "active",                 "",          UPPER,                    POST_NONE },
    { "delete_phone",           "",          UPPER,                    POST_NONE },
    { "phone_ring_timeout",     "",          DIGITS,                   POST_NONE },
    { "delete_vm_after_email",  "",          UPPER | LOWER,            POST_NONE },
    { "DB",                     "",          DIGITS,                   POST_NONE },
    /* user_authorization() filters user/pass again; that removes nothing
     * this set lets through. */
    { "user",                   "-_",        DIGITS | LETTERS,         POST_NONE },
    { "pass",                   "-_",        DIGITS | LETTERS,         POST_NONE },
    { "agent_user",             "-_",        DIGITS | LETTERS,         POST_NONE },
    { "source",                 "",          DIGITS | LETTERS,         POST_NONE },
    { "phone_login",            "-_",        DIGITS | LETTERS,         POST_NONE },
    { "voicemail_id",           "",          DIGITS | LETTERS,         POST_NONE },
    { "phone_pass",             "-_",        DIGITS | LETTERS,         POST_NONE },
    /* VICIdial runs a wider second filter (adding * # . : / @) after this
     * one; it cannot bring back what this one deleted, so only this one. */
    { "extension",              "-_",        DIGITS | LETTERS,         POST_NONE },
    { "dialplan_number",        "*#",        DIGITS | LETTERS,         POST_NONE },
    { "registration_password",  "-_",        DIGITS | LETTERS,         POST_NONE },
    /* '+' survives here: no '+' to space, unlike email. */
    { "phone_full_name",        "-+._",      SPACE | DIGITS | LETTERS, POST_NONE },
    { "outbound_cid",           "-_",        DIGITS | LETTERS,         POST_CID_DIGITS },
    { "phone_context",          "-_",        DIGITS | LETTERS,         POST_NONE },
    /* The only set with a quote in it (spec 2.6): it is data, not SQL. */
    { "email",                  "-'+.:/@%_", SPACE | DIGITS | LETTERS, POST_PLUS_TO_SPACE },
    { "admin_user_group",       "-_",        DIGITS | LETTERS,         POST_NONE },
    { "is_webphone",            "-_",        DIGITS | LETTERS,         POST_NONE },
    { "webphone_auto_answer",   "-_",        DIGITS | LETTERS,         POST_NONE },
    { "use_external_server_ip", "-_",        DIGITS | LETTERS,         POST_NONE },
    { "template_id",            "-_",        DIGITS | LETTERS,         POST_NONE },
    { "on_hook_agent",          "-_",        DIGITS | LETTERS,         POST_NONE },
    { "outbound_alt_cid",       "",          DIGITS | LETTERS,         POST_NONE },
    { "alias_id",               "-_",        DIGITS | LETTERS,         POST_NONE },
    { "phone_logins",           "-,_",       DIGITS | LETTERS,         POST_NONE },
    { "alias_name",             "-+.:/@_",   SPACE | DIGITS | LETTERS, POST_NONE },
    { "delete_alias",           "",          UPPER,                    POST_NONE },
};

#define N_RULES (sizeof RULES / sizeof RULES[0])

static const char ALL_CIDS[] = "---ALL---";

static const struct rule *find_rule(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < N_RULES; i++)
        if (strcmp(RULES[i].name, name) == 0)
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

/*
 * Decode one UTF-8 sequence from s[0..n), n >= 1.  Returns its length and
 * sets *cp, or returns 0 for anything PCRE calls invalid: a stray
 * continuation byte, a truncated sequence, an overlong form, a surrogate,
 * or a code point above U+10FFFF.
 */
static size_t decode_utf8(const unsigned char *s, size_t n, unsigned *cp)
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
        size_t step = decode_utf8(in + i, len - i, &cp);

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

static size_t post_process(enum post post, char *s, size_t n)
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

size_t filter_param_into(const char *name, const char *in, size_t len, int non_latin,
                         char *out)
{
    const struct rule *r = find_rule(name);
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
