/*
 * test_bcrypt.c - the Eksblowfish core against Crypt::Eksblowfish vectors
 * (docs/schema.md, "Password hashes") and against libxcrypt's crypt_r where libxcrypt agrees
 * (cost 4 and up), plus the edges VICIdial reaches: cost 0..3, bad pass_key.
 *
 * Needs -lcrypt for the crypt_r cross-checks.
 */
#include "server/bcrypt.h"
#include "tests/support/suite.h"

#include <check.h>
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#define SALT22_LEN 22
#define TAIL_OFFSET 29  /* "$2a$NN$" + 22 salt characters */

/* One vector of docs/schema.md, made with Crypt::Eksblowfish::Bcrypt 0.009. */
static void check_vicidial_vector(const char *pass, const char *pass_key,
                                  unsigned cost, const char *expected)
{
    char out[VICIDIAL_HASH_LEN + 1];

    ck_assert_int_eq(vicidial_pass_hash(pass, pass_key, cost, out), 0);
    ck_assert_str_eq(out, expected);
}

START_TEST(vicidial_hash_cost2_matches_eksblowfish_vector)
{
    check_vicidial_vector("test", "abcdefghijklmnop", 2,
                          "eS4u5gmGXpClnVdPnfIBf8ZNPN.BGoe");
}
END_TEST

START_TEST(vicidial_hash_cost3_matches_eksblowfish_vector)
{
    check_vicidial_vector("test", "abcdefghijklmnop", 3,
                          "D.QeTmV7pstOlHOuAEoTtQjEBKHGnqO");
}
END_TEST

START_TEST(vicidial_hash_cost4_matches_eksblowfish_vector)
{
    check_vicidial_vector("test", "abcdefghijklmnop", 4,
                          "aIygyiw.CDy0UIDiJab.qp9Xh97WmV2");
}
END_TEST

START_TEST(vicidial_hash_cost10_matches_eksblowfish_vector)
{
    check_vicidial_vector("test", "abcdefghijklmnop", 10,
                          "s2lGBPXDDRAhVL5SBkDnHN09f9y5jlW");
}
END_TEST

START_TEST(vicidial_hash_second_key_cost10_matches_eksblowfish_vector)
{
    check_vicidial_vector("Secret123", "Xa9bC3dE5fG7hJ2k", 10,
                          "Uqpq4Idza.xdxAHI8ohqz6f1pAMw12q");
}
END_TEST

/* The stored tail is output + 29 of the full string bp.pl builds. */
START_TEST(bcrypt_hash_full_string_is_setting_then_stored_tail)
{
    char out[BCRYPT_HASH_LEN + 1];

    ck_assert_int_eq(bcrypt_hash("test", 4, 2,
                                 (const uint8_t *)"abcdefghijklmnop", out), 0);
    ck_assert_str_eq(out, "$2a$02$WUHhXETkX0fnYkrqZU3ta."
                          "eS4u5gmGXpClnVdPnfIBf8ZNPN.BGoe");
}
END_TEST

START_TEST(salt_base64_of_pass_key_matches_bp_pl_salt22)
{
    char out[SALT22_LEN + 1];

    bcrypt_base64_encode((const uint8_t *)"abcdefghijklmnop", 16, out);
    ck_assert_str_eq(out, "WUHhXETkX0fnYkrqZU3ta.");
    bcrypt_base64_encode((const uint8_t *)"Xa9bC3dE5fG7hJ2k", 16, out);
    ck_assert_str_eq(out, "UEC3WiKxXCSzXia1YCmwYu");
}
END_TEST

/* Standard base64 with '=' dropped and A-Za-z0-9+/ mapped to ./A-Za-z0-9. */
START_TEST(base64_partial_groups_use_bcrypt_alphabet_without_padding)
{
    static const uint8_t ff[3] = {0xff, 0xff, 0xff};
    static const uint8_t zero[1] = {0};
    char out[8];

    bcrypt_base64_encode(zero, 0, out);
    ck_assert_str_eq(out, "");
    bcrypt_base64_encode(zero, 1, out);
    ck_assert_str_eq(out, "..");
    bcrypt_base64_encode(ff, 1, out);     /* "/w==" */
    ck_assert_str_eq(out, "9u");
    bcrypt_base64_encode(ff, 2, out);     /* "//8=" */
    ck_assert_str_eq(out, "996");
    bcrypt_base64_encode(ff, 3, out);     /* "////" */
    ck_assert_str_eq(out, "9999");
}
END_TEST

/* Runs crypt_r with prefix ("2a" or "2b"), cost and salt; NULL on failure. */
static char *crypt_with_libxcrypt(const char *password, const char *prefix,
                                  unsigned cost, const uint8_t salt[16],
                                  struct crypt_data *data)
{
    char setting[8 + SALT22_LEN + 1];

