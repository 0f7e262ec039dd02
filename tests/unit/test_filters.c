/*
 * test_filters.c - unit tests for the per-field input filters
 * (server/filters.c; docs/api.md, "Field filters") and the Unicode letter table
 * behind non-latin mode (server/unicode_letters.c).
 *
 * Every field is tested in both modes, with examples of what VICIdial's
 * own filters keep and drop.
 * Inputs are byte arrays with explicit lengths, so NUL bytes and invalid
 * UTF-8 can be fed in.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/filters.h"
#include "server/unicode_letters.h"
#include "tests/support/suite.h"

enum { LATIN = 0, NONLATIN = 1 };

/* Fields whose set includes "letters": Unicode in non-latin mode. */
static const char *const LETTER_FIELDS[] = {
    "user", "pass", "agent_user", "source", "phone_login", "voicemail_id",
    "phone_pass", "extension", "dialplan_number", "registration_password",
    "phone_full_name", "outbound_cid", "phone_context", "email",
    "admin_user_group", "is_webphone", "webphone_auto_answer",
    "use_external_server_ip", "template_id", "on_hook_agent",
    "outbound_alt_cid", "alias_id", "phone_logins", "alias_name",
};

/* Fields filtered byte by byte over ASCII in both modes. */
static const char *const BYTE_FIELDS[] = {
    "function", "format", "server_ip", "protocol", "local_gmt", "active",
    "delete_phone", "phone_ring_timeout", "delete_vm_after_email", "DB",
    "delete_alias",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void expect_filter(const char *name, int mode, const char *in,
                          size_t in_len, const char *want, size_t want_len,
                          int line)
{
    size_t got_len = (size_t)-1;
    char *got = filter_param(name, in, in_len, mode, &got_len);

    ck_assert_msg(got != NULL, "line %d: %s: NULL result", line, name);
    ck_assert_msg(got_len == want_len && memcmp(got, want, want_len) == 0,
                  "line %d: %s (%s): got \"%.*s\" (%zu bytes), want \"%.*s\"",
                  line, name, mode ? "non-latin" : "latin", (int)got_len, got,
                  got_len, (int)want_len, want);
    ck_assert_msg(got[got_len] == '\0', "line %d: %s: not NUL-terminated",
                  line, name);
    free(got);
}

/* String literals only: sizeof keeps embedded NULs in the length. */
#define EXPECT(name, mode, in, want) \
    expect_filter(name, mode, in, sizeof(in) - 1, want, sizeof(want) - 1, \
                  __LINE__)
#define EXPECT_BOTH(name, in, want) \
    do { \
        EXPECT(name, LATIN, in, want); \
        EXPECT(name, NONLATIN, in, want); \
    } while (0)

/* Runtime strings (loops over the field lists). */
static void expect_str(const char *name, int mode, const char *in,
                       const char *want, int line)
{
    expect_filter(name, mode, in, strlen(in), want, strlen(want), line);
}

/* ---- fields filtered the same way in both modes ---------------------- */

START_TEST(function_filtered_before_dispatch_drops_at_sign)
{
    EXPECT_BOTH("function", "add_ph@one", "add_phone");
    EXPECT_BOTH("function", "update_phone-alias", "update_phone-alias");
    EXPECT_BOTH("function", "ver sion;", "version");
    /* A byte filter even in non-latin mode: 0xFF just goes. */
    EXPECT("function", NONLATIN, "add\xFF_phone", "add_phone");
    EXPECT("function", NONLATIN, "f\xC3\xBCnction", "fnction");
}
END_TEST

START_TEST(format_keeps_only_ascii_alphanumerics)
{
    EXPECT_BOTH("format", "json-text_1.x", "jsontext1x");
    EXPECT("format", NONLATIN, "t\xC3\xA9xt", "txt");
}
END_TEST

START_TEST(server_ip_keeps_dot_colon_dash_underscore)
{
    EXPECT_BOTH("server_ip", "10.10.10.15", "10.10.10.15");
    EXPECT_BOTH("server_ip", "fe80::1_a-B/24 x", "fe80::1_a-B24x");
    EXPECT_BOTH("server_ip", "1.2.3.4'; DROP", "1.2.3.4DROP");
    EXPECT("server_ip", NONLATIN, "10.0.\xC3\xA9", "10.0.");
}
END_TEST

START_TEST(protocol_s_i_p_becomes_sip)
{
    EXPECT_BOTH("protocol", "S-I-P", "SIP");
    EXPECT_BOTH("protocol", "IAX2", "IAX2");
    EXPECT_BOTH("protocol", "P J_SIP", "PJSIP");
}
END_TEST

START_TEST(local_gmt_drops_plus_and_space)
{
    /* The URL '+' arrives here as a space; a %2B arrives as '+'. */
    EXPECT_BOTH("local_gmt", " 5.00", "5.00");
    EXPECT_BOTH("local_gmt", "+5.00", "5.00");
    EXPECT_BOTH("local_gmt", "-5.5a", "-5.5");
    EXPECT_BOTH("local_gmt", "GMT-05:00", "-0500");
    EXPECT_BOTH("local_gmt", "abc", "");
}
END_TEST

START_TEST(active_keeps_uppercase_only)
{
    EXPECT_BOTH("active", "Y", "Y");
    EXPECT_BOTH("active", "y", "");
    EXPECT_BOTH("active", "Yes", "Y");
    EXPECT_BOTH("active", "N-1", "N");
    EXPECT("active", NONLATIN, "\xC3\x89Y", "Y");
}
END_TEST

START_TEST(delete_phone_keeps_uppercase_only)
{
    EXPECT_BOTH("delete_phone", "Y", "Y");
    EXPECT_BOTH("delete_phone", "y", "");
    EXPECT_BOTH("delete_phone", "YES!", "YES");
    EXPECT("delete_phone", NONLATIN, "\xC3\x9C", "");
}
END_TEST

START_TEST(phone_ring_timeout_keeps_digits)
{
    EXPECT_BOTH("phone_ring_timeout", "60s", "60");
    EXPECT_BOTH("phone_ring_timeout", "-1", "1");
    EXPECT_BOTH("phone_ring_timeout", "4.5", "45");
    EXPECT("phone_ring_timeout", NONLATIN, "\xD9\xA3" "3", "3");
}
END_TEST

START_TEST(delete_vm_after_email_keeps_ascii_letters_any_case)
{
    EXPECT_BOTH("delete_vm_after_email", "Y-es 1", "Yes");
    EXPECT_BOTH("delete_vm_after_email", "n", "n");
    EXPECT("delete_vm_after_email", NONLATIN, "N\xC3\xA9", "N");
}
END_TEST

START_TEST(db_keeps_digits_only)
{
    EXPECT_BOTH("DB", "1", "1");
    EXPECT_BOTH("DB", "1x2 ", "12");
    EXPECT_BOTH("DB", "yes", "");
}
END_TEST

START_TEST(delete_alias_keeps_uppercase_only)
{
    EXPECT_BOTH("delete_alias", "Y", "Y");
    EXPECT_BOTH("delete_alias", "y", "");
    EXPECT_BOTH("delete_alias", "Y_ES", "YES");
    EXPECT("delete_alias", NONLATIN, "\xC3\x89", "");
}
END_TEST

/* ---- fields with letters --------------------------------------------- */

START_TEST(user_pass_agent_user_keep_dash_underscore_digits_letters)
{
    static const char *const names[] = { "user", "pass", "agent_user" };

    for (size_t i = 0; i < COUNT(names); i++) {
        EXPECT_BOTH(names[i], "6666", "6666");
        EXPECT_BOTH(names[i], "ad-m_in9", "ad-m_in9");
        /* Everything user_authorization strips again is already gone. */
        EXPECT_BOTH(names[i], "a|b`c&d'e\"f\\g;h i", "abcdefghi");
        EXPECT(names[i], LATIN, "J\xC3\xB6rg", "Jrg");
        EXPECT(names[i], NONLATIN, "J\xC3\xB6rg", "J\xC3\xB6rg");
    }
}
END_TEST

START_TEST(source_drops_dash_so_a_dash_is_too_short)
{
    EXPECT_BOTH("source", "a-", "a");
    EXPECT_BOTH("source", "test_src-1", "testsrc1");
    EXPECT("source", LATIN, "cr\xC3\xA8me", "crme");
    EXPECT("source", NONLATIN, "cr\xC3\xA8me", "cr\xC3\xA8me");
}
END_TEST

START_TEST(phone_login_keeps_dash_underscore_digits_letters)
{
    EXPECT_BOTH("phone_login", "gs102_a-1", "gs102_a-1");
    EXPECT_BOTH("phone_login", "gs 102@x.y", "gs102xy");
    EXPECT("phone_login", LATIN, "\xC3\xA9t\xC3\xA9", "t");
    EXPECT("phone_login", NONLATIN, "\xC3\xA9t\xC3\xA9", "\xC3\xA9t\xC3\xA9");
}
END_TEST

START_TEST(voicemail_id_blank_marker_becomes_blank)
{
    EXPECT_BOTH("voicemail_id", "--BLANK--", "BLANK");
    EXPECT_BOTH("voicemail_id", "8_102", "8102");
    EXPECT("voicemail_id", LATIN, "\xCE\xA9" "1", "1");
    EXPECT("voicemail_id", NONLATIN, "\xCE\xA9" "1", "\xCE\xA9" "1");
}
END_TEST

START_TEST(phone_pass_keeps_dash_underscore_digits_letters)
{
    EXPECT_BOTH("phone_pass", "s3cr-t_X", "s3cr-t_X");
    EXPECT_BOTH("phone_pass", "p@ss w0rd!", "pssw0rd");
    EXPECT("phone_pass", LATIN, "pa\xC3\x9F", "pa");
    EXPECT("phone_pass", NONLATIN, "pa\xC3\x9F", "pa\xC3\x9F");
}
END_TEST

START_TEST(extension_drops_at_and_dot)
{
    /* The wider second filter (* # . : / @) cannot bring these back. */
    EXPECT_BOTH("extension", "ab@c.d", "abcd");
    EXPECT_BOTH("extension", "*9#:1/2", "912");
    EXPECT_BOTH("extension", "!!", "");
    EXPECT_BOTH("extension", "cc-101_a", "cc-101_a");
    EXPECT("extension", LATIN, "ab\xFF" "cd", "abcd");
    EXPECT("extension", NONLATIN, "ab\xFF" "cd", "");
    EXPECT("extension", NONLATIN, "\xE5\x86\x85\xE7\xB7\x9A" "1",
           "\xE5\x86\x85\xE7\xB7\x9A" "1");
}
END_TEST

START_TEST(dialplan_number_keeps_star_and_hash)
{
    EXPECT_BOTH("dialplan_number", "*9#a-b", "*9#ab");
    EXPECT_BOTH("dialplan_number", "9 102.5", "91025");
    EXPECT("dialplan_number", LATIN, "#\xC3\xA4", "#");
    EXPECT("dialplan_number", NONLATIN, "#\xC3\xA4", "#\xC3\xA4");
}
END_TEST

START_TEST(registration_password_keeps_dash_underscore_digits_letters)
{
    EXPECT_BOTH("registration_password", "Reg-pw_9", "Reg-pw_9");
    EXPECT_BOTH("registration_password", "r e$g%", "reg");
    EXPECT("registration_password", LATIN, "\xC5\x81" "x", "x");
    EXPECT("registration_password", NONLATIN, "\xC5\x81" "x", "\xC5\x81" "x");
}
END_TEST

START_TEST(phone_full_name_keeps_plus_space_dot_and_no_plus_to_space)
{
    EXPECT_BOTH("phone_full_name", "Mr. A+B_C-D 1", "Mr. A+B_C-D 1");
    EXPECT_BOTH("phone_full_name", "O'Brien, Pat", "OBrien Pat");
    EXPECT("phone_full_name", LATIN, "J\xC3\xB6rg \xC3\x85", "Jrg ");
    EXPECT("phone_full_name", NONLATIN, "J\xC3\xB6rg \xC3\x85",
           "J\xC3\xB6rg \xC3\x85");
}
END_TEST

START_TEST(outbound_cid_reduces_to_digits)
{
    EXPECT_BOTH("outbound_cid", "(727) 555-1212x", "7275551212");
    EXPECT_BOTH("outbound_cid", "abc", "");
    EXPECT_BOTH("outbound_cid", "---ALL---1", "1");
    EXPECT("outbound_cid", NONLATIN, "\xC3\xA9" "12", "12");
    EXPECT("outbound_cid", NONLATIN, "12\xFF", "");
}
END_TEST

START_TEST(outbound_cid_keeps_literal_all)
{
    EXPECT_BOTH("outbound_cid", "---ALL---", "---ALL---");
    /* The comparison is after the first filter, so the space is gone. */
    EXPECT_BOTH("outbound_cid", " ---ALL---", "---ALL---");
    EXPECT_BOTH("outbound_cid", "---all---", "");
    EXPECT_BOTH("outbound_cid", "--ALL--", "");
}
END_TEST

START_TEST(phone_context_keeps_dash_underscore_digits_letters)
{
    EXPECT_BOTH("phone_context", "default", "default");
    EXPECT_BOTH("phone_context", "from-internal_2", "from-internal_2");
    EXPECT_BOTH("phone_context", "ctx.a b", "ctxab");
    EXPECT("phone_context", LATIN, "k\xC3\xB6ln", "kln");
    EXPECT("phone_context", NONLATIN, "k\xC3\xB6ln", "k\xC3\xB6ln");
}
END_TEST

START_TEST(email_plus_becomes_space_and_quote_survives)
{
    /* a+b%2Bc@x.com decodes to a b+c@x.com: every '+' then a space. */
    EXPECT_BOTH("email", "a b+c@x.com", "a b c@x.com");
    EXPECT_BOTH("email", "a+b+c@x.com", "a b c@x.com");
    EXPECT_BOTH("email", "o'brien@example.com", "o'brien@example.com");
    EXPECT_BOTH("email", "mailto:a%40b/c_d-e", "mailto:a%40b/c_d-e");
    EXPECT_BOTH("email", "a\"b;c<d>,e", "abcde");
    EXPECT("email", LATIN, "j\xC3\xB6rg@x.de", "jrg@x.de");
    EXPECT("email", NONLATIN, "j\xC3\xB6rg+1@x.de", "j\xC3\xB6rg 1@x.de");
}
END_TEST

START_TEST(admin_user_group_keeps_dash_underscore_digits_letters)
{
    EXPECT_BOTH("admin_user_group", "---ALL---", "---ALL---");
    EXPECT_BOTH("admin_user_group", "ADMIN group.1", "ADMINgroup1");
    EXPECT("admin_user_group", LATIN, "gr\xC3\xBCn", "grn");
    EXPECT("admin_user_group", NONLATIN, "gr\xC3\xBCn", "gr\xC3\xBCn");
}
END_TEST

START_TEST(webphone_flags_and_template_id_keep_dash_underscore)
{
    static const char *const names[] = {
        "is_webphone", "webphone_auto_answer", "use_external_server_ip",
        "template_id", "on_hook_agent",
    };

    for (size_t i = 0; i < COUNT(names); i++) {
        EXPECT_BOTH(names[i], "Y_API_LAUNCH", "Y_API_LAUNCH");
        EXPECT_BOTH(names[i], "y", "y");
        EXPECT_BOTH(names[i], "--BLANK--", "--BLANK--");
        EXPECT_BOTH(names[i], "Y!", "Y");
        EXPECT_BOTH(names[i], "SIP default.conf", "SIPdefaultconf");
        EXPECT(names[i], LATIN, "\xC3\x91", "");
        EXPECT(names[i], NONLATIN, "\xC3\x91", "\xC3\x91");
    }
}
END_TEST

START_TEST(outbound_alt_cid_blank_marker_becomes_blank)
{
    EXPECT_BOTH("outbound_alt_cid", "--BLANK--", "BLANK");
    EXPECT_BOTH("outbound_alt_cid", "(727) 555", "727555");
    EXPECT_BOTH("outbound_alt_cid", "CID_1", "CID1");
    EXPECT("outbound_alt_cid", LATIN, "\xC3\xA9" "7", "7");
    EXPECT("outbound_alt_cid", NONLATIN, "\xC3\xA9" "7", "\xC3\xA9" "7");
}
END_TEST

START_TEST(alias_id_keeps_dash_underscore_digits_letters)
{
    EXPECT_BOTH("alias_id", "al-ias_1", "al-ias_1");
    EXPECT_BOTH("alias_id", "al ias,2", "alias2");
    EXPECT("alias_id", LATIN, "\xC3\xA0" "b", "b");
    EXPECT("alias_id", NONLATIN, "\xC3\xA0" "b", "\xC3\xA0" "b");
}
END_TEST

START_TEST(phone_logins_keeps_comma)
{
    EXPECT_BOTH("phone_logins", "101,102,gs_1-a", "101,102,gs_1-a");
    EXPECT_BOTH("phone_logins", "101, 102;103", "101,102103");
    EXPECT("phone_logins", LATIN, "1,\xC3\xA9", "1,");
    EXPECT("phone_logins", NONLATIN, "1,\xC3\xA9", "1,\xC3\xA9");
}
END_TEST

START_TEST(alias_name_keeps_space_plus_dot_colon_slash_at)
{
    EXPECT_BOTH("alias_name", "a b+c.d:e/f@g_h-i", "a b+c.d:e/f@g_h-i");
    EXPECT_BOTH("alias_name", "x,y;z'%", "xyz");
    EXPECT("alias_name", LATIN, "B\xC3\xBCro 1", "Bro 1");
    EXPECT("alias_name", NONLATIN, "B\xC3\xBCro 1", "B\xC3\xBCro 1");
}
END_TEST

/* ---- modes ----------------------------------------------------------- */

START_TEST(latin_drops_non_ascii_bytes)
{
    for (size_t i = 0; i < COUNT(LETTER_FIELDS); i++) {
        /* \xFF is not UTF-8 at all: latin mode does not care. */
        const char *want = strcmp(LETTER_FIELDS[i], "outbound_cid") ? "Jrg9"
                                                                   : "9";
        expect_str(LETTER_FIELDS[i], LATIN, "J\xC3\xB6rg\xFF" "9", want,
                   __LINE__);
        expect_str(LETTER_FIELDS[i], LATIN, "\xE4\xB8\xAD\xF0\x9F\x98\x80", "",
                   __LINE__);
    }
    EXPECT("phone_full_name", LATIN, "J\xC3\xB6rg \xC3\x85", "Jrg ");
}
END_TEST

START_TEST(nonlatin_keeps_unicode_letters_in_every_letter_field)
{
    /* Jörg, é, CJK 中文, Greek Ω, Hangul 한, Arabic ب, U+20000 (4 bytes) */
    static const char letters[] =
        "J\xC3\xB6rg" "\xC3\xA9" "\xE4\xB8\xAD\xE6\x96\x87" "\xCE\xA9"
        "\xED\x95\x9C" "\xD8\xA8" "\xF0\xA0\x80\x80";

    for (size_t i = 0; i < COUNT(LETTER_FIELDS); i++) {
        /* outbound_cid drops letters in its second step. */
        const char *want = strcmp(LETTER_FIELDS[i], "outbound_cid") ? letters
                                                                   : "";
        expect_str(LETTER_FIELDS[i], NONLATIN, letters, want, __LINE__);
    }
}
END_TEST

START_TEST(nonlatin_drops_non_letter_code_points)
{
    /* emoji, inverted '!', Arabic-Indic digit 3, NBSP, a combining acute
     * accent (Mn, not L), a C1 control (NEL), the euro sign */
    EXPECT("phone_full_name", NONLATIN, "a\xF0\x9F\x98\x80" "b", "ab");
    EXPECT("phone_full_name", NONLATIN, "\xC2\xA1" "a", "a");
    EXPECT("phone_login", NONLATIN, "1\xD9\xA3" "2", "12");
    EXPECT("phone_full_name", NONLATIN, "a\xC2\xA0" "b", "ab");
    EXPECT("phone_full_name", NONLATIN, "e\xCC\x81", "e");
    EXPECT("email", NONLATIN, "a\xC2\x85" "b", "ab");
    EXPECT("alias_name", NONLATIN, "5\xE2\x82\xAC", "5");
    /* U+10FFFF is valid UTF-8 but not a letter. */
    EXPECT("extension", NONLATIN, "a\xF4\x8F\xBF\xBF" "b", "ab");
}
END_TEST

START_TEST(nonlatin_invalid_utf8_empties_letter_fields)
{
    for (size_t i = 0; i < COUNT(LETTER_FIELDS); i++) {
        expect_str(LETTER_FIELDS[i], NONLATIN, "ab\xFF" "cd", "", __LINE__);
        expect_str(LETTER_FIELDS[i], NONLATIN, "12\x80", "", __LINE__);
    }
}
END_TEST

START_TEST(nonlatin_rejects_overlong_surrogate_and_out_of_range)
{
    static const char *const bad[] = {
        "a\xC0\xAF",             /* overlong '/' */
        "a\xC1\xBF",             /* overlong DEL */
        "a\xE0\x80\xAF",         /* overlong 3-byte */
        "a\xF0\x80\x80\xAF",     /* overlong 4-byte */
        "a\xED\xA0\x80",         /* surrogate U+D800 */
        "a\xED\xBF\xBF",         /* surrogate U+DFFF */
        "a\xF4\x90\x80\x80",     /* U+110000 */
        "a\xF5\x80\x80\x80",     /* lead byte past U+10FFFF */
        "a\xF8\x88\x80\x80\x80", /* 5-byte form */
        "a\xC3",                 /* truncated 2-byte */
        "a\xE4\xB8",             /* truncated 3-byte */
        "a\xF0\xA0\x80",         /* truncated 4-byte */
        "a\xC3" " ",             /* lead byte followed by ASCII */
        "\xBF" "a",              /* stray continuation byte */
    };

    for (size_t i = 0; i < COUNT(bad); i++) {
        expect_str("phone_login", NONLATIN, bad[i], "", __LINE__);
        expect_str("phone_login", LATIN, bad[i], "a", __LINE__);
    }
    /* The boundaries just inside are fine. */
    EXPECT("phone_login", NONLATIN, "\xC2\xAA", "\xC2\xAA");         /* U+00AA */
    EXPECT("phone_login", NONLATIN, "\xE0\xA4\x85", "\xE0\xA4\x85"); /* U+0905 */
    EXPECT("phone_login", NONLATIN, "\xED\x9F\xBF" "a", "a");        /* U+D7FF */
    EXPECT("phone_login", NONLATIN, "\xEE\x80\x80" "a", "a");        /* U+E000 */
}
END_TEST

START_TEST(nonlatin_leaves_byte_fields_alone)
{
    /* Invalid UTF-8 does not empty a field without letters. */
    for (size_t i = 0; i < COUNT(BYTE_FIELDS); i++)
        expect_str(BYTE_FIELDS[i], NONLATIN, "\xFF\xC3\xA9", "", __LINE__);
    EXPECT("protocol", NONLATIN, "S\xFFI\xC3P", "SIP");
    EXPECT("local_gmt", NONLATIN, "-5\xED\xA0\x80.0", "-5.0");
    EXPECT("DB", NONLATIN, "1\xC0", "1");
}
END_TEST

START_TEST(nul_and_control_bytes_always_deleted)
{
    static const char *const names[] = {
        "function", "phone_full_name", "email", "alias_name", "extension",
        "local_gmt", "DB",
    };
    static const char in[] = "1\0" "2\t3\r\n4\x1B" "5\x7F" "6";

    for (size_t i = 0; i < COUNT(names); i++) {
        expect_filter(names[i], LATIN, in, sizeof in - 1, "123456", 6,
                      __LINE__);
        expect_filter(names[i], NONLATIN, in, sizeof in - 1, "123456", 6,
                      __LINE__);
    }
    /* A NUL is valid UTF-8: it is dropped, not a reason to empty. */
    EXPECT("phone_full_name", NONLATIN, "J\0\xC3\xB6", "J\xC3\xB6");
}
END_TEST

START_TEST(empty_input_stays_empty)
{
    size_t n = 99;
    char *out = filter_param("extension", NULL, 0, LATIN, &n);

    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(n, 0);
    ck_assert_str_eq(out, "");
    free(out);
    EXPECT_BOTH("outbound_cid", "", "");
    EXPECT_BOTH("email", "", "");
}
END_TEST

START_TEST(unknown_name_yields_empty)
{
    EXPECT_BOTH("nosuch", "abc123", "");
    EXPECT_BOTH("Extension", "1000", ""); /* names are case-sensitive */
    EXPECT_BOTH("voicemail_timezone", "eastern", "");
    EXPECT_BOTH("", "x", "");
    ck_assert_int_eq(filter_known("nosuch"), 0);
    ck_assert_int_eq(filter_known("db"), 0);
    ck_assert_int_eq(filter_known(""), 0);
    ck_assert_int_eq(filter_known(NULL), 0);

    size_t n = 99;
    char *out = filter_param(NULL, "x", 1, LATIN, &n);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(n, 0);
    free(out);
}
END_TEST

START_TEST(every_listed_field_is_known)
{
    for (size_t i = 0; i < COUNT(LETTER_FIELDS); i++)
        ck_assert_msg(filter_known(LETTER_FIELDS[i]), "%s", LETTER_FIELDS[i]);
    for (size_t i = 0; i < COUNT(BYTE_FIELDS); i++)
        ck_assert_msg(filter_known(BYTE_FIELDS[i]), "%s", BYTE_FIELDS[i]);
}
END_TEST

START_TEST(out_len_may_be_null)
{
    char *out = filter_param("protocol", "S-I-P", 5, LATIN, NULL);

    ck_assert_str_eq(out, "SIP");
    free(out);
}
END_TEST

/* ---- the letter table ------------------------------------------------ */

START_TEST(unicode_letter_table_boundaries)
{
    ck_assert(unicode_is_letter('A'));
    ck_assert(unicode_is_letter('z'));
    ck_assert(!unicode_is_letter('@'));
    ck_assert(!unicode_is_letter('['));
    ck_assert(!unicode_is_letter('0'));
    ck_assert(!unicode_is_letter(0));
    ck_assert(unicode_is_letter(0x00AA));  /* Lo, first non-ASCII letter */
    ck_assert(!unicode_is_letter(0x00AB));
    ck_assert(!unicode_is_letter(0x00D7)); /* multiplication sign */
    ck_assert(unicode_is_letter(0x01C5));  /* Lt */
    ck_assert(unicode_is_letter(0x02B0));  /* Lm */
    ck_assert(!unicode_is_letter(0x0301)); /* Mn */
    ck_assert(!unicode_is_letter(0x0663)); /* Nd */
    ck_assert(unicode_is_letter(0x4E2D));
    ck_assert(!unicode_is_letter(0x1F600));
    ck_assert(unicode_is_letter(0x30000));
    ck_assert(unicode_is_letter(0x3134A)); /* last letter in Unicode 14 */
    ck_assert(!unicode_is_letter(0x3134B));
    ck_assert(!unicode_is_letter(0x10FFFF));
    ck_assert(!unicode_is_letter(0x110000));
    ck_assert(!unicode_is_letter(0xFFFFFFFFu));
}
END_TEST

/* ---- every byte through every field, against a table written out ------ */

/* The characters VICIdial's non_agent_api.php keeps in each field, written
 * out again character by character, apart from fields.h (which the filters are built from), so
 * that the two must agree byte for byte. */
#define DIG "0123456789"
#define UP "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define LOW "abcdefghijklmnopqrstuvwxyz"
enum kept_post { AS_IS, DIGITS_ONLY, PLUS_IS_SPACE };
struct kept_set {
    const char *name;
    const char *ascii;      /* every ASCII byte the filter keeps */
    int letters;            /* non-latin: \p{L} as UTF-8, invalid UTF-8 empties */
    enum kept_post post;
};
static const struct kept_set KEPT_SETS[] = {
    { "function", "-_" DIG UP LOW, 0, AS_IS },
    { "format", DIG UP LOW, 0, AS_IS },
    { "server_ip", "-.:_" DIG UP LOW, 0, AS_IS },
    { "protocol", DIG UP LOW, 0, AS_IS },
    { "local_gmt", "-." DIG, 0, AS_IS },
    { "active", UP, 0, AS_IS },
    { "delete_phone", UP, 0, AS_IS },
    { "phone_ring_timeout", DIG, 0, AS_IS },
    { "delete_vm_after_email", UP LOW, 0, AS_IS },
    { "DB", DIG, 0, AS_IS },
    { "user", "-_" DIG UP LOW, 1, AS_IS },
    { "pass", "-_" DIG UP LOW, 1, AS_IS },
    { "agent_user", "-_" DIG UP LOW, 1, AS_IS },
    { "source", DIG UP LOW, 1, AS_IS },
    { "phone_login", "-_" DIG UP LOW, 1, AS_IS },
    { "voicemail_id", DIG UP LOW, 1, AS_IS },
    { "phone_pass", "-_" DIG UP LOW, 1, AS_IS },
    { "extension", "-_" DIG UP LOW, 1, AS_IS },
    { "dialplan_number", "*#" DIG UP LOW, 1, AS_IS },
    { "registration_password", "-_" DIG UP LOW, 1, AS_IS },
    { "phone_full_name", "- +._" DIG UP LOW, 1, AS_IS },
    { "outbound_cid", "-_" DIG UP LOW, 1, DIGITS_ONLY },
    { "phone_context", "-_" DIG UP LOW, 1, AS_IS },
    { "email", "- '+.:/@%_" DIG UP LOW, 1, PLUS_IS_SPACE },
    { "admin_user_group", "-_" DIG UP LOW, 1, AS_IS },
    { "is_webphone", "-_" DIG UP LOW, 1, AS_IS },
    { "webphone_auto_answer", "-_" DIG UP LOW, 1, AS_IS },
    { "use_external_server_ip", "-_" DIG UP LOW, 1, AS_IS },
    { "template_id", "-_" DIG UP LOW, 1, AS_IS },
    { "on_hook_agent", "-_" DIG UP LOW, 1, AS_IS },
    { "outbound_alt_cid", DIG UP LOW, 1, AS_IS },
    { "alias_id", "-_" DIG UP LOW, 1, AS_IS },
    { "phone_logins", "-,_" DIG UP LOW, 1, AS_IS },
    { "alias_name", "- +.:/@_" DIG UP LOW, 1, AS_IS },
    { "delete_alias", UP, 0, AS_IS },
};

/* What the table says `in` (ASCII context around one byte) becomes. */
static size_t kept_filter(const struct kept_set *set, int mode, const unsigned char *in,
                          size_t len, char *out)
{
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        if (in[i] >= 0x80 && set->letters && mode == NONLATIN)
            return 0;       /* a lone byte >= 0x80 is never valid UTF-8 */
        if (in[i] != 0 && in[i] < 0x80 && strchr(set->ascii, in[i]))
            out[o++] = (char)in[i];
    }
    /* The post-processing; no value here can be exactly "---ALL---". */
    size_t k = 0;
    for (size_t i = 0; i < o; i++) {
        if (set->post == DIGITS_ONLY && !(out[i] >= '0' && out[i] <= '9'))
            continue;
        out[k++] = set->post == PLUS_IS_SPACE && out[i] == '+' ? ' ' : out[i];
    }
    return k;
}

