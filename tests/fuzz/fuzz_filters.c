/*
 * fuzz_filters.c - libFuzzer target for the per-field input filters
 * (server/filters.c).
 *
 * Feeds arbitrary bytes to filter_param for every field in both modes and
 * checks what must hold whatever the input: the output is NUL-terminated,
 * no longer than the input, free of NUL, drawn from the field's allowed
 * set (restated here independently of filters.c), a subsequence of the
 * input, empty for invalid UTF-8 in a non-latin letter field, and
 * filtering it again changes nothing.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I. tests/fuzz/fuzz_filters.c \
 *         server/filters.c server/unicode_letters.c -o /tmp/ff
 *   /tmp/ff tests/fuzz/corpus/filters -max_total_time=60
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/filters.h"
#include "server/unicode_letters.h"

#define D "0123456789"
#define U "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define L "abcdefghijklmnopqrstuvwxyz"

/* Each field's character set again, spelled out as the ASCII characters
 * that may survive.  `letters` rows may also keep UTF-8 letters in
 * non-latin mode. */
static const struct {
    const char *name;
    const char *ascii;
    int letters;
} FIELDS[] = {
    { "function",               "-_" D U L,        0 },
    { "format",                 D U L,             0 },
    { "server_ip",              "-.:_" D U L,      0 },
    { "protocol",               D U L,             0 },
    { "local_gmt",              "-." D,            0 },
    { "active",                 U,                 0 },
    { "delete_phone",           U,                 0 },
    { "phone_ring_timeout",     D,                 0 },
    { "delete_vm_after_email",  U L,               0 },
    { "DB",                     D,                 0 },
    { "user",                   "-_" D U L,        1 },
    { "pass",                   "-_" D U L,        1 },
    { "agent_user",             "-_" D U L,        1 },
    { "source",                 D U L,             1 },
    { "phone_login",            "-_" D U L,        1 },
    { "voicemail_id",           D U L,             1 },
    { "phone_pass",             "-_" D U L,        1 },
    { "extension",              "-_" D U L,        1 },
    { "dialplan_number",        "*#" D U L,        1 },
    { "registration_password",  "-_" D U L,        1 },
    { "phone_full_name",        "- +._" D U L,     1 },
    { "outbound_cid",           "-_" D U L,        1 }, /* then see below */
    { "phone_context",          "-_" D U L,        1 },
    { "email",                  "- '.:/@%_" D U L, 1 }, /* '+' is now ' ' */
    { "admin_user_group",       "-_" D U L,        1 },
    { "is_webphone",            "-_" D U L,        1 },
    { "webphone_auto_answer",   "-_" D U L,        1 },
    { "use_external_server_ip", "-_" D U L,        1 },
    { "template_id",            "-_" D U L,        1 },
    { "on_hook_agent",          "-_" D U L,        1 },
    { "outbound_alt_cid",       D U L,             1 },
    { "alias_id",               "-_" D U L,        1 },
    { "phone_logins",           "-,_" D U L,       1 },
    { "alias_name",             "- +.:/@_" D U L,  1 },
    { "delete_alias",           U,                 0 },
};

#define N_FIELDS (sizeof FIELDS / sizeof FIELDS[0])

/* Length of the well-formed UTF-8 sequence at s[0..n) and its code point,
 * or 0.  Kept apart from filters.c's decoder on purpose. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    unsigned c;

    if (len == 0 || len > n || s[0] > 0xF4 || s[0] < 0xC2)
        return 0;
    c = s[0] & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
        c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static int is_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t step = s[i] < 0x80 ? 1 : utf8_seq(s + i, n - i, &cp);

        if (step == 0)
            return 0;
        i += step;
    }
    return 1;
}

/* Every output character is allowed for this field in this mode. */
static void check_allowed(size_t f, int non_latin, const unsigned char *out,
                          size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t step;

        if (out[i] < 0x80) {
            if (out[i] == 0 || !strchr(FIELDS[f].ascii, out[i]))
                abort();
            i++;
            continue;
        }
        if (!non_latin || !FIELDS[f].letters)
            abort();
        step = utf8_seq(out + i, n - i, &cp);
        if (step == 0 || !unicode_is_letter(cp))
            abort();
        i += step;
    }
}

/* out is in with bytes deleted (email may also have turned '+' into ' '). */
static void check_subsequence(size_t f, const unsigned char *in, size_t len,
                              const unsigned char *out, size_t n)
{
    int is_email = strcmp(FIELDS[f].name, "email") == 0;
    size_t j = 0;

    for (size_t i = 0; i < len && j < n; i++)
        if (in[i] == out[j] || (is_email && in[i] == '+' && out[j] == ' '))
            j++;
    if (j != n)
        abort();
}

static void check_post(size_t f, const char *out, size_t n)
{
    if (strcmp(FIELDS[f].name, "outbound_cid") == 0 &&
        strcmp(out, "---ALL---") != 0)
        for (size_t i = 0; i < n; i++)
            if (out[i] < '0' || out[i] > '9')
                abort();
    if (strcmp(FIELDS[f].name, "email") == 0 && memchr(out, '+', n))
        abort();
}

static void check_idempotent(size_t f, int non_latin, const char *out,
                             size_t n)
{
    size_t n2;
    char *again = filter_param(FIELDS[f].name, out, n, non_latin, &n2);

    if (!again || n2 != n || memcmp(again, out, n) != 0)
        abort();
    free(again);
}

static void check_field(size_t f, int non_latin, const uint8_t *data,
                        size_t size)
{
    size_t n = (size_t)-1;
    char *out = filter_param(FIELDS[f].name, (const char *)data, size,
                             non_latin, &n);

    if (!out || !filter_known(FIELDS[f].name))
        abort();
    if (n > size || out[n] != '\0' || memchr(out, '\0', n))
        abort();
    if (non_latin && FIELDS[f].letters && n > 0 && !is_utf8(data, size))
        abort();
    check_allowed(f, non_latin, (const unsigned char *)out, n);
    check_subsequence(f, data, size, (const unsigned char *)out, n);
    check_post(f, out, n);
    check_idempotent(f, non_latin, out, n);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;
    char *out;

    for (size_t f = 0; f < N_FIELDS; f++) {
        check_field(f, 0, data, size);
        check_field(f, 1, data, size);
    }
    /* A name without a rule lets nothing through. */
    out = filter_param("voicemail_timezone", (const char *)data, size, 1, &n);
    if (!out || n != 0 || out[0] != '\0')
        abort();
    free(out);
    return 0;
}