    setting[0] = '$';
    memcpy(setting + 1, prefix, 2);
    setting[3] = '$';
    setting[4] = (char)('0' + cost / 10);
    setting[5] = (char)('0' + cost % 10);
    setting[6] = '$';
    bcrypt_base64_encode(salt, 16, setting + 7);
    memset(data, 0, sizeof *data);
    char *result = crypt_r(password, setting, data);
    if (result == NULL || result[0] == '*')
        return NULL;
    return result;
}

/* 16 bytes each; the third is binary to exercise every base64 bit. */
static const char *const cross_salt_bytes[] = {
    "abcdefghijklmnop",
    "Xa9bC3dE5fG7hJ2k",
    "\x00\xff\x80\x7f\x01\xfe\x10\xef\x55\xaa\x33\xcc\x0f\xf0\x99\x66",
};
#define CROSS_SALT(i) ((const uint8_t *)cross_salt_bytes[i])
#define CROSS_SALT_COUNT (sizeof cross_salt_bytes / sizeof cross_salt_bytes[0])

/* Passwords libxcrypt's $2a$ hashes exactly as Crypt::Eksblowfish does. */
static const char *const cross_passwords[] = {
    "",
    "test",
    "Secret123",
    "U*U",
    "\xa3",                              /* 8-bit, Latin-1 pound sign */
    "p\xc3\xa4ssw\xc3\xb6rd",            /* UTF-8 bytes */
    "\x80\x81\xfe\x7f",
    "0123456789abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",             /* 72 bytes */
    "0123456789abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars_beyond", /* 84 bytes */
    "0123456789abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345678",              /* 71 + NUL */
};

START_TEST(bcrypt_matches_libxcrypt_2a_for_costs_4_to_6)
{
    struct crypt_data *data = calloc(1, sizeof *data);
    char ours[BCRYPT_HASH_LEN + 1];

    ck_assert_ptr_nonnull(data);
    for (unsigned cost = 4; cost <= 6; cost++) {
        for (size_t s = 0; s < CROSS_SALT_COUNT; s++) {
            for (size_t p = 0;
                 p < sizeof cross_passwords / sizeof cross_passwords[0]; p++) {
                const char *pw = cross_passwords[p];
                char *theirs = crypt_with_libxcrypt(pw, "2a", cost,
                                                    CROSS_SALT(s), data);

                ck_assert_ptr_nonnull(theirs);
                ck_assert_int_eq(bcrypt_hash(pw, strlen(pw), cost,
                                             CROSS_SALT(s), ours), 0);
                ck_assert_msg(strcmp(ours, theirs) == 0,
                              "cost %u salt %zu password %zu: %s != %s",
                              cost, s, p, ours, theirs);
            }
        }
    }
    free(data);
}
END_TEST

/*
 * For a key whose sign-extension-bugged and correct forms coincide, like
 * 72 bytes of 0xff, libxcrypt's $2a$ deliberately deviates (its "safety"
 * countermeasure).  Crypt::Eksblowfish has no such tweak, so nonagentd
 * must agree with libxcrypt's $2b$ (the plain algorithm) instead.
 */
START_TEST(all_ff_password_follows_plain_algorithm_not_libxcrypt_2a_tweak)
{
    struct crypt_data *data = calloc(1, sizeof *data);
    const uint8_t *salt = CROSS_SALT(0);
    char password[73];
    char ours[BCRYPT_HASH_LEN + 1];

    ck_assert_ptr_nonnull(data);
    memset(password, 0xff, 72);
    password[72] = '\0';
    ck_assert_int_eq(bcrypt_hash(password, 72, 4, salt, ours), 0);

    char *plain = crypt_with_libxcrypt(password, "2b", 4, salt, data);
    ck_assert_ptr_nonnull(plain);
    ck_assert_str_eq(ours + TAIL_OFFSET, plain + TAIL_OFFSET);

    char *tweaked = crypt_with_libxcrypt(password, "2a", 4, salt, data);
    ck_assert_ptr_nonnull(tweaked);
    ck_assert_str_ne(ours + TAIL_OFFSET, tweaked + TAIL_OFFSET);
    free(data);
}
END_TEST

/* $2a$: the key is password + NUL cut at 72 bytes, so byte 73 on is
 * ignored while a 71-byte password still gets its NUL as byte 72. */
START_TEST(key_is_cut_at_72_bytes_including_the_nul)
{
    const char *p72 = cross_passwords[7];
    const char *p84 = cross_passwords[8];
    const char *p71 = cross_passwords[9];
    const uint8_t *salt = CROSS_SALT(1);
    char h71[BCRYPT_HASH_LEN + 1], h72[BCRYPT_HASH_LEN + 1];
    char h84[BCRYPT_HASH_LEN + 1];

    ck_assert_uint_eq(strlen(p72), 72);
    ck_assert_uint_eq(strlen(p84), 84);
    ck_assert_uint_eq(strlen(p71), 71);
    ck_assert_int_eq(bcrypt_hash(p71, 71, 2, salt, h71), 0);
    ck_assert_int_eq(bcrypt_hash(p72, 72, 2, salt, h72), 0);
    ck_assert_int_eq(bcrypt_hash(p84, 84, 2, salt, h84), 0);
    ck_assert_str_eq(h72, h84);
    ck_assert_str_ne(h71, h72);
}
END_TEST