static const struct kept_set *kept_set_of(const char *name)
{
    for (size_t i = 0; i < COUNT(KEPT_SETS); i++)
        if (strcmp(KEPT_SETS[i].name, name) == 0)
            return &KEPT_SETS[i];
    return NULL;
}

START_TEST(every_byte_through_every_field_in_both_modes_matches_the_written_out_table)
{
    for (int f = 0; f < FIELD_COUNT; f++) {
        const char *name = FIELD_NAME[f];
        const struct kept_set *set = kept_set_of(name);

        ck_assert_msg(set != NULL, "field %s has no row in KEPT_SETS", name);
        /* A byte the field keeps, either side of the byte under test. */
        unsigned char keep = strchr(set->ascii, '1') ? '1' : 'A';
        for (int mode = LATIN; mode <= NONLATIN; mode++) {
            for (int b = 0x01; b <= 0xFF; b++) {
                unsigned char alone[1] = { (unsigned char)b };
                unsigned char framed[3] = { keep, (unsigned char)b, keep };
                char want[4];
                size_t got_len, want_len;
                char *got;

                want_len = kept_filter(set, mode, alone, 1, want);
                got = filter_param(name, (const char *)alone, 1, mode, &got_len);
                ck_assert_msg(got && got_len == want_len && memcmp(got, want, want_len) == 0,
                              "%s (%s): byte 0x%02X alone gave %zu bytes, want %zu", name,
                              mode ? "non-latin" : "latin", b, got ? got_len : 0, want_len);
                free(got);

                want_len = kept_filter(set, mode, framed, 3, want);
                got = filter_param(name, (const char *)framed, 3, mode, &got_len);
                ck_assert_msg(got && got_len == want_len && memcmp(got, want, want_len) == 0,
                              "%s (%s): byte 0x%02X between two '%c' gave \"%.*s\", want"
                              " \"%.*s\"", name, mode ? "non-latin" : "latin", b, keep,
                              got ? (int)got_len : 0, got ? got : "", (int)want_len, want);
                free(got);
            }
        }
    }
    /* And the table has no row for a field nonagentd does not know. */
    for (size_t i = 0; i < COUNT(KEPT_SETS); i++)
        ck_assert_msg(filter_known(KEPT_SETS[i].name), "%s is not filtered",
                      KEPT_SETS[i].name);
}
END_TEST

static Suite *filters_suite(void)
{
    Suite *s = suite_create("filters");
    TCase *both = tcase_create("byte_fields");
    TCase *letters = tcase_create("letter_fields");
    TCase *modes = tcase_create("modes");

    tcase_add_test(both, function_filtered_before_dispatch_drops_at_sign);
    tcase_add_test(both, format_keeps_only_ascii_alphanumerics);
    tcase_add_test(both, server_ip_keeps_dot_colon_dash_underscore);
    tcase_add_test(both, protocol_s_i_p_becomes_sip);
    tcase_add_test(both, local_gmt_drops_plus_and_space);
    tcase_add_test(both, active_keeps_uppercase_only);
    tcase_add_test(both, delete_phone_keeps_uppercase_only);
    tcase_add_test(both, phone_ring_timeout_keeps_digits);
    tcase_add_test(both, delete_vm_after_email_keeps_ascii_letters_any_case);
    tcase_add_test(both, db_keeps_digits_only);
    tcase_add_test(both, delete_alias_keeps_uppercase_only);
    suite_add_tcase(s, both);

    tcase_add_test(letters, user_pass_agent_user_keep_dash_underscore_digits_letters);
    tcase_add_test(letters, source_drops_dash_so_a_dash_is_too_short);
    tcase_add_test(letters, phone_login_keeps_dash_underscore_digits_letters);
    tcase_add_test(letters, voicemail_id_blank_marker_becomes_blank);
    tcase_add_test(letters, phone_pass_keeps_dash_underscore_digits_letters);
    tcase_add_test(letters, extension_drops_at_and_dot);
    tcase_add_test(letters, dialplan_number_keeps_star_and_hash);
    tcase_add_test(letters, registration_password_keeps_dash_underscore_digits_letters);
    tcase_add_test(letters, phone_full_name_keeps_plus_space_dot_and_no_plus_to_space);
    tcase_add_test(letters, outbound_cid_reduces_to_digits);
    tcase_add_test(letters, outbound_cid_keeps_literal_all);
    tcase_add_test(letters, phone_context_keeps_dash_underscore_digits_letters);
    tcase_add_test(letters, email_plus_becomes_space_and_quote_survives);
    tcase_add_test(letters, admin_user_group_keeps_dash_underscore_digits_letters);
    tcase_add_test(letters, webphone_flags_and_template_id_keep_dash_underscore);
    tcase_add_test(letters, outbound_alt_cid_blank_marker_becomes_blank);
    tcase_add_test(letters, alias_id_keeps_dash_underscore_digits_letters);
    tcase_add_test(letters, phone_logins_keeps_comma);
    tcase_add_test(letters, alias_name_keeps_space_plus_dot_colon_slash_at);
    suite_add_tcase(s, letters);

    tcase_add_test(modes, latin_drops_non_ascii_bytes);
    tcase_add_test(modes, nonlatin_keeps_unicode_letters_in_every_letter_field);
    tcase_add_test(modes, nonlatin_drops_non_letter_code_points);
    tcase_add_test(modes, nonlatin_invalid_utf8_empties_letter_fields);
    tcase_add_test(modes, nonlatin_rejects_overlong_surrogate_and_out_of_range);
    tcase_add_test(modes, nonlatin_leaves_byte_fields_alone);
    tcase_add_test(modes, nul_and_control_bytes_always_deleted);
    tcase_add_test(modes, empty_input_stays_empty);
    tcase_add_test(modes, unknown_name_yields_empty);
    tcase_add_test(modes, every_listed_field_is_known);
    tcase_add_test(modes, out_len_may_be_null);
    tcase_add_test(modes, unicode_letter_table_boundaries);
    tcase_add_test(modes, every_byte_through_every_field_in_both_modes_matches_the_written_out_table);
    suite_add_tcase(s, modes);
    return s;
}

int main(void)
{
    return test_run_suite(filters_suite()) ? EXIT_FAILURE : EXIT_SUCCESS;
}