static void check_bad_pass_key(const char *pass_key)
{
    char out[VICIDIAL_HASH_LEN + 1];

    ck_assert_int_eq(vicidial_pass_hash("test", pass_key, 2, out), -1);
}

START_TEST(vicidial_hash_rejects_15_byte_pass_key)
{
    check_bad_pass_key("abcdefghijklmno");
}
END_TEST

START_TEST(vicidial_hash_rejects_17_byte_pass_key)
{
    check_bad_pass_key("abcdefghijklmnopq");
}
END_TEST

START_TEST(vicidial_hash_rejects_empty_pass_key)
{
    check_bad_pass_key("");
}
END_TEST

START_TEST(cost_32_is_rejected)
{
    char full[BCRYPT_HASH_LEN + 1];
    char tail[VICIDIAL_HASH_LEN + 1];

    ck_assert_int_eq(bcrypt_hash("test", 4, 32,
                                 (const uint8_t *)"abcdefghijklmnop", full), -1);
    ck_assert_int_eq(vicidial_pass_hash("test", "abcdefghijklmnop", 32, tail),
                     -1);
}
END_TEST

/* Crypt::Eksblowfish accepts any cost, so cost 0 (one round) and 1 must
 * still give a well-formed, distinct 60-character hash. */
START_TEST(cost_0_and_1_produce_60_char_hashes)
{
    const uint8_t *salt = (const uint8_t *)"abcdefghijklmnop";
    char h0[BCRYPT_HASH_LEN + 1], h1[BCRYPT_HASH_LEN + 1];
    char h2[BCRYPT_HASH_LEN + 1];

    ck_assert_int_eq(bcrypt_hash("test", 4, 0, salt, h0), 0);
    ck_assert_int_eq(bcrypt_hash("test", 4, 1, salt, h1), 0);
    ck_assert_int_eq(bcrypt_hash("test", 4, 2, salt, h2), 0);
    ck_assert_uint_eq(strlen(h0), BCRYPT_HASH_LEN);
    ck_assert_uint_eq(strlen(h1), BCRYPT_HASH_LEN);
    ck_assert(strncmp(h0, "$2a$00$WUHhXETkX0fnYkrqZU3ta.", TAIL_OFFSET) == 0);
    ck_assert(strncmp(h1, "$2a$01$WUHhXETkX0fnYkrqZU3ta.", TAIL_OFFSET) == 0);
    ck_assert_str_ne(h0 + TAIL_OFFSET, h1 + TAIL_OFFSET);
    ck_assert_str_ne(h1 + TAIL_OFFSET, h2 + TAIL_OFFSET);
}
END_TEST

static Suite *make_bcrypt_suite(void)
{
    Suite *suite = suite_create("bcrypt");
    TCase *vectors = tcase_create("eksblowfish_vectors");
    TCase *encoding = tcase_create("base64");
    TCase *cross = tcase_create("libxcrypt_cross_check");
    TCase *edges = tcase_create("edges");

    tcase_add_test(vectors, vicidial_hash_cost2_matches_eksblowfish_vector);
    tcase_add_test(vectors, vicidial_hash_cost3_matches_eksblowfish_vector);
    tcase_add_test(vectors, vicidial_hash_cost4_matches_eksblowfish_vector);
    tcase_add_test(vectors, vicidial_hash_cost10_matches_eksblowfish_vector);
    tcase_add_test(vectors,
                   vicidial_hash_second_key_cost10_matches_eksblowfish_vector);
    tcase_add_test(vectors, bcrypt_hash_full_string_is_setting_then_stored_tail);
    suite_add_tcase(suite, vectors);

    tcase_add_test(encoding, salt_base64_of_pass_key_matches_bp_pl_salt22);
    tcase_add_test(encoding,
                   base64_partial_groups_use_bcrypt_alphabet_without_padding);
    suite_add_tcase(suite, encoding);

    /* Sanitizer builds are several times slower; leave headroom. */
    tcase_set_timeout(cross, 60);
    tcase_add_test(cross, bcrypt_matches_libxcrypt_2a_for_costs_4_to_6);
    tcase_add_test(cross,
                   all_ff_password_follows_plain_algorithm_not_libxcrypt_2a_tweak);
    suite_add_tcase(suite, cross);

    tcase_add_test(edges, key_is_cut_at_72_bytes_including_the_nul);
    tcase_add_test(edges, vicidial_hash_rejects_15_byte_pass_key);
    tcase_add_test(edges, vicidial_hash_rejects_17_byte_pass_key);
    tcase_add_test(edges, vicidial_hash_rejects_empty_pass_key);
    tcase_add_test(edges, cost_32_is_rejected);
    tcase_add_test(edges, cost_0_and_1_produce_60_char_hashes);
    suite_add_tcase(suite, edges);
    return suite;
}

int main(void)
{
    return test_run_suite(make_bcrypt_suite()) ? EXIT_FAILURE : EXIT_SUCCESS;
}
